/** Public types of the local AppSync runtime: its options, requests, responses and events. */
import type { AuthMode, GraphqlApiDefinition } from './apiDefinition.js';
import type { UsageMeter } from './metering/usageMeter.js';

export interface AppSyncRuntimeOptions {
  /** The API to serve: schema, data sources, functions, resolvers, auth. */
  readonly api: GraphqlApiDefinition;
  readonly clock?: () => number;
  /** Time limit of one handler call (default 1,000 ms). */
  readonly timeoutMs?: number;
  /** Time limit of one whole request (AppSync: 30 s). */
  readonly requestTimeoutMs?: number;
  /** Largest response body, in bytes, before it is replaced by a limit error (default 1 MB). */
  readonly maxResponseBytes?: number;
  /** Counts the requests AppSync would bill (metering/usageMeter.ts); share it with the real-time server. */
  readonly meter?: UsageMeter;
  /** Receives what resolver code logged with console.* (CloudWatch on AppSync). */
  readonly onResolverLog?: (entry: {
    resolverId: string;
    path: ReadonlyArray<string | number>;
    lines: readonly string[];
  }) => void;
}

/** One error of a GraphQL response, in AppSync's shape. */
export interface AppSyncError {
  path?: ReadonlyArray<string | number> | null;
  data?: unknown;
  errorType?: string | null;
  errorInfo?: unknown;
  locations?: Array<{ line: number; column: number; sourceName: null }> | null;
  message: string;
}

export interface AppSyncResponse {
  data?: Record<string, unknown> | null;
  errors?: AppSyncError[];
}

/** An HTTP-level refusal (authentication) as AppSync answers it. */
export interface AuthFailure {
  readonly ok: false;
  readonly statusCode: number;
  readonly body: { errors: Array<{ errorType: string; message: string }> };
}

export interface IamIdentity {
  accountId: string;
  cognitoIdentityPoolId: null;
  cognitoIdentityId: null;
  sourceIp: string[];
  username: string;
  userArn: string;
  cognitoIdentityAuthType: null;
  cognitoIdentityAuthProvider: null;
}

/** ctx.identity of a user-pool caller [DOC context reference]. */
export interface CognitoIdentity {
  sub: string;
  issuer: string;
  /** `cognito:username` (ID token) or `username` (access token). */
  username: string;
  /** Every claim of the token. */
  claims: Record<string, unknown>;
  sourceIp: string[];
  defaultAuthStrategy: 'ALLOW' | 'DENY';
  /** `cognito:groups`, or null when the token lists none. */
  groups: string[] | null;
}

/** ctx.identity: null for API key, the IAM or user-pool shape otherwise. */
export type Identity = IamIdentity | CognitoIdentity;

export interface AuthSuccess {
  readonly ok: true;
  readonly mode: AuthMode;
  readonly identity: Identity | null;
}

export type AuthResult = AuthSuccess | AuthFailure;

export interface ExecuteRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown> | null;
  readonly operationName?: string | null;
  /** Request headers (names in any case; values string or string[]). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The exact request body, needed to verify a SigV4 signature (defaults to JSON of query/variables/operationName). */
  readonly rawBody?: string;
  /** Request path (SigV4 canonical URI). Default /graphql. */
  readonly path?: string;
  readonly sourceIp?: string;
}

/** What a mutation recorded for the real-time server. */
export interface MutationEvent {
  readonly fieldName: string;
  readonly parentTypeName: 'Mutation';
  /** The response key of the field (alias or name). */
  readonly responseKey: string;
  readonly args: Record<string, unknown>;
  /** The field's completed value, shaped by the mutation's selection set (as in the response). */
  readonly data: unknown;
  readonly extensions: {
    readonly invalidations: ReadonlyArray<{ subscriptionField: string; payload: unknown }>;
  };
  readonly identity: Identity | null;
  readonly authMode: AuthMode;
}

export interface SubscriptionResolverResult {
  readonly filter: unknown;
  readonly invalidationFilter: unknown;
  readonly error: { message: string; errorType: string | null } | null;
}

export interface AppSyncRuntime {
  execute(request: ExecuteRequest): Promise<{ statusCode: number; body: AppSyncResponse | AuthFailure['body'] }>;
  onMutation(listener: (event: MutationEvent) => void): () => void;
  runSubscriptionResolver(
    fieldName: string,
    args: Record<string, unknown>,
    identity: Identity | null,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): Promise<SubscriptionResolverResult>;
  authorize(
    headers: Readonly<Record<string, string | string[] | undefined>>,
    body?: string,
    options?: { path?: string; method?: string; sourceIp?: string },
  ): Promise<AuthResult>;
  /** Auth modes allowed on a field (field directives, else type directives, else the default mode). */
  allowedModes(typeName: string, fieldName: string): readonly AuthMode[];
  /** Whether a caller may read a field: its mode and, for `cognito_groups`, its groups. */
  admits(typeName: string, fieldName: string, mode: AuthMode, identity: Identity | null): boolean;
  readonly schema: import('graphql').GraphQLSchema;
}
