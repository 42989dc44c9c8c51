/**
 * Child process of bench/fanout.ts: the local AppSync runtime with the
 * project's resolvers, POST /graphql and the real-time endpoint on one HTTP
 * server, as `npm start` serves them. Runs alone in its process so its RSS is
 * the server's. Talks to the parent over IPC: sends {type:'ready', port};
 * answers {type:'rss'} with {type:'rss', rss, connections}, {type:'split'}
 * with the server-side split of the publishes since the last ask (wall and
 * CPU time of the mutation's execution and of the fan-out), and {type:'usage'}
 * with {type:'usage', usage}: what the runtime's usage meter counted (what
 * AppSync would bill).
 *
 * Usage (by bench/fanout.ts only): node --import tsx --expose-gc bench/fanoutServer.ts
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  createAppSyncRuntime,
  createGraphqlHandler,
  createUsageMeter,
  realtimeBackendFor,
} from '../local/appsync/index.js';
import { attachRealtime } from '../local/appsync/realtime/index.js';
import { LOCAL_ACCOUNT_ID, isLocalCredentials } from '../local/credentials.js';

import { bundleResolvers } from '../resolvers/build.js';
import { alleycatApiDefinition } from '../local/stack/apiDefinition.js';
import { FANOUT_API_KEY, FANOUT_IAM_ENV } from './fanoutShared.js';

async function main(): Promise<void> {
  const iam: unknown = JSON.parse(process.env[FANOUT_IAM_ENV] ?? 'null');
  if (!isLocalCredentials(iam))
    throw new Error(`${FANOUT_IAM_ENV} must hold the publisher's key pair (bench/fanout.ts sets it)`);
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const meter = createUsageMeter();
  const runtime = createAppSyncRuntime({
    meter,
    api: alleycatApiDefinition({
      schema: readFileSync(path.join(root, 'schema.graphql'), 'utf8'),
      bundles: await bundleResolvers(),
      environmentVariables: { TABLE_NAME: 'unused', STREAM_NAME: 'unused', RACE_SECONDS: '300', GRACE_SECONDS: '15' },
      auth: {
        apiKeys: [{ id: FANOUT_API_KEY, expiresAt: Math.floor(Date.now() / 1000) + 24 * 3600 }],
        iam: [{ ...iam, accountId: LOCAL_ACCOUNT_ID }],
      },
    }),
    timeoutMs: 5_000,
  });
  const handler = createGraphqlHandler(runtime);
  let requestAt = 0;
  let requestCpu = process.cpuUsage();
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return `${((used.user + used.system) / 1000).toFixed(1)} ms cpu`;
  };
  const server = createServer((req, res) => {
    requestAt = performance.now();
    requestCpu = process.cpuUsage();
    if (process.env.FANOUT_DEBUG)
      res.on('finish', () =>
        process.stderr.write(
          `server: response after ${(performance.now() - requestAt).toFixed(1)} ms (${cpuMs(requestCpu)})\n`,
        ),
      );
    handler(req, res);
  });
  server.maxConnections = 30_000;
  // The server's split of each publish: request arrival → mutation executed (the runtime), → fan-out written.
  let before = 0;
  let beforeCpu = process.cpuUsage();
  const split: Array<{ mutationMs: number; fanoutMs: number; mutationCpuMs: number; fanoutCpuMs: number }> = [];
  let mutationCpuMs = 0;
  runtime.onMutation(() => {
    before = performance.now();
    beforeCpu = process.cpuUsage();
    const used = process.cpuUsage(requestCpu);
    mutationCpuMs = (used.user + used.system) / 1000;
    if (process.env.FANOUT_DEBUG)
      process.stderr.write(
        `server: mutation executed after ${(before - requestAt).toFixed(1)} ms (${cpuMs(requestCpu)})\n`,
      );
  });
  const realtime = attachRealtime(server, realtimeBackendFor(runtime), {
    logger: { warn: (m) => process.stderr.write(`${m}\n`) },
    meter,
  });
  realtime.server.onPublish((r) => {
    const used = process.cpuUsage(beforeCpu);
    split.push({
      mutationMs: before - requestAt,
      fanoutMs: performance.now() - before,
      mutationCpuMs,
      fanoutCpuMs: (used.user + used.system) / 1000,
    });
    if (process.env.FANOUT_DEBUG)
      process.stderr.write(
        `server: fan-out ${JSON.stringify(r)} took ${(performance.now() - before).toFixed(1)} ms (${cpuMs(
          beforeCpu,
        )})\n`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 20_000, resolve));
  process.on('message', (message: unknown) => {
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    if (type === 'split') process.send?.({ type: 'split', split: split.splice(0) });
    if (type === 'usage') process.send?.({ type: 'usage', usage: meter.usage() });
    if (type === 'rss') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) gc();
      process.send?.({ type: 'rss', rss: process.memoryUsage().rss, connections: realtime.server.connectionCount() });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `fanout server failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`,
  );
  process.exit(1);
});
