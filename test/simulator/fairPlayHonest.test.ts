/**
 * Honest riders are never flagged: the local simulator's realistic riders
 * ride a whole short race on the local stack, and no fair-play rule
 * (core/fairPlay.ts) fires — no flag in the live view or the results, and
 * every fair-play counter at 0 in the ops view.
 */
import { describe, expect, it } from 'vitest';
import { LiveRankingsDocument, RaceResultsDocument, RacesDocument } from '../../client/generated/operations.js';
import { FAIR_PLAY_METRICS } from '../../contract/opsMetrics.js';
import { raceIdAt } from '../../core/raceClock.js';
import { sleep } from '../support/eventually.js';
import { useScratchStack } from '../support/useScratchStack.js';

const RACE_SECONDS = 20;
const RACERS = 15;

describe('the simulator rides a whole race without a fair-play flag', () => {
  const local = useScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: 1, sim: true, racers: RACERS });

  it('flags no rider live or in the results, and counts no refusal', async () => {
    // The first race the simulator rides from its start.
    const raceId = raceIdAt(Date.now(), RACE_SECONDS) + 1;
    const classId = 5;
    let flaggedLive = 0;
    let liveSeen = 0;
    let summary;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const live = (await local.client.query(LiveRankingsDocument, { classId })).liveRankings;
      if (live?.raceId === raceId) {
        liveSeen += live.entries.length;
        flaggedLive += live.entries.filter((e) => e.flags.length > 0).length;
      }
      summary = (await local.client.query(RacesDocument, { classId, limit: 5 })).races.items.find(
        (r) => r.raceId === raceId && r.competitors !== null,
      );
      if (summary) break;
      await sleep(1000);
    }
    expect(liveSeen).toBeGreaterThan(0);
    expect(flaggedLive).toBe(0);
    expect(summary?.competitors).toBe(RACERS);

    const results = (await local.client.query(RaceResultsDocument, { classId, raceId, limit: 100 })).raceResults.items;
    expect(results).toHaveLength(RACERS);
    expect(results.filter((r) => r.flags.length > 0)).toEqual([]);
    // Riders who do not drop out finish with their final.
    expect(results.filter((r) => r.finished).length).toBe(summary?.finishers);

    const res = await fetch(new URL('/ops/metrics', local.stack.endpoints.graphqlUrl));
    const doc = (await res.json()) as { series: Array<{ id: string; total: number | null }> };
    const fairPlay = new Set<string>(Object.values(FAIR_PLAY_METRICS));
    const counted = doc.series.filter((s) => fairPlay.has(s.id.split('.')[2] ?? '') && (s.total ?? 0) > 0);
    expect(counted.map((s) => [s.id, s.total])).toEqual([]);
    // The counters are there (the functions emitted them), at 0.
    expect(doc.series.some((s) => s.id === 'fn.aggregator.FairPlayFlags')).toBe(true);
  }, 150_000);
});
