/**
 * The fast path of telemetry decoding: base64 → bytes → fields,
 * without building the generic JSON value that `JSON.parse` would.
 *
 * It reads only the plain shape producers send — one JSON object whose keys
 * are the contract's field names, each at most once; numbers without exponent
 * and with at most 15 digits; strings without escapes; JSON whitespace between
 * tokens — and it answers only when the record is valid. Everything else
 * (escapes, unknown or repeated keys, `1e2`, long numbers, records that break
 * the contract, …) returns false, and the caller takes the reference path
 * (`JSON.parse` + `checkTelemetry`), which decides with its own result or
 * rejection. So the fast path can only be faster, never different:
 * test/functions/scanTelemetry.test.ts runs generated valid and invalid
 * records through both.
 *
 * One module on purpose: the scan reads one shared buffer and its tables
 * byte by byte (decodeChunk below decodes many records into that buffer),
 * and split into modules (imported bindings on that path) it ran several
 * times slower under the local stack's module loader.
 */
import { isDisplayName } from '../../core/displayName.js';
import { isRaceClass } from '../../core/raceClasses.js';
import type { TelemetryEventKind } from '../../core/telemetry.js';
import { TELEMETRY_LIMITS } from '../../core/telemetry.js';

/** The fields of a valid record, written in place by `scanTelemetry` (one object reused per batch). */
export interface ScannedTelemetry {
  raceId: number;
  classId: number;
  racerId: string;
  /** `undefined` when absent or `null` (as `checkTelemetry` leaves it out). */
  name: string | undefined;
  second: number;
  power: number;
  /** NaN when absent or `null` (a number field stays a number for V8: no boxing per write). */
  cadence: number;
  /** NaN when absent or `null`. */
  resistance: number;
  output: number;
  event: TelemetryEventKind;
  deviceTimestamp: number;
}

/** A fresh object for `scanTelemetry` to fill (its values mean nothing until a scan returns true). */
export function newScannedTelemetry(): ScannedTelemetry {
  return {
    raceId: NaN,
    classId: NaN,
    racerId: '',
    name: undefined,
    second: NaN,
    power: NaN,
    cadence: NaN,
    resistance: NaN,
    output: NaN,
    event: 'update',
    deviceTimestamp: NaN,
  };
}

// Fields, as bit numbers (duplicate detection) and indexes in KEYS.
const RACE_ID = 0;
const CLASS_ID = 1;
const RACER_ID = 2;
const NAME = 3;
const SECOND = 4;
const POWER = 5;
const CADENCE = 6;
const RESISTANCE = 7;
const OUTPUT = 8;
const EVENT = 9;
const DEVICE_TIMESTAMP = 10;
const KEYS = [
  'raceId',
  'classId',
  'racerId',
  'name',
  'second',
  'power',
  'cadence',
  'resistance',
  'output',
  'event',
  'deviceTimestamp',
];
const REQUIRED =
  (1 << RACE_ID) |
  (1 << CLASS_ID) |
  (1 << RACER_ID) |
  (1 << SECOND) |
  (1 << POWER) |
  (1 << OUTPUT) |
  (1 << EVENT) |
  (1 << DEVICE_TIMESTAMP);

/**
 * Base64 text longer than this takes the reference path. A plain valid record
 * is a few hundred bytes (racerId ≤ 64, name ≤ 40 characters), so only
 * padding-heavy or invalid data gets there.
 */
const MAX_DATA_CHARS = 4096;
/** Base64 characters decoded at once by decodeChunk (one native call for many records). */
const CHUNK_CHARS = 32_768;
/** Where scanTelemetry decodes one record: after the largest chunk and some slack for 4-byte reads. */
const SINGLE_AT = (CHUNK_CHARS / 4) * 3 + 64;
/**
 * The decoded bytes being scanned: a chunk of records from 0 (decodeChunk) and
 * one record at SINGLE_AT (scanTelemetry), with slack after each for 4-byte reads.
 */
const bytes = Buffer.allocUnsafeSlow(SINGLE_AT + MAX_DATA_CHARS + 64);
const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Buffer's base64 decoder as `buf.write(s, 0, 'base64')` calls it after its
 * argument checks (which always pass here); `write` where a runtime lacks it.
 */
