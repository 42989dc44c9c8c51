/**
 * Live boards in bands on the local stack (kinesalite with 4 shards, the
 * aggregator behind its local mapping, the AppSync runtime, real WebSocket
 * subscribers): from the race's first window every board published is
 * complete (no partial board while the shards' first closers run), bands are
 * complete, ranked, at most one 5 KB message each, and a subscriber gets only
 * its bands; liveBoard and liveRider agree with the board; a sixth band is refused.
 */
import { describe, expect, it } from 'vitest';
import { liveBandEventBytes } from '../support/liveBandEventBytes.js';
import { followLiveBoard } from '../../client/index.js';
import type { AroundMeView } from '../../client/index.js';
import {
  LiveBoardDocument,
  LiveRiderDocument,
  OnLiveBoardDocument,
  OnLiveRankingsDocument,
} from '../../client/generated/operations.js';
import type { LiveBandFieldsFragment, OnLiveRankingsSubscription } from '../../client/generated/operations.js';
import { raceSecondAt } from '../../core/raceClock.js';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { untilJoinable } from '../support/raceStart.js';
import { useScratchStack } from '../support/useScratchStack.js';

/** Short: riders start at a race's start (test/support/raceStart.ts), so the test waits at most one race. */
const RACE_SECONDS = 60;
const WINDOW_SECONDS = 1;
const CLASS_ID = 5;
const RIDERS = 230; // bands 0..4, the last one partly filled
const SECONDS = 8;

type Board = NonNullable<OnLiveRankingsSubscription['onLiveRankings']>;

/** Rider i's steady power (W); riders 7 and 8 (and every 97th) ride alike: ties. */
const powerOf = (i: number) => 100 + (i % 97 === 8 ? 7 : i % 97) * 2;
const racerId = (i: number) => `band-${String(i).padStart(3, '0')}`;
/**
 * The climber starts as the slowest rider (100 W, the last band) for the first CLIMB_FROM seconds,
 * then rides at 3,000 W: their band changes under the follower. Riders start together, so the
 * field is only seconds old: the climber has to be seen slow for a few windows before climbing.
 */
const CLIMB_FROM = 4;
const CLIMBER = RIDERS - 1;

