// kinesalite's PutRecords spends most of its CPU in bignumber.js: per record it
// builds the partition key's hash key as a BigNumber from MD5 hex, compares it
// with every shard's hash key range (parsing the 39-digit decimal bounds again
// on each comparison) and builds the sequence number with BigNumber too, the
// largest part of its put path at full-race rates (figures in docs/scaling.md).
// These are the same functions on native BigInt, giving
// identical results (test/esm/kinesaliteFastPut.test.ts compares both);
// kinesaliteMain.cjs installs them in the kinesalite process.
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, loaded into kinesalite's process
const crypto = require('node:crypto');

/** Decimal bounds of the shards' hash key ranges, parsed once (a stream has few shards). */
const parsedBounds = new Map();

function toBigInt(value) {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  const text = typeof value === 'string' ? value : String(value.toFixed ? value.toFixed() : value);
  let parsed = parsedBounds.get(text);
  if (parsed === undefined) {
    parsed = BigInt(text);
    if (parsedBounds.size < 10000) parsedBounds.set(text, parsed);
  }
  return parsed;
}

/** What kinesalite's actions do with a partition key's hash key: compare it (`comparedTo`, -1/0/1) and print it. */
class HashKey {
  constructor(value) {
    this.value = value;
  }
  comparedTo(other) {
    const o = toBigInt(other);
    return this.value < o ? -1 : this.value > o ? 1 : 0;
  }
  toFixed() {
    return this.value.toString();
  }
  toString(base) {
    return this.value.toString(base === undefined ? 10 : base);
  }
}

function partitionKeyToHashKey(partitionKey) {
  return new HashKey(BigInt('0x' + crypto.createHash('md5').update(partitionKey, 'utf8').digest('hex')));
}

function shardIxToHex(shardIx) {
  return ('0000000' + (shardIx || 0).toString(16)).slice(-8);
}

const HEX = /^[0-9a-f]+$/;

function stringifySequence(obj) {
  // Only version-2 numbers (what PutRecords and GetRecords create) with plain parts take the fast path.
  if (!(obj.version == null || obj.version == 2)) return fallback(obj);
  const seqIx = obj.seqIx || 0;
  if (
    !(typeof seqIx === 'number'
      ? Number.isSafeInteger(seqIx) && seqIx >= 0
      : typeof seqIx === 'string' && /^\d+$/.test(seqIx))
  )
    return fallback(obj);
  const hex = [
    '2',
    ('00000000' + Math.floor(obj.shardCreateTime / 1000).toString(16)).slice(-9),
    (obj.shardIx || 0).toString(16).slice(-1),
    ('0000000000000000' + BigInt(seqIx).toString(16)).slice(-16),
    obj.byte1 || '00',
    ('00000000' + Math.floor((obj.seqTime || obj.shardCreateTime) / 1000).toString(16)).slice(-9),
    shardIxToHex(obj.shardIx),
    '2',
  ].join('');
  if (!HEX.test(hex)) return fallback(obj);
  return BigInt('0x' + hex).toString();
}

let fallback = () => {
  throw new Error('kinesaliteFastPut: install() was not called');
};

/** Replaces kinesalite's functions (its actions call them through the module object, so they pick these up). */
function install(db) {
  if (db.stringifySequence === stringifySequence) return;
  fallback = db.stringifySequence;
  db.stringifySequence = stringifySequence;
  db.partitionKeyToHashKey = partitionKeyToHashKey;
}

module.exports = { stringifySequence, partitionKeyToHashKey, install };
