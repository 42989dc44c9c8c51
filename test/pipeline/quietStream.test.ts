/**
 * End to end on the local stack: a race on a stream that goes quiet after it
 * ends is closed by the finalizer's schedule (nothing else could close it:
 * no record arrives after its end plus grace); then a rider's `final` that
 * arrives after the close is refused and counted: the results, the race's
 * summary and the all-time rankings stay as closed (contract §6).
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { AllTimeRankingsDocument, RaceResultsDocument, RacesDocument } from '../../client/generated/operations.js';
import { raceEndMillis, raceSecondAt } from '../../core/raceClock.js';
import { isScheduledEvent } from '../../functions/finalizer/finalizer.js';
import { RACE } from '../../infra/settings.js';
import type { LambdaHandler } from '../../local/esm/eventSourceMapping.js';
import { sleep } from '../support/eventually.js';
import { untilJoinable } from '../support/raceStart.js';
import { useScratchStack } from '../support/useScratchStack.js';

// Long enough that a final sent after the close (end + grace + 30 s quiet) still belongs to "the race just ended".
const RACE_SECONDS = 60;
const CLASS_ID = 4;

describe('a quiet stream on the local stack', () => {
  /** Arrival times (ms) of the Kinesis records the finalizer was given, and the scheduled events. */
  const arrivals: number[] = [];
  let scheduledEvents = 0;

  const wrapHandler = (name: string, handler: LambdaHandler): LambdaHandler =>
    name !== 'finalizer'
      ? handler
      : (((event: unknown, context: Context) => {
          if (isScheduledEvent(event)) scheduledEvents += 1;
          const records =
            (event as { Records?: Array<{ kinesis?: { approximateArrivalTimestamp?: number } }> }).Records ?? [];
          for (const r of records)
            if (typeof r.kinesis?.approximateArrivalTimestamp === 'number')
              arrivals.push(r.kinesis.approximateArrivalTimestamp * 1000);
          return handler(event as never, context);
        }) as LambdaHandler);
  const local = useScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: 1, closeScheduleMs: 1000, wrapHandler });

  it('the schedule closes the race; a final arriving after the close is refused, results and all-time stats stay', async () => {
    expect(local.stack.parts.find((p) => p.name === 'close schedule')).toMatchObject({ running: true });
    // Riders start together: a race in its first seconds (test/support/raceStart.ts).
    const { raceId } = await untilJoinable(RACE_SECONDS, 1);
    const end = raceEndMillis(raceId, RACE_SECONDS);
    const record = (
      racerId: string,
      name: string,
      second: number,
      output: number,
      event: 'update' | 'final' = 'update',
    ) => ({
      raceId,
      classId: CLASS_ID,
      racerId,
      name,
      second,
      // Enough for the 0.6 kJ a second the riders gain (core/fairPlay.ts: output grows no faster than power).
      power: 1000,
      output,
      event,
      deviceTimestamp: Date.now(),
    });
    let lastSecond = 0;
    for (let k = 0; k < 3; k += 1) {
      const s = Math.max(1, raceSecondAt(raceId, RACE_SECONDS, Date.now()));
      lastSecond = s;
      const receipt = await local.riders.send({
        records: [record('quiet-late', 'Late', s, s * 0.5), record('quiet-fin', 'Fin', s, s * 0.6)],
      });
      expect(receipt.recordTelemetry.failed).toBe(0);
      await sleep(1000);
    }
    const lastLive = arrivals.length;
    // The race ends; one rider's final goes out (the seconds not sent ridden at the same 0.6 kJ a
    // second, as fair play requires); then nothing flows.
    const finOutput = Math.round((RACE_SECONDS - lastSecond) * 0.6 * 1000 + lastSecond * 0.6 * 1000) / 1000;
    await sleep(Math.max(0, end - Date.now() + 200));
    expect(
      (
        await local.riders.send({
          records: [record('quiet-fin', 'Fin', RACE_SECONDS, finOutput, 'final')],
        })
      ).recordTelemetry.failed,
    ).toBe(0);

    let summary;
    const closeBy = end + (RACE.graceSeconds + 30 + 20) * 1000;
    while (Date.now() < closeBy) {
      summary = (await local.client.query(RacesDocument, { classId: CLASS_ID, limit: 5 })).races.items.find(
        (r) => r.raceId === raceId && r.competitors !== null,
      );
      if (summary) break;
      await sleep(500);
    }
    expect(summary).toMatchObject({
      status: 'FINISHED',
      competitors: 2,
      finishers: 1,
      winnerRacerId: 'quiet-fin',
      bestOutput: finOutput,
    });
    // Closed by the schedule: every record the finalizer read arrived before end + grace, so no stream invocation could.
    expect(arrivals.length).toBeGreaterThan(lastLive);
    expect(Math.max(...arrivals)).toBeLessThan(end + RACE.graceSeconds * 1000);
    expect(scheduledEvents).toBeGreaterThan(0);
    const before = (await local.client.query(RaceResultsDocument, { classId: CLASS_ID, raceId, limit: 10 })).raceResults
      .items;
    const notFinished = before.find((r) => r.racerId === 'quiet-late');
    expect(notFinished).toMatchObject({ finished: false });
    expect(notFinished?.output).toBeGreaterThan(0);
    expect(notFinished?.output).toBeLessThan(finOutput);

    // The late rider's final arrives after the close, still during the next race.
    expect(Date.now()).toBeLessThan(end + RACE_SECONDS * 1000 - 5000);
    expect(
      (
        await local.riders.send({
          records: [record('quiet-late', 'Late', RACE_SECONDS, 150.25, 'final')],
        })
      ).recordTelemetry.failed,
    ).toBe(0);
    // Refused and counted: a closed race's results never change, and the all-time stats agree with them.
    let refused = 0;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && refused < 1) {
      const doc = (await (await fetch(new URL('/ops/metrics', local.stack.endpoints.graphqlUrl))).json()) as {
        series: Array<{ id: string; total: number | null }>;
      };
      refused = doc.series.find((x) => x.id === 'fn.finalizer.LateFinalsRefused')?.total ?? 0;
      await sleep(500);
    }
    expect(refused).toBe(1);
    const results = (await local.client.query(RaceResultsDocument, { classId: CLASS_ID, raceId, limit: 10 }))
      .raceResults.items;
    expect(results).toEqual(before);
    let allTime = (
      await local.client.query(AllTimeRankingsDocument, { classId: CLASS_ID, by: 'TOTAL_OUTPUT', limit: 10 })
    ).allTimeRankings.items;
    while (allTime.length < 2 && Date.now() < deadline + 30_000) {
      await sleep(500);
      allTime = (
        await local.client.query(AllTimeRankingsDocument, { classId: CLASS_ID, by: 'TOTAL_OUTPUT', limit: 10 })
      ).allTimeRankings.items;
    }
    expect(allTime.map((i) => [i.rank, i.racerId, i.bestOutput, i.racesCompleted, i.totalOutput])).toEqual([
      [1, 'quiet-fin', finOutput, 1, finOutput],
      [2, 'quiet-late', notFinished?.output, 1, notFinished?.output],
    ]);
    summary = (await local.client.query(RacesDocument, { classId: CLASS_ID, limit: 5 })).races.items.find(
      (r) => r.raceId === raceId,
    );
    expect(summary).toMatchObject({ competitors: 2, finishers: 1, winnerRacerId: 'quiet-fin', bestOutput: finOutput });
  }, 240_000);
});
