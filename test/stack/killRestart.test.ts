/**
 * The stack is killed with SIGKILL while records stream through it, then
 * started again on the same data directory: every record reaches the
 * functions, and the only records delivered twice are those after the
 * checkpoint the first run had persisted (Lambda's at-least-once, no more).
 * The emulators do not outlive the killed stack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { raceIdAt, raceSecondAt } from '../../core/raceClock.js';
import { freePort } from '../../local/emulators/freePort.js';
import type { Endpoints } from '../../local/stack/endpointsFile.js';
import { localKinesis } from '../../local/stack/clients.js';
import type { ShardCheckpoint } from '../../local/esm/types.js';
import { alive, readJson, REPO, run, waitFor } from './support/processes.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alleycat-kill-'));
const stateDir = path.join(tmp, '.alleycat');
const RACE_SECONDS = 60;
const children: Array<ReturnType<typeof run>> = [];
afterAll(() => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Ready {
  ready: true;
  pids: { dynamodb: number; kinesis: number };
}

async function startStack(): Promise<{ proc: ReturnType<typeof run>; ready: Ready; endpoints: Endpoints }> {
  const port = await freePort();
  const proc = run(
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'test', 'stack', 'support', 'probedStack.ts'), stateDir, String(port)],
    REPO,
  );
  children.push(proc);
  const ready = await waitFor(
    () => {
      const line = proc
        .output()
        .split('\n')
        .find((l) => l.startsWith('{"ready"'));
      return line ? (JSON.parse(line) as Ready) : undefined;
    },
    90_000,
    'the stack to start',
  );
  const endpoints = readJson<Endpoints>(path.join(stateDir, 'endpoints.json'));
  if (!endpoints) throw new Error('no endpoints.json');
  return { proc, ready, endpoints };
}

/** Puts `count` valid telemetry records; returns their eventIDs ("<shardId>:<sequenceNumber>"). */
async function putTelemetry(endpoints: Endpoints, count: number, offset: number): Promise<string[]> {
  const client = localKinesis(endpoints.kinesis.endpoint);
  const ids: string[] = [];
  try {
    for (let start = 0; start < count; start += 50) {
      const now = Date.now();
      const records = Array.from({ length: Math.min(50, count - start) }, (_, i) => {
        const n = offset + start + i;
        const racerId = `r${n % 40}`;
        const raceId = raceIdAt(now, RACE_SECONDS);
        const second = raceSecondAt(raceId, RACE_SECONDS, now);
        const value = {
          raceId,
          classId: 1,
          racerId,
          second,
          power: 200,
          output: Math.min(second * 0.2, 3 * second),
          event: 'update',
          deviceTimestamp: now,
        };
        return { PartitionKey: racerId, Data: Buffer.from(JSON.stringify(value)) };
      });
      const out = await client.send(
        new PutRecordsCommand({ StreamName: endpoints.kinesis.streamName, Records: records }),
      );
      for (const r of out.Records ?? []) {
        if (!r.ShardId || !r.SequenceNumber) throw new Error(`a record was not put: ${r.ErrorCode ?? '?'}`);
        ids.push(`${r.ShardId}:${r.SequenceNumber}`);
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  } finally {
    client.destroy();
  }
  return ids;
}

interface Delivery {
  fn: string;
  pid: number;
  ids: string[];
}

function deliveries(): Delivery[] {
  const dir = path.join(stateDir, 'delivered');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Delivery);
}

function deliveredTo(fn: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of deliveries()) if (d.fn === fn) for (const id of d.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

describe('kill -9 and restart', () => {
  it('loses nothing and re-delivers only what came after the persisted checkpoints', async () => {
    const first = await startStack();
    const firstPid = first.proc.child.pid as number;
    const before = await putTelemetry(first.endpoints, 300, 0);
    // Mid-stream: some but (usually) not all records have reached the finalizer.
    await waitFor(() => deliveredTo('finalizer').size > 0, 30_000, 'the first deliveries');
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    // Nothing outlives the killed stack: DynamoDB Local exits when its stdin pipe closes, kinesalite on IPC disconnect.
    await waitFor(
      () => !alive(first.ready.pids.dynamodb) && !alive(first.ready.pids.kinesis),
      15_000,
      'the emulators of the killed stack to exit',
    );

    const checkpoints =
      readJson<{ mappings: Record<string, Record<string, ShardCheckpoint>> }>(
        path.join(stateDir, 'data', 'checkpoints.json'),
      )?.mappings ?? {};

    const second = await startStack();
    const after = await putTelemetry(second.endpoints, 100, 300);
    const all = [...before, ...after];

    for (const fn of ['finalizer', 'aggregator']) {
      await waitFor(() => all.every((id) => deliveredTo(fn).has(id)), 60_000, `every record to reach ${fn}`);
      const counts = deliveredTo(fn);
      for (const [id, n] of counts) {
        const [shardId, seq] = id.split(':') as [string, string];
        const position = checkpoints[fn]?.[shardId]?.position;
        const committed = position?.type === 'AFTER_SEQUENCE_NUMBER' ? BigInt(position.sequenceNumber) : -1n;
        // Committed before the kill: delivered exactly once.
        if (BigInt(seq) <= committed) expect(n, `${fn} ${id} was committed before the kill`).toBe(1);
        else expect(n, `${fn} ${id}`).toBeLessThanOrEqual(2);
      }
      // The second run read nothing the first run had committed.
      const secondPid = second.proc.child.pid as number;
      for (const d of deliveries().filter((x) => x.fn === fn && x.pid === secondPid)) {
        for (const id of d.ids) {
          const [shardId, seq] = id.split(':') as [string, string];
          const position = checkpoints[fn]?.[shardId]?.position;
          if (position?.type === 'AFTER_SEQUENCE_NUMBER')
            expect(BigInt(seq) > BigInt(position.sequenceNumber), `${fn} ${id}`).toBe(true);
        }
      }
      expect(deliveries().some((d) => d.fn === fn && d.pid === firstPid) || fn === 'aggregator').toBe(true);
    }

    second.proc.child.kill('SIGTERM');
    expect(await second.proc.exited).toBe(0);
    await waitFor(
      () => !alive(second.ready.pids.dynamodb) && !alive(second.ready.pids.kinesis),
      10_000,
      'the emulators to stop',
    );
  }, 240_000);
});
