import { describe, expect, it } from 'vitest';
import { foldBatch } from '../../functions/aggregator/foldBatch.js';
import { emptyState, raceKeyOf, readState } from '../../functions/aggregator/windowState.js';
import { encodeRiders } from '../../core/livePart.js';
import { ridersOfItem } from '../../functions/aggregator/livePartReads.js';
import { toLiveRiders } from '../../functions/aggregator/toLiveRiders.js';
import { kinesisRecord, telemetry } from './factories.js';
import { joinCutoffMillis } from '../../core/fairPlay.js';

const RACE = 5_666_666; // a race slot of 300 s
const ARRIVAL = RACE * 300 + 299; // seconds, inside the race, past every second the fixtures send
const rec = (racerId: string, second: number, output: number, extra: Partial<Parameters<typeof telemetry>[0]> = {}) =>
  kinesisRecord(telemetry({ raceId: RACE, classId: 1, racerId, second, output, ...extra }), {
    arrivalSeconds: ARRIVAL,
  });

describe('aggregator core: folding a batch into the window state', () => {
  it('keeps only the newest second of each rider, whatever the arrival order', () => {
    const state = emptyState();
    // Prepare: out of order and duplicated records of two riders
    const batch = [
      rec('a', 10, 2.5, { name: 'Ann' }),
      rec('a', 12, 3.1),
      rec('a', 11, 2.9),
      rec('b', 5, 1),
      rec('a', 12, 3.1),
    ];
    // Act
    const r = foldBatch(state, batch, 300);
    // Assess
    // Past the join cutoff with no part known: the riders are let in, and the race named to be judged.
    expect(r).toEqual({ received: 5, malformed: [], refused: 0, late: 0, unjudged: [raceKeyOf(1, RACE)] });
    expect(state.r[raceKeyOf(1, RACE)]).toEqual({ a: [12, 3100, 'Ann'], b: [5, 1000] });
  });

  it('past the join cutoff lets in only riders the shard holds or the window marked in time, and drops the rest', () => {
    const state = emptyState();
    const at = (racerId: string, second: number, arrivalSeconds: number) =>
      kinesisRecord(telemetry({ raceId: RACE, classId: 1, racerId, second, output: second / 10 }), { arrivalSeconds });
    const cutoff = joinCutoffMillis(RACE, 300) / 1000;
    const asked: string[] = [];
    const part = (classId: number, raceId: number) => {
      asked.push(raceKeyOf(classId, raceId));
      return new Set(['held', '__proto__']);
    };
    const batch = [
      // In time (a millisecond before the cutoff): marked, then riding on after it.
      at('early', 32, cutoff - 0.001),
      at('early', 33, cutoff + 1),
      // Held by the shard's part (admitted in an earlier window), prototype-named ids too.
      at('held', 40, cutoff + 5),
      at('__proto__', 40, cutoff + 5),
      // Late joiners, at the cutoff itself and after it, again and again: never in the state.
      at('late', 33, cutoff),
      at('late', 34, cutoff + 1),
      at('constructor', 40, cutoff + 5),
    ];
    const r = foldBatch(state, batch, 300, undefined, true, part);
    expect(r).toMatchObject({ received: 7, refused: 0, late: 3, unjudged: [] });
    expect(Object.keys(state.r[raceKeyOf(1, RACE)] ?? {}).sort()).toEqual(['__proto__', 'early', 'held']);
    expect(Object.keys(state.j?.[raceKeyOf(1, RACE)] ?? {})).toEqual(['early']);
    expect(JSON.stringify(state)).not.toMatch(/late|constructor/);
    // The part is asked for once per fold and race, however many riders it judges.
    expect(asked).toEqual([raceKeyOf(1, RACE)]);
    // Without the fair-play rules (the benchmark's comparison) nothing is judged.
    const bare = emptyState();
    expect(foldBatch(bare, batch, 300, undefined, false, part)).toMatchObject({ late: 0, unjudged: [] });
  });

  it('keeps a name that only an older, late record carried', () => {
    const state = emptyState();
    foldBatch(state, [rec('a', 7, 2.1), rec('a', 0, 0, { name: 'Ann' }), rec('a', 1, 0.2)], 300);
    expect(state.r[raceKeyOf(1, RACE)]).toEqual({ a: [7, 2100, 'Ann'] });
  });

  it('ignores a late record older than what the state holds, across invocations', () => {
    const state = emptyState();
    foldBatch(state, [rec('a', 50, 20)], 300);
    const carried = readState(JSON.parse(JSON.stringify(state)));
    foldBatch(carried, [rec('a', 49, 19.5)], 300);
    expect(carried.r[raceKeyOf(1, RACE)]).toEqual({ a: [50, 20000] });
  });

  it('counts malformed records and drops them without touching the valid ones', () => {
    const state = emptyState();
    const batch = [
      kinesisRecord('not json {', { arrivalSeconds: ARRIVAL }),
      kinesisRecord(telemetry({ raceId: RACE, classId: 99, racerId: 'x', second: 1, output: 1 }), {
        arrivalSeconds: ARRIVAL,
      }),
      kinesisRecord(telemetry({ raceId: RACE, classId: 1, racerId: 'bad id!', second: 1, output: 1 }), {
        arrivalSeconds: ARRIVAL,
      }),
      kinesisRecord(telemetry({ raceId: RACE, classId: 1, racerId: 'fast', second: 2, output: 7 }), {
        arrivalSeconds: ARRIVAL,
      }),
      // a race older than the one just ended, given the arrival time
      kinesisRecord(telemetry({ raceId: RACE - 2, classId: 1, racerId: 'old', second: 2, output: 1 }), {
        arrivalSeconds: ARRIVAL,
      }),
      rec('ok', 3, 0.6),
    ];
    const r = foldBatch(state, batch, 300);
    expect(r.received).toBe(6);
    expect(r.malformed.map((m) => m.field)).toEqual(['data', 'classId', 'racerId', 'output', 'raceId']);
    expect(state.r).toEqual({ [raceKeyOf(1, RACE)]: { ok: [3, 600] } });
  });

  it('keeps races of different classes and slots apart', () => {
    const state = emptyState();
    const nextRaceArrival = (RACE + 1) * 300 + 2;
    const at = (f: Parameters<typeof telemetry>[0]) => kinesisRecord(telemetry(f), { arrivalSeconds: nextRaceArrival });
    const batch = [
      at({ raceId: RACE, classId: 1, racerId: 'a', second: 300, output: 100, event: 'final' }),
      at({ raceId: RACE + 1, classId: 1, racerId: 'a', second: 1, output: 0.2 }),
      at({ raceId: RACE, classId: 2, racerId: 'a', second: 10, output: 3 }),
    ];
    expect(foldBatch(state, batch, 300).malformed).toEqual([]);
    expect(Object.keys(state.r).sort()).toEqual(
      [raceKeyOf(1, RACE), raceKeyOf(1, RACE + 1), raceKeyOf(2, RACE)].sort(),
    );
  });

  it('holds 1,000 riders in far less than the 1 MB Lambda allows', () => {
    const state = emptyState();
    const batch = [];
    for (let i = 0; i < 1000; i += 1) {
      batch.push(
        rec(`racer-${String(i).padStart(4, '0')}`, 299, 123.456 + i / 7, { name: `Rider Number ${i} of the Club` }),
      );
    }
    foldBatch(state, batch, 300);
    const bytes = Buffer.byteLength(JSON.stringify(state), 'utf8');
    expect(Object.keys(state.r[raceKeyOf(1, RACE)] ?? {})).toHaveLength(1000);
    // Measured ≈ 58 KB with 28-character names; the limit is 1,048,576 bytes.
    expect(bytes).toBeLessThan(100_000);
  });

  it('drops state entries that are not in its format instead of trusting them', () => {
    const s = readState({ v: 1, r: { '1:5': { a: [1, 2], b: 'x', c: [1, 'no'] }, '1:6': 7 } });
    expect(s).toEqual({ v: 1, r: { '1:5': { a: [1, 2] } } });
    expect(readState({})).toEqual(emptyState());
  });
});

