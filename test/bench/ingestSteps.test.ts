import { describe, expect, it } from 'vitest';
import {
  describeStep,
  ingestTargets,
  kneeOf,
  stepMisses,
  stepRidersPerClass,
  rideSteps,
  type StepFigures,
} from '../../bench/ingestSteps.js';

function figures(over: Partial<StepFigures> = {}): StepFigures {
  return {
    ridersPerClass: 1_000,
    offeredPerSecond: 6_000,
    planned: 1_806_000,
    put: 1_806_000,
    delivered: 1_806_000,
    missed: 0,
    producerPerSecond: 6_004,
    deliveredPerSecond: 6_016,
    maxIteratorAgeMs: 3_178,
    freshnessP95Ms: 5_479,
    ...over,
  };
}
const targets = ingestTargets(5);

describe('the ingest benchmark’s load steps', () => {
  it('steps riders per class by a share of the base: 6,000 → 7,500 → 9,000 … records/s for 6 × 1,000', () => {
    expect([0, 1, 2, 3].map((s) => 6 * stepRidersPerClass(1_000, 0.25, s))).toEqual([6_000, 7_500, 9_000, 10_500]);
    expect([0, 1].map((s) => stepRidersPerClass(50, 0.5, s))).toEqual([50, 75]);
  });

  it('holds a step to window + 2 s of iterator age, window + 1 s of freshness p95, and nothing lost', () => {
    expect(targets).toEqual({ maxIteratorAgeMs: 7_000, freshnessP95Ms: 6_000 });
    expect(stepMisses(figures(), targets)).toEqual([]);
    expect(stepMisses(figures({ maxIteratorAgeMs: 7_001 }), targets)).toEqual(['iterator age 7,001 ms > 7,000 ms']);
    expect(stepMisses(figures({ freshnessP95Ms: 6_001 }), targets)).toEqual(['freshness p95 6,001 ms > 6,000 ms']);
    expect(stepMisses(figures({ freshnessP95Ms: null, missed: 100_000 }), targets)).toEqual([
      'freshness p95 falls on records never shown',
      '100,000 records never shown',
    ]);
    // One record lost is a miss even when every timing target holds.
    expect(stepMisses(figures({ missed: 1 }), targets)).toEqual(['1 record never shown']);
    expect(stepMisses(figures({ put: 1_805_990, delivered: 1_805_980 }), targets)).toEqual([
      '10 records not put',
      '10 records not delivered',
    ]);
  });

  it('takes the knee at the last step met before the first miss', () => {
    const met = (offeredPerSecond: number) => ({ offeredPerSecond, misses: [] });
    const missed = (offeredPerSecond: number) => ({ offeredPerSecond, misses: ['late'] });
    expect(kneeOf([met(6_000), met(7_500), missed(9_000)])).toBe(7_500);
    expect(kneeOf([missed(6_000), met(7_500)])).toBe(0);
    expect(kneeOf([met(6_000), met(7_500)])).toBe(7_500);
    expect(kneeOf([])).toBe(0);
  });

  it('describes a step by its offered, put and delivered rates', () => {
    expect(describeStep(figures(), [])).toBe('6,000 offered, 6,004 put, 6,016 delivered: met');
    expect(describeStep(figures(), ['iterator age 9,000 ms > 7,000 ms'])).toBe(
      '6,000 offered, 6,004 put, 6,016 delivered: missed (iterator age 9,000 ms > 7,000 ms)',
    );
  });
});

describe('rideSteps (the ingest module’s loop over the steps)', () => {
  // A pipeline that keeps its targets up to 7,500 records/s and falls behind above.
  const ride = (_step: number, ridersPerClass: number) =>
    Promise.resolve(
      figures({
        ridersPerClass,
        offeredPerSecond: 6 * ridersPerClass,
        maxIteratorAgeMs: ridersPerClass > 1_250 ? 9_000 : 3_000,
      }),
    );
  const plan = { baseRidersPerClass: 1_000, increment: 0.25, classes: 6, maxSteps: 6, untilMiss: true, targets };

  it('rides the steps in order, stops at the first miss and reports each step as it ends', async () => {
    const rode: number[] = [];
    const told: number[] = [];
    const steps = await rideSteps({
      ...plan,
      ride: (step, riders) => {
        rode.push(riders);
        return ride(step, riders);
      },
      onStep: (step) => told.push(step),
    });
    expect(rode).toEqual([1_000, 1_250, 1_500]);
    expect(told).toEqual([0, 1, 2]);
    expect(steps.map((s) => [s.offeredPerSecond, s.misses])).toEqual([
      [6_000, []],
      [7_500, []],
      [9_000, ['iterator age 9,000 ms > 7,000 ms']],
    ]);
    expect(kneeOf(steps)).toBe(7_500);
  });

  it('rides every step when not stopping at a miss (quick runs); the knee still ends at the first miss', async () => {
    const flaky = (step: number, riders: number) =>
      step === 0 ? Promise.resolve(figures({ missed: 3 })) : ride(step, riders);
    const steps = await rideSteps({ ...plan, maxSteps: 2, untilMiss: false, ride: flaky });
    expect(steps.map((s) => s.misses)).toEqual([['3 records never shown'], []]);
    expect(kneeOf(steps)).toBe(0);
  });

  it('stops after maxSteps when no step misses (the knee is then a floor)', async () => {
    const steps = await rideSteps({ ...plan, maxSteps: 2, ride });
    expect(steps.map((s) => s.misses.length)).toEqual([0, 0]);
    expect(kneeOf(steps)).toBe(7_500);
  });

  it('throws when the first step fails, and counts a later step that fails as missed', async () => {
    const failing = (from: number) => (step: number, riders: number) =>
      step >= from ? Promise.reject(new Error('kinesalite died\n  at …')) : ride(step, riders);
    await expect(rideSteps({ ...plan, ride: failing(0) })).rejects.toThrow('kinesalite died');
    const steps = await rideSteps({ ...plan, ride: failing(1) });
    expect(steps.map((s) => [s.offeredPerSecond, s.misses, s.figures === undefined])).toEqual([
      [6_000, [], false],
      [7_500, ['failed: kinesalite died'], true],
    ]);
    expect(kneeOf(steps)).toBe(6_000);
  });
});
