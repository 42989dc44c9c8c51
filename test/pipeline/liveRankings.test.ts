/**
 * End to end on the local stack: recordTelemetry (GraphQL, riders signed in) → HTTP
 * data source → Kinesis (kinesalite, several shards) → tumbling-window
 * aggregator → publishLiveRankings (SigV4, IAM) → onLiveRankings over the
 * real-time WebSocket. Then the finalizer and all-time consumer take the race.
 */
import { describe, expect, it } from 'vitest';
import { OnLiveRankingsDocument } from '../../client/generated/operations.js';
import type { OnLiveRankingsSubscription } from '../../client/generated/operations.js';
import { raceIdAt, raceSecondAt } from '../../core/raceClock.js';
import { untilJoinable } from '../support/raceStart.js';
import { useScratchStack } from '../support/useScratchStack.js';

type Snapshot = NonNullable<OnLiveRankingsSubscription['onLiveRankings']>;

const RACE_SECONDS = 60;
const WINDOW_SECONDS = 1;
const CLASS_ID = 4;

describe('live rankings end to end on the local stack', () => {
  const local = useScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: WINDOW_SECONDS });

  it('delivers the complete ranking (ties 1-2-2-4) to a subscriber within a few windows', async () => {
    const snapshots: Array<{ at: number; snapshot: Snapshot }> = [];
    const unsubscribe = local.client.subscribe(
      OnLiveRankingsDocument,
      { classId: CLASS_ID },
      {
        next: (v) => {
          if (v.onLiveRankings) snapshots.push({ at: Date.now(), snapshot: v.onLiveRankings });
        },
      },
    );
    try {
      const riders = [
        { racerId: 'e2e-anna', name: 'Anna', output: 2 },
        { racerId: 'e2e-bert', name: 'Bert', output: 2.5 },
        { racerId: 'e2e-cleo', name: 'Cleo', output: 2 },
        { racerId: 'e2e-dan', output: 1.25 },
      ];
      // Send every second until the subscriber has a snapshot with every rider
      // (the first sends may precede the subscription's start_ack).
      // Records carry the race clock's second (a second ahead of it is refused: core/fairPlay.ts),
      // from second 1 on, where 3 kJ per elapsed second allows these outputs. Riders start together:
      // they join a race in its first seconds (test/support/raceStart.ts).
      const clockSecond = () => raceSecondAt(raceIdAt(Date.now(), RACE_SECONDS), RACE_SECONDS, Date.now());
      const first = (await untilJoinable(RACE_SECONDS, 1)).second;
      const deadline = Date.now() + 45_000;
      let complete: Snapshot | undefined;
      for (let second = first; Date.now() < deadline && complete === undefined; second = clockSecond()) {
        const raceId = raceIdAt(Date.now(), RACE_SECONDS);
        const records = riders.map((r) => ({
          raceId,
          classId: CLASS_ID,
          racerId: r.racerId,
          ...(r.name ? { name: r.name } : {}),
          second,
          power: 250,
          output: r.output + second / 100,
          event: 'update' as const,
          deviceTimestamp: Date.now(),
        }));
        const receipt = await local.riders.send({ records });
        expect(receipt.recordTelemetry).toMatchObject({ accepted: 4, failed: 0 });
        await new Promise((r) => setTimeout(r, 1000));
        complete = snapshots
          .map((s) => s.snapshot)
          .find((s) => s.entries.length === 4 && s.entries.every((e) => e.second >= first));
      }
      expect(complete).toBeDefined();
      const snap = complete!;
      expect(snap.classId).toBe(CLASS_ID);
      expect(snap.entries.map((e) => [e.rank, e.racerId, e.name])).toEqual([
        [1, 'e2e-bert', 'Bert'],
        [2, 'e2e-anna', 'Anna'],
        [2, 'e2e-cleo', 'Cleo'],
        // Dan's records carry no name: his profile name is his id (the pool requires a name).
        [4, 'e2e-dan', 'e2e-dan'],
      ]);
      // Snapshots keep coming every window while riders ride; none of them ever moves a rider backwards.
      const seconds = new Map<string, number>();
      for (const { snapshot } of snapshots) {
        for (const e of snapshot.entries) {
          expect(e.second).toBeGreaterThanOrEqual(seconds.get(e.racerId) ?? 0);
          seconds.set(e.racerId, e.second);
        }
      }
    } finally {
      unsubscribe();
    }
  }, 150_000);
});
