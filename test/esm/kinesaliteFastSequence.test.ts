import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../lib/toError.js';

const require = createRequire(import.meta.url);
const kinesaliteDb = require('kinesalite/db') as {
  parseSequence(seq: string): unknown;
  stringifySequence(obj: Record<string, unknown>): string;
  incrementSequence(seq: string, time?: number): string;
};
const fast = require('../../local/emulators/kinesaliteFastSequence.cjs') as {
  parseSequence(seq: string): unknown;
  install(db: unknown): void;
};
const original = kinesaliteDb.parseSequence;
// The fast parser hands what is not a plain decimal integer to the original (on a copy: kinesalite's module stays as it is).
fast.install({ parseSequence: original });

describe("kinesalite's sequence parser rewritten with BigInt", () => {
  it('parses every kind of sequence number exactly as kinesalite does', () => {
    const samples: string[] = [];
    const now = Date.now();
    for (let shardIx = 0; shardIx < 8; shardIx += 1) {
      for (const seqIx of ['0', '1', '255', '123456789012', '9223372036854775807']) {
        const v2 = kinesaliteDb.stringifySequence({
          shardCreateTime: now - 86_400_000,
          seqIx,
          seqTime: now,
          shardIx,
          byte1: '2a',
        });
        samples.push(v2, kinesaliteDb.incrementSequence(v2));
        samples.push(
          kinesaliteDb.stringifySequence({
            version: 1,
            shardCreateTime: now,
            seqIx: shardIx,
            seqTime: now + 1000,
            shardIx,
            seqRand: 'abcdef01234567',
          }),
        );
        samples.push(
          kinesaliteDb.stringifySequence({ version: 0, shardCreateTime: now, shardIx, seqRand: '0123456789abcdef' }),
        );
      }
    }
    for (const s of samples) expect(fast.parseSequence(s), s).toEqual(original(s));
  });

  it('rejects what kinesalite rejects', () => {
    const unknownVersion = (2n ** 200n).toString();
    const tooLate = (2n ** 124n + (0xfffffffffn << 104n)).toString();
    for (const bad of [unknownVersion, tooLate, 'abc']) {
      let expected: string | undefined;
      let got: string | undefined;
      try {
        original(bad);
      } catch (error) {
        expected = errorMessage(error);
      }
      try {
        fast.parseSequence(bad);
      } catch (error) {
        got = errorMessage(error);
      }
      expect(got).toBe(expected);
      expect(got).toBeDefined();
    }
  });
});
