/**
 * A 20,000-rider class through the local stack, as trusted producers send
 * it (straight on the stream). Riders start together, as honest riders do
 * (core/fairPlay.ts): every rider's first record is sent at the race's
 * second 0, well before the join cutoff; then each sends a record every ten
 * seconds, at their own second of each ten (about 2,000 records a second
 * after the start's 20,000), and a final at the last second. A few riders of
 * another class ride race after race meanwhile, as classes do on a running
 * stack, so the finalizer reads records after the race's end and closes it
 * as soon as it is due (not at the next scheduled tick).
 *
 * The race's last board reaches onLiveBoard subscribers of every band
 * complete, ranked and within one 5 KB message each; every result is exact;
 * both all-time rankings agree with the results; no function fails and
 * nothing is dead-lettered. Prints how far behind the clock the records were
 * put, when the last board arrived, and how long the close took (race end to
 * every result and every all-time item stored), with the load average.
 *
 * It runs after the rest of the suite, alone (vitest.config.ts), so that its
 * minutes of full CPU do not slow the other tests past their timeouts.
 */
import { loadavg } from 'node:os';
import type { MappingEvent } from '../../local/esm/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackClient } from '../support/stackClient.js';
import { liveBandEventBytes } from '../support/liveBandEventBytes.js';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AlleycatClient } from '../../client/index.js';
import { GraphQLResponseError, NetworkError } from '../../client/errors.js';
import type { AllTimeOrder, LiveBandFieldsFragment } from '../../client/generated/operations.js';
import {
  AllTimeRankingsDocument,
  OnLiveBoardDocument,
  RaceDocument,
  RaceResultsDocument,
} from '../../client/generated/operations.js';
import { joinCutoffMillis } from '../../core/fairPlay.js';
import { ALLTIME_SHARDS, GSI1, SHARD_NUMBERS, allTimeBestPk } from '../../core/keys.js';
import { raceStartMillis } from '../../core/raceClock.js';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { localDynamoDb } from '../../local/stack/clients.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';
import { eventually, readUntil, sleep, sleepUntil } from '../support/eventually.js';
import { untilJoinable } from '../support/raceStart.js';
import { streamTelemetry } from '../support/streamTelemetry.js';

const RIDERS = 20_000;
const CLASS_ID = 1;
/** The class whose riders keep the stream going after the big race, race after race. */
const PACER_CLASS = 2;
const PACERS = 5;
/** Join deadline second 10: the cutoff is 13 s into the race. */
const RACE_SECONDS = 30;
/** Long windows: each of the race's boards is 400 bands, which the local AppSync runtime fans out in seconds. */
const WINDOW_SECONDS = 10;
/** A rider sends at race second 0, then every SEND_EVERY seconds at their own offset, then a final. */
const SEND_EVERY = 10;
const BANDS = RIDERS / 50;
const PAGE = 1000;
/**
 * Bounds of the waits (the machine runs the stack's functions, DynamoDB Local and AppSync runtime on 2
 * cores): the last board, after the race's end; every result and every all-time item, after the race's end
 * (the all-time consumer makes a class's rank-tree moves one after another: 20,000 transactions).
 */
const LAST_BOARD_WAIT_MS = 150_000;
const CLOSE_WAIT_MS = 600_000;
/** A race to wait for, the race, the last board, the close, then reading 20,000 results and items twice. */
const TEST_TIMEOUT_MS = 2 * RACE_SECONDS * 1000 + LAST_BOARD_WAIT_MS + CLOSE_WAIT_MS + 120_000;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

const racerId = (i: number) => `big-${String(i).padStart(5, '0')}`;
const nameOf = (i: number) => `Rider ${i}`;
/** Output per second in milli-kJ (exact outputs; every 200th rider alike, so the board has ties). */
const rateMilli = (i: number) => 100 + ((i * 37) % 200);
const outputAt = (i: number, second: number) => (rateMilli(i) * second) / 1000;

interface Ranked {
  rank: number;
  racerId: string;
  output: number;
}

/** The expected final ranking: output descending, racerId ascending, equal outputs sharing a rank. */
function expectedRanking(): Ranked[] {
  const rows = Array.from({ length: RIDERS }, (_, i) => ({ racerId: racerId(i), output: outputAt(i, RACE_SECONDS) }));
  rows.sort((a, b) => b.output - a.output || (a.racerId < b.racerId ? -1 : 1));
  let rank = 0;
  return rows.map((r, at) => {
    if (at === 0 || rows[at - 1]!.output !== r.output) rank = at + 1;
    return { rank, ...r };
  });
}

