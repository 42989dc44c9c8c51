/**
 * GET /ops/metrics over a real HTTP server on 127.0.0.1, and `alleycat status
 * --once` (the real command, in its own process) reading it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAlertRules } from '../../local/ops/alerts.js';
import { createOpsCollector } from '../../local/ops/collector.js';
import { esmReadings } from '../../local/ops/esmReadings.js';
import { createOpsHandler } from '../../local/ops/opsHandler.js';
import { isOpsSnapshot } from '../../contract/opsMetrics.js';
import type { ShardMetrics } from '../../local/esm/types.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'alleycat-ops-'));

const shard: ShardMetrics = {
  shardId: 'shardId-000000000000',
  status: 'running',
  iteratorAgeMs: 52_000,
  millisBehindLatest: 50_000,
  recordsRead: 900,
  recordsFiltered: 0,
  recordsDelivered: 900,
  invocations: 12,
  batches: 12,
  functionErrors: 0,
  retries: 0,
  bisections: 0,
  partialFailures: 0,
  discardedBatches: 0,
  discardedRecords: 0,
  windowsClosed: 3,
  windowsTerminatedEarly: 0,
  lastCheckpoint: undefined,
};

const collector = createOpsCollector({
  resolutionMs: 1_000,
  alertRules: localAlertRules({ kinesisIteratorAgeSeconds: 35, allTimeIteratorAgeSeconds: 300 }),
});
collector.addSource(
  'esm.aggregator',
  esmReadings('aggregator', () => [shard]),
);
const handler = createOpsHandler(collector);
const server = http.createServer((req, res) => {
  if (handler(req, res)) return;
  res.writeHead(404).end('not found');
});
let origin = '';

beforeAll(async () => {
  collector.ingestLine(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          { Namespace: 'Alleycat', Dimensions: [['service']], Metrics: [{ Name: 'RecordsReceived', Unit: 'Count' }] },
        ],
      },
      service: 'aggregator',
      RecordsReceived: 900,
    }),
  );
  collector.sample();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

describe('GET /ops/metrics', () => {
  it('returns the snapshot as uncached JSON', async () => {
    const response = await fetch(`${origin}/ops/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body: unknown = await response.json();
    expect(isOpsSnapshot(body)).toBe(true);
    const snapshot = body as { series: { id: string; total: number | null }[]; alerts: { id: string }[] };
    expect(snapshot.series.find((s) => s.id === 'fn.aggregator.RecordsReceived')?.total).toBe(900);
    expect(snapshot.alerts.map((a) => a.id)).toEqual(['AggregatorIteratorAge']);
  });

  it('narrows to a prefix and to points after `since`', async () => {
    const all = (await (await fetch(`${origin}/ops/metrics?prefix=esm.`)).json()) as {
      now: number;
      series: { id: string; points: unknown[] }[];
    };
    expect(all.series.length).toBeGreaterThan(0);
    expect(all.series.every((s) => s.id.startsWith('esm.'))).toBe(true);
    const newer = (await (await fetch(`${origin}/ops/metrics?since=${all.now}`)).json()) as {
      series: { points: unknown[] }[];
    };
    expect(newer.series.every((s) => s.points.length === 0)).toBe(true);
  });

  it('answers bad requests clearly and leaves other paths to the server', async () => {
    const bad = await fetch(`${origin}/ops/metrics?since=yesterday`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'since must be epoch milliseconds, got "yesterday"' });
    const post = await fetch(`${origin}/ops/metrics`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${origin}/graphql`)).status).toBe(404);
  });
});

describe('alleycat status --once', () => {
  it('prints alerts and figures with sparklines from the URL in the endpoints file', async () => {
    const endpoints = path.join(tmp, 'endpoints.json');
    writeFileSync(
      endpoints,
      JSON.stringify({
        region: 'us-east-1',
        graphqlUrl: `${origin}/graphql`,
        realtimeUrl: `${origin.replace('http', 'ws')}/graphql/realtime`,
      }),
    );
    const { stdout } = await run(process.execPath, ['bin/alleycat.mjs', 'status', '--once', '--endpoints', endpoints], {
      cwd: repo,
    });
    expect(stdout).toContain(`${origin}/ops/metrics`);
    expect(stdout).toContain('ALERTS  1');
    expect(stdout).toContain('!! AggregatorIteratorAge: aggregator is 52.0 s behind its stream (alarm above 35 s)');
    expect(stdout).toMatch(/aggregator: iterator age \(max of shards\)\s+52\.0 s\s+[▁▂▃▄▅▆▇█]/);
    expect(stdout).toMatch(/aggregator: RecordsReceived\s+[\d.,]+\/s\s+900/);
    // Per-shard lines only with --all.
    expect(stdout).not.toContain('shardId-000000000000');
  });

  it('fails with a clear message when the stack is not running', async () => {
    const missing = path.join(tmp, 'nothing-here.json');
    await expect(
      run(process.execPath, ['bin/alleycat.mjs', 'status', '--once', '--endpoints', missing], { cwd: repo }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('not found: is the local stack running (npm start)?'),
    });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      run(process.execPath, ['bin/alleycat.mjs', 'status', '--once', '--url', `http://127.0.0.1:${port}/ops/metrics`], {
        cwd: repo,
      }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`cannot reach http://127.0.0.1:${port}/ops/metrics`),
    });
  });
});
