/**
 * The fair-play rules (core/fairPlay.ts) as pure functions: what they refuse,
 * and that honest riders — the simulator's physics and the web app's ride
 * physics — never break them, whatever is dropped, duplicated or reordered.
 */
import { describe, expect, it } from 'vitest';
import {
  ADMISSION_SETTLE_SECONDS,
  CLOCK_TOLERANCE_SECONDS,
  flagMask,
  flagNames,
  flagOf,
  joinCutoffMillis,
  joinDeadline,
  joinsOnTime,
  lateJoinRefusedFromMillis,
  recordFlags,
  stepFlag,
} from '../../core/fairPlay.js';
import { scoreUnits } from '../../core/keys.js';
import { checkAgainstPart } from '../../functions/aggregator/checkAgainstPart.js';
import { raceStartMillis } from '../../core/raceClock.js';
import { makeRoster, nextSecond, startRide } from '../../local/simulator/riderModel.js';
import { seededRandom } from '../../local/simulator/prng.js';
import { startRide as startWebRide, tick } from '../../web/src/ride/rideModel.js';

const RACE_SECONDS = 300;
const RACE_ID = 5_990_000;

interface Sent {
  second: number;
  units: number;
  power: number;
  event: 'update' | 'final';
}

/**
 * Delivers `sent` at least once and out of order: about 15 % dropped, 10 %
 * duplicated, each record delayed by up to 8 positions. Returns the delivery order.
 */
function deliver(sent: readonly Sent[], seed: number): Sent[] {
  const random = seededRandom(seed);
  const keyed: Array<{ at: number; r: Sent }> = [];
  sent.forEach((r, i) => {
    if (r.event !== 'final' && random() < 0.15) return;
    keyed.push({ at: i + random() * 8, r });
    if (random() < 0.1) keyed.push({ at: i + random() * 8, r });
  });
  return keyed.sort((a, b) => a.at - b.at).map((k) => k.r);
}

/** The flags a stream of one rider's records raises, as the aggregator judges them (newest applied record). */
function judge(records: readonly Sent[], arrivalMillis: (r: Sent) => number): number {
  let flags = 0;
  let newest: Sent | undefined;
  for (const r of records) {
    const broken =
      recordFlags(RACE_ID, RACE_SECONDS, r.second, r.event, arrivalMillis(r)) |
      (newest !== undefined && r.second >= newest.second
        ? stepFlag(newest.second, newest.units, r.second, r.units, r.power)
        : 0);
    flags |= broken;
    if (broken === 0 && (newest === undefined || r.second > newest.second)) newest = r;
  }
  return flags;
}

const start = raceStartMillis(RACE_ID, RACE_SECONDS);

