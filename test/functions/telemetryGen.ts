/**
 * Generated telemetry for the fast-path equivalence tests: valid records in
 * many spellings and invalid ones of every kind the contract or JSON rejects,
 * as the base64 data of Kinesis records. Deterministic for a seed.
 */
import type { KinesisEventRecord } from '../../functions/runtime/kinesisRecord.js';

/** The simulator's seeded PRNG (mulberry32), so a failure can be replayed from its seed. */
export { seededRandom as prng } from '../../local/simulator/prng.js';

export const RACE_SECONDS = 300;
export const RACE_ID = 5_900_000;
/** An arrival time (seconds) inside RACE_ID. */
export const ARRIVAL = RACE_ID * RACE_SECONDS + 100;

type Rand = () => number;
/**
 * About half the records are spelled only in ways JSON and the contract
 * accept (so that valid records are plentiful); the others may break anywhere.
 */
let clean = false;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const chance = (r: Rand, p: number): boolean => r() < p;
/** A chance to break something, never taken in a clean record. */
const breaks = (r: Rand, p: number): boolean => !clean && r() < p;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const VALID_NAMES = [
  'Ada Moreau',
  'Zoë Brontë',
  'Łukasz Żółć',
  '山田 太郎',
  'Rider 🚴',
  'e\u0301 combining',
  'a',
  'x'.repeat(40),
  '🚴'.repeat(40),
  'woman biking 🚴\u200d\u2640\ufe0f',
  'quote " inside',
  'slash / ok',
];
const NAMES = [
  'Ada Moreau',
  'Zoë Brontë',
  'Łukasz Żółć',
  'José Muñoz',
  'Søren Ødegård',
  '山田 太郎',
  'Ελένη',
  'Дмитрий',
  'محمد',
  'Rider 🚴',
  '🚴🚴🚴',
  'e\u0301 combining',
  'a',
  'x'.repeat(40),
  'y'.repeat(41),
  '🚴'.repeat(20),
  '🚴'.repeat(21),
  'tab\there',
  'quote " inside',
  'back \\ slash',
  'slash / ok',
  '',
  ' ',
  'ﬀ ligature',
  '\u2028 line sep',
  '\u0000 nul',
  '\u202enitram',
  'iso \u2067x\u2069',
  'zero\u200bwidth',
  '\ufeffbom',
  'del \u007f',
  'lone \ud83d',
  '🚴'.repeat(41),
];
const VALID_RACER_IDS = ['a', 'A_b-9', 'x'.repeat(64), '__proto__', 'constructor', 'toString', '-_-'];
const RACER_IDS = [
  'c3-rider-0001',
  'a',
  'A_b-9',
  'x'.repeat(64),
  'x'.repeat(65),
  '',
  'bad id',
  'é',
  'id.with.dots',
  '__proto__',
  'constructor',
  'toString',
  '-_-',
];

/** Number spellings: [JSON text, what a producer would call it]. Some are not JSON at all. */
function spellNumber(r: Rand, v: number): string {
  const plain = JSON.stringify(v);
  if (!chance(r, 0.12)) return plain;
  if (clean) {
    // Other spellings of the same value (or nearly: 0.142 * 100 is not 14.2).
    switch (int(r, 0, 3)) {
      case 0:
        return Number.isInteger(v) ? `${plain}.0` : `${plain}0`;
      case 1:
        return Object.is(v, -0) ? '-0.0e0' : v.toExponential().replace('e+', pick(r, ['e', 'E', 'e+', 'E+']));
      case 2:
        return `${v * 100}e-2`;
      default:
        return Number.isInteger(v) ? `${plain}.${'0'.repeat(int(r, 1, 20))}` : `${plain}${'0'.repeat(int(r, 1, 20))}`;
    }
  }
  const abs = Math.abs(v);
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  switch (int(r, 0, 13)) {
    case 0:
      return abs === 0 ? `${sign}0.0` : `${plain}${Number.isInteger(v) ? '.0' : '0'}`; // 1.50, 5.0
    case 1:
      return `${abs.toExponential()}`.replace('e+', pick(r, ['e', 'E', 'e+', 'E+'])); // 1e2 forms
    case 2:
      return `${sign}${abs * 100}e-2`;
    case 3:
      return '-0';
    case 4:
      return `0${plain}`; // leading zero: not JSON
    case 5:
      return `+${plain}`; // not JSON
    case 6:
      return `${plain}.`; // not JSON
    case 7:
      return Number.isInteger(v) ? `${plain}.${'0'.repeat(int(r, 1, 20))}` : `${plain}${'0'.repeat(int(r, 1, 20))}`; // long but exact
    case 8:
      return pick(r, [
        '1e400',
        '-1e400',
        '123456789012345678901234567890',
        '0.1234567890123456789',
        '9007199254740993',
        '1e-400',
      ]);
    case 9:
      return pick(r, ['NaN', 'Infinity', '-', '.5', '0x10', '1_000']); // not JSON
    case 10:
      return JSON.stringify(v + pick(r, [0.5, 1e-9, 0.1, -0.1, 1e-15])); // fractional where integers are due
    case 11:
      return `${plain}${pick(r, ['', '0', '00'])}`;
    case 12:
      return pick(r, ['"12"', 'true', 'null', '[1]', '{}', 'false']); // wrong types
    default:
      return JSON.stringify(v * pick(r, [10, 1000, -1, 1e6]));
  }
}

