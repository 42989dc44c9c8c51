/**
 * End to end on the local stack with short races: telemetry through
 * recordTelemetry, the finalizer writes results (a rider who never sends a
 * final gets a not-finished one from the live data), the race appears in
 * `races` with its summary, and the all-time consumer ranks the riders.
 */
import { describe, expect, it } from 'vitest';
import { AllTimeRankingsDocument, RaceResultsDocument, RacesDocument } from '../../client/generated/operations.js';
import { raceIdAt, raceSecondAt } from '../../core/raceClock.js';
import { sleep } from '../support/eventually.js';
import { untilNextRaceStart, untilRaceSecond } from '../support/raceStart.js';
import { useScratchStack } from '../support/useScratchStack.js';

const RACE_SECONDS = 6;
const CLASS_ID = 6;

describe('results and all-time rankings end to end on the local stack', () => {
  const local = useScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: 1 });

  it('a whole race: finishers, a rider who drops out, the summary and the all-time ranking', async () => {
    // Wait for the start of a race so that every second of it can be ridden.
    const raceId = await untilNextRaceStart(RACE_SECONDS);
    const ride = (racerId: string, rate: number, second: number, name?: string) => ({
      raceId,
      classId: CLASS_ID,
      racerId,
      ...(name ? { name } : {}),
      second,
      power: rate * 1000,
      output: Math.round(rate * second * 1000) / 1000,
      event: second === RACE_SECONDS ? ('final' as const) : ('update' as const),
      deviceTimestamp: Date.now(),
    });
    for (let s = 0; s <= RACE_SECONDS; s += 1) {
      const records = [ride('fin-fast', 0.4, s, 'Fast'), ride('fin-slow', 0.3, s, 'Slow')];
      if (s <= 3) records.push(ride('dropout', 0.5, s, 'Drop'));
      const receipt = await local.riders.send({ records });
      expect(receipt.recordTelemetry.failed).toBe(0);
      // Next second of the race clock (the finals go out as the next race starts).
      await untilRaceSecond(raceId, RACE_SECONDS, s + 1);
    }
    expect(raceSecondAt(raceId + 1, RACE_SECONDS, Date.now())).toBeLessThan(RACE_SECONDS);

    // The race closes after its end plus the grace period, on a finalizer
    // invocation: riders of another class keep the stream going meanwhile, as
    // they do on a live system.
    let keepRiding = true;
    const others = (async () => {
      while (keepRiding) {
        const now = Date.now();
        const second = Math.max(1, raceSecondAt(raceIdAt(now, RACE_SECONDS), RACE_SECONDS, now));
        await local.riders.send({
          records: [
            {
              raceId: raceIdAt(now, RACE_SECONDS),
              classId: 1,
              racerId: 'other-class',
              second,
              power: 100,
              output: 0.1 * second,
              event: 'update',
              deviceTimestamp: now,
            },
          ],
        });
        await sleep(1000);
      }
    })();
    try {
      let summary;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const races = await local.client.query(RacesDocument, { classId: CLASS_ID, limit: 5 });
        summary = races.races.items.find((r) => r.raceId === raceId && r.competitors !== null);
        if (summary) break;
        await sleep(1000);
      }
      expect(summary).toMatchObject({
        classId: CLASS_ID,
        raceId,
        status: 'FINISHED',
        competitors: 3,
        finishers: 2,
        winnerRacerId: 'fin-fast',
        winnerName: 'Fast',
        bestOutput: 2.4,
      });
      const results = await local.client.query(RaceResultsDocument, { classId: CLASS_ID, raceId, limit: 10 });
      expect(results.raceResults.items.map((r) => [r.rank, r.racerId, r.output, r.finished, r.lastSecond])).toEqual([
        [1, 'fin-fast', 2.4, true, 6],
        [2, 'fin-slow', 1.8, true, 6],
        [3, 'dropout', 1.5, false, 3],
      ]);

      // All-time rankings follow from the table stream.
      let allTime;
      while (Date.now() < deadline) {
        allTime = await local.client.query(AllTimeRankingsDocument, { classId: CLASS_ID, limit: 10 });
        if (allTime.allTimeRankings.items.length === 3) break;
        await sleep(1000);
      }
      expect(
        allTime?.allTimeRankings.items.map((i) => [
          i.rank,
          i.racerId,
          i.bestOutput,
          i.bestRaceId,
          i.racesCompleted,
          i.lastRaceId,
        ]),
      ).toEqual([
        [1, 'fin-fast', 2.4, raceId, 1, raceId],
        [2, 'fin-slow', 1.8, raceId, 1, raceId],
        [3, 'dropout', 1.5, raceId, 1, raceId],
      ]);
    } finally {
      keepRiding = false;
      await others;
    }
  }, 180_000);
});