describe('fair-play rules', () => {
  it('names and masks round-trip in one order', () => {
    const mask = flagOf('CONFLICTING_FINAL') | flagOf('AHEAD_OF_CLOCK');
    expect(flagNames(mask)).toEqual(['AHEAD_OF_CLOCK', 'CONFLICTING_FINAL']);
    expect(flagMask(flagNames(mask))).toBe(mask);
    expect(flagNames(0)).toEqual([]);
  });

  it('judges a record against the race clock at its arrival, with the tolerance', () => {
    const at = start + 100_000;
    expect(recordFlags(RACE_ID, RACE_SECONDS, 100 + CLOCK_TOLERANCE_SECONDS, 'update', at)).toBe(0);
    expect(recordFlags(RACE_ID, RACE_SECONDS, 101 + CLOCK_TOLERANCE_SECONDS, 'update', at)).toBe(
      flagOf('AHEAD_OF_CLOCK'),
    );
    expect(recordFlags(RACE_ID, RACE_SECONDS, 300, 'final', start + 1000)).toBe(flagOf('AHEAD_OF_CLOCK'));
    expect(recordFlags(RACE_ID, RACE_SECONDS, 120, 'final', at + 60_000)).toBe(flagOf('EARLY_FINAL'));
    expect(recordFlags(RACE_ID, RACE_SECONDS, 300, 'final', start + 300_000)).toBe(0);
    // An unknown arrival skips the clock only.
    expect(recordFlags(RACE_ID, RACE_SECONDS, 300, 'update', Number.NaN)).toBe(0);
  });

  it('lets a rider join until the end of the join deadline second plus the clock tolerance, judged by arrival', () => {
    const start = raceStartMillis(RACE_ID, RACE_SECONDS);
    expect(joinDeadline(RACE_SECONDS)).toBe(30);
    expect([joinDeadline(20), joinDeadline(60), joinDeadline(150), joinDeadline(3600)]).toEqual([10, 10, 15, 30]);
    const cutoff = joinCutoffMillis(RACE_ID, RACE_SECONDS);
    expect(cutoff).toBe(start + (30 + 1 + CLOCK_TOLERANCE_SECONDS) * 1000);
    // A record stamped with the deadline second (30) by a device whose clock runs 2 s behind still joins.
    expect(joinsOnTime(RACE_ID, RACE_SECONDS, start + 30_999 + CLOCK_TOLERANCE_SECONDS * 1000)).toBe(true);
    expect(joinsOnTime(RACE_ID, RACE_SECONDS, cutoff - 1)).toBe(true);
    expect(joinsOnTime(RACE_ID, RACE_SECONDS, cutoff)).toBe(false);
    expect(joinsOnTime(RACE_ID, RACE_SECONDS, start + 120_000)).toBe(false);
    // Before the start (a clock ahead of the stream) and an unknown arrival: in time.
    expect(joinsOnTime(RACE_ID, RACE_SECONDS, start - 1500)).toBe(true);
    expect(joinsOnTime(RACE_ID, RACE_SECONDS, Number.NaN)).toBe(true);
    // Races of other lengths: the cutoff follows the deadline.
    expect(joinCutoffMillis(RACE_ID, 20) - raceStartMillis(RACE_ID, 20)).toBe(
      (10 + 1 + CLOCK_TOLERANCE_SECONDS) * 1000,
    );
    expect(lateJoinRefusedFromMillis(RACE_ID, RACE_SECONDS)).toBe(cutoff + ADMISSION_SETTLE_SECONDS * 1000);
  });

  it('bounds a step by the newer record power for its own second and 3 kJ for each second between', () => {
    expect(stepFlag(10, 2000, 11, 2250, 250)).toBe(0);
    expect(stepFlag(10, 2000, 11, 2252, 250)).toBe(flagOf('OUTPUT_TOO_FAST'));
    // Two seconds later: 250 W for the second reported, up to 3,000 W for the one dropped.
    expect(stepFlag(10, 2000, 12, 5250, 250)).toBe(0);
    expect(stepFlag(10, 2000, 12, 5252, 250)).toBe(flagOf('OUTPUT_TOO_FAST'));
    expect(stepFlag(10, 2000, 11, 1999, 250)).toBe(flagOf('OUTPUT_DECREASED'));
    // The same second must repeat the output (a replay); anything else is refused.
    expect(stepFlag(10, 2000, 10, 2000, 250)).toBe(0);
    expect(stepFlag(10, 2000, 10, 2100, 3000)).toBe(flagOf('OUTPUT_TOO_FAST'));
  });

  it('never flags the simulator riders, with records dropped, duplicated and reordered', () => {
    let records = 0;
    for (const classId of [1, 3, 6]) {
      for (const rider of makeRoster(classId, 60)) {
        const ride = startRide(rider, RACE_ID, RACE_SECONDS);
        const sent: Sent[] = [];
        for (let sample = nextSecond(ride); sample !== null; sample = nextSecond(ride)) {
          const final = sample.second === RACE_SECONDS;
          sent.push({
            second: sample.second,
            units: scoreUnits(sample.output),
            power: sample.power,
            event: final ? 'final' : 'update',
          });
        }
        records += sent.length;
        // Each record arrives at or after its second on the race clock (the simulator follows that clock).
        const delivered = deliver(sent, rider.racerId.length * 7919 + classId);
        expect(
          judge(delivered, (r) => start + r.second * 1000 + 40),
          rider.racerId,
        ).toBe(0);
      }
    }
    expect(records).toBeGreaterThan(40_000);
  });

  it('never flags web-app riders, whatever their effort and however the tab is throttled', () => {
    const random = seededRandom(2026);
    for (let rider = 0; rider < 50; rider += 1) {
      let state = startWebRide({
        classId: 1,
        raceId: RACE_ID,
        raceSeconds: RACE_SECONDS,
        racerId: `w${rider}`,
        name: 'W',
      });
      const sent: Sent[] = [];
      const arrival = new Map<Sent, number>();
      // Join at a random second; ticks every 0.2-4 s (a throttled tab skips seconds).
      let now = start + Math.floor(random() * 200_000);
      while (!state.finished) {
        const out = tick(state, now, Math.floor(random() * 101));
        state = out.state;
        if (out.record !== null) {
          const r: Sent = {
            second: out.record.second,
            units: scoreUnits(out.record.output),
            power: out.record.power,
            event: out.record.event,
          };
          sent.push(r);
          arrival.set(r, now + 30);
        }
        now += 200 + Math.floor(random() * 3800);
      }
      const delivered = deliver(sent, rider + 1);
      expect(
        judge(delivered, (r) => arrival.get(r) ?? Number.NaN),
        `w${rider}`,
      ).toBe(0);
    }
  });

  it('flags a rider whose output outruns the reported power, or decreases', () => {
    const honest: Sent[] = Array.from({ length: 20 }, (_, s) => ({
      second: s,
      units: 200 * s,
      power: 200,
      event: 'update',
    }));
    const at = (r: Sent) => start + r.second * 1000;
    expect(judge(honest, at)).toBe(0);
    const boosted = honest.map((r) => (r.second === 12 ? { ...r, units: r.units + 500 } : r));
    expect(judge(boosted, at)).toBe(flagOf('OUTPUT_TOO_FAST'));
    const dipped = honest.map((r) => (r.second === 12 ? { ...r, units: r.units - 500 } : r));
    expect(judge(dipped, at)).toBe(flagOf('OUTPUT_DECREASED'));
  });

  it('checks a window first record against the stored part, with its power, at the window close', () => {
    const stored = { a: { second: 10, output: 2 }, b: { second: 10, output: 2 } };
    const incoming = { a: { second: 12, output: 2.6 }, b: { second: 12, output: 2.6, name: 'Bo' } };
    // a: 300 W for second 11 gains 0.3 kJ (clean); b: 0.4 kJ with 300 W is too fast.
    const out = checkAgainstPart(stored, incoming, { a: [11, 2300, 300], b: [11, 2400, 300] });
    expect(out.refused).toBe(1);
    expect(out.riders.a).toEqual(incoming.a);
    expect(out.riders.b).toEqual({ second: 10, output: 2, name: 'Bo', flags: flagOf('OUTPUT_TOO_FAST') });
    // A window of late records only (older than the stored one) is no step.
    expect(checkAgainstPart(stored, { a: { second: 9, output: 0 } }, { a: [8, 0, 0] }).refused).toBe(0);
  });
});