const base64Write = (
  Buffer.prototype as unknown as { base64Write?: (this: Buffer, s: string, offset: number, length: number) => number }
).base64Write;

/**
 * Each key with its quotes (`"raceId"`) as little-endian 32-bit words at
 * offsets 0, 4, … and length - 4 (overlapping), so that a key is a few word
 * compares: KEY_WORDS[k * 8 + j] for j < KEY_WORD_COUNT[k], at KEY_WORD_AT.
 */
const KEY_WORDS = new Int32Array(KEYS.length * 8);
const KEY_WORD_AT = new Int32Array(KEYS.length * 8);
const KEY_WORD_COUNT = new Int32Array(KEYS.length);
/** Length of each key with its quotes. */
const KEY_LENGTH = new Int32Array(KEYS.length);
for (let k = 0; k < KEYS.length; k += 1) {
  const quoted = Buffer.from(`"${KEYS[k] ?? ''}"`, 'latin1');
  KEY_LENGTH[k] = quoted.length;
  let n = 0;
  for (let at = 0; at < quoted.length; at += 4) {
    const start = Math.min(at, quoted.length - 4);
    KEY_WORDS[k * 8 + n] = quoted.readInt32LE(start);
    KEY_WORD_AT[k * 8 + n] = start;
    n += 1;
  }
  KEY_WORD_COUNT[k] = n;
}

/** Characters of a racerId, `^[A-Za-z0-9_-]$`, by byte. */
const RACER_ID_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-') RACER_ID_BYTE[c.charCodeAt(0)] = 1;

/** 10^k, exact as doubles for k ≤ 22; the scanner needs k ≤ 15. */
const POW10 = new Float64Array([1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]);
/** More digits than this and the mantissa may not be exact: leave the number to JSON.parse. */
const MAX_DIGITS = 15;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_N = 0x6e;
/** "null" as a little-endian word. */
const NULL_WORD = Buffer.from('null', 'latin1').readInt32LE(0);

/** "upda" and "fina" as little-endian words (the event values' first four letters). */
const UPDA_WORD = Buffer.from('upda', 'latin1').readInt32LE(0);
const FINA_WORD = Buffer.from('fina', 'latin1').readInt32LE(0);

/** The value of the last number scanNumber read (a typed array: no heap number per write). */
const numberOut = new Float64Array(1);

/** The index of the first byte from `i` on that is not JSON whitespace (RFC 8259: space, tab, LF, CR). */
function skipWhitespace(i: number): number {
  let c = bytes[i] as number;
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
    i += 1;
    c = bytes[i] as number;
  }
  return i;
}

/**
 * Reads a JSON number at `i` (`-?(0|[1-9][0-9]*)(\.[0-9]+)?`, no exponent, at
 * most 15 digits) into numberOut[0] and returns the index after it, or -1 to
 * leave it to the reference path. m / 10^k with m < 2^53 and k ≤ 22 is one
 * correctly rounded division of two exact doubles, hence the same double as
 * JSON.parse's correctly rounded decimal conversion (Clinger's fast path).
 */
function scanNumber(i: number): number {
  let c = bytes[i] as number;
  const negative = c === MINUS;
  if (negative) {
    i += 1;
    c = bytes[i] as number;
  }
  let m = 0;
  const start = i;
  if (c === ZERO) {
    i += 1;
    c = bytes[i] as number;
    // A leading zero followed by a digit is not JSON.
    if (c >= ZERO && c <= NINE) return -1;
  } else {
    while (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      i += 1;
      c = bytes[i] as number;
    }
    if (i === start) return -1;
  }
  let digits = i - start;
  let fraction = 0;
  if (c === DOT) {
    i += 1;
    c = bytes[i] as number;
    const fractionStart = i;
    while (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      i += 1;
      c = bytes[i] as number;
    }
    fraction = i - fractionStart;
    if (fraction === 0) return -1;
    digits += fraction;
  }
  // An exponent is for JSON.parse (so is anything odd after the number: the caller checks).
  if (c === 0x65 || c === 0x45 || digits > MAX_DIGITS) return -1;
  const v = fraction === 0 ? m : m / (POW10[fraction] as number);
  numberOut[0] = negative ? -v : v;
  return i;
}

