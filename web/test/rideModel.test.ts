import { describe, expect, it } from 'vitest';
import { checkTelemetry } from '../../core/telemetry.js';
import { raceStartMillis } from '../../core/raceClock.js';
import { typicalWattsOf } from '../../core/raceClasses.js';
import { fullEffortWatts, powerFromEffort, startRide, tick, type RideState } from '../src/ride/rideModel.js';
import type { TelemetryInput } from '../src/data/types.js';

const RACE_SECONDS = 60;
const RACE_ID = 29_000_000;
const T0 = raceStartMillis(RACE_ID, RACE_SECONDS);

function ride(): RideState {
  return startRide({ classId: 2, raceId: RACE_ID, raceSeconds: RACE_SECONDS, racerId: 'ada-1', name: 'Ada' });
}

/** Rides from `fromSecond` to the end at a constant effort, one tick per second (plus a late tick). */
function rideThrough(fromSecond: number, effort: number): TelemetryInput[] {
  let state = ride();
  const records: TelemetryInput[] = [];
  for (let s = fromSecond; s <= RACE_SECONDS + 1; s += 1) {
    const r = tick(state, T0 + s * 1000 + 250, effort);
    state = r.state;
    if (r.record) records.push(r.record);
  }
  return records;
}

describe('the ride-along bike', () => {
  it('scales effort to the class: 80 % is a typical rider of it, 100 % a strong one, never beyond the contract', () => {
    for (const classId of [1, 2, 3, 4, 5, 6, 99]) {
      expect(powerFromEffort(80, classId)).toBe(typicalWattsOf(classId));
      expect(powerFromEffort(100, classId)).toBe(fullEffortWatts(classId));
      expect(powerFromEffort(250, classId)).toBe(fullEffortWatts(classId));
      expect(powerFromEffort(-5, classId)).toBe(0);
      expect(powerFromEffort(0, classId)).toBe(0);
      let last = 0;
      for (let e = 0; e <= 100; e += 1) {
        expect(powerFromEffort(e, classId)).toBeGreaterThanOrEqual(last);
        last = powerFromEffort(e, classId);
      }
      expect(fullEffortWatts(classId)).toBeLessThanOrEqual(3000);
    }
    // Amateurs (class 2) ride around 190 W: 80 % is that, not a sprint.
    expect(powerFromEffort(80, 2)).toBe(190);
  });

  it('sends one record a second whose output adds up watts × seconds as kJ', () => {
    const records = rideThrough(0, 50);
    const watts = powerFromEffort(50, 2);
    expect(records.map((r) => r.second)).toEqual(Array.from({ length: RACE_SECONDS + 1 }, (_, i) => i));
    expect(records[0]?.output).toBe(0);
    expect(records[10]?.output).toBeCloseTo((10 * watts) / 1000, 6);
    for (let i = 1; i < records.length; i += 1) {
      const prev = records[i - 1] as TelemetryInput;
      const cur = records[i] as TelemetryInput;
      expect(cur.output).toBeGreaterThanOrEqual(prev.output);
      expect(cur.output - prev.output).toBeLessThanOrEqual(3 * (cur.second - prev.second) + 1e-9);
    }
  });

  it('marks the record of the race end as final, at second raceSeconds, and then stops', () => {
    const records = rideThrough(0, 80);
    const last = records[records.length - 1] as TelemetryInput;
    expect(last.event).toBe('final');
    expect(last.second).toBe(RACE_SECONDS);
    expect(records.filter((r) => r.event === 'final')).toHaveLength(1);
  });

  it('joins a race under way with output starting from zero', () => {
    const records = rideThrough(40, 100);
    expect(records[0]?.second).toBe(40);
    expect(records[0]?.output).toBe(0);
    expect(records[records.length - 1]?.output).toBeCloseTo((20 * fullEffortWatts(2)) / 1000, 6);
  });

  it('integrates seconds a throttled tab skipped, so no output is lost', () => {
    let state = ride();
    state = tick(state, T0 + 1000, 50).state;
    const later = tick(state, T0 + 6000, 50);
    expect(later.record?.second).toBe(6);
    expect(later.record?.output).toBeCloseTo((5 * powerFromEffort(50, 2)) / 1000, 6);
  });

  it('sends nothing before the race it joins has started', () => {
    const early = tick(ride(), T0 - 3000, 50);
    expect(early.record).toBeNull();
    expect(early.state.lastSecond).toBe(-1);
    expect(tick(early.state, T0 + 10, 50).record?.second).toBe(0);
  });

  it('makes records that pass the contract check the resolver applies', () => {
    for (const record of rideThrough(0, 100)) {
      const raceNow = record.event === 'final' ? RACE_ID + 1 : RACE_ID;
      const check = checkTelemetry(record, { raceSeconds: RACE_SECONDS, currentRaceId: raceNow });
      expect(check, JSON.stringify(record)).toMatchObject({ ok: true });
    }
  });
});
