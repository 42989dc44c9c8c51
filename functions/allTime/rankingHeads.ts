/**
 * The all-time consumer's side of the ranking heads (core/rankingHead.ts):
 * merging the riders it just updated into a class's head, purely.
 *
 * Why merging keeps a head exact: every update of a rider is merged into the
 * head by the invocation that applied it, after applying it, with the rider's
 * state as it then stood; scores only grow, so a rider the head drops had
 * RANKING_HEAD_SIZE riders above it that stay above it, and comes back only
 * through an update of its own, which merges it. Two states of one rider are
 * told apart by how much was applied to it (races counted, then changes), so
 * a merge of an older state never undoes a newer one. A score that falls (a
 * result changed by hand to a lower output) breaks the argument: the head is
 * then built again from the index (`needsRebuild`).
 */
import { ALLTIME_HEAD_FIELDS, headEntry } from '../../core/rankingHead.js';

/** One of a class's two all-time rankings, as the head sees it. */
export interface HeadOrder {
  /** The index sort key the ranking sorts by (GSI1SK: personal best, GSI2SK: total output). */
  readonly skName: 'GSI1SK' | 'GSI2SK';
}

/** How far a rider's item has been brought: races counted, then changes applied. */
export function stateOf(item: Record<string, unknown>): number {
  const races = typeof item.racesCompleted === 'number' ? item.racesCompleted : 0;
  const changes = item.appliedChanges instanceof Set ? item.appliedChanges.size : 0;
  const stored = typeof item.state === 'number' ? item.state : undefined;
  return stored ?? races * 1_000_000 + changes;
}

/** A head entry of an all-time item, with the state it shows. */
export function allTimeHeadEntry(item: Record<string, unknown>): Record<string, unknown> {
  return { ...headEntry(item, ALLTIME_HEAD_FIELDS), state: stateOf(item) };
}

/** True when an update moved a rider the head holds down its ranking (its score fell). */
export function needsRebuild(
  entries: ReadonlyArray<Record<string, unknown>>,
  updates: ReadonlyArray<Record<string, unknown>>,
  order: HeadOrder,
): boolean {
  const held = new Map(entries.map((e) => [e.racerId as string, e]));
  return updates.some((u) => {
    const e = held.get(u.racerId as string);
    return e !== undefined && stateOf(u) > stateOf(e) && (u[order.skName] as string) > (e[order.skName] as string);
  });
}

/**
 * The head after merging `updates` (entries of riders just updated) into
 * `entries`: each rider at its newest state, in sort-key order, at most
 * `size`. `more` says whether the ranking holds riders past the head.
 */
export function mergeHead(
  head: { entries: ReadonlyArray<Record<string, unknown>>; more: boolean },
  updates: ReadonlyArray<Record<string, unknown>>,
  order: HeadOrder,
  size: number,
): { entries: Array<Record<string, unknown>>; more: boolean; changed: boolean } {
  const byRider = new Map(head.entries.map((e) => [e.racerId as string, e]));
  let changed = false;
  for (const u of updates) {
    if (typeof u[order.skName] !== 'string') continue;
    const held = byRider.get(u.racerId as string);
    if (held !== undefined && stateOf(held) >= stateOf(u)) continue;
    byRider.set(u.racerId as string, u);
    changed = true;
  }
  const sorted = [...byRider.values()].sort((a, b) =>
    (a[order.skName] as string) < (b[order.skName] as string) ? -1 : 1,
  );
  const entries = sorted.slice(0, size);
  const more = head.more || sorted.length > size;
  return { entries, more, changed: (changed && entries.some((e) => updates.includes(e))) || more !== head.more };
}
