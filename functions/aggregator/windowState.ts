/**
 * The tumbling-window state of one shard: per race, only the newest record of
 * each rider, in a compact JSON form. Lambda carries it between invocations of
 * a window and caps it at 1 MB per shard, hence this compact form
 * (docs/scaling.md has its size at 1,000 riders).
 */

/** `[second, output in milli-kJ, name?]`: arrays, not objects, to stay small. */
export type RiderTuple = [number, number] | [number, number, string];

/** Riders of one race, by racerId. */
export type RaceRiders = Record<string, RiderTuple>;

/**
 * Fair play of one rider in the window: `[firstSecond, firstUnits, firstPower, flags]`, the
 * first record applied in the window (-1 for none: only refused records) — the window close
 * checks it against the stored part, which this state does not see — and the mask of the
 * rules the window's records broke (core/fairPlay.ts).
 */
export type FairTuple = [number, number, number, number];

/** Fair-play tuples of one race's riders, by racerId. */
export type RaceChecks = Record<string, FairTuple>;

export interface WindowState {
  /** Format version, so a deploy that changes the format can recognise old state. */
  v: 1;
  /** Races by `raceKeyOf(classId, raceId)`. */
  r: Record<string, RaceRiders>;
  /** Fair play per race (same keys as `r`), for the riders the window has seen. */
  f?: Record<string, RaceChecks>;
  /**
   * Per race (same keys as `r`): the riders whose first record of the window
   * arrived before the race's join cutoff (core/fairPlay.ts joinCutoffMillis).
   * Only these may be admitted when the window closes; riders the race holds
   * already need no mark. Filled in the race's first windows only.
   */
  j?: Record<string, RaceJoins>;
}

/** Riders of one race who may join, by racerId (1: a set that JSON keeps small). */
export type RaceJoins = Record<string, 1>;

/** State key of a race: `"<classId>:<raceId>"`. */
export function raceKeyOf(classId: number, raceId: number): string {
  return `${classId}:${raceId}`;
}

/** The inverse of raceKeyOf. */
export function parseRaceKey(key: string): { classId: number; raceId: number } {
  const [c, r] = key.split(':');
  return { classId: Number(c), raceId: Number(r) };
}

export function emptyState(): WindowState {
  return { v: 1, r: {} };
}

/**
 * An empty riders object. Without a prototype, so that a racerId such as
 * `constructor`, `toString` or `__proto__` (all valid racerIds) is an
 * ordinary key, not Object.prototype's (JSON.stringify writes it the same).
 */
export function emptyRiders(): RaceRiders {
  return Object.create(null) as RaceRiders;
}

/** An empty fair-play map (no prototype, as emptyRiders). */
export function emptyChecks(): RaceChecks {
  return Object.create(null) as RaceChecks;
}

/** Whether a value is a fair-play tuple (the state Lambda hands back is checked where it is read). */
export function isFairTuple(v: unknown): v is FairTuple {
  return (
    Array.isArray(v) &&
    v.length === 4 &&
    typeof v[0] === 'number' &&
    typeof v[1] === 'number' &&
    typeof v[2] === 'number' &&
    typeof v[3] === 'number'
  );
}

function isTuple(v: unknown): v is RiderTuple {
  return (
    Array.isArray(v) &&
    (v.length === 2 || v.length === 3) &&
    typeof v[0] === 'number' &&
    typeof v[1] === 'number' &&
    (v.length === 2 || typeof v[2] === 'string')
  );
}

/**
 * Reads the state Lambda hands back (`{}` at the start of a window). Anything
 * that is not our format is dropped entry by entry rather than trusted.
 */
export function readState(value: unknown): WindowState {
  const state = emptyState();
  if (value === null || typeof value !== 'object') return state;
  const races = (value as { r?: unknown }).r;
  if (races === null || typeof races !== 'object') return state;
  for (const [key, riders] of Object.entries(races as Record<string, unknown>)) {
    if (riders === null || typeof riders !== 'object') continue;
    state.r[key] = readRiders(riders as Record<string, unknown>);
  }
  const joins = (value as { j?: unknown }).j;
  if (joins !== null && typeof joins === 'object') state.j = readJoins(joins as Record<string, unknown>);
  const fair = (value as { f?: unknown }).f;
  if (fair === null || typeof fair !== 'object') return state;
  const f: Record<string, RaceChecks> = {};
  for (const [key, checks] of Object.entries(fair as Record<string, unknown>)) {
    // Shared, not copied: the fold copies a map before its first change (mergeRecord.ts checksOf) and
    // reads every tuple through isFairTuple.
    if (checks !== null && typeof checks === 'object' && !Array.isArray(checks)) f[key] = checks as RaceChecks;
  }
  state.f = f;
  return state;
}

/** The tuples of one race, copied: the fold updates tuples in place, and the caller's value stays as it was. */
function readRiders(riders: Record<string, unknown>): RaceRiders {
  const clean = emptyRiders();
  // Object.keys and an index loop rather than Object.entries (a [key, value] pair per
  // rider) or for…in (slower on large objects): this runs once per invocation over every
  // rider of the window.
  const ids = Object.keys(riders);
  for (let i = 0; i < ids.length; i += 1) {
    const racerId = ids[i] as string;
    const t = riders[racerId];
    if (isTuple(t)) clean[racerId] = t.length === 2 ? [t[0], t[1]] : [t[0], t[1], t[2]];
  }
  return clean;
}

/** An empty join set (no prototype, as emptyRiders). */
export function emptyJoins(): RaceJoins {
  return Object.create(null) as RaceJoins;
}

/**
 * The join marks of each race. Shared, not copied (as the fair-play maps):
 * the fold copies a race's marks before its first addition
 * (mergeRecord.ts markJoin), and the close reads a mark only if it is 1.
 */
function readJoins(joins: Record<string, unknown>): Record<string, RaceJoins> {
  const out: Record<string, RaceJoins> = {};
  for (const key of Object.keys(joins)) {
    const marks = joins[key];
    if (marks !== null && typeof marks === 'object' && !Array.isArray(marks)) out[key] = marks as RaceJoins;
  }
  return out;
}