describe('aggregator core: the window state as a LivePart', () => {
  it('converts window tuples to the item form in kJ', () => {
    expect(toLiveRiders({ a: [12, 3100, 'Ann'], b: [5, 1000] }).riders).toEqual({
      a: { second: 12, output: 3.1, name: 'Ann' },
      b: { second: 5, output: 1 },
    });
  });

  it('keys the rider `__proto__` by its rider map key, so the part stores it as any other', () => {
    const state = emptyState();
    foldBatch(state, [rec('__proto__', 3, 1.5), rec('toString', 3, 2, { name: 'Ts' })], 300);
    const riders = toLiveRiders(state.r[raceKeyOf(1, RACE)] ?? {}).riders;
    expect(Object.getPrototypeOf(riders)).toBe(Object.prototype);
    expect(encodeRiders(riders)).toBe('{"~__proto__":[3,1.5],"toString":[3,2,"Ts"]}');
  });

  it('reads a stored part whose riders are not JSON as no riders, as the resolvers do', () => {
    expect(ridersOfItem({ riders: '{not json' })).toEqual({});
    expect(ridersOfItem({ riders: '{"a":[1,2]}' })).toEqual({ a: { second: 1, output: 2 } });
    expect(ridersOfItem(undefined)).toEqual({});
  });
});
