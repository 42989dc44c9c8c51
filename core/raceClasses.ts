/** The catalog of race classes: the one place it lives. */
export interface RaceClass {
  readonly classId: number;
  readonly name: string;
  readonly description: string;
  /**
   * Watts a typical rider of the class holds over a race: the simulator's
   * riders ride around it (local/simulator/riderModel.ts), and the web app's
   * effort slider is scaled to it (web/src/ride/rideModel.ts).
   */
  readonly typicalWatts: number;
}

export const RACE_CLASSES: readonly RaceClass[] = [
  { classId: 1, name: 'Juniors', description: 'Riders under 18, steady pace, small gears.', typicalWatts: 150 },
  { classId: 2, name: 'Amateurs', description: 'Weekend riders out for a good hard ride.', typicalWatts: 190 },
  { classId: 3, name: 'Club', description: 'Club racers with structured training.', typicalWatts: 240 },
  { classId: 4, name: 'Masters', description: 'Riders over 40 who still race to win.', typicalWatts: 220 },
  { classId: 5, name: 'Elite', description: 'Category 1-2 racers, high sustained power.', typicalWatts: 300 },
  { classId: 6, name: 'Sprinters', description: 'Short, explosive efforts and big finishes.', typicalWatts: 250 },
];

/** Typical watts of a class outside the catalog. */
export const DEFAULT_TYPICAL_WATTS = 200;

/** The class's typical race power (DEFAULT_TYPICAL_WATTS for a class not in the catalog). */
export function typicalWattsOf(classId: number): number {
  for (const c of RACE_CLASSES) {
    if (c.classId === classId) return c.typicalWatts;
  }
  return DEFAULT_TYPICAL_WATTS;
}

/** True if the catalog holds this class. (A loop, not a callback: APPSYNC_JS forbids passing functions.) */
export function isRaceClass(classId: number): boolean {
  for (const c of RACE_CLASSES) {
    if (c.classId === classId) return true;
  }
  return false;
}
