/**
 * Riders start together, end to end on the local stack (core/fairPlay.ts
 * joinDeadline): a rider who joins a race after its join deadline cannot win
 * by riding less of it, whatever path the records take. Adversaries, beside
 * honest riders who ride the whole race (two on Kinesis, one signed in on
 * recordTelemetry):
 *
 * - a trusted producer's rider on Kinesis who joins at second 20 at 3,000 W
 *   (enough to win if admitted) and sends a final;
 * - a signed-in rider on recordTelemetry who joins at second 20 (taken by
 *   the API while the admission settles, dropped by the aggregator), then is
 *   refused with a LateJoinError, final included.
 *
 * Neither ever appears in the live rankings or the results; the honest
 * riders' results and all-time stats are exact; the refusals are counted.
 */
import { describe, expect, it } from 'vitest';
import { GraphQLResponseError } from '../../client/errors.js';
import {
  AllTimeRankingsDocument,
  LiveRankingsDocument,
  RaceResultsDocument,
  RacesDocument,
  RecordTelemetryDocument,
} from '../../client/generated/operations.js';
import { joinCutoffMillis, lateJoinRefusedFromMillis } from '../../core/fairPlay.js';
import { raceStartMillis } from '../../core/raceClock.js';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { useScratchStack } from '../support/useScratchStack.js';
import { readUntil } from '../support/eventually.js';
import { untilNextRaceStart, untilRaceSecond } from '../support/raceStart.js';

/** Join deadline second 10, cutoff at 13 s; recordTelemetry refuses unadmitted riders from 28 s. */
const RACE_SECONDS = 60;
const CLASS_ID = 2;
const JOIN_AT = 20;

/** Constant power per rider: output = watts × (seconds ridden), exact to the joule. */
const WATTS: Record<string, number> = { h1: 400, h2: 300, g1: 350, kl: 3000, gl: 3000 };
const FROM: Record<string, number> = { h1: 0, h2: 0, g1: 0, kl: JOIN_AT, gl: JOIN_AT };
const outputAt = (racerId: string, second: number) =>
  ((WATTS[racerId] ?? 0) * Math.max(0, second - (FROM[racerId] ?? 0))) / 1000;

