import { describe, expect, it } from 'vitest';
import { checkTelemetry, TELEMETRY_LIMITS } from '../../core/telemetry.js';
import { raceStartMillis } from '../../core/raceClock.js';
import { createClassFeed } from '../../local/simulator/classFeed.js';
import { makeRoster, nextSecond, startRide } from '../../local/simulator/riderModel.js';
import type { TelemetryRecord } from '../../core/telemetry.js';

const RS = 300;
const RACE = 5_800_000;

/** Every record of one whole race of a class, second by second on the race clock. */
function wholeRace(classId: number, racers: number, raceSeconds = RS): TelemetryRecord[][] {
  const feed = createClassFeed({ classId, racers, raceSeconds });
  const seconds: TelemetryRecord[][] = [];
  for (let s = 0; s <= raceSeconds; s += 1) {
    // At second = raceSeconds the next race starts too: keep this race only.
    seconds.push(
      feed.recordsUntil(raceStartMillis(RACE, raceSeconds) + s * 1000 + 20).filter((r) => r.raceId === RACE),
    );
  }
  return seconds;
}

describe('simulated riders', () => {
  it('ride cumulative output that never decreases and never exceeds 3 kJ per second', () => {
    for (const rider of makeRoster(6, 50)) {
      const ride = startRide(rider, RACE, RS);
      let prev = 0;
      const violations: string[] = [];
      for (let s = nextSecond(ride); s !== null; s = nextSecond(ride)) {
        if (s.output < prev) violations.push(`${rider.racerId} s${s.second}: output went down`);
        if (s.output - prev > 3 + 1e-9) violations.push(`${rider.racerId} s${s.second}: more than 3 kJ in a second`);
        if (s.output > TELEMETRY_LIMITS.outputPerSecondMax * Math.max(1, s.second))
          violations.push(`${rider.racerId} s${s.second}: over the contract cap`);
        if (s.power < 0 || s.power > 3000) violations.push(`${rider.racerId} s${s.second}: power ${s.power}`);
        prev = s.output;
      }
      expect(violations).toEqual([]);
    }
  });

  it('differ: fitness, class and pacing spread the finishing outputs', () => {
    const finals = (classId: number) =>
      wholeRace(classId, 200)
        .at(-1)!
        .filter((r) => r.event === 'final')
        .map((r) => r.output);
    const juniors = finals(1);
    const elites = finals(5);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
    expect(mean(elites)).toBeGreaterThan(mean(juniors) * 1.5);
    expect(sd(juniors) / mean(juniors)).toBeGreaterThan(0.08);
    expect(new Set(elites.map((o) => Math.round(o))).size).toBeGreaterThan(50);
  });

  it('have stable ids and valid names, the same in every race', () => {
    const a = makeRoster(3, 1000);
    const b = makeRoster(3, 1000);
    expect(a).toEqual(b);
    expect(new Set(a.map((r) => r.racerId)).size).toBe(1000);
    for (const r of a) expect(r.name.length).toBeGreaterThan(0);
    for (const r of a) expect(r.name.length).toBeLessThanOrEqual(40);
  });
});

describe('the telemetry of a whole race', () => {
  const race = wholeRace(2, 1000);
  const all = race.flat();

  it('passes telemetry validation on the race clock, record by record', () => {
    for (const rec of all.filter((_, i) => i % 97 === 0)) {
      expect(checkTelemetry(JSON.parse(JSON.stringify(rec)), { raceSeconds: RS, currentRaceId: RACE })).toEqual({
        ok: true,
        record: rec,
      });
    }
  });

  it('sends one record per riding rider per second, and a final at second = raceSeconds', () => {
    const duplicated = race.filter((recs) => new Set(recs.map((r) => r.racerId)).size !== recs.length);
    const offClock = race.flatMap((recs, s) => recs.filter((r) => r.second !== s));
    expect(duplicated).toEqual([]);
    expect(offClock).toEqual([]);
    expect(race[0]).toHaveLength(1000);
    const finals = race[RS]!;
    expect(finals.every((r) => r.event === 'final')).toBe(true);
    expect(all.filter((r) => r.event === 'final')).toHaveLength(finals.length);
  });

  it('has a few dropouts who stop sending and never send a final', () => {
    const finishers = new Set(race[RS]!.map((r) => r.racerId));
    const dropouts = new Set(all.filter((r) => !finishers.has(r.racerId)).map((r) => r.racerId));
    expect(dropouts.size).toBeGreaterThan(5);
    expect(dropouts.size).toBeLessThan(80);
    for (const id of dropouts) {
      const last = Math.max(...all.filter((r) => r.racerId === id).map((r) => r.second));
      expect(last).toBeLessThan(RS);
      expect(last).toBeGreaterThan(RS * 0.15);
    }
  });
});

describe('following the race clock', () => {
  const rs = 10;
  const start = raceStartMillis(1_000_000, rs);

  it('joins a race under way at the current second, then goes on into the next race with the finals first', () => {
    const feed = createClassFeed({ classId: 1, racers: 3, raceSeconds: rs });
    const first = feed.recordsUntil(start + 7_500);
    expect(first.map((r) => r.second)).toEqual([7, 7, 7]);
    expect(first[0]!.output).toBeGreaterThan(0);
    expect(feed.recordsUntil(start + 7_900)).toEqual([]);
    const turn = feed.recordsUntil(start + 10_100);
    expect(turn.map((r) => [r.raceId, r.second, r.event])).toEqual([
      [1_000_000, 8, 'update'],
      [1_000_000, 8, 'update'],
      [1_000_000, 8, 'update'],
      [1_000_000, 9, 'update'],
      [1_000_000, 9, 'update'],
      [1_000_000, 9, 'update'],
      [1_000_000, 10, 'final'],
      [1_000_000, 10, 'final'],
      [1_000_000, 10, 'final'],
      [1_000_001, 0, 'update'],
      [1_000_001, 0, 'update'],
      [1_000_001, 0, 'update'],
    ]);
  });

  it('waits for the next race when started after the join deadline, and joins one still taking riders', () => {
    const rs300 = 300;
    const t0 = raceStartMillis(3_000, rs300);
    const late = createClassFeed({ classId: 1, racers: 2, raceSeconds: rs300 });
    // Second 31 of a race whose deadline is second 30: nothing, however often it is asked.
    expect(late.recordsUntil(t0 + 31_000)).toEqual([]);
    expect(late.recordsUntil(t0 + 200_000)).toEqual([]);
    expect(late.recordsUntil(t0 + 299_900)).toEqual([]);
    const next = late.recordsUntil(t0 + 300_100);
    expect(next.map((r) => [r.raceId, r.second, r.event])).toEqual([
      [3_001, 0, 'update'],
      [3_001, 0, 'update'],
    ]);
    // At the deadline second itself it rides the race under way.
    const onTime = createClassFeed({ classId: 1, racers: 2, raceSeconds: rs300 });
    expect(onTime.recordsUntil(t0 + 30_500).map((r) => [r.raceId, r.second])).toEqual([
      [3_000, 30],
      [3_000, 30],
    ]);
  });

  it('catches up a short stall and skips a long one silently', () => {
    const feed = createClassFeed({ classId: 1, racers: 1, raceSeconds: 1000, maxCatchUpSeconds: 5 });
    const t0 = raceStartMillis(2_000, 1000);
    feed.recordsUntil(t0 + 1_000);
    expect(feed.recordsUntil(t0 + 4_000).map((r) => r.second)).toEqual([2, 3, 4]);
    expect(feed.recordsUntil(t0 + 30_000).map((r) => r.second)).toEqual([25, 26, 27, 28, 29, 30]);
  });
});
