/**
 * Reads the auth header object of a WebSocket handshake, in the three ways
 * AppSync accepts ("Handshake details to establish the WebSocket connection"):
 * the `header` query parameter (base64 JSON, with `payload=e30=`), a
 * `header-<base64url JSON>` subprotocol next to `graphql-ws`, or plain HTTP
 * headers on the upgrade request.
 */
import { toAuthHeaders, type AuthHeaders } from './messages.js';

/** The parts of an upgrade request the reader needs. */
export interface HandshakeRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The subprotocol every AppSync client offers. */
export const GRAPHQL_WS = 'graphql-ws';

/** Subprotocols offered in `Sec-WebSocket-Protocol`. */
export function offeredProtocols(headers: HandshakeRequest['headers']): string[] {
  const raw = headers['sec-websocket-protocol'];
  const joined = Array.isArray(raw) ? raw.join(',') : raw ?? '';
  return joined
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function decodeJsonBase64(encoded: string): AuthHeaders | undefined {
  // Accept both alphabets: clients send standard base64 in the query and base64url in the subprotocol.
  const normalized = encoded.replace(/-/g, '+').replace(/_/g, '/');
  const text = Buffer.from(normalized, 'base64').toString('utf8');
  try {
    return toAuthHeaders(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

const PLAIN_AUTH_HEADERS = ['x-api-key', 'authorization', 'x-amz-date', 'x-amz-security-token'];

/**
 * The header object the handshake carries, or undefined when it has none
 * (the connection is then refused at `connection_init` with a 401).
 */
export function readHandshakeHeaders(request: HandshakeRequest): AuthHeaders | undefined {
  const url = new URL(request.url, 'http://localhost');
  const headerParam = url.searchParams.get('header');
  if (headerParam !== null) return decodeJsonBase64(headerParam);
  for (const protocol of offeredProtocols(request.headers)) {
    if (protocol.startsWith('header-')) return decodeJsonBase64(protocol.slice('header-'.length));
  }
  const plain: AuthHeaders = {};
  let found = false;
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value !== 'string') continue;
    plain[name] = value;
    if (PLAIN_AUTH_HEADERS.includes(name.toLowerCase())) found = true;
  }
  return found ? plain : undefined;
}
