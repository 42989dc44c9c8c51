/**
 * The local AppSync runtime: graphql-js parses, validates and executes against
 * the schema; every field with a resolver runs its APPSYNC_JS code (unit or
 * pipeline) in the sandbox; every field is checked against the auth directives.
 */
import {
  GraphQLError,
  GraphQLObjectType,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  parse,
  responsePathAsArray,
  specifiedRules,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AuthMode } from './apiDefinition.js';
import { createSandbox } from './runtime/sandbox.js';
import { createInvocation, type AuthTypeName, type ExtensionsRecord } from './runtime/invocation.js';
import { runResolver, type ContextParts } from './execution/runResolver.js';
import { loadResolvers } from './execution/loadResolvers.js';
import { buildAppSyncSchema } from './execution/buildAppSyncSchema.js';
import { selectionSetGraphQL, selectionSetList } from './execution/selectionSet.js';
import { filterErrorData } from './execution/filterErrorData.js';
import { executeInSlices } from './execution/executeInSlices.js';
import { validateInTurns } from './execution/validateInTurns.js';
import { createDocumentCache } from './execution/documentCache.js';
import {
  MAX_DOCUMENT_NESTING,
  MAX_DOCUMENT_TOKENS,
  lineColumnAt,
  nestingOverflowAt,
} from './execution/documentNesting.js';
import {
  fieldDepth,
  queryDepthExceeded,
  queryLimitsOf,
  resolverCountExceeded,
  responseTooLarge,
} from './execution/queryLimits.js';
import { AppSyncFieldError, formatExecutionError, formatRequestError, locationsOf } from './execution/errorShape.js';
import { authorizeRequest, normalizeHeaders, type HeaderBag } from './auth/authorize.js';
import { admits, authRules } from './auth/directives.js';
import { iamAllowsField } from './auth/iamFieldAccess.js';
import { userPoolVerifier } from './auth/userPoolToken.js';
import { createDataSources } from './datasources/createDataSources.js';
import type {
  AppSyncError,
  AppSyncResponse,
  AppSyncRuntime,
  AppSyncRuntimeOptions,
  ExecuteRequest,
  Identity,
  MutationEvent,
  SubscriptionResolverResult,
} from './types.js';
import { isRecord } from '../../lib/isRecord.js';
import { INVALID_OPERATION_KEY, operationKey } from './metering/meterKeys.js';

const DEFAULT_HANDLER_TIMEOUT_MS = 1_000;
// "Request execution time: 30 seconds" (AppSync quotas).
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * AppSync does not document a response size limit; third parties quote 1 MB.
 * Our own largest answers (a 1,000-rider board, a full introspection) are a
 * few hundred KB.
 */
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Per-request state shared by the field resolvers (graphql-js contextValue). */
interface RequestState {
  readonly mode: AuthMode;
  readonly identity: Identity | null;
  readonly headers: Record<string, string | string[]>;
  readonly variables: Record<string, unknown>;
  readonly extraErrors: AppSyncError[];
  readonly rootExtensions: Map<string, ExtensionsRecord>;
  readonly rootArgs: Map<string, Record<string, unknown>>;
  /** Resolvers run so far (AppSync's resolver count limit). */
  resolversRun: number;
  /** Whether the caller may read each nested field, decided once per request (lists repeat their fields). */
  readonly nestedAccess: Map<GraphQLField<unknown, RequestState>, boolean>;
}

const AUTH_TYPE: Record<AuthMode, AuthTypeName> = {
  API_KEY: 'API Key Authorization',
  AWS_IAM: 'IAM Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
};

/** The mode an identity was authenticated with (ctx.identity's shape tells them apart). */
function modeOf(identity: Identity | null): AuthMode {
  if (identity === null) return 'API_KEY';
  return 'userArn' in identity ? 'AWS_IAM' : 'AMAZON_COGNITO_USER_POOLS';
}

