import { describe, expect, it } from 'vitest';
import { bandOfUnits, ridersInHigherBands, treeDeltas, treePath, type TreeDelta } from '../../core/rankTree.js';

/** A shard's tree as counts per node, kept by applying deltas as the consumer does. */
class Tree {
  readonly nodes = new Map<string, Record<string, number>>();
  apply(deltas: readonly TreeDelta[]): void {
    for (const d of deltas) {
      const id = `${d.level}|${d.prefix}`;
      const node = this.nodes.get(id) ?? {};
      node[`d${d.digit}`] = (node[`d${d.digit}`] ?? 0) + d.delta;
      this.nodes.set(id, node);
    }
  }
  higher(band: number): number {
    return ridersInHigherBands(
      band,
      treePath(band).map((s) => this.nodes.get(`${s.level}|${s.prefix}`)),
    );
  }
}

describe('rank tree', () => {
  it('counts the riders in higher bands exactly as riders join and move, in any direction', () => {
    let seed = 11;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    const tree = new Tree();
    const bands = new Map<number, number>();
    // Bands from 0 to ~10^9 kJ, clustered and spread, with ties.
    const pick = (): number => [random(50), 40 + random(30), random(2000), random(1_000_000_000)][random(4)] as number;
    for (let step = 0; step < 3000; step++) {
      const rider = random(400);
      const from = bands.get(rider) ?? null;
      const to = step % 5 === 4 && from !== null ? Math.max(0, from - random(100)) : (from ?? 0) + pick();
      tree.apply(treeDeltas(from, to));
      bands.set(rider, to);
      if (step % 50 === 0) {
        for (const probe of [0, 1, 9, 10, 55, 99, 100, 1999, to, ...[...bands.values()].slice(0, 20)]) {
          const expected = [...bands.values()].filter((b) => b > probe).length;
          expect(tree.higher(probe), `band ${probe} after step ${step}`).toBe(expected);
        }
      }
    }
  });

  it('keeps no digit 0 and changes nothing when the band stays', () => {
    expect(treeDeltas(57, 57)).toEqual([]);
    expect(treeDeltas(null, 507).map((d) => d.digit)).toEqual([7, 5]);
    expect(treeDeltas(507, 517)).toEqual([
      { level: 0, prefix: 50, digit: 7, delta: -1 },
      { level: 0, prefix: 51, digit: 7, delta: 1 },
      { level: 1, prefix: 5, digit: 1, delta: 1 },
    ]);
    expect(bandOfUnits(56_999)).toBe(56);
  });
});