describe('live boards in bands on the local stack', () => {
  const local = useScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: WINDOW_SECONDS });

  it('complete boards from the first window, bands complete, ranked and within 5 KB, each subscriber only its bands', async () => {
    const boards: Board[] = [];
    const bands: LiveBandFieldsFragment[] = [];
    const offBoard = local.client.subscribe(
      OnLiveRankingsDocument,
      { classId: CLASS_ID },
      { next: (v) => void (v.onLiveRankings && boards.push(v.onLiveRankings)) },
    );
    const offBands = local.client.subscribe(
      OnLiveBoardDocument,
      { classId: CLASS_ID, bands: [0, 2, 4] },
      { next: (v) => void (v.onLiveBoard && bands.push(v.onLiveBoard)) },
    );
    const refused: unknown[] = [];
    const offSix = local.client.subscribe(
      OnLiveBoardDocument,
      { classId: CLASS_ID, bands: [0, 1, 2, 3, 4, 5] },
      { next: () => undefined, error: (e) => void refused.push(e) },
    );
    const views: AroundMeView[] = [];
    const stopFollowing = followLiveBoard(local.client, {
      classId: CLASS_ID,
      racerId: racerId(CLIMBER),
      onUpdate: (v) => views.push(v),
    });
    try {
      // Let the subscriptions start before the first record reaches the stream.
      await new Promise((r) => setTimeout(r, 1500));
      const now = () => Date.now();
      const { raceId } = await untilJoinable(RACE_SECONDS);
      let last = 0;
      let climbed: { second: number; output: number } | undefined;
      for (let k = 0; k < SECONDS; k += 1) {
        const second = raceSecondAt(raceId, RACE_SECONDS, now());
        last = second;
        const climbing = k >= CLIMB_FROM && climbed !== undefined;
        const climb = climbing ? 3000 : 100;
        const climberOutput = climbing
          ? climbed!.output + 3 * (second - climbed!.second)
          : Math.round(100 * second) / 1000;
        climbed = { second, output: climberOutput };
        const records: TelemetryRecord[] = Array.from({ length: RIDERS }, (_, i) => ({
          raceId,
          classId: CLASS_ID,
          racerId: racerId(i),
          name: `Rider ${i}`,
          second,
          power: i === CLIMBER ? climb : powerOf(i),
          output: i === CLIMBER ? climberOutput : Math.round(powerOf(i) * second) / 1000,
          event: 'update',
          deviceTimestamp: now(),
        }));
        // Every rider's record of a second in one go: they all reach the stream in the same window.
        await local.stream.put(records);
        await new Promise((r) => setTimeout(r, 1000));
      }
      const deadline = now() + 30_000;
      const done = () => boards.some((b) => b.raceId === raceId && b.entries.every((e) => e.second === last));
      while (!done() && now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(done()).toBe(true);

      // Race start: no board of the race ever missed a rider (every rider's first record was on the stream first).
      const ofRace = boards.filter((b) => b.raceId === raceId);
      expect(ofRace.length).toBeGreaterThan(0);
      for (const b of ofRace) {
        expect(b.entries).toHaveLength(RIDERS);
        expect(b.totalRiders).toBe(RIDERS);
      }

      // Bands: only the subscribed ones; each is the board's positions 50b+1 … 50b+50 with the board's ranks.
      const final = ofRace.find((b) => b.entries.every((e) => e.second === last))!;
      const bandsOfRace = bands.filter((b) => b.raceId === raceId);
      expect(new Set(bandsOfRace.map((b) => b.band))).toEqual(new Set([0, 2, 4]));
      for (const b of bandsOfRace) {
        expect(b.totalRiders).toBe(RIDERS);
        expect(b.entries).toHaveLength(b.band === 4 ? RIDERS - 200 : 50);
        expect(liveBandEventBytes(b)).toBeLessThanOrEqual(5 * 1024);
      }
      const finalBands = bandsOfRace.filter((b) => b.updatedAt === final.updatedAt);
      expect(finalBands.map((b) => b.band).sort()).toEqual([0, 2, 4]);
      for (const b of finalBands) {
        const expected = final.entries
          .slice(b.band * 50, b.band * 50 + 50)
          .map((e) => ({ rank: e.rank, racerId: e.racerId, name: e.name, output: e.output, second: e.second }));
        expect(b.entries).toEqual(expected);
      }
      // A tie across a band's edge shares one rank; ranks never restart at a band.
      expect(finalBands.find((b) => b.band === 2)!.entries[0]!.rank).toBe(final.entries[100]!.rank);

      // The first paint and a rider's standing agree with the board (stored once its events are out).
      const storedDeadline = now() + 10_000;
      let paint = await local.client.query(LiveBoardDocument, { classId: CLASS_ID, bands: [3, 1] });
      while (paint.liveBoard[0]?.updatedAt !== final.updatedAt && now() < storedDeadline) {
        await new Promise((r) => setTimeout(r, 200));
        paint = await local.client.query(LiveBoardDocument, { classId: CLASS_ID, bands: [3, 1] });
      }
      expect(paint.liveBoard.map((b) => b.band)).toEqual([3, 1]);
      expect(paint.liveBoard[0]!.entries.map((e) => e.racerId)).toEqual(
        final.entries.slice(150, 200).map((e) => e.racerId),
      );
      const mid = final.entries[120]!;
      const standing = (await local.client.query(LiveRiderDocument, { classId: CLASS_ID, racerId: mid.racerId }))
        .liveRider!;
      expect(standing).toMatchObject({ rank: mid.rank, band: 2, totalRiders: RIDERS, output: mid.output });
      expect(standing.ahead!.racerId).toBe(final.entries[119]!.racerId);
      expect(standing.behind!.racerId).toBe(final.entries[121]!.racerId);
      expect(standing.gapAhead).toBeCloseTo(final.entries[119]!.output - mid.output, 3);
      expect(standing.gapBehind).toBeCloseTo(mid.output - final.entries[121]!.output, 3);

      // The follower: top of the field, and the climber's band wherever their rank took them.
      const climberAt = final.entries.findIndex((e) => e.racerId === racerId(CLIMBER));
      const followDeadline = now() + 15_000;
      const caughtUp = () => {
        const v = views.at(-1);
        return v?.mine?.band === Math.floor(climberAt / 50) && v.mine.updatedAt === final.updatedAt && v.top !== null;
      };
      while (!caughtUp() && now() < followDeadline) await new Promise((r) => setTimeout(r, 250));
      const view = views.at(-1)!;
      expect(caughtUp()).toBe(true);
      expect(new Set(views.map((v) => v.mine?.band).filter((b) => b !== undefined)).size).toBeGreaterThan(1);
      expect(view.top!.entries[0]!.racerId).toBe(final.entries[0]!.racerId);
      expect(view.standing).toMatchObject({ rank: final.entries[climberAt]!.rank, band: Math.floor(climberAt / 50) });

      // A sixth band is refused (AppSync's `in` filter takes five values).
      expect(refused).toHaveLength(1);
      expect(JSON.stringify(refused[0])).toContain('bands must list 1..5 bands');
      await expect(
        local.client.query(LiveBoardDocument, { classId: CLASS_ID, bands: [0, 1, 2, 3, 4, 5] }),
      ).rejects.toThrow('bands must list 1..5 bands');
    } finally {
      offBoard();
      offBands();
      offSix();
      stopFollowing();
    }
  }, 180_000);
});
