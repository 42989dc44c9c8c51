/** The catalog of race classes: the one place it lives. */
export interface RaceClass {
  readonly classId: number;
  readonly name: string;
  readonly description: string;
}

export const RACE_CLASSES: readonly RaceClass[] = [
  { classId: 1, name: 'Juniors', description: 'Riders under 18, steady pace, small gears.' },
  { classId: 2, name: 'Amateurs', description: 'Weekend riders out for a good hard ride.' },
  { classId: 3, name: 'Club', description: 'Club racers with structured training.' },
  { classId: 4, name: 'Masters', description: 'Riders over 40 who still race to win.' },
  { classId: 5, name: 'Elite', description: 'Category 1-2 racers, high sustained power.' },
  { classId: 6, name: 'Sprinters', description: 'Short, explosive efforts and big finishes.' },
];

/** True if the catalog holds this class. (A loop, not a callback: APPSYNC_JS forbids passing functions.) */
export function isRaceClass(classId: number): boolean {
  for (const c of RACE_CLASSES) {
    if (c.classId === classId) return true;
  }
  return false;
}
