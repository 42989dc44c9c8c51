/**
 * Adapts the local AppSync runtime to the real-time server's backend port
 * (local/appsync/realtime/backend.ts): same schema, same auth checks as the
 * HTTP endpoint, subscription resolvers run by the runtime, and every
 * successful mutation forwarded for fan-out.
 */
import { isRecord } from '../../lib/isRecord.js';
import type { RealtimeBackend } from './realtime/index.js';
import type { AppSyncRuntime, Identity } from './types.js';

/** ctx.identity of an IAM or user-pool caller (the runtime made it; API-key callers have none). */
function isIdentity(v: unknown): v is Identity {
  return isRecord(v) && (typeof v['userArn'] === 'string' || typeof v['issuer'] === 'string');
}

export function realtimeBackendFor(runtime: AppSyncRuntime): RealtimeBackend {
  return {
    schema: runtime.schema,
    defaultAuthMode: 'API_KEY',
    allowedModes: (typeName, fieldName) => runtime.allowedModes(typeName, fieldName),
    admits: (typeName, fieldName, identity) =>
      runtime.admits(typeName, fieldName, identity.authMode, isIdentity(identity.identity) ? identity.identity : null),
    async authorize(request) {
      const result = await runtime.authorize(request.headers, request.body, { path: request.path, method: 'POST' });
      if (result.ok) return { ok: true, identity: { authMode: result.mode, identity: result.identity } };
      const first = result.body.errors[0];
      return {
        ok: false,
        error: {
          errorType: first?.errorType ?? 'UnauthorizedException',
          message: first?.message ?? 'Unauthorized',
          errorCode: result.statusCode,
        },
      };
    },
    async runSubscriptionResolver(fieldName, args, identity, headers) {
      const out = await runtime.runSubscriptionResolver(
        fieldName,
        args,
        isIdentity(identity.identity) ? identity.identity : null,
        headers,
      );
      return {
        ...(out.filter !== null && out.filter !== undefined ? { filter: out.filter } : {}),
        ...(out.invalidationFilter !== null && out.invalidationFilter !== undefined
          ? { invalidationFilter: out.invalidationFilter }
          : {}),
        error: out.error ? { errorType: out.error.errorType ?? 'Unknown', message: out.error.message } : undefined,
      };
    },
    onMutation(listener) {
      return runtime.onMutation((e) =>
        listener({
          fieldName: e.fieldName,
          parentTypeName: e.parentTypeName,
          data: e.data,
          invalidations: e.extensions.invalidations.map((i) => ({
            subscriptionField: i.subscriptionField,
            payload: typeof i.payload === 'object' && i.payload !== null ? (i.payload as Record<string, unknown>) : {},
          })),
        }),
      );
    },
  };
}