/** Whitespace between tokens: mostly none, sometimes JSON's, rarely what JSON does not allow. */
function ws(r: Rand): string {
  if (!chance(r, 0.12)) return '';
  if (clean || chance(r, 0.9)) {
    let s = '';
    for (let n = int(r, 1, 3); n > 0; n -= 1) s += pick(r, [' ', '\t', '\n', '\r']);
    return s;
  }
  return pick(r, ['\u00a0', '\f', '\v', '\u2028', '\ufeff']);
}

/** A JSON string literal of `s`, sometimes with needless (but valid) escapes. */
function spellString(r: Rand, s: string): string {
  let out = JSON.stringify(s);
  // A needless \u escape of the first lowercase letter: valid JSON, the same string.
  if (chance(r, 0.04))
    out = `"${out.slice(1, -1).replace(/[a-z]/, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
  if (chance(r, 0.03)) out = out.replace(/\//g, '\\/');
  if (breaks(r, 0.02)) out = `'${s}'`; // not JSON
  if (breaks(r, 0.02)) out = out.slice(0, -1); // unterminated
  return out;
}

type Field = [key: string, text: string];

/** The fields of one record, some of them broken, in text form. */
function fields(r: Rand): Field[] {
  const second = breaks(r, 0.05) ? pick(r, [-1, 301, 300, 0, 1.5]) : int(r, 0, RACE_SECONDS);
  const maxOutput = 3 * Math.max(1, second);
  const output = breaks(r, 0.05)
    ? pick(r, [maxOutput, maxOutput + 0.001, -0.5, 0, -0])
    : Math.round(r() * maxOutput * 1000) / 1000;
  const raceId = breaks(r, 0.05) ? pick(r, [RACE_ID - 1, RACE_ID - 2, RACE_ID + 1, -1, 0]) : RACE_ID;
  const out: Field[] = [
    ['raceId', spellNumber(r, raceId)],
    ['classId', spellNumber(r, breaks(r, 0.05) ? pick(r, [0, 7, 99, 2.5, -1]) : int(r, 1, 6))],
    [
      'racerId',
      spellString(
        r,
        chance(r, 0.1)
          ? pick(r, clean ? VALID_RACER_IDS : RACER_IDS)
          : `c3-rider-${String(int(r, 0, 999)).padStart(4, '0')}`,
      ),
    ],
    ['second', spellNumber(r, second)],
    ['power', spellNumber(r, breaks(r, 0.05) ? pick(r, [3000, 3000.0001, -1, 0]) : Math.round(r() * 4000) / 10)],
    ['output', spellNumber(r, output)],
    [
      'event',
      breaks(r, 0.05)
        ? spellString(r, pick(r, ['Update', 'finished', '', 'final ']))
        : spellString(r, chance(r, 0.1) ? 'final' : 'update'),
    ],
    ['deviceTimestamp', spellNumber(r, breaks(r, 0.05) ? pick(r, [-1, 1.5, 0]) : 1_770_000_000_000 + int(r, 0, 1e6))],
  ];
  if (chance(r, 0.8))
    out.push([
      'cadence',
      chance(r, 0.05) ? 'null' : spellNumber(r, breaks(r, 0.05) ? pick(r, [250, 251, -1]) : int(r, 0, 120)),
    ]);
  if (chance(r, 0.8))
    out.push([
      'resistance',
      chance(r, 0.05) ? 'null' : spellNumber(r, breaks(r, 0.05) ? pick(r, [100, 100.5, -1]) : int(r, 0, 20)),
    ]);
  if (chance(r, 0.3))
    out.push([
      'name',
      chance(r, 0.05)
        ? pick(r, clean ? ['null'] : ['null', '42', 'true', '["x"]'])
        : spellString(r, pick(r, clean ? VALID_NAMES : NAMES)),
    ]);
  // Missing, extra and repeated fields.
  if (breaks(r, 0.04)) out.splice(int(r, 0, out.length - 1), 1);
  if (chance(r, 0.04))
    out.push([
      pick(r, ['extra', '__proto__', 'Name', 'race_id', 'raceid', 'racerID', 'names', 'powers']),
      pick(r, ['1', '"x"', 'null', '{"a":[1,2]}']),
    ]);
  if (chance(r, 0.04)) {
    const dup = pick(r, out);
    out.push([dup[0], clean ? dup[1] : pick(r, [dup[1], '1', '"x"', 'null'])]);
  }
  // Producers order fields as they like.
  if (chance(r, 0.3)) {
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = int(r, 0, i);
      [out[i], out[j]] = [out[j] as Field, out[i] as Field];
    }
  }
  return out;
}

/** The UTF-8 bytes of one record, sometimes not JSON, sometimes not UTF-8. */
export function recordBytes(r: Rand): Buffer {
  clean = chance(r, 0.5);
  const fs = fields(r);
  let text = `${ws(r)}{${ws(r)}`;
  fs.forEach(([k, v], i) => {
    const key = chance(r, 0.02) ? spellString(r, k) : JSON.stringify(k);
    text += `${key}${ws(r)}:${ws(r)}${v}${ws(r)}${i < fs.length - 1 ? `,${ws(r)}` : ''}`;
  });
  text += `}${ws(r)}`;
  if (breaks(r, 0.01)) text += ','; // trailing junk
  if (breaks(r, 0.01)) text = `[${text}]`; // an array, not an object
  if (breaks(r, 0.01)) text = pick(r, ['null', '42', '"text"', '{}', '[]', '']);
  let bytes = Buffer.from(text, 'utf8');
  if (breaks(r, 0.03)) bytes = bytes.subarray(0, int(r, 0, bytes.length - 1)); // truncated
  if (breaks(r, 0.04)) {
    // Bytes that are not UTF-8 (lone continuation, truncated or overlong sequences, surrogates,
    // 0xFF), inside the name when there is one, anywhere otherwise.
    const bad = pick(r, [
      [0x80],
      [0xc3],
      [0xe2, 0x82],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xff],
      [0xf0, 0x9f, 0x9a],
      [0xef, 0xbb, 0xbf],
    ]);
    const nameAt = bytes.indexOf('"name"');
    const at = nameAt >= 0 && chance(r, 0.7) ? Math.min(bytes.length, nameAt + 10) : int(r, 0, bytes.length);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
  }
  if (breaks(r, 0.01)) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]); // a BOM
  return bytes;
}

/** Base64 of `bytes` as Kinesis would carry it, and sometimes as it should not. */
export function spellBase64(r: Rand, bytes: Buffer): string {
  const b64 = bytes.toString('base64');
  if (!chance(r, 0.08)) return b64;
  // Spellings Buffer.from(…, 'base64') decodes to the same bytes, and (not in clean records) others.
  switch (clean ? pick(r, [0, 1, 2, 6]) : int(r, 0, 7)) {
    case 0:
      return b64.replace(/=+$/, ''); // no padding
    case 1:
      return bytes.toString('base64url'); // the URL alphabet
    case 2:
      return b64.replace(/(.{76})/g, '$1\r\n'); // MIME line breaks
    case 3: {
      const at = int(r, 0, b64.length);
      return b64.slice(0, at) + pick(r, [' ', '!', '*', '.', '\u00e9', '\u4e2d', '==', '=']) + b64.slice(at);
    }
    case 4:
      return `${b64}${pick(r, ['=', '==', '===', 'QQ==', 'A'])}`; // after the padding
    case 5:
      return b64.slice(0, int(r, 0, b64.length)); // cut
    case 6:
      return ` ${b64}\n`;
    default:
      return b64.toLowerCase();
  }
}

let seq = 0;

/** One Kinesis event record of generated telemetry (arrival time mostly in RACE_ID, sometimes absent or later). */
export function generatedRecord(r: Rand, opts: { canonicalBase64?: boolean } = {}): KinesisEventRecord {
  seq += 1;
  const arrival = chance(r, 0.9)
    ? ARRIVAL
    : pick(r, [undefined, ARRIVAL + RACE_SECONDS, ARRIVAL + 2 * RACE_SECONDS, ARRIVAL - RACE_SECONDS]);
  const bytes = recordBytes(r);
  return {
    eventID: `shardId-000000000000:${seq}`,
    kinesis: {
      data: opts.canonicalBase64 === true ? bytes.toString('base64') : spellBase64(r, bytes),
      sequenceNumber: String(seq),
      partitionKey: 'p',
      ...(arrival === undefined ? {} : { approximateArrivalTimestamp: arrival }),
    },
  };
}