describe('a late joiner on the local stack: refused on every path, honest riders exact', () => {
  const local = useScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: 1 });

  /** recordTelemetry as the signed-in rider: undefined when accepted, else the GraphQL error. */
  async function ride(record: TelemetryRecord): Promise<Record<string, unknown> | undefined> {
    try {
      const res = await local.riders.clientOf(record.racerId).mutate(RecordTelemetryDocument, { records: [record] });
      expect(res.recordTelemetry).toMatchObject({ accepted: 1, failed: 0 });
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLResponseError);
      return (error as GraphQLResponseError).errors[0] as unknown as Record<string, unknown>;
    }
  }

  it('keeps riders who join after the deadline out of live rankings and results, on Kinesis and on recordTelemetry', async () => {
    // Sign the riders up before the race, so that the first second's calls are plain calls.
    await Promise.all(
      ['g1', 'gl'].map((id) =>
        local.riders
          .clientOf(id)
          .mutate(RecordTelemetryDocument, { records: [] })
          .catch(() => undefined),
      ),
    );
    const raceId = await untilNextRaceStart(RACE_SECONDS);
    const start = raceStartMillis(raceId, RACE_SECONDS);
    const value = (racerId: string, second: number): TelemetryRecord => ({
      raceId,
      classId: CLASS_ID,
      racerId,
      second,
      power: WATTS[racerId] ?? 0,
      output: outputAt(racerId, second),
      event: second === RACE_SECONDS ? 'final' : 'update',
      deviceTimestamp: Date.now(),
    });

    const refusals: Array<[number, Record<string, unknown> | undefined]> = [];
    const liveViews: Array<{ second: number; ids: string[] }> = [];
    // One round per race second; a round that runs late (a loaded machine) skips to the clock's second, as a
    // bike does, and the last round is always the final.
    const clockSecond = () => Math.floor((Date.now() - start) / 1000);
    for (let s = 0; ; s = Math.min(RACE_SECONDS, Math.max(s + 1, clockSecond()))) {
      const kinesisValues = ['h1', 'h2'].map((id) => value(id, s));
      if (s >= JOIN_AT) kinesisValues.push(value('kl', s));
      await local.stream.put(kinesisValues);
      const honest = await ride(value('g1', s));
      // The honest signed-in rider is never refused, before the deadline or after it.
      expect(honest, `g1 at second ${s}`).toBeUndefined();
      if (s >= JOIN_AT) refusals.push([Date.now(), await ride(value('gl', s))]);
      if (s >= JOIN_AT + 5) {
        const live = (await local.client.query(LiveRankingsDocument, { classId: CLASS_ID })).liveRankings;
        if (live?.raceId === raceId) liveViews.push({ second: s, ids: live.entries.map((e) => e.racerId) });
      }
      if (s === RACE_SECONDS) break;
      await untilRaceSecond(raceId, RACE_SECONDS, s + 1);
    }

    // recordTelemetry: the late rider's calls are taken until the admission settles, refused after.
    expect(Date.now()).toBeGreaterThan(joinCutoffMillis(raceId, RACE_SECONDS));
    const settled = lateJoinRefusedFromMillis(raceId, RACE_SECONDS);
    const after = refusals.filter(([at]) => at >= settled + 1000);
    expect(after.length).toBeGreaterThan(5);
    for (const [, error] of after) {
      expect(error).toMatchObject({
        errorType: 'LateJoinError',
        errorInfo: { classId: CLASS_ID, raceId, racerId: 'gl', joinDeadline: 10, nextRaceId: raceId + 1 },
      });
    }
    // The final too (the last call).
    expect(refusals.at(-1)?.[1]).toMatchObject({ errorType: 'LateJoinError' });

    // Live: the honest riders, never a late joiner (kl would lead at 3,000 W).
    expect(liveViews.length).toBeGreaterThan(3);
    for (const view of liveViews) expect(view.ids.sort(), `live at second ${view.second}`).toEqual(['g1', 'h1', 'h2']);

    const summary = await readUntil(
      async () =>
        (
          await local.client.query(RacesDocument, { classId: CLASS_ID, limit: 5 })
        ).races.items.find((r) => r.raceId === raceId && r.competitors !== null),
      (r) => r !== undefined,
      Date.now() + // A stream quiet after the race's end closes it on the finalizer's once-a-minute tick.
        120_000,
    );
    expect(summary).toMatchObject({ competitors: 3, finishers: 3, winnerRacerId: 'h1', bestOutput: 24 });
    const results = (await local.client.query(RaceResultsDocument, { classId: CLASS_ID, raceId, limit: 10 }))
      .raceResults.items;
    expect(results.map((r) => [r.rank, r.racerId, r.output, r.finished, r.lastSecond, r.flags])).toEqual([
      [1, 'h1', 24, true, RACE_SECONDS, []],
      [2, 'g1', 21, true, RACE_SECONDS, []],
      [3, 'h2', 18, true, RACE_SECONDS, []],
    ]);

    const allTime = await readUntil(
      () => local.client.query(AllTimeRankingsDocument, { classId: CLASS_ID, by: 'TOTAL_OUTPUT', limit: 10 }),
      (r) => r.allTimeRankings.items.length >= 3,
      Date.now() + 60_000,
    );
    expect(allTime.allTimeRankings.items.map((i) => [i.racerId, i.totalOutput, i.racesCompleted])).toEqual([
      ['h1', 24, 1],
      ['g1', 21, 1],
      ['h2', 18, 1],
    ]);

    // Counted where operators look: the aggregator's refusals (every window a late joiner rode in), the final.
    const res = await fetch(new URL('/ops/metrics', local.stack.endpoints.graphqlUrl));
    const doc = (await res.json()) as { series: Array<{ id: string; total: number | null }> };
    const total = (id: string) => doc.series.find((x) => x.id === id)?.total ?? 0;
    expect(total('fn.aggregator.LateJoinersRefused') + total('fn.aggregator.LateRecordsRefused')).toBeGreaterThan(0);
    expect(total('fn.finalizer.FinalsNotAdmitted')).toBeGreaterThanOrEqual(1);
    expect(total('fn.aggregator.FairPlayFlags')).toBe(0);
  }, 330_000);
});