/** The field whose quoted key starts at `i` (an opening quote), or -1. */
function keyAt(i: number): number {
  let k: number;
  // Dispatch on the key's first letters, then compare the whole quoted key word by word.
  switch (bytes[i + 1]) {
    case 0x72: // r
      k = bytes[i + 2] === 0x65 ? RESISTANCE : bytes[i + 5] === 0x72 ? RACER_ID : RACE_ID;
      break;
    case 0x63: // c
      k = bytes[i + 2] === 0x6c ? CLASS_ID : CADENCE;
      break;
    case 0x6e: // n
      k = NAME;
      break;
    case 0x73: // s
      k = SECOND;
      break;
    case 0x70: // p
      k = POWER;
      break;
    case 0x6f: // o
      k = OUTPUT;
      break;
    case 0x65: // e
      k = EVENT;
      break;
    case 0x64: // d
      k = DEVICE_TIMESTAMP;
      break;
    default:
      return -1;
  }
  const base = k * 8;
  const n = KEY_WORD_COUNT[k] as number;
  for (let j = 0; j < n; j += 1) {
    if (view.getInt32(i + (KEY_WORD_AT[base + j] as number), true) !== KEY_WORDS[base + j]) return -1;
  }
  return k;
}

/**
 * The racerIds seen lately: a 4-way set-associative cache by a hash of their
 * bytes, checked byte by byte, so that the same rider's id every second is one
 * string rather than a new one per record (and a key V8 has already
 * internalized for the state's riders objects). 1,024 sets of 4 hold the
 * riders of a busy shard with few evictions.
 */
const ID_SETS = 1024;
const ID_WAYS = 4;
const ID_SLOT_BYTES = TELEMETRY_LIMITS.racerIdMaxLength;
const idStrings: string[] = new Array<string>(ID_SETS * ID_WAYS).fill('');
const idHashes = new Int32Array(ID_SETS * ID_WAYS);
/** Length of the id in each slot (0: empty; ids are at least 1 byte). */
const idLengths = new Int32Array(ID_SETS * ID_WAYS);
const idBytes = new Uint8Array(ID_SETS * ID_WAYS * ID_SLOT_BYTES);
/** The way each set replaces next (round robin). */
const idNextWay = new Uint8Array(ID_SETS);

const idView = new DataView(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength);

/** True if the cached id at `base` in idBytes is bytes[a..a+len): word by word, the last word overlapping. */
function sameId(base: number, a: number, len: number): boolean {
  if (len < 4) {
    for (let j = 0; j < len; j += 1) if (idBytes[base + j] !== bytes[a + j]) return false;
    return true;
  }
  for (let j = 0; j < len - 4; j += 4) {
    if (idView.getInt32(base + j, true) !== view.getInt32(a + j, true)) return false;
  }
  return idView.getInt32(base + len - 4, true) === view.getInt32(a + len - 4, true);
}

/** The racerId in bytes[a..b) (1..64 bytes of `[A-Za-z0-9_-]`, checked by the caller) whose hash is `hash`. */
function racerIdString(hash: number, a: number, b: number): string {
  const set = (Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 22) & (ID_SETS - 1);
  const len = b - a;
  const first = set * ID_WAYS;
  for (let slot = first; slot < first + ID_WAYS; slot += 1) {
    if (idHashes[slot] !== hash || idLengths[slot] !== len) continue;
    if (sameId(slot * ID_SLOT_BYTES, a, len)) return idStrings[slot] as string;
  }
  const id = bytes.toString('latin1', a, b);
  const way = idNextWay[set] as number;
  idNextWay[set] = (way + 1) % ID_WAYS;
  const slot = first + way;
  const base = slot * ID_SLOT_BYTES;
  for (let j = 0; j < len; j += 1) idBytes[base + j] = bytes[a + j] as number;
  idHashes[slot] = hash;
  idLengths[slot] = len;
  idStrings[slot] = id;
  return id;
}

