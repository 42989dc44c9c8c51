import { describe, expect, it } from 'vitest';
import { foldBatch } from '../../functions/aggregator/foldBatch.js';
import { emptyState, raceKeyOf, readState } from '../../functions/aggregator/windowState.js';
import { flagOf } from '../../core/fairPlay.js';
import { kinesisRecord, telemetry } from './factories.js';

const RACE = 5_666_666;
const ARRIVAL = RACE * 300 + 299; // seconds: past every second the fixtures send
const rec = (racerId: string, second: number, output: number, extra: Partial<Parameters<typeof telemetry>[0]> = {}) =>
  kinesisRecord(telemetry({ raceId: RACE, classId: 1, racerId, second, output, ...extra }), {
    arrivalSeconds: ARRIVAL,
  });

describe('aggregator merge: riders in the window state', () => {
  it('treats racerIds that are Object.prototype names as ordinary riders', () => {
    // Prepare: valid racerIds that a plain object would resolve to its prototype
    const ids = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
    const state = emptyState();
    // Act
    foldBatch(
      state,
      ids.map((id) => rec(id, 10, 5, { name: `N ${id}` })),
      300,
    );
    foldBatch(
      state,
      ids.map((id) => rec(id, 11, 6)),
      300,
    );
    foldBatch(
      state,
      ids.map((id) => rec(id, 9, 4)),
      300,
    );
    // Assess: each rider has its newest second and its name, and the state serializes them
    const parsed = JSON.parse(JSON.stringify(state)) as { r: Record<string, Record<string, unknown>> };
    const riders = parsed.r[raceKeyOf(1, RACE)] ?? {};
    expect(Object.keys(riders).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(riders[id]).toEqual([11, 6000, `N ${id}`]);
    // and nothing leaked into Object.prototype on the way.
    expect(({} as Record<string, unknown>)[0]).toBeUndefined();
    expect(Object.getPrototypeOf(state.r[raceKeyOf(1, RACE)])).toBeNull();
  });

  it('carries such riders over invocations', () => {
    const state = emptyState();
    foldBatch(state, [rec('__proto__', 3, 1), rec('constructor', 3, 1, { name: 'C' })], 300);
    const carried = readState(JSON.parse(JSON.stringify(state)));
    foldBatch(carried, [rec('__proto__', 4, 2), rec('constructor', 2, 0.5)], 300);
    expect(JSON.stringify(carried.r)).toBe(
      `{"${raceKeyOf(1, RACE)}":{"__proto__":[4,2000],"constructor":[3,1000,"C"]}}`,
    );
  });

  it('leaves the state value Lambda handed over as it was (the fold updates its own copy)', () => {
    const handed = { v: 1, r: { [raceKeyOf(1, RACE)]: { a: [5, 1000], b: [6, 2000, 'Bo'] } } };
    const before = JSON.stringify(handed);
    const state = readState(handed);
    foldBatch(state, [rec('a', 7, 2, { name: 'Ann' }), rec('b', 8, 3), rec('c', 1, 0.1)], 300);
    expect(JSON.stringify(handed)).toBe(before);
    expect(state.r[raceKeyOf(1, RACE)]).toEqual({ a: [7, 2000, 'Ann'], b: [8, 3000, 'Bo'], c: [1, 100] });
  });

  it('changes nothing on a replay, and only the name on an older record that brings one', () => {
    const state = emptyState();
    foldBatch(state, [rec('a', 10, 2.5)], 300);
    foldBatch(state, [rec('a', 10, 2.5), rec('a', 9, 2.4, { name: 'Ann' })], 300);
    expect(state.r[raceKeyOf(1, RACE)]?.a).toEqual([10, 2500, 'Ann']);
    expect(state.f?.[raceKeyOf(1, RACE)]?.a?.[3]).toBe(0);
  });

  it('refuses a different output at an equal second, either way, and flags the rider', () => {
    const state = emptyState();
    foldBatch(state, [rec('a', 10, 2.5), rec('a', 10, 2.6), rec('b', 10, 2.5), rec('b', 10, 2.4)], 300);
    expect(state.r[raceKeyOf(1, RACE)]?.a).toEqual([10, 2500]);
    expect(state.r[raceKeyOf(1, RACE)]?.b).toEqual([10, 2500]);
    expect(state.f?.[raceKeyOf(1, RACE)]?.a?.[3]).toBe(flagOf('OUTPUT_TOO_FAST'));
    expect(state.f?.[raceKeyOf(1, RACE)]?.b?.[3]).toBe(flagOf('OUTPUT_DECREASED'));
  });

  it('changes a fair-play map handed over only in its own copy, and flags the rider', () => {
    const key = raceKeyOf(1, RACE);
    const handed = { v: 1, r: { [key]: { a: [5, 1000] } }, f: { [key]: { a: [5, 1000, 3000, 0] } } };
    const before = JSON.stringify(handed);
    const state = readState(handed);
    foldBatch(state, [rec('c', 1, 0.1), rec('a', 6, 0.5)], 300);
    expect(JSON.stringify(handed)).toBe(before);
    expect(state.f?.[key]).toEqual({ a: [5, 1000, 3000, flagOf('OUTPUT_DECREASED')], c: [1, 100, 3000, 0] });
    expect(state.r[key]?.a).toEqual([5, 1000]);
  });
});
