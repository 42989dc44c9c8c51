/** AppSync's real-time WebSocket endpoint, local edition. */
export { attachRealtime, type RealtimeAttachment } from './attachRealtime.js';
export { createRealtimeServer, type RealtimeServer, type ConnectionHandle } from './realtimeServer.js';
export type {
  RealtimeBackend,
  AuthMode,
  AuthRequest,
  AuthResult,
  RealtimeIdentity,
  MutationEvent,
  InvalidationRequest,
  SubscriptionResolverResult,
} from './backend.js';
export { MessageType, type AppSyncErrorEntry, type AuthHeaders } from './messages.js';
export { CloseCode } from './errors.js';
export {
  parseSubscriptionFilter,
  filterMatches,
  type SubscriptionFilter,
  type FilterRule,
  type FilterOperator,
} from './filters.js';
export type { RealtimeOptions, RealtimeLogger } from './options.js';
export type { RealtimeSocket } from './socket.js';