function groupsOf(identity: Identity | null): readonly string[] | null {
  return identity !== null && 'groups' in identity ? identity.groups : null;
}

/** ctx.request.headers: lower-case names; the cookie header is not exposed [DOC context reference]. */
function contextHeaders(headers: HeaderBag): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (v === undefined || name === 'cookie') continue;
    out[name] = Array.isArray(v) ? [...v] : String(v);
  }
  return out;
}

function fragmentsOf(doc: DocumentNode): Record<string, FragmentDefinitionNode> {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
  return out;
}

/** Root fields of an operation as [responseKey, fieldName] (fragments expanded). */
function rootFields(
  set: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  out: Array<[string, string, ReadonlyArray<unknown>]> = [],
): Array<[string, string, ReadonlyArray<unknown>]> {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) out.push([sel.alias?.value ?? sel.name.value, sel.name.value, sel.arguments ?? []]);
    else if (sel.kind === Kind.INLINE_FRAGMENT) rootFields(sel.selectionSet, fragments, out);
    else {
      const f = fragments[sel.name.value];
      if (f) rootFields(f.selectionSet, fragments, out);
    }
  }
  return out;
}

/**
 * Creates the runtime for an API definition. Code is loaded (and checked) now:
 * a bad bundle or a resolver on an unknown data source fails here, as a deploy would.
 */
