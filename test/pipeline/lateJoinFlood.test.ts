/**
 * A flood of late joiners on the local stack, through Kinesis: 200 honest
 * riders ride a whole race of one class; after its join cutoff 20,000
 * distinct riders (the longest racerIds, names of 120 bytes) join it, twice,
 * and send a final at its end. No late joiner is ever ranked, admitted or
 * given a result; the honest riders' live data and results are exact; no
 * function fails, no batch is dead-lettered and no window ends early (the
 * late joiners never take room in the window state); the refusals are
 * counted where operators look.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createClient } from '../../client/index.js';
import type { AlleycatClient } from '../../client/index.js';
import { RaceDocument, RaceResultsDocument } from '../../client/generated/operations.js';
import { joinCutoffMillis } from '../../core/fairPlay.js';
import { raceAdmissionKey } from '../../core/keys.js';
import { rankRiders, type LiveEntry } from '../../core/livePart.js';
import { raceIdAt, raceStartMillis } from '../../core/raceClock.js';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { readLiveParts } from '../../functions/aggregator/livePartReads.js';
import { streamTelemetry } from '../support/streamTelemetry.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { documentClient } from '../functions/support.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';

/** Join deadline second 10: the cutoff is 13 s into the race. */
const RACE_SECONDS = 40;
/** The deployed window (infra/settings.ts): a flood's records of one second land in one window per shard. */
const WINDOW_SECONDS = 5;
const CLASS_ID = 2;
const HONEST = 200;
const FLOOD = 20_000;
/** Race seconds the late joiners send at (after the cutoff), then their finals at the end. */
const FLOOD_SECONDS = [16, 24];
const LONG_NAME = '€'.repeat(40);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const floodId = (i: number) => `late-${String(i).padStart(59, '0')}`;

/** Honest rider i rides at 200 + i W from second 0: outputs exact to the joule. */
function honestRecord(raceId: number, i: number, second: number): TelemetryRecord {
  return {
    raceId,
    classId: CLASS_ID,
    racerId: `honest-${i}`,
    name: i % 2 === 0 ? LONG_NAME : `Rider ${i}`,
    second,
    power: 200 + i,
    output: ((200 + i) * second) / 1000,
    event: second === RACE_SECONDS ? 'final' : 'update',
    deviceTimestamp: Date.now(),
  };
}

function lateRecord(raceId: number, i: number, second: number): TelemetryRecord {
  return {
    raceId,
    classId: CLASS_ID,
    racerId: floodId(i),
    name: LONG_NAME,
    second,
    power: 3000,
    output: second === RACE_SECONDS ? 99 : 1,
    event: second === RACE_SECONDS ? 'final' : 'update',
    deviceTimestamp: Date.now(),
  };
}

