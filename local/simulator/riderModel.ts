/**
 * How a simulated rider rides (pure): a fitness level per rider, a class
 * profile, a pacing ramp at the start, fatigue over the race, random surges
 * and sprints, a finishing kick for some, and a few dropouts who stop sending
 * and never send a final.
 */
import { DEFAULT_TYPICAL_WATTS, typicalWattsOf } from '../../core/raceClasses.js';
import type { Random } from './prng.js';
import { gaussian, seedOf, seededRandom } from './prng.js';
import { riderName } from './names.js';

export interface ClassProfile {
  /** Typical sustainable power (W): the class's typicalWatts (core/raceClasses.ts). */
  basePower: number;
  /** Chance per second of starting a surge. */
  surgeChance: number;
  /** Power factor of a surge. */
  surgeFactor: number;
}

/** Per class of the catalog: juniors ride softer, elites harder, sprinters surge. */
export const CLASS_PROFILES: Readonly<Record<number, ClassProfile>> = {
  1: { basePower: typicalWattsOf(1), surgeChance: 0.01, surgeFactor: 1.4 },
  2: { basePower: typicalWattsOf(2), surgeChance: 0.01, surgeFactor: 1.5 },
  3: { basePower: typicalWattsOf(3), surgeChance: 0.015, surgeFactor: 1.6 },
  4: { basePower: typicalWattsOf(4), surgeChance: 0.012, surgeFactor: 1.5 },
  5: { basePower: typicalWattsOf(5), surgeChance: 0.015, surgeFactor: 1.7 },
  6: { basePower: typicalWattsOf(6), surgeChance: 0.04, surgeFactor: 2.4 },
};
const DEFAULT_PROFILE: ClassProfile = { basePower: DEFAULT_TYPICAL_WATTS, surgeChance: 0.01, surgeFactor: 1.5 };

export interface Rider {
  racerId: string;
  name: string;
  classId: number;
  /** Fitness factor around 1 (0.6..1.5). */
  fitness: number;
}

/** The riders of a class: stable ids, names and fitness across races. */
export function makeRoster(classId: number, count: number): Rider[] {
  const out: Rider[] = [];
  for (let i = 0; i < count; i += 1) {
    const random = seededRandom(seedOf(classId, i, 17));
    out.push({
      racerId: `c${classId}-rider-${String(i + 1).padStart(4, '0')}`,
      name: riderName(classId, i),
      classId,
      fitness: Math.min(1.5, Math.max(0.6, 1 + gaussian(random) * 0.15)),
    });
  }
  return out;
}

/** One rider's ride of one race. */
export interface Ride {
  rider: Rider;
  raceId: number;
  raceSeconds: number;
  /** Cumulative kJ after the last simulated second. */
  output: number;
  /** Last second simulated (-1 before the start). */
  second: number;
  /** The second from which this rider sends nothing more (never sends a final); undefined if they finish. */
  dropoutAt: number | undefined;
  /** Fatigue: share of power lost by the end of the race. */
  fatigue: number;
  /** Extra power in the last 10 % of the race (0 for riders without a kick). */
  kick: number;
  surgeLeft: number;
  random: Random;
  profile: ClassProfile;
}

/** Share of riders who drop out of a race. */
export const DROPOUT_SHARE = 0.03;

export function startRide(rider: Rider, raceId: number, raceSeconds: number): Ride {
  const random = seededRandom(seedOf(rider.classId, raceId, Number(rider.racerId.slice(-4)) || 0, 99));
  const dropout = random() < DROPOUT_SHARE;
  return {
    rider,
    raceId,
    raceSeconds,
    output: 0,
    second: -1,
    dropoutAt: dropout ? Math.floor(raceSeconds * (0.2 + 0.7 * random())) : undefined,
    fatigue: 0.05 + 0.2 * random(),
    kick: random() < 0.5 ? 0.2 + 0.6 * random() : 0,
    surgeLeft: 0,
    random,
    profile: CLASS_PROFILES[rider.classId] ?? DEFAULT_PROFILE,
  };
}

export interface Sample {
  second: number;
  power: number;
  cadence: number;
  resistance: number;
  /** Cumulative kJ, at most 3 kJ per elapsed second. */
  output: number;
}

/** Watts at `second` for the ride's current state (advances surge state). */
function powerAt(ride: Ride, second: number): number {
  const p = ride.profile;
  const progress = second / ride.raceSeconds;
  const ramp = Math.min(1, 0.4 + second / 15);
  const tired = 1 - ride.fatigue * progress;
  if (ride.surgeLeft > 0) ride.surgeLeft -= 1;
  else if (ride.random() < p.surgeChance) ride.surgeLeft = 3 + Math.floor(ride.random() * 12);
  const surge = ride.surgeLeft > 0 ? p.surgeFactor : 1;
  const kick = progress > 0.9 ? 1 + ride.kick : 1;
  const noise = 1 + gaussian(ride.random) * 0.05;
  return Math.min(3000, Math.max(0, p.basePower * ride.rider.fitness * ramp * tired * surge * kick * noise));
}

/**
 * Simulates the next second of the ride. Returns null once the rider has
 * dropped out (or after the last second). Second 0 is the start: no output yet.
 */
export function nextSecond(ride: Ride): Sample | null {
  const second = ride.second + 1;
  if (second > ride.raceSeconds) return null;
  if (ride.dropoutAt !== undefined && second >= ride.dropoutAt) return null;
  ride.second = second;
  const power = second === 0 ? 0 : Math.round(powerAt(ride, second) * 10) / 10;
  // Energy of one second at `power` watts, in kJ (≤ 3 kJ/s because power ≤ 3000 W).
  ride.output = Math.round((ride.output + power / 1000) * 1000) / 1000;
  const cadence = power === 0 ? 0 : Math.min(250, Math.round(70 + power / 12 + gaussian(ride.random) * 4));
  const resistance = Math.min(100, Math.max(0, Math.round(power / 30)));
  return { second, power, cadence, resistance, output: ride.output };
}
