/**
 * Public API of the local AppSync runtime. It serves any API handed to it as a
 * `GraphqlApiDefinition` (apiDefinition.ts) and imports nothing of the app.
 *
 * - `createAppSyncRuntime({ api, … })` → `{ execute, onMutation, runSubscriptionResolver, authorize, allowedModes, schema }`
 * - `createGraphqlHandler(runtime)` / `startGraphqlServer({port, host, runtime})` — POST /graphql
 * - `evaluateCode(code, contextJson, fn)` — the EvaluateCode twin
 * - `authorizeRequest`, `verifySigV4` — auth checks the real-time server reuses
 * - `realtimeBackendFor(runtime)` — the runtime as the real-time server's backend
 * - `createUsageMeter()` — counts what AppSync would bill; hand the same meter to the
 *   runtime (`meter` option) and to the real-time server (`meter` option), read `usage()`
 */
export { createAppSyncRuntime } from './createAppSyncRuntime.js';
export { createGraphqlHandler, startGraphqlServer, MAX_BODY_BYTES, type GraphqlServer } from './http.js';
export {
  evaluateCode,
  APPSYNC_JS_RUNTIME,
  type EvaluateRuntime,
  type EvaluateCodeResult,
  type HandlerName,
} from './runtime/evaluateCode.js';
export { authorizeRequest, normalizeHeaders, expiryMillis, type HeaderBag } from './auth/authorize.js';
export { verifySigV4, type SigV4Result, type SignedRequest } from './auth/sigv4Verify.js';
export {
  toSubscriptionFilter,
  type SubscriptionFilter,
  type SubscriptionFilterRule,
} from './util/subscriptionFilter.js';
export { realtimeBackendFor } from './realtimeBackend.js';
export { WAF_FORBIDDEN_BODY, WAF_FORBIDDEN_STATUS, type WebAcl } from './webAcl.js';
export {
  createUsageMeter,
  meteredUnits,
  METERED_MESSAGE_BYTES,
  OTHER_KEY,
  type Usage,
  type UsageMeter,
  type UsageMeterOptions,
  type OperationUsage,
  type SubscriptionUsage,
  type SubscriptionMeter,
} from './metering/usageMeter.js';
export { operationKey, subscriptionKey, INVALID_OPERATION_KEY } from './metering/meterKeys.js';
export { ResolverLoadError, RuntimeConfigError } from './errors.js';
export type * from './types.js';
export type * from './apiDefinition.js';