describe('a flood of late joiners on the local stack', () => {
  let stack: LocalStack;
  let client: AlleycatClient;

  beforeAll(async () => {
    stack = await startScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: WINDOW_SECONDS });
    client = createClient({ graphqlUrl: stack.endpoints.graphqlUrl, auth: { apiKey: stack.endpoints.apiKey } });
  });
  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it('ranks, admits and finishes only the 200 honest riders, with no function error, dead letter or early window', async () => {
    const stream = streamTelemetry(stack.endpoints.kinesis, { attempts: 10 });
    const aggregator = stack.mappings.find((m) => m.name === 'aggregator')?.mapping;
    const ages: Array<{ at: number; ms: number }> = [];
    const sampler = setInterval(() => ages.push({ at: Date.now(), ms: aggregator?.metrics().iteratorAgeMs ?? 0 }), 250);
    const doc = documentClient(stack.endpoints.dynamodb.endpoint);
    try {
      const raceId = raceIdAt(Date.now(), RACE_SECONDS) + 1;
      const start = raceStartMillis(raceId, RACE_SECONDS);
      const oldest = () => ages.reduce((a, b) => (b.ms > a.ms ? b : a), { at: start, ms: 0 });
      let flood: Promise<void> = Promise.resolve();
      const floodPuts: number[] = [];
      for (let second = 0; second <= RACE_SECONDS; second += 1) {
        await sleep(start + second * 1000 + 100 - Date.now());
        const honest = Array.from({ length: HONEST }, (_, i) => honestRecord(raceId, i, second));
        await stream.put(honest);
        if (FLOOD_SECONDS.includes(second) || second === RACE_SECONDS) {
          expect(Date.now()).toBeGreaterThan(joinCutoffMillis(raceId, RACE_SECONDS));
          const late = Array.from({ length: FLOOD }, (_, i) => lateRecord(raceId, i, second));
          flood = flood.then(async () => {
            const t0 = Date.now();
            await stream.put(late);
            floodPuts.push(Date.now() - t0);
          });
        }
      }
      await flood;

      // The live ranking once the aggregator has closed the race's last window.
      const deadline = Date.now() + 90_000;
      let live: LiveEntry[] = [];
      do {
        await sleep(1000);
        live = rankRiders(await readLiveParts(doc, stack.endpoints.dynamodb.tableName, CLASS_ID, raceId));
      } while (Date.now() < deadline && (live.length < HONEST || live.some((e) => e.second !== RACE_SECONDS)));

      // The race's results once the finalizer has closed it.
      const closeDeadline = Date.now() + 120_000;
      let competitors: number | null | undefined;
      while (Date.now() < closeDeadline && (competitors === null || competitors === undefined)) {
        await sleep(1000);
        competitors = (await client.query(RaceDocument, { classId: CLASS_ID, raceId })).race.competitors;
      }
      const results = new Map<string, { output: number; finished: boolean; flags: readonly string[] }>();
      let nextToken: string | null | undefined;
      do {
        const page = await client.query(RaceResultsDocument, { classId: CLASS_ID, raceId, limit: 100, nextToken });
        for (const r of page.raceResults.items) results.set(r.racerId, r);
        nextToken = page.raceResults.nextToken;
      } while (nextToken);

      const counter = (
        await doc.send(
          new GetCommand({
            TableName: stack.endpoints.dynamodb.tableName,
            Key: raceAdmissionKey(CLASS_ID, raceId),
            ConsistentRead: true,
          }),
        )
      ).Item;
      const res = await fetch(new URL('/ops/metrics', stack.endpoints.graphqlUrl));
      const ops = (await res.json()) as { series: Array<{ id: string; total: number | null }> };
      const total = (id: string) => ops.series.find((x) => x.id === id)?.total ?? 0;
      const figures = stack.mappings.map((m) => ({ name: m.name, ...m.mapping.metrics() }));
      const shardsOf = (name: string) => figures.find((f) => f.name === name)?.shards ?? [];
      console.log(
        `late-joiner flood: puts ${floodPuts.join(', ')} ms; live entries ${
          live.length
        }; competitors ${competitors}; ` +
          `admitted ${String(counter?.admitted)}; aggregator LateRecordsRefused ${total(
            'fn.aggregator.LateRecordsRefused',
          )}, ` +
          `LateJoinersRefused ${total('fn.aggregator.LateJoinersRefused')}; finalizer FinalsNotAdmitted ` +
          `${total('fn.finalizer.FinalsNotAdmitted')}; windows ended early ${shardsOf('aggregator')
            .map((s) => s.windowsTerminatedEarly)
            .join(', ')}; aggregator iterator age max ${oldest().ms} ms at race second ${Math.round(
            (oldest().at - start) / 1000,
          )}; function errors ${figures
            .map((f) => `${f.name} ${f.shards.reduce((n, s) => n + s.functionErrors, 0)}`)
            .join(', ')}; dead letters ${figures.map((f) => `${f.name} ${f.deadLetterMessages}`).join(', ')}`,
      );

      // Honest riders: all ranked, exact, and alone.
      expect(live.length).toBe(HONEST);
      for (let i = 0; i < HONEST; i += 1) {
        expect(live.find((e) => e.racerId === `honest-${i}`)).toMatchObject({
          second: RACE_SECONDS,
          output: ((200 + i) * RACE_SECONDS) / 1000,
          flags: [],
        });
      }
      expect(counter?.admitted).toBe(HONEST);
      expect(competitors).toBe(HONEST);
      expect(results.size).toBe(HONEST);
      for (let i = 0; i < HONEST; i += 1) {
        expect(results.get(`honest-${i}`)).toMatchObject({
          output: ((200 + i) * RACE_SECONDS) / 1000,
          finished: true,
          flags: [],
        });
      }
      // No function failed, nothing was dead-lettered or discarded, no window ended early.
      for (const f of figures) {
        expect(f.deadLetterMessages, `${f.name} dead letters`).toBe(0);
        for (const shard of f.shards) {
          expect(shard.functionErrors, `${f.name} ${shard.shardId} function errors`).toBe(0);
          expect(shard.discardedBatches, `${f.name} ${shard.shardId} discarded batches`).toBe(0);
        }
      }
      for (const shard of shardsOf('aggregator')) expect(shard.windowsTerminatedEarly, shard.shardId).toBe(0);
      // Every late record was counted by the aggregator, as a record dropped in the fold or a rider taken out
      // of a window's state (one record each per window), and every late final by the finalizer.
      const lateRecords = FLOOD * (FLOOD_SECONDS.length + 1);
      expect(total('fn.aggregator.LateRecordsRefused') + total('fn.aggregator.LateJoinersRefused')).toBe(lateRecords);
      expect(total('fn.aggregator.LateRecordsRefused')).toBeGreaterThan(lateRecords / 2);
      expect(total('fn.finalizer.FinalsNotAdmitted')).toBe(FLOOD);
      expect(total('fn.aggregator.FairPlayFlags')).toBe(0);
    } finally {
      clearInterval(sampler);
      stream.close();
      doc.destroy();
    }
  }, 330_000);
});
