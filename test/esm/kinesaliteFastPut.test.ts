import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
interface Comparable {
  comparedTo(other: unknown): number | null;
}
const kinesaliteDb = require('kinesalite/db') as {
  stringifySequence(obj: Record<string, unknown>): string;
  partitionKeyToHashKey(key: string): Comparable;
};
const BigNumber = require('bignumber.js') as new (value: string | number, base?: number) => Comparable & {
  toFixed(): string;
};
const fast = require('../../local/emulators/kinesaliteFastPut.cjs') as {
  stringifySequence(obj: Record<string, unknown>): string;
  partitionKeyToHashKey(key: string): Comparable & { toFixed(): string };
  install(db: unknown): void;
};
const original = {
  stringifySequence: kinesaliteDb.stringifySequence,
  partitionKeyToHashKey: kinesaliteDb.partitionKeyToHashKey,
};
// What the fast path does not take goes to the original (installed on a copy: kinesalite's module stays as it is).
fast.install({ stringifySequence: original.stringifySequence });

/** The hash key ranges kinesalite gives a stream of n shards: 2^128 split evenly. */
function ranges(n: number): Array<{ start: string; end: string }> {
  const size = 2n ** 128n / BigInt(n);
  return Array.from({ length: n }, (_, i) => ({
    start: (size * BigInt(i)).toString(),
    end: (i === n - 1 ? 2n ** 128n - 1n : size * BigInt(i + 1) - 1n).toString(),
  }));
}

describe("kinesalite's PutRecords hash keys and sequence numbers rewritten with BigInt", () => {
  it('builds the same sequence numbers as kinesalite', () => {
    const now = Date.now();
    for (let shardIx = 0; shardIx < 20; shardIx += 1) {
      for (const seqIx of [0, 1, 255, 123_456_789, Number.MAX_SAFE_INTEGER, '9223372036854775807', undefined]) {
        for (const obj of [
          { shardCreateTime: now - 86_400_000, shardIx, seqIx, seqTime: now },
          { shardCreateTime: now, shardIx, seqIx },
          { shardCreateTime: now, shardIx, seqIx, byte1: '2a', seqTime: now + 1000, version: 2 },
          { version: 1, shardCreateTime: now, seqIx: 3, seqTime: now + 1000, shardIx, seqRand: 'abcdef01234567' },
          { version: 0, shardCreateTime: now, shardIx, seqRand: '0123456789abcdef' },
        ]) {
          expect(fast.stringifySequence(obj), JSON.stringify(obj)).toBe(original.stringifySequence(obj));
        }
      }
    }
  });

  it('puts every partition key on the shard kinesalite puts it on', () => {
    for (const shards of [1, 2, 4, 7]) {
      const bounds = ranges(shards);
      const shardOf = (key: Comparable) =>
        bounds.findIndex((r) => (key.comparedTo(r.start) ?? 0) >= 0 && (key.comparedTo(r.end) ?? 0) <= 0);
      for (let i = 0; i < 2000; i += 1) {
        const partitionKey = `c${i % 6}-rider-${i}`;
        const theirs = original.partitionKeyToHashKey(partitionKey);
        const ours = fast.partitionKeyToHashKey(partitionKey);
        expect(shardOf(ours), partitionKey).toBe(shardOf(theirs));
        expect(ours.toFixed()).toBe(BigInt(`0x${createHash('md5').update(partitionKey).digest('hex')}`).toString());
      }
    }
  });

  it('compares at the exact bounds as BigNumber does (numbers, decimal strings and BigNumbers)', () => {
    const key = fast.partitionKeyToHashKey('rider-1');
    const value = key.toFixed();
    const theirs = original.partitionKeyToHashKey('rider-1');
    for (const other of [
      value,
      (BigInt(value) + 1n).toString(),
      (BigInt(value) - 1n).toString(),
      0,
      new BigNumber(value),
    ]) {
      expect(key.comparedTo(other)).toBe(theirs.comparedTo(other));
    }
  });
});