/**
 * The quoted key and colon as producers write them (`"power":`, no whitespace)
 * at `i`: returns `field * 32 + length`, or -1 (then keyAt reads the general
 * form). The numbers are the key's bytes as little-endian 32-bit words
 * (`0x63617222` is `"rac`), compared with literals so that a key costs a
 * switch and two to four word compares.
 */
function keyColonAt(i: number): number {
  switch (view.getInt32(i, true)) {
    case 0x63617222: {
      // "rac: raceId or racerId
      const w = view.getInt32(i + 4, true);
      if (w === 0x22644965 && bytes[i + 8] === COLON) return RACE_ID * 32 + 9; // eId" :
      if (w === 0x64497265 && view.getInt32(i + 6, true) === 0x3a226449) return RACER_ID * 32 + 10; // erId, Id":
      return -1;
    }
    case 0x616c6322: // "cla ssId Id":
      return view.getInt32(i + 4, true) === 0x64497373 && view.getInt32(i + 6, true) === 0x3a226449
        ? CLASS_ID * 32 + 10
        : -1;
    case 0x6d616e22: // "nam me":
      return view.getInt32(i + 3, true) === 0x3a22656d ? NAME * 32 + 7 : -1;
    case 0x63657322: // "sec ond" nd":
      return view.getInt32(i + 4, true) === 0x22646e6f && bytes[i + 8] === COLON ? SECOND * 32 + 9 : -1;
    case 0x776f7022: // "pow er":
      return view.getInt32(i + 4, true) === 0x3a227265 ? POWER * 32 + 8 : -1;
    case 0x64616322: // "cad ence ce":
      return view.getInt32(i + 4, true) === 0x65636e65 && view.getInt32(i + 6, true) === 0x3a226563
        ? CADENCE * 32 + 10
        : -1;
    case 0x73657222: // "res ista nce" ce":
      return view.getInt32(i + 4, true) === 0x61747369 &&
        view.getInt32(i + 8, true) === 0x2265636e &&
        bytes[i + 12] === COLON
        ? RESISTANCE * 32 + 13
        : -1;
    case 0x74756f22: // "out put" ut":
      return view.getInt32(i + 4, true) === 0x22747570 && bytes[i + 8] === COLON ? OUTPUT * 32 + 9 : -1;
    case 0x65766522: // "eve nt":
      return view.getInt32(i + 4, true) === 0x3a22746e ? EVENT * 32 + 8 : -1;
    case 0x76656422: // "dev iceT imes tamp mp":
      return view.getInt32(i + 4, true) === 0x54656369 &&
        view.getInt32(i + 8, true) === 0x73656d69 &&
        view.getInt32(i + 12, true) === 0x706d6174 &&
        view.getInt32(i + 14, true) === 0x3a22706d
        ? DEVICE_TIMESTAMP * 32 + 18
        : -1;
    default:
      return -1;
  }
}

function isInt(v: number): boolean {
  return Math.floor(v) === v;
}

/**
 * Reads one record's fields into `out` when `data` is base64 of a
 * plain-shaped JSON telemetry object that checkTelemetry accepts; returns false
 * otherwise (then nothing is decided: use the reference path). `currentRaceId`
 * is checked as `checkTelemetry` does when it is defined.
 */
export function scanTelemetry(
  data: unknown,
  raceSeconds: number,
  currentRaceId: number | undefined,
  out: ScannedTelemetry,
): boolean {
  if (typeof data !== 'string' || data.length > MAX_DATA_CHARS) return false;
  // The decoder Buffer.from(data, 'base64') uses (same bytes, no allocation); ≤ 3/4 of the
  // text, so it always fits, with room after it.
  const n =
    base64Write !== undefined
      ? base64Write.call(bytes, data, SINGLE_AT, MAX_DATA_CHARS)
      : bytes.write(data, SINGLE_AT, MAX_DATA_CHARS, 'base64');
  // A NUL after the data: invalid anywhere in JSON, so no scan runs past the record into
  // an earlier record's bytes (and every 4-byte read stays inside the buffer).
  bytes[SINGLE_AT + n] = 0;
  return scanObject(SINGLE_AT, SINGLE_AT + n, raceSeconds, currentRaceId, out);
}

