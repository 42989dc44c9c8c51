/** The local AppSync runtime served as the local stack serves it: POST /graphql and the real-time endpoint on one HTTP server. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGraphqlHandler, type AppSyncRuntime } from '../../../local/appsync/index.js';
import {
  attachRealtime,
  type RealtimeAttachment,
  type RealtimeOptions,
} from '../../../local/appsync/realtime/index.js';
import { realtimeBackendFor } from '../../../local/appsync/index.js';

export interface RuntimeServer {
  graphqlUrl: string;
  realtimeUrl: string;
  host: string;
  attachment: RealtimeAttachment;
  close(): Promise<void>;
}

/** Starts the runtime on 127.0.0.1 (random port). */
export async function serveRuntime(runtime: AppSyncRuntime, options: RealtimeOptions = {}): Promise<RuntimeServer> {
  const handler = createGraphqlHandler(runtime);
  const http = createServer((req, res) => handler(req, res));
  const attachment = attachRealtime(http, realtimeBackendFor(runtime), {
    logger: { warn: () => undefined },
    ...options,
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    graphqlUrl: `http://${host}/graphql`,
    realtimeUrl: `ws://${host}/graphql/realtime`,
    host,
    attachment,
    async close() {
      await attachment.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
