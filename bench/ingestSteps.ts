/**
 * The ingest benchmark's load steps and how each is judged (pure; the races
 * are run by bench/ingestRace.ts). The load rises by riders per class — the
 * base, then +25 % of it per step (full: 1,000, 1,250, 1,500 … riders, i.e.
 * 6,000, 7,500, 9,000 … records/s) — and stops at the first step that misses
 * an ingest target. The knee is the highest offered rate whose race met them
 * all.
 */

/** What one step's race measured (JSON: it comes back from the step's process). */
export interface StepFigures {
  ridersPerClass: number;
  /** Records per second the race offers (riders × 1 Hz). */
  offeredPerSecond: number;
  /** Records the race plans: every rider, every second from 0 to raceSeconds. */
  planned: number;
  /** Records Kinesis accepted. */
  put: number;
  /** Records the aggregator's mapping delivered. */
  delivered: number;
  /** Records put that no subscriber was shown. */
  missed: number;
  /** Records ÷ time from the first put to the last. */
  producerPerSecond: number;
  /** Records delivered ÷ time from the first delivery to the last. */
  deliveredPerSecond: number;
  maxIteratorAgeMs: number;
  /** Freshness p95 over every record put; null when it falls on a record never shown (+∞). */
  freshnessP95Ms: number | null;
}

/** The targets every step must keep, from the window length. */
export interface IngestTargets {
  maxIteratorAgeMs: number;
  freshnessP95Ms: number;
}

export function ingestTargets(windowSeconds: number): IngestTargets {
  return { maxIteratorAgeMs: (windowSeconds + 2) * 1000, freshnessP95Ms: (windowSeconds + 1) * 1000 };
}

/** Riders per class of step `step` (0-based): the base, plus `increment` of it per step. */
export function stepRidersPerClass(base: number, increment: number, step: number): number {
  return Math.round(base * (1 + increment * step));
}

const n = (v: number): string => v.toLocaleString('en-US');
const records = (k: number): string => `${n(k)} record${k === 1 ? '' : 's'}`;

/** Why a step missed its targets (empty: it met them all). */
export function stepMisses(f: StepFigures, targets: IngestTargets): string[] {
  const misses: string[] = [];
  if (f.maxIteratorAgeMs > targets.maxIteratorAgeMs)
    misses.push(`iterator age ${n(f.maxIteratorAgeMs)} ms > ${n(targets.maxIteratorAgeMs)} ms`);
  if (f.freshnessP95Ms === null) misses.push('freshness p95 falls on records never shown');
  else if (f.freshnessP95Ms > targets.freshnessP95Ms)
    misses.push(`freshness p95 ${n(f.freshnessP95Ms)} ms > ${n(targets.freshnessP95Ms)} ms`);
  if (f.put < f.planned) misses.push(`${records(f.planned - f.put)} not put`);
  if (f.delivered < f.put) misses.push(`${records(f.put - f.delivered)} not delivered`);
  if (f.missed > 0) misses.push(`${records(f.missed)} never shown`);
  return misses;
}

/** One step as judged. */
export interface JudgedStep {
  offeredPerSecond: number;
  misses: readonly string[];
}

/** The highest offered rate of the steps met before the first miss (0 when the first step missed). */
export function kneeOf(steps: readonly JudgedStep[]): number {
  let knee = 0;
  for (const s of steps) {
    if (s.misses.length > 0) break;
    knee = s.offeredPerSecond;
  }
  return knee;
}

/** A step in the knee's note: offered → put and delivered rates, and met or why not. */
export function describeStep(f: StepFigures, misses: readonly string[]): string {
  const rates = `${n(f.offeredPerSecond)} offered, ${n(f.producerPerSecond)} put, ${n(f.deliveredPerSecond)} delivered`;
  return `${rates}: ${misses.length === 0 ? 'met' : `missed (${misses.join(', ')})`}`;
}

/** One step as run: its offered rate, why it missed (empty: met) and its figures (none when it failed). */
export interface SteppedRace<F extends StepFigures> extends JudgedStep {
  figures?: F;
}

export interface StepPlan<F extends StepFigures> {
  baseRidersPerClass: number;
  /** Share of the base added per step (0.25: +25 %). */
  increment: number;
  classes: number;
  maxSteps: number;
  /**
   * Stop at the first step that misses (full runs). A quick run rides all its
   * few steps so that a stepped-up race is proven even when the first misses
   * on a busy machine; the knee still ends at the first miss (kneeOf).
   */
  untilMiss: boolean;
  targets: IngestTargets;
  /** Rides step `step` (0-based) with `ridersPerClass` riders per class. */
  ride: (step: number, ridersPerClass: number) => Promise<F>;
  /** Told each step's outcome as it ends. */
  onStep?: (step: number, result: SteppedRace<F>) => void;
}

/**
 * Rides the steps in order until one misses (`untilMiss`) or `maxSteps` ran. The first
 * step's failure is thrown (it is the benchmark's own figures); a later step
 * that fails under its load has missed, with the first line of its error as
 * the reason.
 */
export async function rideSteps<F extends StepFigures>(plan: StepPlan<F>): Promise<Array<SteppedRace<F>>> {
  const steps: Array<SteppedRace<F>> = [];
  for (let step = 0; step < plan.maxSteps; step += 1) {
    const ridersPerClass = stepRidersPerClass(plan.baseRidersPerClass, plan.increment, step);
    const offeredPerSecond = plan.classes * ridersPerClass;
    let result: SteppedRace<F>;
    try {
      const figures = await plan.ride(step, ridersPerClass);
      result = { offeredPerSecond, misses: stepMisses(figures, plan.targets), figures };
    } catch (error) {
      if (step === 0) throw error;
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      result = { offeredPerSecond, misses: [`failed: ${reason}`] };
    }
    steps.push(result);
    plan.onStep?.(step, result);
    if (plan.untilMiss && result.misses.length > 0) break;
  }
  return steps;
}