// ---- Many records per native call ------------------------------------------
//
// Decoding costs a native call per record, as much as the scan itself. A chunk
// of records is decoded in one call instead: the records' base64 without its
// last 4-character group, each followed by GAP, joined. Every part is a whole
// number of groups, so each record's bytes come out as they would alone, at a
// known offset; its last group (where the padding is) is decoded here and
// written into the zeros GAP left, the rest of which ends the record (the NUL
// sentinel). If any character was not decoded as 6 bits (whitespace or junk
// skipped, '=' inside), the byte count differs and every record of the chunk
// is decoded on its own instead.

/** Decodes to 6 zero bytes: room for a record's last 1–3 bytes, then its sentinel. */
const GAP = 'AAAAAAAA';
const GAP_BYTES = 6;
/** At most this many records per chunk (each takes at least 8 characters). */
const MAX_CHUNK_RECORDS = CHUNK_CHARS / 8;
/** Per record of the current chunk: its start in `bytes`, and its end (-1: reference path). */
const chunkStart = new Int32Array(MAX_CHUNK_RECORDS);
const chunkEnd = new Int32Array(MAX_CHUNK_RECORDS);
/** Per record: the bytes of its base64 without the last group. */
const chunkBody = new Int32Array(MAX_CHUNK_RECORDS);
/** Per record: its last group's bytes (big-endian, in the low 24 bits) and how many (1–3). */
const chunkTail = new Int32Array(MAX_CHUNK_RECORDS);
const chunkTailLength = new Int32Array(MAX_CHUNK_RECORDS);
const chunkParts: string[] = [];

