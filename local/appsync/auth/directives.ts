/**
 * Who may read a field: the field's auth directives if it has any, else its
 * type's, else the API's default mode (AppSync multi-auth, as the Amplify
 * simulator and AWS docs describe it [DOC security-authz; 3P]).
 * `@aws_cognito_user_pools(cognito_groups: [...])` admits only callers whose
 * token lists one of those groups in `cognito:groups`.
 */
import { Kind, type ConstDirectiveNode, type GraphQLField, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import type { AuthMode } from '../apiDefinition.js';

/** One mode a field admits; for user pools, optionally only some groups. */
export interface AuthRule {
  readonly mode: AuthMode;
  /** Present: the caller must belong to one of these groups. */
  readonly groups?: readonly string[];
}

/** The caller as the rules see it. */
export interface AuthCaller {
  readonly mode: AuthMode;
  /** `cognito:groups` of a user-pool caller. */
  readonly groups?: readonly string[] | null;
}

const DIRECTIVE_MODES: Record<string, AuthMode> = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
};

// Directives of other modes (OIDC, Lambda) name modes this runtime does not have:
// they still count as "the field has directives", so the default mode no longer applies.
const AUTH_DIRECTIVES = new Set([
  'aws_api_key',
  'aws_iam',
  'aws_oidc',
  'aws_lambda',
  'aws_cognito_user_pools',
  'aws_auth',
]);

function groupsOf(directive: ConstDirectiveNode): string[] | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === 'cognito_groups');
  if (!arg) return undefined;
  const values = arg.value.kind === Kind.LIST ? arg.value.values : [arg.value];
  return values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : []));
}

function rulesOf(node: { directives?: readonly ConstDirectiveNode[] } | null | undefined): AuthRule[] | null {
  const directives = (node?.directives ?? []).filter((d) => AUTH_DIRECTIVES.has(d.name.value));
  if (directives.length === 0) return null;
  return directives.flatMap((d) => {
    const mode = DIRECTIVE_MODES[d.name.value];
    if (!mode) return [];
    const groups = mode === 'AMAZON_COGNITO_USER_POOLS' ? groupsOf(d) : undefined;
    return [groups ? { mode, groups } : { mode }];
  });
}

function typeRules(type: GraphQLNamedType): AuthRule[] | null {
  let rules = rulesOf(type.astNode);
  for (const ext of type.extensionASTNodes ?? []) {
    const more = rulesOf(ext);
    if (more) rules = [...(rules ?? []), ...more];
  }
  return rules;
}

/** Builds a lookup of the rules of every field of every object type. */
export function authRules(
  schema: GraphQLSchema,
  defaultMode: AuthMode,
): (typeName: string, fieldName: string) => readonly AuthRule[] {
  const cache = new Map<string, readonly AuthRule[]>();
  return (typeName, fieldName) => {
    const key = `${typeName}.${fieldName}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const type = schema.getType(typeName);
    let rules: readonly AuthRule[] = [{ mode: defaultMode }];
    if (type && 'getFields' in type) {
      const field = (type.getFields() as Record<string, GraphQLField<unknown, unknown>>)[fieldName];
      rules = rulesOf(field?.astNode) ?? typeRules(type) ?? [{ mode: defaultMode }];
    }
    cache.set(key, rules);
    return rules;
  };
}

/** Whether one of the rules admits the caller. */
export function admits(rules: readonly AuthRule[], caller: AuthCaller): boolean {
  return rules.some(
    (rule) =>
      rule.mode === caller.mode && (rule.groups === undefined || rule.groups.some((g) => caller.groups?.includes(g))),
  );
}
