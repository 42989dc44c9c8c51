/**
 * The typed SDK as a browser holding the public API key uses it against a
 * stack: queries over HTTP, subscriptions over the real-time WebSocket.
 */
import WebSocket from 'ws';
import { createClient, type AlleycatClient } from '../../client/index.js';
import type { WebSocketConstructorLike } from '../../client/websocket.js';
import type { Endpoints } from '../../local/stack/endpointsFile.js';

export function stackClient(endpoints: Endpoints): AlleycatClient {
  return createClient({
    graphqlUrl: endpoints.graphqlUrl,
    realtimeUrl: endpoints.realtimeUrl,
    auth: { apiKey: endpoints.apiKey },
    WebSocket: WebSocket as unknown as WebSocketConstructorLike,
  });
}