/** A read that failed for the machine's load: its connection closed under it, or AppSync's ExecutionTimeout. */
const busy = (error: unknown) =>
  error instanceof NetworkError ||
  (error instanceof GraphQLResponseError && error.errors.some((e) => e.errorType === 'ExecutionTimeout'));

/** A read tried again (at most three times) when it failed for the machine's load. */
async function retried<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (!busy(error) || attempt === 3) throw error;
      await sleep(500);
    }
  }
}

/** A polled read: undefined (read again at the next poll) when it failed for the machine's load. */
async function polled<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (busy(error)) return undefined;
    throw error;
  }
}

/** The first few positions where `got` differs from `expected` (counted, not diffed: a diff of 20,000 entries takes minutes to print). */
function mismatches(got: readonly Ranked[], expected: readonly Ranked[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(got.length, expected.length) && out.length < 5; i += 1) {
    const [g, e] = [got[i], expected[i]];
    if (!g || !e || g.rank !== e.rank || g.racerId !== e.racerId || g.output !== e.output)
      out.push(`#${i}: ${JSON.stringify(g)} expected ${JSON.stringify(e)}`);
  }
  return out;
}

describe('a 20,000-rider class through the local stack', () => {
  let stack: LocalStack;
  let client: AlleycatClient;
  const logLines: string[] = [];

  beforeAll(async () => {
    stack = await startScratchStack({
      raceSeconds: RACE_SECONDS,
      windowSeconds: WINDOW_SECONDS,
      log: (line) => logLines.push(line),
    });
    client = stackClient(stack.endpoints);
  });
  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it(
    'every band complete, ranked and within 5 KB, every result and all-time item exact, nothing dead-lettered',
    async () => {
      const stream = streamTelemetry(stack.endpoints.kinesis, { attempts: 10 });
      const ddb = localDynamoDb(stack.endpoints.dynamodb.endpoint);
      const put = (records: readonly TelemetryRecord[]): Promise<void> => stream.put(records);
      // The all-time consumer's invocations: how many, and the longest (its timeout is 30 s).
      const allTimeRuns = { invocations: 0, longestMs: 0 };
      for (const m of stack.mappings.filter((x) => x.name === 'allTime')) {
        m.mapping.events.on('event', (e: MappingEvent) => {
          if (e.type !== 'invoke') return;
          allTimeRuns.invocations += 1;
          allTimeRuns.longestMs = Math.max(allTimeRuns.longestMs, e.durationMs);
        });
      }
      // Every band, five to a subscription (AppSync's `in` takes five values): the newest event of each band.
      const bands = new Map<number, LiveBandFieldsFragment>();
      let largestBand = 0;
      const stops: Array<() => void> = [];
      for (let b = 0; b < BANDS; b += 5) {
        stops.push(
          client.subscribe(
            OnLiveBoardDocument,
            { classId: CLASS_ID, bands: [b, b + 1, b + 2, b + 3, b + 4] },
            {
              next: (v) => {
                const band = v.onLiveBoard;
                if (!band) return;
                largestBand = Math.max(largestBand, liveBandEventBytes(band));
                const had = bands.get(band.band);
                if (!had || had.updatedAt <= band.updatedAt) bands.set(band.band, band);
              },
            },
          ),
        );
      }
      let pacing = true;
      let pacer: Promise<void> = Promise.resolve();
      try {
        await sleep(1500);
        // Ride a whole race from its start: every rider's first record at second 0 (riders start together).
        const { raceId } = await untilJoinable(RACE_SECONDS, 0, 0);
        const start = raceStartMillis(raceId, RACE_SECONDS);
        const raceEnd = start + RACE_SECONDS * 1000;
        const record = (i: number, second: number): TelemetryRecord => ({
          raceId,
          classId: CLASS_ID,
          racerId: racerId(i),
          name: nameOf(i),
          second,
          power: 300,
          output: outputAt(i, second),
          event: second === RACE_SECONDS ? 'final' : 'update',
          deviceTimestamp: Date.now(),
        });
        // The pacers: every second of every race from this one on, until the test has read everything.
        pacer = (async () => {
          for (let at = start; pacing; at += 1000) {
            await sleepUntil(at);
            const race = raceId + Math.floor((at - start) / (RACE_SECONDS * 1000));
            const second = Math.floor((at - raceStartMillis(race, RACE_SECONDS)) / 1000);
            // A record late by more than a second is skipped, as a bike skips to the clock's second.
            if (Date.now() - at > 1000) continue;
            await put(
              Array.from({ length: PACERS }, (_, p) => ({
                raceId: race,
                classId: PACER_CLASS,
                racerId: `pacer-${p}`,
                second,
                power: 200,
                output: second * 0.2,
                event: 'update' as const,
                deviceTimestamp: Date.now(),
              })),
            );
          }
        })();
        let late = 0;
        for (let second = 0; second <= RACE_SECONDS; second += 1) {
          const due = start + second * 1000 + 100;
          late = Math.max(late, Date.now() - due);
          await sleepUntil(due);
          const records: TelemetryRecord[] = [];
          for (let i = 0; i < RIDERS; i += 1) {
            if (second === 0 || second === RACE_SECONDS || second % SEND_EVERY === i % SEND_EVERY)
              records.push(record(i, second));
          }
          await put(records);
          // Every rider's first record is on the stream before the race stops taking riders.
          if (second === 0) expect(Date.now()).toBeLessThan(joinCutoffMillis(raceId, RACE_SECONDS));
        }
        console.log(`20,000 riders: a second's records were put at most ${late} ms behind the clock (load ${load()})`);

        // The race's last board: every rider at the last second, in every band.
        const expected = expectedRanking();
        const finalBoard = () =>
          bands.size === BANDS &&
          [...bands.values()].every(
            (b) => b.raceId === raceId && b.totalRiders === RIDERS && b.entries.every((e) => e.second === RACE_SECONDS),
          );
        const arrived = await readUntil(
          () => Promise.resolve(finalBoard()),
          (done) => done,
          Date.now() + LAST_BOARD_WAIT_MS,
        );
        console.log(
          `20,000 riders: the last board ${arrived ? 'reached' : 'had not reached'} the subscribers ${
            Date.now() - raceEnd
          } ms after the race's end (load ${load()})`,
        );
        // Soft: a failure here is reported with the rest, and the close is still checked and timed.
        expect.soft(bands.size).toBe(BANDS);
        expect.soft(arrived, 'every band shows every rider at the last second').toBe(true);
        const board = [...bands.values()].sort((a, b) => a.band - b.band).flatMap((b) => b.entries);
        expect.soft(board).toHaveLength(RIDERS);
        expect.soft(mismatches(board, expected), 'board entries unlike the expected ranking').toEqual([]);
        expect
          .soft(
            [...bands.values()].filter((b) => b.entries.length !== 50 || b.totalRiders !== RIDERS).map((b) => b.band),
            'bands not of 50 entries of 20,000 riders',
          )
          .toEqual([]);
        expect.soft(largestBand).toBeLessThanOrEqual(5 * 1024);

        // The close: the race's summary (every result written), then an all-time item for every rider.
        const closeDeadline = Date.now() + CLOSE_WAIT_MS;
        await eventually(
          async () => {
            const race = (await polled(() => client.query(RaceDocument, { classId: CLASS_ID, raceId })))?.race;
            return race?.competitors ?? undefined;
          },
          closeDeadline,
          'the race closed',
          undefined,
          1000,
        );
        const closedAfter = Date.now() - raceEnd;
        const allTimeItems = async (): Promise<number> => {
          let n = 0;
          for (const shard of SHARD_NUMBERS.slice(0, ALLTIME_SHARDS)) {
            let startKey: Record<string, never> | undefined;
            do {
              const page = await ddb.send(
                new QueryCommand({
                  TableName: stack.endpoints.dynamodb.tableName,
                  IndexName: GSI1,
                  KeyConditionExpression: 'GSI1PK = :pk',
                  ExpressionAttributeValues: { ':pk': { S: allTimeBestPk(CLASS_ID, shard) } },
                  Select: 'COUNT',
                  ExclusiveStartKey: startKey,
                }),
              );
              n += page.Count ?? 0;
              startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
            } while (startKey !== undefined);
          }
          return n;
        };
        // What the all-time mapping has delivered (an in-process figure): the index is counted only once it could be complete.
        const allTimeDelivered = () =>
          stack.mappings
            .filter((m) => m.name === 'allTime')
            .flatMap((m) => m.mapping.metrics().shards)
            .reduce((n, shard) => n + shard.recordsDelivered, 0);
        let indexed = 0;
        await eventually(
          async () => {
            if (allTimeDelivered() < RIDERS) return undefined;
            indexed = await allTimeItems();
            return indexed === RIDERS ? indexed : undefined;
          },
          closeDeadline,
          'an all-time item for every rider',
          () => ({ delivered: allTimeDelivered(), indexed }),
          1000,
        );
        const allTimeAfter = Date.now() - raceEnd;
        const allTimeShards = stack.mappings
          .filter((m) => m.name === 'allTime')
          .flatMap((m) => m.mapping.metrics().shards);
        const sum = (pick: (s: (typeof allTimeShards)[number]) => number) =>
          allTimeShards.reduce((n, s) => n + pick(s), 0);
        console.log(
          `20,000 riders: every result stored ${closedAfter} ms and every all-time item ${allTimeAfter} ms after the race's end (load ${load()}); ` +
            `all-time consumer: ${allTimeRuns.invocations} invocations, the longest ${allTimeRuns.longestMs} ms, ` +
            `${sum((s) => s.partialFailures)} partial failures, ${sum((s) => s.retries)} retries`,
        );

        // Results: every rider's exact.
        const race = (await retried(() => client.query(RaceDocument, { classId: CLASS_ID, raceId }))).race;
        expect(race.competitors).toBe(RIDERS);
        const results: Array<Ranked & { finished: boolean; name: string | null; flags: readonly string[] }> = [];
        let nextToken: string | null | undefined;
        do {
          const page = await retried(() =>
            client.query(RaceResultsDocument, { classId: CLASS_ID, raceId, limit: PAGE, nextToken }),
          );
          results.push(...page.raceResults.items);
          nextToken = page.raceResults.nextToken;
        } while (nextToken);
        expect(results).toHaveLength(RIDERS);
        expect(mismatches(results, expected), 'results unlike the expected ranking').toEqual([]);
        expect(
          results
            .filter((r) => !r.finished || r.flags.length > 0 || r.name !== nameOf(Number(r.racerId.slice(4))))
            .slice(0, 5),
          'results unfinished, flagged or misnamed',
        ).toEqual([]);

        // All-time: one race each, so both rankings are the results' ranking, best = total = the result.
        for (const by of ['PERSONAL_BEST', 'TOTAL_OUTPUT'] as AllTimeOrder[]) {
          const rows: Array<Ranked & { best: number; races: number; bestRaceId: number }> = [];
          let token: string | null | undefined;
          do {
            const page = await retried(() =>
              client.query(AllTimeRankingsDocument, { classId: CLASS_ID, by, limit: PAGE, nextToken: token }),
            );
            for (const e of page.allTimeRankings.items) {
              rows.push({
                rank: e.rank,
                racerId: e.racerId,
                output: by === 'PERSONAL_BEST' ? e.bestOutput : e.totalOutput,
                best: e.bestOutput,
                races: e.racesCompleted,
                bestRaceId: e.bestRaceId,
              });
            }
            token = page.allTimeRankings.nextToken;
          } while (token);
          expect(rows, `all-time ${by}`).toHaveLength(RIDERS);
          expect(mismatches(rows, expected), `all-time ${by} unlike the results`).toEqual([]);
          expect(
            rows.filter((r) => r.races !== 1 || r.bestRaceId !== raceId || r.best !== r.output).slice(0, 5),
            `all-time ${by}: one race counted, best = total`,
          ).toEqual([]);
        }

        // Nothing was dead-lettered or discarded, and no function invocation failed (every figure reported).
        const errors = logLines.filter((l) => /error|fail|timed out/i.test(l));
        for (const m of stack.mappings) {
          const figures = m.mapping.metrics();
          expect.soft(m.deadLetters.messages(), `${m.name} dead letters`).toEqual([]);
          expect.soft(figures.deadLetterMessages, `${m.name} dead letters`).toBe(0);
          for (const shard of figures.shards) {
            expect
              .soft(
                shard.functionErrors,
                `${m.name} ${shard.shardId} function errors: ${errors.slice(0, 3).join(' | ')}`,
              )
              .toBe(0);
            expect.soft(shard.discardedBatches, `${m.name} ${shard.shardId} discarded batches`).toBe(0);
          }
        }
      } finally {
        pacing = false;
        await pacer;
        for (const stop of stops) stop();
        stream.close();
        ddb.destroy();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
