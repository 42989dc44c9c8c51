/**
 * AWS's own AppSync client for Apollo (aws-appsync-auth-link +
 * aws-appsync-subscription-link on @apollo/client 4), unchanged, wired the
 * way AWS's README wires it: auth link, then the subscription handshake link
 * whose results fetcher is an HttpLink.
 *
 * Loaded through `createRequire`, i.e. the packages' CommonJS builds:
 * aws-appsync-auth-link 4.0.2's ESM build does `import * as crypto from
 * "@aws-crypto/sha256-js"` on a v1 CommonJS package whose namespace under
 * Node's ESM loader is `{ __esModule, default }`, so `crypto.Sha256` is
 * undefined and every IAM signature throws "Sha256 is not a constructor".
 * The subscription link signs real-time IAM headers with that same Signer,
 * so it must come from the CommonJS build too, and its CommonJS build
 * requires Apollo's CommonJS build: Apollo is loaded the same way, so one
 * copy of each class is in play (no dual-package hazard).
 */
import { createRequire } from 'node:module';
import WebSocket from 'ws';

const require = createRequire(import.meta.url);

type ApolloModule = typeof import('@apollo/client');
type AuthLinkModule = typeof import('aws-appsync-auth-link');
type SubscriptionLinkModule = typeof import('aws-appsync-subscription-link');

/** The CommonJS builds (see the header for why). */
export const apollo = require('@apollo/client') as ApolloModule;
export const authLink = require('aws-appsync-auth-link') as AuthLinkModule;
export const subscriptionLink = require('aws-appsync-subscription-link') as SubscriptionLinkModule;

export type AppSyncAuth = Parameters<AuthLinkModule['createAuthLink']>[0]['auth'];

export interface AppSyncApolloOptions {
  url: string;
  region: string;
  auth: AppSyncAuth;
  /**
   * Apollo 4's client-awareness link adds `extensions.clientLibrary` to the
   * request body inside HttpLink, after the auth link has signed the body:
   * an IAM signature then no longer matches what is sent. `false` keeps
   * Apollo's default (only to show that failure).
   */
  withoutClientLibraryExtension?: boolean;
}

/** An ApolloClient over AWS's links. */
export function appSyncApollo(options: AppSyncApolloOptions): InstanceType<ApolloModule['ApolloClient']> {
  const config = { url: options.url, region: options.region, auth: options.auth };
  // The links' typings name a different copy of Apollo's types than ours; at run time all are the CommonJS classes.
  const httpLink = new apollo.HttpLink({ uri: options.url }) as unknown as Parameters<
    SubscriptionLinkModule['createSubscriptionHandshakeLink']
  >[1];
  const link = apollo.ApolloLink.from([
    authLink.createAuthLink(config) as unknown as InstanceType<ApolloModule['ApolloLink']>,
    subscriptionLink.createSubscriptionHandshakeLink(config, httpLink) as unknown as InstanceType<
      ApolloModule['ApolloLink']
    >,
  ]);
  return new apollo.ApolloClient({
    link,
    cache: new apollo.InMemoryCache(),
    ...(options.withoutClientLibraryExtension === false ? {} : { enhancedClientAwareness: { transport: false } }),
  });
}

/** One text frame as the client saw it: sent (`out`) or received (`in`). */
export interface RecordedFrame {
  dir: 'in' | 'out';
  frame: { type: string; id?: string; payload?: unknown };
}

/**
 * `ws` as the global WebSocket (Node 20 has none), recording every frame of
 * every connection the links open, and the URL and subprotocols they used.
 */
export function recordingWebSocket(): {
  /** Constructed by the links as `new WebSocket(url, protocols)`. */
  WebSocketClass: new (url: string, protocols?: string | string[]) => WebSocket;
  frames: RecordedFrame[];
  handshakes: { url: string; protocols: string[] }[];
} {
  const frames: RecordedFrame[] = [];
  const handshakes: { url: string; protocols: string[] }[] = [];
  class RecordingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      handshakes.push({ url, protocols: typeof protocols === 'string' ? [protocols] : protocols ?? [] });
      this.on('message', (data) =>
        frames.push({ dir: 'in', frame: JSON.parse(String(data)) as RecordedFrame['frame'] }),
      );
    }
    override send(data: unknown, ...rest: unknown[]): void {
      frames.push({ dir: 'out', frame: JSON.parse(String(data)) as RecordedFrame['frame'] });
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  }
  return { WebSocketClass: RecordingWebSocket, frames, handshakes };
}
