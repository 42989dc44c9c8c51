/**
 * A rank tree: how many riders of one write shard of an all-time ranking
 * score in each 1 kJ band, kept as counts per decimal digit of the band, so
 * that the riders scoring in higher bands are counted from 12 small items
 * whatever the field size (docs/scaling.md §4.5).
 *
 * The band of a score is its whole kJ (SCORE_UNITS_PER_BAND milli-kJ). Node
 * (level L, prefix p) counts the riders whose band's digits above L are p, by
 * their digit at L: attributes d1 … d9 (digit 0 is never read, so never
 * kept). The riders in bands higher than b are, at each level, those under
 * b's own prefix with a greater digit; every such rider is counted once, at
 * the highest digit where its band and b differ. With the in-band riders
 * read from the index (a 1 kJ slice of a shard), that is a rank at any depth.
 *
 * The all-time consumer moves a rider's counts in the same transaction that
 * moves its index keys (functions/allTime/rankTreeStore.ts), so the counts are
 * the index's. APPSYNC_JS-safe: the resolvers read it.
 */
import type { ITEM_RANK_TREE } from './keys.js';

/** Milli-kJ per band: one kJ. */
export const SCORE_UNITS_PER_BAND = 1000;
/** Digits of a band (scores below 10^15 milli-kJ, the rankKey's range). */
export const RANK_TREE_LEVELS = 12;
/** Levels 0 … 11 (APPSYNC_JS may not count in a loop). */
export const RANK_TREE_LEVEL_NUMBERS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const DIGITS = [1, 2, 3, 4, 5, 6, 7, 8, 9];
const POWERS = [
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000, 100000000000, 1000000000000,
];

/** Whether a class's trees count every rider (the consumer writes it before any count). */
export interface RankTreeItem {
  PK: string;
  SK: string;
  itemType: typeof ITEM_RANK_TREE;
  /** True when the class had no rider in its rankings when its trees began: they count them all. */
  complete: boolean;
  createdAt: string;
}

/** One node a band is counted in, and its digit there. */
export interface TreeStep {
  level: number;
  prefix: number;
  digit: number;
}

/** The band of a score in milli-kJ. */
export function bandOfUnits(units: number): number {
  return Math.floor(units / SCORE_UNITS_PER_BAND);
}

/** The node of a band at each level and its digit there (digit 0 included). */
export function treePath(band: number): TreeStep[] {
  const steps: TreeStep[] = [];
  for (const level of RANK_TREE_LEVEL_NUMBERS) {
    const above = Math.floor(band / (POWERS[level] as number));
    steps.push({ level, prefix: Math.floor(above / 10), digit: above % 10 });
  }
  return steps;
}

/** A change of one count of one node. */
export interface TreeDelta {
  level: number;
  prefix: number;
  digit: number;
  delta: number;
}

/**
 * The counts that change when a rider moves from band `from` to band `to`
 * (null: not ranked): -1 where only `from` was counted, +1 where only `to` is.
 */
export function treeDeltas(from: number | null, to: number | null): TreeDelta[] {
  const deltas: TreeDelta[] = [];
  const before = from === null ? null : treePath(from);
  const after = to === null ? null : treePath(to);
  for (const level of RANK_TREE_LEVEL_NUMBERS) {
    const a = before === null ? null : (before[level] as TreeStep);
    const b = after === null ? null : (after[level] as TreeStep);
    const same = a !== null && b !== null && a.prefix === b.prefix && a.digit === b.digit;
    if (!same && a !== null && a.digit > 0) deltas.push({ level, prefix: a.prefix, digit: a.digit, delta: -1 });
    if (!same && b !== null && b.digit > 0) deltas.push({ level, prefix: b.prefix, digit: b.digit, delta: 1 });
  }
  return deltas;
}

/** A node's count of one digit. */
export function digitCount(node: Record<string, unknown> | undefined, digit: number): number {
  const value = node === undefined ? undefined : node[`d${digit}`];
  return typeof value === 'number' ? value : 0;
}

/**
 * Riders of one shard in bands higher than `band`, from the shard's nodes on
 * the band's path (`nodes[level]`, undefined where the node was never written).
 */
export function ridersInHigherBands(band: number, nodes: ReadonlyArray<Record<string, unknown> | undefined>): number {
  let count = 0;
  for (const step of treePath(band)) {
    const node = nodes[step.level];
    for (const digit of DIGITS) if (digit > step.digit) count = count + digitCount(node, digit);
  }
  return count;
}
