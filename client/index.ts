/** The Alleycat client SDK: typed documents (generated/operations.ts) plus a small AppSync transport. */
export {
  createClient,
  type AlleycatClient,
  type ClientOptions,
  type SubscriptionObserver,
  type SubscriptionIterator,
} from './createClient.js';
export type { ClientAuth, AwsCredentials } from './auth.js';
export type { ConnectionState } from './realtimeConnection.js';
export type { RawResult } from './http.js';
export { realtimeUrlFor } from './realtimeUrl.js';
export {
  followLiveBoard,
  type AroundMeNeighbour,
  type AroundMeView,
  type AroundMeStanding,
  type FollowOptions,
} from './followLiveBoard.js';
export {
  GraphQLResponseError,
  NetworkError,
  ConnectionRefusedError,
  SubscriptionError,
  type GraphQLErrorEntry,
} from './errors.js';
export type { WebSocketConstructorLike, WebSocketLike } from './websocket.js';
