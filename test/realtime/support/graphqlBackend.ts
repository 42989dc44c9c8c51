/**
 * A RealtimeBackend built from graphql-js directly (no APPSYNC_JS runtime):
 * mutations run with plain JS resolvers and publish their completed field
 * values exactly as the runtime's onMutation does. Auth: the API key below, or
 * SigV4 with the local credentials.
 */
import { buildSchema, execute, parse, validate, type GraphQLSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  AuthRequest,
  AuthResult,
  MutationEvent,
  RealtimeBackend,
  RealtimeIdentity,
  SubscriptionResolverResult,
  InvalidationRequest,
} from '../../../local/appsync/realtime/index.js';
import { verifyIamHeaders } from './iamVerifier.js';

export const TEST_API_KEY = 'da2-testkey0000000000000000';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** AppSync's directive and scalar declarations plus `sdl`. */
export function appSyncSchema(sdl: string): GraphQLSchema {
  return buildSchema(readFileSync(`${root}appsync.graphql`, 'utf8') + '\n' + sdl);
}

/** The project's schema (schema.graphql) with AppSync's declarations. */
export function projectSchema(): GraphQLSchema {
  return appSyncSchema(readFileSync(`${root}schema.graphql`, 'utf8'));
}

type MutationResolver = (args: Record<string, unknown>) => { value: unknown; invalidations?: InvalidationRequest[] };
type SubscriptionResolver = (
  args: Record<string, unknown>,
  identity: RealtimeIdentity,
  headers: Record<string, string>,
) => SubscriptionResolverResult;

/** A test backend plus a way to run operations against it. */
export interface GraphqlBackend extends RealtimeBackend {
  /** Runs a mutation (or query) document; a mutation publishes each successful root field. */
  mutate(
    query: string,
    variables?: Record<string, unknown>,
    operationName?: string,
  ): Promise<{ data?: unknown; errors?: readonly unknown[] }>;
}

/** Builds a backend over `schema` with the given mutation and subscription resolvers. */
export function createGraphqlBackend(
  schema: GraphQLSchema,
  mutations: Record<string, MutationResolver>,
  subscriptionResolvers: Record<string, SubscriptionResolver> = {},
  queries: Record<string, (args: Record<string, unknown>) => unknown> = {},
): GraphqlBackend {
  const listeners = new Set<(event: MutationEvent) => void>();
  return {
    schema,
    defaultAuthMode: 'API_KEY',
    async authorize(request: AuthRequest): Promise<AuthResult> {
      const apiKey = request.headers['x-api-key'];
      if (apiKey !== undefined) {
        return apiKey === TEST_API_KEY
          ? { ok: true, identity: { authMode: 'API_KEY', identity: null } }
          : {
              ok: false,
              error: { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' },
            };
      }
      if (await verifyIamHeaders(request.headers, request.path, request.body)) {
        return {
          ok: true,
          identity: { authMode: 'AWS_IAM', identity: { accountId: '000000000000', username: 'local' } },
        };
      }
      return {
        ok: false,
        error: { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' },
      };
    },
    async runSubscriptionResolver(fieldName, args, identity, headers) {
      return subscriptionResolvers[fieldName]?.(args, identity, headers) ?? {};
    },
    onMutation(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async mutate(query, variables = {}, operationName) {
      const invalidationsByField = new Map<string, InvalidationRequest[]>();
      const rootValue: Record<string, unknown> = { ...queries };
      for (const [name, resolve] of Object.entries(mutations)) {
        rootValue[name] = (args: Record<string, unknown>) => {
          const { value, invalidations = [] } = resolve(args);
          invalidationsByField.set(name, invalidations);
          return value;
        };
      }
      const document = parse(query);
      const invalid = validate(schema, document);
      if (invalid.length > 0) return { errors: invalid.map((e) => e.toJSON()) };
      const result = await execute({ schema, document, rootValue, variableValues: variables, operationName });
      const data = (result.data ?? {}) as Record<string, unknown>;
      // Publish per root field, as AppSync does after each successful mutation field.
      for (const definition of document.definitions) {
        if (definition.kind !== 'OperationDefinition' || definition.operation !== 'mutation') continue;
        for (const selection of definition.selectionSet.selections) {
          if (selection.kind !== 'Field') continue;
          const key = selection.alias?.value ?? selection.name.value;
          if (!(key in data)) continue;
          const event: MutationEvent = {
            fieldName: selection.name.value,
            parentTypeName: 'Mutation',
            data: data[key],
            invalidations: invalidationsByField.get(selection.name.value) ?? [],
          };
          for (const listener of listeners) listener(event);
        }
      }
      return { data: result.data, errors: result.errors };
    },
  };
}
