import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/eventually.js';
import { fakeShard, valuesOf } from './support/fakeShard.js';
import { runShard, type Harness } from './support/harness.js';

let running: Harness | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const W = 1000;
/** A window boundary safely in the past. */
const T0 = Math.floor((Date.now() - 60_000) / W) * W;

/** Counts records into the state, the way an aggregating function would. */
function counting(event: Record<string, unknown>): { state: { n: number; seen: number[] } } {
  const state = (event.state ?? {}) as { n?: number; seen?: number[] };
  const values = valuesOf(event).map((v) => (v as { i: number }).i);
  return { state: { n: (state.n ?? 0) + values.length, seen: [...(state.seen ?? []), ...values] } };
}

function finals(h: Harness): Array<Record<string, unknown>> {
  return h.events.filter((e) => e.isFinalInvokeForWindow === true);
}

describe('tumbling windows', () => {
  it('aligns windows to arrival time, never mixes windows in one batch, carries state and ends each window with a final invocation', async () => {
    const shard = fakeShard();
    shard.put({ i: 0 }, T0 + 10);
    shard.put({ i: 1 }, T0 + 20);
    shard.put({ i: 2 }, T0 + 900);
    shard.put({ i: 3 }, T0 + W + 5);
    shard.put({ i: 4 }, T0 + W + 6);
    running = runShard(shard, counting, { settings: { batchSize: 2 }, config: { tumblingWindowMs: W } });
    await until(() => finals(running!).length === 2);
    const e = running.events;
    expect(e.map((x) => [valuesOf(x).map((v) => (v as { i: number }).i), x.isFinalInvokeForWindow])).toEqual([
      [[0, 1], false],
      [[2], false],
      [[], true],
      [[3, 4], false],
      [[], true],
    ]);
    expect(e[0]).toMatchObject({
      window: { start: new Date(T0).toISOString(), end: new Date(T0 + W).toISOString() },
      state: {},
      shardId: 'shardId-000000000000',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/fake',
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
    });
    expect(e[1]?.state).toEqual({ n: 2, seen: [0, 1] });
    // The final invocation gets the state of the window's last invocation.
    expect(e[2]?.state).toEqual({ n: 3, seen: [0, 1, 2] });
    // A new window starts from {}.
    expect(e[3]).toMatchObject({
      state: {},
      window: { start: new Date(T0 + W).toISOString(), end: new Date(T0 + 2 * W).toISOString() },
    });
    expect(e[4]?.state).toEqual({ n: 2, seen: [3, 4] });
    expect(running.processor.metrics().windowsClosed).toBe(2);
  });

  it('closes a window after it ends even when no new record arrives (final invocation with no records)', async () => {
    const shard = fakeShard();
    running = runShard(shard, counting, { config: { tumblingWindowMs: 300 } });
    shard.put({ i: 7 });
    await until(() => finals(running!).length === 1, 3000);
    const final = finals(running)[0];
    expect(final?.Records).toEqual([]);
    expect(final?.state).toEqual({ n: 1, seen: [7] });
    // Closed only after the window's end.
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(String((final?.window as { end: string }).end)));
  });

  it('retries a failed final invocation with the same state', async () => {
    const shard = fakeShard();
    shard.put({ i: 1 }, T0 + 1);
    shard.put({ i: 2 }, T0 + W + 1);
    let finalCalls = 0;
    running = runShard(
      shard,
      (event) => {
        if (event.isFinalInvokeForWindow === true) {
          finalCalls += 1;
          if (finalCalls <= 2) throw new Error('store unavailable');
          return {};
        }
        return counting(event);
      },
      { settings: { maximumRetryAttempts: 5 }, config: { tumblingWindowMs: W } },
    );
    await until(() => running!.events.some((e) => valuesOf(e).some((v) => (v as { i: number }).i === 2)));
    const firstWindowFinals = finals(running).slice(0, 3);
    expect(firstWindowFinals).toHaveLength(3);
    for (const f of firstWindowFinals) expect(f.state).toEqual({ n: 1, seen: [1] });
    // The next window's records come only after the final invocation succeeded.
    expect(running.events.indexOf(firstWindowFinals[2] as Record<string, unknown>)).toBeLessThan(
      running.events.findIndex((e) => valuesOf(e).length > 0 && (valuesOf(e)[0] as { i: number }).i === 2),
    );
  });

  it('ends a window early once its state passes the state limit (isWindowTerminatedEarly), then starts again from {}', async () => {
    const shard = fakeShard();
    for (let i = 0; i < 4; i += 1) shard.put({ i }, T0 + i);
    running = runShard(shard, counting, {
      settings: { batchSize: 2 },
      config: { tumblingWindowMs: W, maxStateBytes: 10 },
    });
    await until(() => finals(running!).length === 2);
    const e = running.events;
    expect(e[1]).toMatchObject({
      Records: [],
      isFinalInvokeForWindow: true,
      isWindowTerminatedEarly: true,
      state: { n: 2, seen: [0, 1] },
    });
    expect(e[2]).toMatchObject({ state: {}, window: e[0]?.window });
    expect(running.processor.metrics().windowsTerminatedEarly).toBe(2);
  });

  it('persists the open window with the checkpoint, so a restart continues the same window with its state', async () => {
    const shard = fakeShard();
    const start = Math.floor(Date.now() / 10_000) * 10_000 + 10_000; // a window that has not ended yet
    shard.put({ i: 1 }, start + 1);
    const first = runShard(shard, counting, { config: { tumblingWindowMs: 10_000 } });
    await until(() => first.checkpoints.length === 1);
    await first.stop();
    const checkpoint = first.checkpoints[0];
    expect(checkpoint?.window).toMatchObject({ startMs: start, endMs: start + 10_000, state: { n: 1, seen: [1] } });
    shard.put({ i: 2 }, start + 2);
    running = runShard(shard, counting, {
      config: { tumblingWindowMs: 10_000 },
      ...(checkpoint ? { initial: checkpoint } : {}),
    });
    await until(() => running!.events.length === 1);
    expect(running.events[0]).toMatchObject({ state: { n: 1, seen: [1] } });
    expect(valuesOf(running.events[0])).toEqual([{ i: 2 }]);
  });
});