export function createAppSyncRuntime(options: AppSyncRuntimeOptions): AppSyncRuntime {
  const { api } = options;
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const limits = queryLimitsOf(api);
  const validationRules = limits.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const env = { ...(api.environmentVariables ?? {}) };
  const schema = buildAppSyncSchema(api.schema);
  const rulesOf = authRules(schema, api.auth.defaultMode ?? 'API_KEY');
  const allowedModes = (typeName: string, fieldName: string): readonly AuthMode[] =>
    rulesOf(typeName, fieldName).map((r) => r.mode);
  const rootTypes = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => (t ? [t.name] : [])),
  );
  const iamPrincipals = new Map(api.auth.iam.map((p) => [p.accessKeyId, p]));
  /** An IAM caller's policy on a root field (the caller's key is `identity.username`). */
  const policyAdmits = (typeName: string, fieldName: string, identity: Identity | null): boolean => {
    if (!rootTypes.has(typeName) || identity === null || !('userArn' in identity)) return true;
    return iamAllowsField(
      iamPrincipals.get(identity.username),
      { region: api.auth.region ?? 'us-east-1', accountId: identity.accountId, apiId: api.apiId ?? 'local' },
      typeName,
      fieldName,
    );
  };
  const fieldAdmits = (typeName: string, fieldName: string, mode: AuthMode, identity: Identity | null): boolean =>
    admits(rulesOf(typeName, fieldName), { mode, groups: groupsOf(identity) }) &&
    (mode !== 'AWS_IAM' || policyAdmits(typeName, fieldName, identity));
  const userPool = api.auth.userPool ? userPoolVerifier(api.auth.userPool) : undefined;
  const sandbox = createSandbox();
  const resolvers = loadResolvers(
    { resolvers: api.resolvers, functions: api.functions ?? [], dataSources: createDataSources(api.dataSources) },
    sandbox,
    timeoutMs,
  );
  const listeners = new Set<(e: MutationEvent) => void>();
  const documents = createDocumentCache();
  const parsing = new Map<string, Promise<DocumentNode | AppSyncResponse>>();

  function contextParts(
    source: unknown,
    args: Record<string, unknown>,
    state: RequestState,
    info: GraphQLResolveInfo,
  ): ContextParts {
    return {
      args,
      identity: state.identity,
      source: source ?? null,
      info: {
        fieldName: info.fieldName,
        parentTypeName: info.parentType.name,
        variables: state.variables,
        selectionSetList: () => selectionSetList(info.fieldNodes, info.fragments),
        selectionSetGraphQL: () => selectionSetGraphQL(info.fieldNodes),
      },
      request: { headers: state.headers, domainName: null },
      env,
    };
  }

  function checkDepth(info: GraphQLResolveInfo): void {
    if (limits.queryDepth !== Infinity && fieldDepth(info.path) > limits.queryDepth)
      throw queryDepthExceeded(limits.queryDepth);
  }

  function checkAuth(typeName: string, fieldName: string, state: RequestState): void {
    if (!fieldAdmits(typeName, fieldName, state.mode, state.identity)) {
      throw new AppSyncFieldError(`Not Authorized to access ${fieldName} on type ${typeName}`, 'Unauthorized');
    }
  }

  function checkNestedAuth(typeName: string, field: GraphQLField<unknown, RequestState>, state: RequestState): void {
    let admitted = state.nestedAccess.get(field);
    if (admitted === undefined) {
      admitted = fieldAdmits(typeName, field.name, state.mode, state.identity);
      state.nestedAccess.set(field, admitted);
    }
    if (!admitted)
      throw new AppSyncFieldError(`Not Authorized to access ${field.name} on type ${typeName}`, 'Unauthorized');
  }

  // Every field: auth check; fields with a resolver also run it.
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolver = resolvers.get(`${type.name}.${field.name}`);
      const typeName = type.name;
      if (!resolver) {
        // Root fields are decided each time: an IAM caller's policy is evaluated (and a denial reported) per field.
        const isRoot = rootTypes.has(typeName);
        const plain: GraphQLFieldResolver<unknown, RequestState> = (source, _args, state, info) => {
          checkDepth(info);
          if (isRoot) checkAuth(typeName, info.fieldName, state);
          else checkNestedAuth(typeName, field, state);
          return isRecord(source) ? source[info.fieldName] : undefined;
        };
        field.resolve = plain;
        continue;
      }
      const run: GraphQLFieldResolver<unknown, RequestState> = async (source, args, state, info) => {
        checkDepth(info);
        checkAuth(typeName, info.fieldName, state);
        state.resolversRun += 1;
        if (state.resolversRun > limits.resolverCount) throw resolverCountExceeded(limits.resolverCount);
        const invocation = createInvocation({ authType: AUTH_TYPE[state.mode], now: clock });
        const outcome = await runResolver(
          { sandbox, invocation, timeoutMs },
          resolver,
          contextParts(source, args, state, info),
        );
        const path = responsePathAsArray(info.path);
        if (options.onResolverLog && invocation.logs.length > 0)
          options.onResolverLog({ resolverId: resolver.id, path, lines: invocation.logs });
        for (const e of invocation.errors) {
          state.extraErrors.push({
            path,
            data: e.data,
            errorType: e.errorType,
            errorInfo: e.errorInfo,
            locations: locationsOf(info.fieldNodes.flatMap((n) => (n.loc ? [n.loc.startToken] : []))),
            message: e.message,
          });
        }
        if (info.path.prev === undefined) {
          state.rootExtensions.set(String(info.path.key), invocation.extensions);
          state.rootArgs.set(String(info.path.key), args);
        }
        if (!outcome.ok) {
          const e = outcome.error;
          const message = e.unauthorized ? `Not Authorized to access ${info.fieldName} on type ${typeName}` : e.message;
          throw new AppSyncFieldError(
            message,
            e.errorType,
            filterErrorData(e.data, info.fieldNodes, info.fragments),
            e.errorInfo,
          );
        }
        return outcome.value;
      };
      field.resolve = run;
    }
  }

  function authorize(
    headers: HeaderBag,
    body?: string,
    opts: { path?: string; method?: string; sourceIp?: string } = {},
  ) {
    return authorizeRequest(api.auth, headers, body ?? '', {
      ...opts,
      now: clock(),
      ...(userPool ? { userPool } : {}),
    });
  }

  /**
   * The document of `query` parsed and validated, or the response that
   * refuses it. Requests that arrive with one text together share one parse.
   */
  function validDocument(query: string): DocumentNode | Promise<DocumentNode | AppSyncResponse> {
    const cached = documents.get(query);
    if (cached) return cached;
    let pending = parsing.get(query);
    if (!pending) {
      pending = parseAndValidate(query).finally(() => parsing.delete(query));
      parsing.set(query, pending);
    }
    return pending;
  }

  async function parseAndValidate(query: string): Promise<DocumentNode | AppSyncResponse> {
    const overflow = nestingOverflowAt(query);
    if (overflow >= 0) {
      return {
        errors: [
          {
            path: null,
            errorType: 'InvalidSyntax',
            locations: [{ ...lineColumnAt(query, overflow), sourceName: null }],
            message: `Syntax Error: the document nests deeper than ${MAX_DOCUMENT_NESTING} levels.`,
          },
        ],
      };
    }
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS });
    } catch (err) {
      if (err instanceof GraphQLError) return { errors: [formatRequestError(err, 'InvalidSyntax')] };
      throw err;
    }
    const validationErrors = await validateInTurns(schema, document, validationRules, query.length);
    if (validationErrors.length > 0)
      return { data: null, errors: validationErrors.map((e) => formatRequestError(e, 'ValidationError')) };
    documents.set(query, document);
    return document;
  }

  /** `onOperation` hears the operation's meter key once the operation is known. */
  async function executeAuthorized(
    request: ExecuteRequest,
    mode: AuthMode,
    identity: Identity | null,
    onOperation: (key: string) => void,
  ): Promise<AppSyncResponse> {
    const valid = await validDocument(request.query);
    if (!('kind' in valid)) return valid;
    const document = valid;
    const operation: OperationDefinitionNode | null | undefined = getOperationAST(
      document,
      request.operationName ?? undefined,
    );
    if (!operation) {
      return {
        errors: [
          {
            path: null,
            errorType: 'ValidationError',
            locations: [],
            message: request.operationName
              ? `Unknown operation named "${request.operationName}".`
              : 'Must provide operation name if query contains multiple operations.',
          },
        ],
      };
    }
    const rootType = schema.getRootType(operation.operation);
    if (rootType)
      onOperation(
        operationKey(
          rootType.name,
          rootFields(operation.selectionSet, fragmentsOf(document)).map(([, fieldName]) => fieldName),
        ),
      );
    if (operation.operation === 'subscription') {
      return {
        errors: [
          {
            path: null,
            errorType: 'UnsupportedOperation',
            locations: locationsOf(operation.loc ? [operation.loc.startToken] : []),
            message: 'Subscriptions are served over the real-time WebSocket endpoint, not HTTP POST.',
          },
        ],
      };
    }
    const state: RequestState = {
      mode,
      identity,
      headers: contextHeaders(request.headers),
      variables: { ...(request.variables ?? {}) },
      extraErrors: [],
      rootExtensions: new Map(),
      rootArgs: new Map(),
      resolversRun: 0,
      nestedAccess: new Map(),
    };
    const result = await executeInSlices(
      {
        schema,
        document,
        contextValue: state,
        variableValues: request.variables ?? {},
        operationName: request.operationName ?? undefined,
      },
      operation,
      maxResponseBytes,
      {
        isPlain: (typeName, fieldName) =>
          !resolvers.has(`${typeName}.${fieldName}`) && fieldAdmits(typeName, fieldName, mode, identity),
        maxDepth: limits.queryDepth,
      },
    );
    const errors = [
      ...result.errors.map((e) => (e.path ? formatExecutionError(e) : formatRequestError(e, 'ValidationError'))),
      ...state.extraErrors,
    ];
    const response: AppSyncResponse = { data: result.data, ...(errors.length > 0 ? { errors } : {}) };
    if (operation.operation === 'mutation' && result.data)
      emitMutations(operation, document, result.data, result.errors, state);
    // A mutation that ran is published even when its answer is too large to send.
    if (result.tooLarge) return { data: null, errors: [responseTooLarge(maxResponseBytes)] };
    return response;
  }

  function emitMutations(
    operation: OperationDefinitionNode,
    document: DocumentNode,
    data: Record<string, unknown>,
    errors: readonly GraphQLError[],
    state: RequestState,
  ): void {
    const failed = new Set(errors.map((e) => String(e.path?.[0] ?? '')));
    const fragments = fragmentsOf(document);
    for (const [responseKey, fieldName] of rootFields(operation.selectionSet, fragments)) {
      const value = data[responseKey];
      if (value === null || value === undefined || failed.has(responseKey)) continue;
      const ext = state.rootExtensions.get(responseKey);
      const event: MutationEvent = {
        fieldName,
        parentTypeName: 'Mutation',
        responseKey,
        args: state.rootArgs.get(responseKey) ?? {},
        data: value,
        extensions: { invalidations: ext ? [...ext.invalidations] : [] },
        identity: state.identity,
        authMode: state.mode,
      };
      for (const l of listeners) {
        try {
          l(event);
        } catch (err) {
          // A listener failing (the real-time server) must not fail the mutation that already happened.
          console.error('appsync runtime: onMutation listener failed', err);
        }
      }
    }
  }

  async function execute(request: ExecuteRequest): Promise<{
    statusCode: number;
    body: AppSyncResponse | { errors: Array<{ errorType: string; message: string }> };
  }> {
    const body =
      request.rawBody ??
      JSON.stringify({
        query: request.query,
        variables: request.variables ?? undefined,
        operationName: request.operationName ?? undefined,
      });
    const auth = await authorize(request.headers, body, {
      path: request.path ?? '/graphql',
      method: 'POST',
      ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
    });
    if (!auth.ok) return { statusCode: auth.statusCode, body: auth.body };
    // Billed once authenticated, whatever the outcome; requests that never name an operation count as "(invalid)".
    let meterKey = INVALID_OPERATION_KEY;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<AppSyncResponse>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            data: null,
            errors: [{ path: null, errorType: 'ExecutionTimeout', locations: [], message: 'Execution timed out.' }],
          }),
        requestTimeoutMs,
      );
    });
    try {
      const response = await Promise.race([
        executeAuthorized(request, auth.mode, auth.identity, (key) => (meterKey = key)),
        timeout,
      ]);
      return { statusCode: 200, body: response };
    } finally {
      clearTimeout(timer);
      options.meter?.request(meterKey);
    }
  }

  async function runSubscriptionResolver(
    fieldName: string,
    args: Record<string, unknown>,
    identity: Identity | null,
    headers: HeaderBag,
  ): Promise<SubscriptionResolverResult> {
    const resolver = resolvers.get(`Subscription.${fieldName}`);
    if (!resolver) return { filter: null, invalidationFilter: null, error: null };
    const mode = modeOf(identity);
    const invocation = createInvocation({ authType: AUTH_TYPE[mode], now: clock });
    const parts: ContextParts = {
      args,
      identity,
      source: null,
      info: { fieldName, parentTypeName: 'Subscription', variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
      request: { headers: contextHeaders(headers), domainName: null },
      env,
    };
    const outcome = await runResolver({ sandbox, invocation, timeoutMs }, resolver, parts);
    const error = outcome.ok
      ? null
      : {
          message: outcome.error.unauthorized
            ? `Not Authorized to access ${fieldName} on type Subscription`
            : outcome.error.message,
          errorType: outcome.error.errorType,
        };
    return {
      filter: invocation.extensions.subscriptionFilter,
      invalidationFilter: invocation.extensions.invalidationFilter,
      error,
    };
  }

  return {
    schema,
    execute,
    authorize,
    allowedModes,
    admits: fieldAdmits,
    runSubscriptionResolver,
    onMutation(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

export { normalizeHeaders };
