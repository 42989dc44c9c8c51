/**
 * What the page saw of a race while it ran: the output of every rider at each
 * live snapshot. Charts draw from it (live top-10; a rider against the winner).
 * Columns, not objects: 1,000 riders × 60 windows stays a few hundred KB.
 *
 * A page that arrives mid-race still draws the race so far: output is
 * cumulative from the start (contract §2), so every rider stood at 0 kJ at
 * second 0, and the history begins with that origin before the first
 * snapshot. The API keeps only each rider's newest total, so between the
 * origin and the first snapshot the curve is a straight line (`firstSecond`
 * says where the page's own observations begin).
 */
import type { LiveRankings } from '../data/types.js';
import { raceStartMillis } from '../../../core/raceClock.js';

export interface RaceHistory {
  classId: number;
  raceId: number;
  /** Race second of each snapshot, ascending. */
  seconds: number[];
  /** Per rider: output at each snapshot (0 at the origin, null between it and the rider's first snapshot). */
  outputs: Map<string, Array<number | null>>;
  /** Race second of the first snapshot the page received. */
  firstSecond: number;
  names: Map<string, string>;
}

const MAX_RACES = 12;
const histories = new Map<string, RaceHistory>();

function key(classId: number, raceId: number): string {
  return `${classId}:${raceId}`;
}

/** The history of a race, if the page saw any of it. */
export function raceHistory(classId: number, raceId: number): RaceHistory | undefined {
  return histories.get(key(classId, raceId));
}

/**
 * Adds one snapshot. An older one changes nothing; one at the same second as
 * the last (another band of the same window, arriving on its own) fills in
 * the riders the last one lacked and changes nobody else.
 */
export function recordSnapshot(snapshot: LiveRankings, raceSeconds: number): RaceHistory {
  const k = key(snapshot.classId, snapshot.raceId);
  const second = snapshotSecond(snapshot, raceSeconds);
  let h = histories.get(k);
  if (!h) {
    h = {
      classId: snapshot.classId,
      raceId: snapshot.raceId,
      seconds: second > 0 ? [0] : [],
      outputs: new Map(),
      names: new Map(),
      firstSecond: second,
    };
    histories.set(k, h);
    // Forget the oldest races: Map keeps insertion order.
    while (histories.size > MAX_RACES) {
      const oldest = histories.keys().next().value;
      if (oldest === undefined) break;
      histories.delete(oldest);
    }
  }
  const last = h.seconds[h.seconds.length - 1];
  if (last !== undefined && second < last) return h;
  if (last !== undefined && second === last) {
    fillIn(h, snapshot);
    return h;
  }
  const n = h.seconds.length;
  h.seconds.push(second);
  for (const e of snapshot.entries) {
    let col = h.outputs.get(e.racerId);
    if (!col) {
      col = new Array<number | null>(n).fill(null);
      if (n > 0 && h.seconds[0] === 0) col[0] = 0;
      h.outputs.set(e.racerId, col);
    }
    col.push(e.output);
    if (e.name) h.names.set(e.racerId, e.name);
  }
  for (const col of h.outputs.values()) if (col.length === n) col.push(null);
  return h;
}

/** Puts the snapshot's riders that the last column lacks into it. */
function fillIn(h: RaceHistory, snapshot: LiveRankings): void {
  const n = h.seconds.length;
  for (const e of snapshot.entries) {
    let col = h.outputs.get(e.racerId);
    if (!col) {
      col = new Array<number | null>(n).fill(null);
      if (h.seconds[0] === 0) col[0] = 0;
      h.outputs.set(e.racerId, col);
    }
    if (col[n - 1] === null || col[n - 1] === undefined) col[n - 1] = e.output;
    if (e.name) h.names.set(e.racerId, e.name);
  }
}

/**
 * A snapshot's place on the race clock: the newest race second in it (the
 * data's own time, whatever the delivery lag), or when it was published if it
 * has no entries.
 */
function snapshotSecond(snapshot: LiveRankings, raceSeconds: number): number {
  let second = 0;
  for (const e of snapshot.entries) second = Math.max(second, e.second);
  if (snapshot.entries.length === 0) {
    const fromUpdatedAt = (Date.parse(snapshot.updatedAt) - raceStartMillis(snapshot.raceId, raceSeconds)) / 1000;
    if (Number.isFinite(fromUpdatedAt)) second = fromUpdatedAt;
  }
  return Math.max(0, Math.min(raceSeconds, Math.round(second * 10) / 10));
}

const own = new Map<string, Array<[number, number]>>();
const OWN_KEY = 'alleycat.ownCurves';

/** Own curves survive a reload of the tab (sessionStorage): a rider opening the result page still sees theirs. */
function saveOwn(): void {
  if (typeof sessionStorage === 'undefined') return;
  try {
    const recent = [...own.entries()].slice(-MAX_RACES);
    sessionStorage.setItem(OWN_KEY, JSON.stringify(recent));
  } catch (err) {
    console.warn('alleycat: could not keep the ride curve', err);
  }
}

function loadOwn(): void {
  if (typeof sessionStorage === 'undefined' || own.size > 0) return;
  try {
    const raw = sessionStorage.getItem(OWN_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (!Array.isArray(parsed)) return;
    for (const entry of parsed) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && Array.isArray(entry[1]))
        own.set(entry[0], entry[1] as Array<[number, number]>);
    }
  } catch (err) {
    console.warn('alleycat: could not read the kept ride curves', err);
  }
}

/** Adds a point of a rider's own exact curve (from the ride-along bike). */
export function recordOwnPoint(classId: number, raceId: number, racerId: string, second: number, output: number): void {
  loadOwn();
  const k = `${key(classId, raceId)}:${racerId}`;
  const curve = own.get(k);
  if (curve) curve.push([second, output]);
  else own.set(k, [[second, output]]);
  saveOwn();
}

/** The exact per-second curve this browser rode in a race, if it rode it. */
export function ownCurve(classId: number, raceId: number, racerId: string): Array<[number, number]> | undefined {
  loadOwn();
  return own.get(`${key(classId, raceId)}:${racerId}`);
}

/** Test helper: forgets everything. */
export function clearHistories(): void {
  histories.clear();
  own.clear();
}