/** The standard base64 alphabet's values by char code (-1: not in it). */
const BASE64_VALUE = new Int32Array(128).fill(-1);
for (let v = 0; v < 64; v += 1)
  BASE64_VALUE['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(v)] = v;
const EQUALS = 0x3d;

/** Value of one base64 character, or -1. */
function base64Value(c: number): number {
  return c < 128 ? (BASE64_VALUE[c] as number) : -1;
}

/** The record kind the chunk needs: its base64 text only. */
interface HasData {
  readonly kinesis: { readonly data: unknown };
}

/**
 * Decodes the data of `records[from]` onwards, as many as fit in one chunk, in
 * one native call, and returns the index after the last one. Then
 * `scanDecoded(k - from, …)` reads record k. A record that cannot be decoded
 * this way (not a string, too long, not whole 4-character groups, an unusual
 * last group) is decoded on its own by scanDecoded.
 */
export function decodeChunk(records: readonly HasData[], from: number): number {
  chunkParts.length = 0;
  let chars = 0;
  let expected = 0;
  let k = from;
  for (; k < records.length && k - from < MAX_CHUNK_RECORDS; k += 1) {
    const j = k - from;
    chunkEnd[j] = -1;
    const data = (records[k] as HasData).kinesis.data;
    if (typeof data !== 'string') continue;
    const length = data.length;
    if (length < 4 || length > MAX_DATA_CHARS || (length & 3) !== 0) continue;
    if (chars + length + 4 > CHUNK_CHARS) break;
    // The last group: "xxxx" (3 bytes), "xxx=" (2) or "xx==" (1); the bits the
    // padding leaves over are dropped, as Buffer's decoder drops them.
    const a = base64Value(data.charCodeAt(length - 4));
    const b = base64Value(data.charCodeAt(length - 3));
    const c3 = data.charCodeAt(length - 2);
    const d4 = data.charCodeAt(length - 1);
    if (a < 0 || b < 0) continue;
    let tail: number;
    let tailLength: number;
    if (d4 !== EQUALS) {
      const c = base64Value(c3);
      const d = base64Value(d4);
      if (c < 0 || d < 0) continue;
      tail = (a << 18) | (b << 12) | (c << 6) | d;
      tailLength = 3;
    } else if (c3 !== EQUALS) {
      const c = base64Value(c3);
      if (c < 0) continue;
      tail = ((a << 18) | (b << 12) | (c << 6)) >>> 8;
      tailLength = 2;
    } else {
      tail = ((a << 18) | (b << 12)) >>> 16;
      tailLength = 1;
    }
    chunkTail[j] = tail;
    chunkTailLength[j] = tailLength;
    chunkStart[j] = expected;
    chunkBody[j] = ((length - 4) / 4) * 3;
    // The end is known once the chunk has decoded as expected.
    chunkEnd[j] = 0;
    chunkParts.push(data.slice(0, length - 4), GAP);
    chars += length + 4;
    expected += (chunkBody[j] as number) + GAP_BYTES;
  }
  if (chunkParts.length === 0) return k;
  const joined = chunkParts.join('');
  chunkParts.length = 0;
  const n =
    base64Write !== undefined
      ? base64Write.call(bytes, joined, 0, SINGLE_AT)
      : bytes.write(joined, 0, SINGLE_AT, 'base64');
  const ok = n === expected;
  for (let j = 0; j < k - from; j += 1) {
    if (chunkEnd[j] !== 0) continue;
    if (!ok) {
      chunkEnd[j] = -1;
      continue;
    }
    // The last group's bytes go where GAP's zeros begin, right after the body's.
    let end = (chunkStart[j] as number) + (chunkBody[j] as number);
    const tail = chunkTail[j] as number;
    const tailLength = chunkTailLength[j] as number;
    for (let t = tailLength - 1; t >= 0; t -= 1) {
      bytes[end] = (tail >>> (8 * t)) & 0xff;
      end += 1;
    }
    chunkEnd[j] = end;
  }
  return k;
}

/**
 * Reads record `j` of the chunk decodeChunk decoded last, whose data is
 * `data`, as scanTelemetry reads it (false: use the reference path). A record
 * the chunk left out, or every record of a chunk that did not decode as
 * expected, is decoded on its own.
 */
export function scanDecoded(
  j: number,
  data: unknown,
  raceSeconds: number,
  currentRaceId: number | undefined,
  out: ScannedTelemetry,
): boolean {
  const end = chunkEnd[j] as number;
  if (end < 0) return scanTelemetry(data, raceSeconds, currentRaceId, out);
  return scanObject(chunkStart[j] as number, end, raceSeconds, currentRaceId, out);
}

function scanObject(
  start: number,
  n: number,
  raceSeconds: number,
  currentRaceId: number | undefined,
  out: ScannedTelemetry,
): boolean {
  let i = skipWhitespace(start);
  if (bytes[i] !== OPEN) return false;
  i = skipWhitespace(i + 1);
  let seen = 0;
  let name: string | undefined;
  let cadence = NaN;
  let resistance = NaN;
  let raceId = NaN;
  let classId = NaN;
  let second = NaN;
  let power = NaN;
  let output = NaN;
  let deviceTimestamp = NaN;
  let racerId = '';
  let event: TelemetryEventKind = 'update';
  // `{}` has no required field: the reference path rejects it.
  for (;;) {
    let k: number;
    const kc = keyColonAt(i);
    if (kc >= 0) {
      k = kc >> 5;
      i += kc & 31;
    } else {
      if (bytes[i] !== QUOTE) return false;
      k = keyAt(i);
      if (k < 0) return false;
      i = skipWhitespace(i + (KEY_LENGTH[k] as number));
      if (bytes[i] !== COLON) return false;
      i += 1;
    }
    // Unknown keys and repeated keys (JSON.parse keeps the last) are the reference path's.
    if ((seen & (1 << k)) !== 0) return false;
    seen |= 1 << k;
    let c = bytes[i] as number;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i = skipWhitespace(i);
      c = bytes[i] as number;
    }
    if (c === QUOTE) {
      // A string: racerId, name or event (no escapes, no control characters).
      const a = i + 1;
      i = a;
      c = bytes[i] as number;
      if (k === RACER_ID) {
        let hash = 0;
        while (RACER_ID_BYTE[c] === 1) {
          hash = (Math.imul(hash, 31) + c) | 0;
          i += 1;
          c = bytes[i] as number;
        }
        if (c !== QUOTE || i === a || i - a > TELEMETRY_LIMITS.racerIdMaxLength) return false;
        racerId = racerIdString(hash, a, i);
      } else if (k === NAME) {
        let high = 0;
        while (c !== QUOTE) {
          // An escape, a raw control character (invalid JSON), DEL (refused in names) or the sentinel.
          if (c === BACKSLASH || c < 0x20 || c === 0x7f) return false;
          high |= c;
          i += 1;
          c = bytes[i] as number;
        }
        if (high < 0x80) {
          // Printable ASCII: every byte is an allowed character, one code point each.
          if (i === a || i - a > TELEMETRY_LIMITS.nameMaxLength) return false;
          name = bytes.toString('latin1', a, i);
        } else {
          // Multi-byte UTF-8 decoded on its own: the quotes around it are ASCII, so the
          // decoder is in its initial state at both ends, as when decoding the whole record.
          name = bytes.toString('utf8', a, i);
          if (!isDisplayName(name)) return false;
        }
      } else if (k === EVENT) {
        if (
          view.getInt32(a, true) === UPDA_WORD &&
          bytes[a + 4] === 0x74 &&
          bytes[a + 5] === 0x65 &&
          bytes[a + 6] === QUOTE
        ) {
          event = 'update';
          i = a + 6;
        } else if (view.getInt32(a, true) === FINA_WORD && bytes[a + 4] === 0x6c && bytes[a + 5] === QUOTE) {
          event = 'final';
          i = a + 5;
        } else return false;
      } else return false;
      i += 1;
    } else if (c === LOWER_N) {
      // null: absent, for the optional fields only.
      if ((k !== NAME && k !== CADENCE && k !== RESISTANCE) || view.getInt32(i, true) !== NULL_WORD) return false;
      i += 4;
    } else {
      i = scanNumber(i);
      if (i < 0) return false;
      const v = numberOut[0] as number;
      switch (k) {
        case RACE_ID:
          raceId = v;
          break;
        case CLASS_ID:
          classId = v;
          break;
        case SECOND:
          second = v;
          break;
        case POWER:
          power = v;
          break;
        case OUTPUT:
          output = v;
          break;
        case CADENCE:
          if (!(v >= 0 && v <= TELEMETRY_LIMITS.cadenceMax)) return false;
          cadence = v;
          break;
        case RESISTANCE:
          if (!(v >= 0 && v <= TELEMETRY_LIMITS.resistanceMax)) return false;
          resistance = v;
          break;
        case DEVICE_TIMESTAMP:
          deviceTimestamp = v;
          break;
        default:
          // A number for racerId, name or event.
          return false;
      }
    }
    c = bytes[i] as number;
    if (c === COMMA) {
      i = skipWhitespace(i + 1);
      continue;
    }
    if (c !== CLOSE) {
      i = skipWhitespace(i);
      c = bytes[i] as number;
      if (c === COMMA) {
        i = skipWhitespace(i + 1);
        continue;
      }
      if (c !== CLOSE) return false;
    }
    i += 1;
    break;
  }
  if (skipWhitespace(i) !== n || (seen & REQUIRED) !== REQUIRED) return false;
  // The rules of checkTelemetry (NaN, the scanner's "not read", fails every test).
  if (!(raceId >= 0 && isInt(raceId))) return false;
  if (currentRaceId !== undefined && raceId !== currentRaceId && raceId !== currentRaceId - 1) return false;
  if (!isInt(classId) || !isRaceClass(classId)) return false;
  if (!(second >= 0 && second <= raceSeconds && isInt(second))) return false;
  if (!(power >= 0 && power <= TELEMETRY_LIMITS.powerMax)) return false;
  if (!(output >= 0 && output <= TELEMETRY_LIMITS.outputPerSecondMax * Math.max(1, second))) return false;
  if (!(deviceTimestamp >= 0 && isInt(deviceTimestamp))) return false;
  out.raceId = raceId;
  out.classId = classId;
  out.racerId = racerId;
  out.name = name;
  out.second = second;
  out.power = power;
  out.cadence = cadence;
  out.resistance = resistance;
  out.output = output;
  out.event = event;
  out.deviceTimestamp = deviceTimestamp;
  return true;
}
