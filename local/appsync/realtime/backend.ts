/**
 * The port between the real-time core and the GraphQL runtime: what the
 * WebSocket server needs from "the rest of AppSync". The local AppSync runtime
 * is adapted to it by `runtimeBackend.ts`; tests may build one from graphql-js.
 */
import type { GraphQLSchema } from 'graphql';
import type { AppSyncErrorEntry, AuthHeaders } from './messages.js';

/** AppSync's auth modes the local stack supports. */
export type AuthMode = 'API_KEY' | 'AWS_IAM' | 'AMAZON_COGNITO_USER_POOLS';

/** The caller, as the runtime populates `ctx.identity` (null for API keys). */
export interface RealtimeIdentity {
  authMode: AuthMode;
  /** `ctx.identity` handed to subscription resolvers. */
  identity: unknown;
}

/** What to authorize: a header object and the request it signs. */
export interface AuthRequest {
  headers: AuthHeaders;
  /** Path the IAM signature covers: `/graphql/connect` (handshake) or `/graphql` (start). */
  path: string;
  /** Body the IAM signature covers: `{}` (handshake) or the start's `data` string. */
  body: string;
}

/** Outcome of `authorize`: the identity, or AppSync's error. */
export type AuthResult = { ok: true; identity: RealtimeIdentity } | { ok: false; error: AppSyncErrorEntry };

/** What a subscription resolver produced when the client subscribed. */
export interface SubscriptionResolverResult {
  /** `extensions.setSubscriptionFilter(…)` as the resolver passed it (validated by the core); replaces argument filtering. */
  filter?: unknown;
  /** `extensions.setSubscriptionInvalidationFilter(…)`, unvalidated. */
  invalidationFilter?: unknown;
  /** A resolver error (`util.error`, `util.unauthorized`): the start is refused with it. */
  error?: AppSyncErrorEntry | undefined;
}

/** One `extensions.invalidateSubscriptions({subscriptionField, payload})` call. */
export interface InvalidationRequest {
  subscriptionField: string;
  payload: Record<string, unknown>;
}

/** A successful mutation field, as published to subscribers. */
export interface MutationEvent {
  /** Name of the mutation field (e.g. `publish`). */
  fieldName: string;
  /** Always `Mutation` for AppSync. */
  parentTypeName: string;
  /** The field's completed value, shaped by the mutation's own selection set. */
  data: unknown;
  /** Invalidation requests the mutation's resolver recorded. */
  invalidations: InvalidationRequest[];
}

/** The runtime as the real-time server sees it. */
export interface RealtimeBackend {
  /** The API's schema (with AppSync's directives, `@aws_subscribe` included). */
  schema: GraphQLSchema;
  /** The auth mode of fields and types without auth directives. */
  defaultAuthMode: AuthMode;
  /**
   * Auth modes allowed on a field; when absent the core reads the schema's
   * auth directives itself (field, else type, else `defaultAuthMode`).
   */
  allowedModes?(typeName: string, fieldName: string): readonly AuthMode[];
  /**
   * Whether this caller may subscribe to a field, when more than its mode
   * decides (`@aws_cognito_user_pools(cognito_groups: …)`); else `allowedModes` decides.
   */
  admits?(typeName: string, fieldName: string, identity: RealtimeIdentity): boolean;
  /** Verifies a header object (API key or SigV4) as the HTTP endpoint would. */
  authorize(request: AuthRequest): Promise<AuthResult>;
  /** Runs the subscription field's resolver, if it has one, when a client subscribes. */
  runSubscriptionResolver(
    fieldName: string,
    args: Record<string, unknown>,
    identity: RealtimeIdentity,
    headers: AuthHeaders,
  ): Promise<SubscriptionResolverResult>;
  /** Registers a listener called after each successful mutation field; returns an unsubscribe. */
  onMutation(listener: (event: MutationEvent) => void): () => void;
}
