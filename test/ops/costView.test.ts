/**
 * The cost view end to end: subscribers and publishers on the local AppSync
 * runtime over real HTTP and WebSocket connections, the usage meter they
 * feed, GET /ops/metrics serving the priced counts, and `alleycat status
 * --once` (the real command, in its own process) rendering them.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsageMeter, METERED_MESSAGE_BYTES, type UsageMeter } from '../../local/appsync/index.js';
import { createOpsCollector, type OpsCollector } from '../../local/ops/collector.js';
import { createCostTracker } from '../../local/ops/costTracker.js';
import { createOpsHandler } from '../../local/ops/opsHandler.js';
import { APPSYNC_PRICES } from '../../infra/appsyncPrices.js';
import { raceIdAt, raceStartMillis } from '../../core/raceClock.js';
import type { OpsSnapshot } from '../../contract/opsMetrics.js';
import { createTestRuntime } from '../appsync/fixtures/testRuntime.js';
import { TEST_API_KEY } from '../appsync/fixtures/testApi.js';
import { post } from '../appsync/httpClient.js';
import { serveRuntime, type RuntimeServer } from '../realtime/support/runtimeServer.js';
import { openSocket, type TestSocket } from '../realtime/support/realtimeFixture.js';
import { until } from '../support/eventually.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const RACE_SECONDS = 300;
// One minute into a race slot: the stack "started" during the race.
const RACE_ID = raceIdAt(Date.UTC(2026, 11, 7, 12, 0, 0), RACE_SECONDS);
const T0 = raceStartMillis(RACE_ID, RACE_SECONDS) + 60_000;

let now = T0;
let meter: UsageMeter;
let api: RuntimeServer;
const ops = http.createServer();
let opsUrl = '';
const sockets: TestSocket[] = [];
let collector: OpsCollector;

function message(bytes: number): string {
  // The data frame is {"type":"data","id":"s","payload":{"data":{"onMessage":{"msg":"…"}}}}.
  const envelope = Buffer.byteLength(
    JSON.stringify({ type: 'data', id: 's', payload: { data: { onMessage: { msg: '' } } } }),
  );
  return 'x'.repeat(bytes - envelope);
}

async function subscriber(): Promise<TestSocket> {
  const header = Buffer.from(JSON.stringify({ host: api.host, 'x-api-key': TEST_API_KEY })).toString('base64');
  const socket = await openSocket(`${api.realtimeUrl}?header=${encodeURIComponent(header)}&payload=e30=`);
  sockets.push(socket);
  socket.send({ type: 'connection_init' });
  await socket.nextOf('connection_ack');
  socket.send({
    id: 's',
    type: 'start',
    payload: {
      data: JSON.stringify({ query: 'subscription { onMessage(classId: 1) { msg } }' }),
      extensions: { authorization: { host: api.host, 'x-api-key': TEST_API_KEY } },
    },
  });
  await socket.nextOf('start_ack', 's');
  return socket;
}

function gql(query: string) {
  return post(api.graphqlUrl, JSON.stringify({ query }), {
    'content-type': 'application/json',
    'x-api-key': TEST_API_KEY,
  });
}

async function snapshot(): Promise<OpsSnapshot> {
  return (await (await fetch(opsUrl)).json()) as OpsSnapshot;
}

beforeAll(async () => {
  meter = createUsageMeter({ clock: () => now });
  api = await serveRuntime(createTestRuntime({}, { meter }), { meter });
  const tracker = createCostTracker({
    usage: () => meter.usage(),
    prices: APPSYNC_PRICES,
    meteredMessageBytes: METERED_MESSAGE_BYTES,
    raceSeconds: RACE_SECONDS,
  });
  collector = createOpsCollector({ resolutionMs: 1_000, cost: tracker, clock: { now: () => now } });
  collector.addSource('cost', () => tracker.readings());
  const handler = createOpsHandler(collector);
  ops.on('request', (req, res) => {
    if (!handler(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => ops.listen(0, '127.0.0.1', resolve));
  opsUrl = `http://127.0.0.1:${(ops.address() as AddressInfo).port}/ops/metrics`;

  const a = await subscriber();
  const b = await subscriber();
  for (const bytes of [12 * 1024, 4 * 1024]) {
    const answer = await gql(`mutation { publish(classId: 1, msg: "${message(bytes)}") { classId msg } }`);
    expect(answer.body.errors).toBeUndefined();
  }
  for (let i = 0; i < 3; i += 1) await gql('{ echo(msg: "hi") }');
  await until(() => a.ofType('data').length === 2 && b.ofType('data').length === 2);
  now += 60_000;
  collector.sample();
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await api.close();
  await new Promise((resolve) => ops.close(resolve));
});

describe('GET /ops/metrics cost section', () => {
  it('serves the running race counted exactly, priced at the dated list prices, and extrapolated over the race', async () => {
    const { cost } = await snapshot();
    if (!cost) throw new Error('no cost section');
    expect(cost.prices).toEqual(APPSYNC_PRICES);
    expect(cost.meteredMessageBytes).toBe(5120);
    const race = cost.race;
    expect(race).toMatchObject({ raceId: RACE_ID, raceSeconds: 300, countedSeconds: 60 });
    // 2 publishes + 3 echoes; 2 subscribers × (12 KB = 3 units + 4 KB = 1 unit); 2 connections for a minute each.
    expect(race.soFar).toMatchObject({
      requests: 5,
      dataMessages: 4,
      dataUnits: 8,
      connections: 2,
      subscriptionStarts: 2,
      realtimeUpdates: 12,
      connectionMinutes: 2,
    });
    expect(race.soFar.usd.requests).toBeCloseTo((5 * 4) / 1e6, 12);
    expect(race.soFar.usd.realtimeUpdates).toBeCloseTo((12 * 2) / 1e6, 12);
    expect(race.soFar.usd.connectionMinutes).toBeCloseTo((2 * 0.08) / 1e6, 12);
    // 60 s counted of a 300 s race: everything × 5.
    expect(race.projected).toMatchObject({ requests: 25, dataUnits: 40, realtimeUpdates: 60, connectionMinutes: 10 });
    expect(race.projected?.usd.total).toBeCloseTo(race.soFar.usd.total * 5, 12);
    expect(race.subscriptions).toEqual([
      {
        key: 'onMessage(classId: 1)',
        starts: 2,
        messages: 4,
        units: 8,
        bytes: 2 * 16 * 1024,
        usd: (10 * 2) / 1e6,
        projectedUsd: (50 * 2) / 1e6,
      },
    ]);
    expect(race.operations.map((o) => [o.key, o.requests])).toEqual([
      ['Query.echo', 3],
      ['Mutation.publish', 2],
    ]);
    expect(cost.total.requests).toBe(5);
    expect(cost.lastRace).toBeNull();
  });

  it('charts metered messages as a series', async () => {
    const series = (await snapshot()).series.find((s) => s.id === 'realtime.meteredMessages');
    expect(series).toMatchObject({ group: 'realtime', kind: 'rate', total: 8 });
  });
});

describe('alleycat status --once', () => {
  it('renders the race cost so far, the whole-race estimate and the costliest keys within 80 columns', async () => {
    const { stdout } = await run(process.execPath, ['bin/alleycat.mjs', 'status', '--once', '--url', opsUrl], {
      cwd: repo,
      env: { ...process.env, COLUMNS: '80' },
    });
    const lines = stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('APPSYNC COST'));
    expect(lines[at]).toBe('APPSYNC COST  list prices us-east-1 (read 2026-12-07)');
    // so far 4.4e-5 → "<$0.0001"; × 5 = 2.2e-4.
    expect(lines.slice(at + 1, at + 9)).toEqual([
      `  race ${RACE_ID}, 1m of 5m: so far <$0.0001, whole race ≈ $0.0002 at this rate`,
      '  requests 5 <$0.0001 · connection-minutes 2.0 <$0.0001',
      '  real-time updates 12 <$0.0001',
      '    = 8 × 5 KB in 4 msgs + 2 connects + 2 subscribes',
      '  $0.0001/race  onMessage(classId: 1)  4 msgs 8 units',
      '  <$0.0001/race  Query.echo  3 req',
      '  <$0.0001/race  Mutation.publish  2 req',
      '  since start <$0.0001',
    ]);
    for (const line of lines.slice(at, at + 9)) expect(line.length).toBeLessThanOrEqual(80);
  });
});
