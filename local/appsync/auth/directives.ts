/**
 * Which auth modes may read a field: the field's auth directives if it has
 * any, else its type's, else the API's default mode (AppSync multi-auth, as
 * the Amplify simulator and AWS docs describe it [DOC security-authz; 3P]).
 */
import type { GraphQLField, GraphQLNamedType, GraphQLSchema } from 'graphql';
import type { AuthMode } from '../apiDefinition.js';

const DIRECTIVE_MODES: Record<string, AuthMode> = { aws_api_key: 'API_KEY', aws_iam: 'AWS_IAM' };

// Directives of other modes (Cognito, OIDC, Lambda) name modes this API does not have:
// they still count as "the field has directives", so the default mode no longer applies.
const AUTH_DIRECTIVES = new Set([
  'aws_api_key',
  'aws_iam',
  'aws_oidc',
  'aws_lambda',
  'aws_cognito_user_pools',
  'aws_auth',
]);

function modesOf(
  node: { directives?: ReadonlyArray<{ name: { value: string } }> } | null | undefined,
): AuthMode[] | null {
  const names = (node?.directives ?? []).map((d) => d.name.value).filter((n) => AUTH_DIRECTIVES.has(n));
  if (names.length === 0) return null;
  return names.flatMap((n) => (DIRECTIVE_MODES[n] ? [DIRECTIVE_MODES[n]] : []));
}

function typeModes(type: GraphQLNamedType): AuthMode[] | null {
  let modes = modesOf(type.astNode);
  for (const ext of type.extensionASTNodes ?? []) {
    const more = modesOf(ext);
    if (more) modes = [...(modes ?? []), ...more];
  }
  return modes;
}

/** Builds a lookup of allowed modes for every field of every object type. */
export function authRules(
  schema: GraphQLSchema,
  defaultMode: AuthMode,
): (typeName: string, fieldName: string) => readonly AuthMode[] {
  const cache = new Map<string, readonly AuthMode[]>();
  return (typeName, fieldName) => {
    const key = `${typeName}.${fieldName}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const type = schema.getType(typeName);
    let modes: readonly AuthMode[] = [defaultMode];
    if (type && 'getFields' in type) {
      const field = (type.getFields() as Record<string, GraphQLField<unknown, unknown>>)[fieldName];
      modes = modesOf(field?.astNode) ?? typeModes(type) ?? [defaultMode];
    }
    cache.set(key, modes);
    return modes;
  };
}
