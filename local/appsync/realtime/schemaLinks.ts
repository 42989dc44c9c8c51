/**
 * What the schema's AppSync directives say about subscriptions:
 * `@aws_subscribe(mutations: [...])` links mutation fields to subscription
 * fields, and `@aws_api_key` / `@aws_iam` / `@aws_cognito_user_pools` say which
 * auth modes may subscribe.
 */
import { Kind, type ConstDirectiveNode, type GraphQLSchema } from 'graphql';
import type { AuthMode } from './backend.js';

const MODE_DIRECTIVES: Record<string, AuthMode> = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
};
/** Directives naming auth modes the local stack does not run (present on a field, they still restrict it). */
const OTHER_MODE_DIRECTIVES = new Set(['aws_oidc', 'aws_lambda', 'aws_auth']);

/** The schema facts the real-time server needs, computed once. */
export interface SubscriptionLinks {
  /** Mutation field name → subscription field names it triggers. */
  subscriptionsByMutation: Map<string, string[]>;
  /** Auth modes allowed on a field of a type (field directives, else type directives, else the default mode). */
  allowedModes(typeName: string, fieldName: string): ReadonlySet<AuthMode>;
}

function modesOf(directives: readonly ConstDirectiveNode[] | undefined): Set<AuthMode> | undefined {
  if (!directives) return undefined;
  let seen = false;
  const modes = new Set<AuthMode>();
  for (const directive of directives) {
    const name = directive.name.value;
    const mode = MODE_DIRECTIVES[name];
    if (mode) {
      modes.add(mode);
      seen = true;
    } else if (OTHER_MODE_DIRECTIVES.has(name)) seen = true;
  }
  return seen ? modes : undefined;
}

function subscribedMutations(directives: readonly ConstDirectiveNode[] | undefined): string[] {
  const names: string[] = [];
  for (const directive of directives ?? []) {
    if (directive.name.value !== 'aws_subscribe') continue;
    for (const arg of directive.arguments ?? []) {
      if (arg.name.value !== 'mutations') continue;
      const list = arg.value.kind === Kind.LIST ? arg.value.values : [arg.value];
      for (const item of list) if (item.kind === Kind.STRING) names.push(item.value);
    }
  }
  return names;
}

/**
 * Reads `@aws_subscribe` and the auth directives of the Subscription type.
 * A field's own auth directives win over its type's; with neither, the API's
 * default mode applies (AppSync's authorization rules for multiple auth modes).
 */
export function readSubscriptionLinks(schema: GraphQLSchema, defaultMode: AuthMode): SubscriptionLinks {
  const subscriptionsByMutation = new Map<string, string[]>();
  const subscriptionType = schema.getSubscriptionType();
  for (const field of Object.values(subscriptionType?.getFields() ?? {})) {
    for (const mutation of subscribedMutations(field.astNode?.directives)) {
      const list = subscriptionsByMutation.get(mutation) ?? [];
      list.push(field.name);
      subscriptionsByMutation.set(mutation, list);
    }
  }
  const cache = new Map<string, ReadonlySet<AuthMode>>();
  const fallback: ReadonlySet<AuthMode> = new Set([defaultMode]);
  function allowedModes(typeName: string, fieldName: string): ReadonlySet<AuthMode> {
    const key = `${typeName}.${fieldName}`;
    let modes = cache.get(key);
    if (!modes) {
      const type = schema.getType(typeName);
      const fieldNode =
        type && 'getFields' in type
          ? (type.getFields() as Record<string, { astNode?: { directives?: readonly ConstDirectiveNode[] } | null }>)[
              fieldName
            ]?.astNode
          : undefined;
      const typeNode = type?.astNode as { directives?: readonly ConstDirectiveNode[] } | null | undefined;
      modes = modesOf(fieldNode?.directives) ?? modesOf(typeNode?.directives) ?? fallback;
      cache.set(key, modes);
    }
    return modes;
  }
  return { subscriptionsByMutation, allowedModes };
}
