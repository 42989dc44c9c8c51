// kinesalite parses every record's sequence number with bignumber.js when it
// serves GetRecords, most of its CPU on a large GetRecords (figures in
// docs/scaling.md). This is the same parser written with
// native BigInt, giving identical results (test/esm/kinesaliteFastSequence.test.ts
// compares both); kinesaliteMain.cjs installs it in the kinesalite process.
'use strict';

const POW_2_124 = 2n ** 124n;
const POW_2_124_NEXT = 2n ** 125n * 16n;
const POW_2_185 = 2n ** 185n;
const POW_2_185_NEXT = 3n * 2n ** 184n;

function parseSequence(seq) {
  const text = String(seq);
  // Only plain decimal integers take the fast path; anything else goes to kinesalite's own parser.
  if (!/^\d+$/.test(text)) return fallback(seq);
  let seqNum = BigInt(text);
  if (seqNum < POW_2_124) seqNum += POW_2_124;
  const hex = seqNum.toString(16);
  const version =
    seqNum < POW_2_124_NEXT
      ? 0
      : seqNum > POW_2_185 && seqNum < POW_2_185_NEXT
      ? parseInt(hex.slice(hex.length - 1), 16)
      : null;
  if (version == 2) {
    const seqIxHex = hex.slice(11, 27);
    let shardIxHex = hex.slice(38, 46);
    if (parseInt(seqIxHex[0], 16) > 7) throw new Error('Sequence index too high');
    if (parseInt(shardIxHex[0], 16) > 7) shardIxHex = '-' + shardIxHex;
    const shardCreateSecs = parseInt(hex.slice(1, 10), 16);
    if (shardCreateSecs >= 16025175000) throw new Error('Date too large: ' + shardCreateSecs);
    return {
      shardCreateTime: shardCreateSecs * 1000,
      seqIx: BigInt('0x' + seqIxHex).toString(),
      byte1: hex.slice(27, 29),
      seqTime: parseInt(hex.slice(29, 38), 16) * 1000,
      shardIx: parseInt(shardIxHex, 16),
      version: version,
    };
  } else if (version == 1) {
    return {
      shardCreateTime: parseInt(hex.slice(1, 10), 16) * 1000,
      byte1: hex.slice(11, 13),
      seqTime: parseInt(hex.slice(13, 22), 16) * 1000,
      seqRand: hex.slice(22, 36),
      seqIx: parseInt(hex.slice(36, 38), 16),
      shardIx: parseInt(hex.slice(38, 46), 16),
      version: version,
    };
  } else if (version === 0) {
    const shardCreateSecs = parseInt(hex.slice(1, 10), 16);
    if (shardCreateSecs >= 16025175000) throw new Error('Date too large: ' + shardCreateSecs);
    return {
      shardCreateTime: shardCreateSecs * 1000,
      byte1: hex.slice(10, 12),
      seqRand: hex.slice(12, 28),
      shardIx: parseInt(hex.slice(28, 32), 16),
      version: version,
    };
  }
  throw new Error('Unknown version: ' + version);
}

let fallback = () => {
  throw new Error('kinesaliteFastSequence: install() was not called');
};

/** Replaces kinesalite's parser (its actions call it through the module object, so they pick this one up). */
function install(db) {
  if (db.parseSequence === parseSequence) return;
  fallback = db.parseSequence;
  db.parseSequence = parseSequence;
}

module.exports = { parseSequence, install };
