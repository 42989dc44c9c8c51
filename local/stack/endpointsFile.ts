/** `.alleycat/endpoints.json`, written atomically once the stack is ready. */
import fs from 'node:fs';
import { LOCAL_REGION, type LocalCredentials } from '../credentials.js';
import { writePrivateFile } from './privateFiles.js';
import type { CognitoEndpoints } from './userPool.js';

/** The endpoints file: what clients, the simulator and `alleycat status` need to reach the stack. */
export interface Endpoints {
  region: string;
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  webUrl: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  kinesis: { endpoint: string; streamName: string };
  dynamodb: { endpoint: string; tableName: string };
  /** The riders' user pool (contract §6): sign-up and sign-in against `endpoint`. */
  cognito: CognitoEndpoints;
  raceSeconds: number;
  windowSeconds: number;
  /** The same API over HTTPS and WSS (contract §8), with the CA that clients must trust. */
  tls: TlsEndpoints;
}

/** The GraphQL and real-time URLs over TLS, and the absolute path of the local CA's certificate. */
export interface TlsEndpoints {
  graphqlUrl: string;
  realtimeUrl: string;
  caFile: string;
}

/** The endpoints of a stack whose one HTTP server listens on `host:port`. */
export function stackEndpoints(o: {
  host: string;
  port: number;
  apiKey: string;
  /** The stack's IAM key pair (local/stack/stackCredentials.ts). */
  credentials: LocalCredentials;
  kinesis: Endpoints['kinesis'];
  dynamodb: Endpoints['dynamodb'];
  cognito: CognitoEndpoints;
  raceSeconds: number;
  windowSeconds: number;
  /** The HTTPS server's port and the CA certificate's file. */
  tls: { port: number; caFile: string };
}): Endpoints {
  const origin = `http://${o.host}:${o.port}`;
  return {
    region: LOCAL_REGION,
    graphqlUrl: `${origin}/graphql`,
    realtimeUrl: `ws://${o.host}:${o.port}/graphql/realtime`,
    apiKey: o.apiKey,
    webUrl: `${origin}/`,
    credentials: { accessKeyId: o.credentials.accessKeyId, secretAccessKey: o.credentials.secretAccessKey },
    kinesis: o.kinesis,
    dynamodb: o.dynamodb,
    cognito: o.cognito,
    raceSeconds: o.raceSeconds,
    windowSeconds: o.windowSeconds,
    tls: {
      graphqlUrl: `https://${o.host}:${o.tls.port}/graphql`,
      realtimeUrl: `wss://${o.host}:${o.tls.port}/graphql/realtime`,
      caFile: o.tls.caFile,
    },
  };
}

/** Writes the file (it holds the API key and the IAM key pair: user-only, 0600) so readers never see half of it. */
export function writeEndpointsFile(file: string, endpoints: Endpoints): void {
  writePrivateFile(file, `${JSON.stringify(endpoints, null, 2)}\n`);
}

/** Removes the file if it still describes this stack (another stack may have replaced it). */
export function removeEndpointsFile(file: string, endpoints: Endpoints): void {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (text.trim() === JSON.stringify(endpoints, null, 2)) fs.rmSync(file, { force: true });
}
