/**
 * Crash recovery judged on the data: a real race rides through the stack
 * process while it is killed with SIGKILL twice — mid-stream (after both
 * Kinesis consumers committed work, right after a put the stream had
 * acknowledged and no consumer could have read) and during the race close
 * (while a finalizer invocation holding finals is in flight: delivered,
 * neither processed nor committed) — and restarted on the same state
 * directory each time.
 * Afterwards the race results, the last live board and the all-time stats
 * equal what the test computes itself from the records it put: nothing lost,
 * nothing counted twice. Delivery is checked too: what a killed stack had
 * committed is never delivered again, at most twice otherwise, and the
 * emulators do not outlive a killed stack.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type AlleycatClient } from '../../client/index.js';
import { auditDeliveries } from './support/deliveryAudit.js';
import { eventually, readUntilEqual, sleep, sleepUntil } from '../support/eventually.js';
import {
  expectedAllTime,
  expectedBoard,
  expectedResults,
  expectedSummary,
  newestPerRider,
} from './support/expectedRace.js';
import { kinesisProducer, type AckedRecord, type KinesisProducer } from './support/kinesisProducer.js';
import { isCommitted, readCheckpoints, type PersistedCheckpoints } from './support/persistedCheckpoints.js';
import { armHold, completedRecords, readInvocations, type Invocation } from './support/probeLog.js';
import {
  finishes,
  lastSecondOf,
  pacerRecordAt,
  planRace,
  recordOf,
  ridersOf,
  secondDueAt,
  updatesAt,
  type RacePlan,
  type Rider,
} from './support/raceFeed.js';
import { readAllTime, readLiveBoard, readRacer, readResults, readSummary } from './support/raceReads.js';
import { killStackRun, startedRuns, startStackRun, stopStackRun, type StackRun } from './support/stackRun.js';
import { shardOfSequence, tableStreamShards } from './support/tableStreamShards.js';

const OPTIONS = { raceSeconds: 60, windowSeconds: 2, closeScheduleMs: 2_000 };
/** The race is joined while at least this much of it remains, else the next one is ridden. */
const MIN_RIDE_SECONDS = 30;
const CLASSES = [1, 2];
const PACER_CLASS = 3;
const RIDERS_PER_CLASS = 20;
const STREAM_CONSUMERS = ['aggregator', 'finalizer'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alleycat-crash-'));
const stateDir = path.join(tmp, '.alleycat');
const producer = kinesisProducer();
afterAll(() => {
  producer.close();
  for (const p of startedRuns) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Puts every rider's update of each second on the race clock, up to the race's last second (not included). */
async function ride(p: KinesisProducer, riders: readonly Rider[], plan: RacePlan): Promise<void> {
  for (let second = plan.fromSecond; second < plan.raceSeconds; second += 1) {
    await sleepUntil(secondDueAt(plan, second) + 100);
    // Not awaited: the producer keeps order, and a put to a dying stack must not hold the clock back.
    void p.send(updatesAt(riders, plan, second));
  }
}

/** The pacer's record every second until stopped. */
function startPacer(p: KinesisProducer): { stop(): Promise<void> } {
  let riding = true;
  const loop = (async () => {
    while (riding) {
      void p.send([pacerRecordAt(Date.now(), OPTIONS.raceSeconds, PACER_CLASS)]);
      await sleep(1000 - (Date.now() % 1000) + 150);
    }
  })();
  return {
    async stop() {
      riding = false;
      await loop;
    },
  };
}

/** A record of `fn` (one of `among`) finished in run `pid` that the persisted checkpoints say is committed. */
function committedFinished(
  invocations: readonly Invocation[],
  cps: PersistedCheckpoints,
  fn: string,
  pid: number,
  shardOf: (seq: string, shardId: string | undefined) => string,
  among?: ReadonlySet<string>,
): string | undefined {
  for (const inv of invocations) {
    if (inv.fn !== fn || inv.pid !== pid) continue;
    for (const r of completedRecords(inv)) {
      const shardId = shardOf(r.seq, r.shardId);
      const key = `${shardId}:${r.seq}`;
      if ((among === undefined || among.has(key)) && isCommitted(cps, fn, shardId, r.seq)) return key;
    }
  }
  return undefined;
}

const kinesisShard = (_seq: string, shardId: string | undefined): string => shardId as string;

/** Acknowledged records no invocation of `fn` finished and its checkpoint does not cover: still to be processed. */
function unprocessed(
  acked: readonly AckedRecord[],
  invocations: readonly Invocation[],
  cps: PersistedCheckpoints,
  fn: string,
): AckedRecord[] {
  const finished = new Set(
    invocations.filter((i) => i.fn === fn).flatMap((i) => completedRecords(i).map((r) => `${r.shardId}:${r.seq}`)),
  );
  return acked.filter((a) => !finished.has(`${a.shardId}:${a.seq}`) && !isCommitted(cps, fn, a.shardId, a.seq));
}

describe('crash recovery', () => {
  it('kill -9 mid-stream and at the race end: results, live board and all-time stats stay exact', async () => {
    const riders = ridersOf(CLASSES, RIDERS_PER_CLASS);
    const runs: StackRun[] = [];
    const kills: PersistedCheckpoints[] = [];

    // Prepare: the first run, the race, the riders and the pacer.
    let stack = await startStackRun(stateDir, OPTIONS);
    runs.push(stack);
    producer.connect(stack.endpoints.kinesis.endpoint, stack.endpoints.kinesis.streamName, 1);
    const plan = planRace(Date.now(), OPTIONS.raceSeconds, MIN_RIDE_SECONDS);
    const raceEnd = secondDueAt(plan, plan.raceSeconds);
    const timeline: string[] = [];
    const mark = (what: string): void => {
      timeline.push(`${what} at race second ${((Date.now() - secondDueAt(plan, 0)) / 1000).toFixed(1)}`);
    };
    mark(`run 1 ready, riding from second ${plan.fromSecond}`);
    const pacer = startPacer(producer);
    const riding = ride(producer, riders, plan);

    // Kill 1, mid-stream: a quarter into the ride, once both Kinesis consumers have finished an
    // invocation with riders' records that the persisted checkpoint commits, right after the next
    // acknowledged put.
    const run1 = stack.pid;
    await sleepUntil(secondDueAt(plan, plan.fromSecond + Math.floor((plan.raceSeconds - plan.fromSecond) / 4)));
    const riderRecords = (): Set<string> =>
      new Set(
        producer.acked
          .filter((a) => a.value.raceId === plan.raceId && CLASSES.includes(a.value.classId))
          .map((a) => `${a.shardId}:${a.seq}`),
      );
    await eventually(
      () => {
        const among = riderRecords();
        const invocations = readInvocations(stateDir);
        const cps = readCheckpoints(stateDir);
        const ready = STREAM_CONSUMERS.every(
          (fn) => committedFinished(invocations, cps, fn, run1, kinesisShard, among) !== undefined,
        );
        return ready || undefined;
      },
      secondDueAt(plan, plan.raceSeconds - 15),
      'the aggregator and the finalizer to finish an invocation and persist its checkpoint',
      () => readCheckpoints(stateDir),
    );
    const ackedBefore = producer.acked.length;
    await new Promise<void>((resolve) => {
      producer.afterNextAck(() => {
        producer.disconnect();
        stack.proc.child.kill('SIGKILL');
        resolve();
      });
    });
    const lastPut = producer.acked.slice(ackedBefore);
    mark('kill 1');
    expect((await killStackRun(stack)).signal).toBe('SIGKILL');
    kills.push(readCheckpoints(stateDir));
    {
      const invocations = readInvocations(stateDir);
      const cps = kills[0] as PersistedCheckpoints;
      const acked1 = producer.acked.filter((a) => a.run === 1);
      for (const fn of STREAM_CONSUMERS) {
        // Work was done and committed before the kill…
        expect(
          committedFinished(invocations, cps, fn, run1, kinesisShard, riderRecords()),
          `${fn} committed riders' records before kill 1`,
        ).toBeDefined();
        // …and acknowledged records were still to be processed: the put just before the kill, at least.
        expect(lastPut.length, 'records put right before kill 1').toBeGreaterThan(0);
        expect(unprocessed(lastPut, invocations, cps, fn), `${fn}: the last put before kill 1 unprocessed`).toEqual(
          lastPut,
        );
        expect(unprocessed(acked1, invocations, cps, fn).length).toBeGreaterThan(0);
      }
    }

    // Restart 1: the riders rode on through the outage; their records were queued.
    stack = await startStackRun(stateDir, OPTIONS);
    runs.push(stack);
    mark('run 2 ready');
    expect(producer.pending(), 'records queued while the stack was down').toBeGreaterThan(0);
    producer.connect(stack.endpoints.kinesis.endpoint, stack.endpoints.kinesis.streamName, 2);
    await riding;

    // The race's last second: the finishers' finals, in two waves.
    const finals = riders.filter(finishes).map((r) => recordOf(r, plan, plan.raceSeconds));
    const wave1 = finals.filter((_, i) => i % 2 === 0);
    const wave2 = finals.filter((_, i) => i % 2 === 1);
    await sleepUntil(raceEnd + 50);
    await producer.send(wave1);

    // Kill 2, at the race's end: once the stream consumers have committed work of run 2 (wave 1 among
    // it), and a finalizer invocation holding finals of wave 2 is in flight (held by the probe before it
    // runs). The finals are on time: results are written when the race closes (end plus grace), which
    // run 3 does, so the close after a crash is what this checks.
    const run2 = stack.pid;
    const ddbStack = stack;
    await eventually(
      async () => {
        const shards = await tableStreamShards(ddbStack.endpoints);
        const cps = readCheckpoints(stateDir);
        const invocations = readInvocations(stateDir);
        const ready = STREAM_CONSUMERS.every(
          (fn) =>
            committedFinished(invocations, cps, fn, run2, (seq, shardId) => shardId ?? shardOfSequence(shards, seq)) !==
            undefined,
        );
        return ready || undefined;
      },
      raceEnd + 45_000,
      'the stream consumers to commit work in run 2',
      () => readCheckpoints(stateDir),
    );
    armHold(stateDir, 'finalizer');
    await producer.send(wave2);
    const held = await eventually(
      () => readInvocations(stateDir).find((i) => i.pid === run2 && i.fn === 'finalizer' && i.state === 'held'),
      Date.now() + 30_000,
      'a finalizer invocation holding finals',
    );
    producer.disconnect();
    mark('kill 2');
    expect((await killStackRun(stack)).signal).toBe('SIGKILL');
    kills.push(readCheckpoints(stateDir));
    armHold(stateDir, undefined);
    {
      const cps = kills[1] as PersistedCheckpoints;
      const heldFinals = held.records.filter((r) => r.final);
      expect(heldFinals.length, 'finals in the invocation in flight at kill 2').toBeGreaterThan(0);
      const committed = held.records.filter((r) => isCommitted(cps, 'finalizer', r.shardId as string, r.seq));
      expect.soft(committed, 'records of the invocation in flight at kill 2 that its checkpoint commits').toEqual([]);
    }

    // Restart 2, then wait for the race to be closed and everything to settle.
    stack = await startStackRun(stateDir, OPTIONS);
    runs.push(stack);
    mark('run 3 ready');
    producer.connect(stack.endpoints.kinesis.endpoint, stack.endpoints.kinesis.streamName, 3);
    const client: AlleycatClient = createClient({
      graphqlUrl: stack.endpoints.graphqlUrl,
      auth: { apiKey: stack.endpoints.apiKey },
    });
    try {
      // The reference: each rider's newest record as put (and as planned: nothing stayed in the producer).
      const newest = new Map(CLASSES.map((c) => [c, newestPerRider(producer.acked, c, plan.raceId)]));
      for (const c of CLASSES) {
        const planned = riders.filter((r) => r.classId === c).map((r) => recordOf(r, plan, lastSecondOf(r, plan)));
        expect(sortById(newest.get(c) ?? []), `class ${c}: every rider's last record was put`).toEqual(
          sortById(planned),
        );
      }
      const results = new Map(CLASSES.map((c) => [c, expectedResults(newest.get(c) ?? [])]));

      // The live board, read while the race just ended is still the one liveRankings shows; then the
      // summary, once the race is closed. Compared after everything settled.
      const boards = new Map<number, Awaited<ReturnType<typeof readLiveBoard>>>();
      for (const c of CLASSES) {
        const want = { raceId: plan.raceId, entries: expectedBoard(newest.get(c) ?? []) };
        const deadline = Math.min(secondDueAt(plan, 2 * plan.raceSeconds) - 1000, Date.now() + 90_000);
        boards.set(c, await readUntilEqual(() => readLiveBoard(client, c), want, deadline));
      }
      const closeDeadline = Date.now() + 90_000;
      for (const c of CLASSES) {
        const want = { status: 'FINISHED', ...expectedSummary(results.get(c) ?? []) };
        await readUntilEqual(() => readSummary(client, c, plan.raceId), want, closeDeadline);
      }
      mark('live boards and summaries right');
      await pacer.stop();
      await producer.send([]);
      expect(producer.pending(), 'every record put').toBe(0);
      await settled(producer.acked);
      mark('settled');
      console.log(timeline.join('\n'));

      // Assess: the data.
      for (const c of CLASSES) {
        const want = results.get(c) ?? [];
        expect.soft(await readResults(client, c, plan.raceId), `class ${c}: raceResults`).toEqual(want);
        expect
          .soft(await readSummary(client, c, plan.raceId))
          .toEqual({ status: 'FINISHED', ...expectedSummary(want) });
        expect.soft(boards.get(c), `class ${c}: last live board`).toEqual({
          raceId: plan.raceId,
          entries: expectedBoard(newest.get(c) ?? []),
        });
        const allTime = expectedAllTime(want);
        expect.soft(await readAllTime(client, c, 'PERSONAL_BEST'), `class ${c}: all-time by best`).toEqual(allTime);
        expect.soft(await readAllTime(client, c, 'TOTAL_OUTPUT'), `class ${c}: all-time by total`).toEqual(allTime);
        for (const r of want) {
          // One race each: the rider's all-time place is the same by best and by total.
          const allTimeRank = allTime.find((e) => e.racerId === r.racerId)?.rank;
          expect.soft(await readRacer(client, r.racerId), `racer ${r.racerId}`).toEqual({
            racerId: r.racerId,
            name: r.name,
            classes: [
              {
                classId: c,
                bestOutput: r.output,
                bestRaceId: plan.raceId,
                racesCompleted: 1,
                totalOutput: r.output,
                lastRaceId: plan.raceId,
                bestRank: allTimeRank,
                totalRank: allTimeRank,
              },
            ],
            recentResults: [{ classId: c, raceId: plan.raceId, output: r.output, finished: r.finished, rank: r.rank }],
          });
        }
      }

      // Assess: the deliveries.
      const shards = await tableStreamShards(stack.endpoints);
      const invocations = readInvocations(stateDir);
      // The batch in flight at kill 2 was delivered again, and finished, after the restart.
      const finishedInRun3 = new Set(
        invocations
          .filter((i) => i.fn === 'finalizer' && i.pid === stack.pid)
          .flatMap((i) => completedRecords(i).map((r) => `${r.shardId}:${r.seq}`)),
      );
      expect
        .soft(
          held.records.filter((r) => !finishedInRun3.has(`${r.shardId}:${r.seq}`)),
          'the held batch finished after restart 2',
        )
        .toEqual([]);
      const pids = runs.map((r) => r.pid);
      for (const fn of [...STREAM_CONSUMERS, 'allTime']) {
        const report = auditDeliveries({
          fn,
          invocations,
          runs: pids,
          kills,
          shardOf: (r) => r.shardId ?? shardOfSequence(shards, r.seq),
          ...(fn === 'allTime' ? {} : { required: producer.acked }),
        });
        expect.soft(report.violations, `${fn} deliveries`).toEqual([]);
        // Non-vacuous: each kill left committed work of each stream consumer (the all-time one has none
        // before the race closes: results are written at the close, after both kills).
        if (fn !== 'allTime')
          for (let k = 0; k < kills.length; k += 1)
            expect
              .soft(report.committedAtKill[k], `${fn}: delivered records committed at kill ${k + 1}`)
              .toBeGreaterThan(0);
        console.log(
          `${fn}: ${report.delivered} records delivered, ${report.redelivered} of them again after a kill,`,
          `${report.finishedTwice} finished twice; committed at the kills: ${report.committedAtKill.join(', ')}`,
        );
      }
    } finally {
      client.close();
    }

    expect(await stopStackRun(stack)).toBe(0);
    // Up to one race (60 s) more than the ride itself: riders start at a race's start (planRace).
  }, 360_000);
});

function sortById<T extends { racerId: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (a.racerId < b.racerId ? -1 : a.racerId > b.racerId ? 1 : 0));
}

/**
 * Everything drained: both Kinesis consumers finished every acknowledged
 * record and committed through the last one of each shard (the aggregator
 * with its window closed), and no function was invoked nor checkpoint moved
 * for a few seconds (the all-time consumer has caught up with the table).
 */
async function settled(acked: readonly AckedRecord[]): Promise<void> {
  const lastPerShard = new Map<string, bigint>();
  for (const a of acked) {
    const seq = BigInt(a.seq);
    if ((lastPerShard.get(a.shardId) ?? -1n) < seq) lastPerShard.set(a.shardId, seq);
  }
  let quietSince = Date.now();
  let last = '';
  await eventually(
    () => {
      const invocations = readInvocations(stateDir);
      const cps = readCheckpoints(stateDir);
      const snapshot = `${invocations.length}|${JSON.stringify(cps)}`;
      if (snapshot !== last) {
        last = snapshot;
        quietSince = Date.now();
      }
      const drained = STREAM_CONSUMERS.every((fn) =>
        [...lastPerShard].every(([shardId, seq]) => {
          const cp = cps[fn]?.[shardId];
          return isCommitted(cps, fn, shardId, String(seq)) && cp?.window === undefined;
        }),
      );
      return (drained && Date.now() - quietSince >= 5_000) || undefined;
    },
    Date.now() + 90_000,
    'the stack to drain and go quiet',
    () => readCheckpoints(stateDir),
  );
}
