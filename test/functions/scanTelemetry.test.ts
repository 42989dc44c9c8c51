import { describe, expect, it } from 'vitest';
import { foldBatch } from '../../functions/aggregator/foldBatch.js';
import { mergeRecord } from '../../functions/aggregator/mergeRecord.js';
import type { WindowState } from '../../functions/aggregator/windowState.js';
import { emptyState } from '../../functions/aggregator/windowState.js';
import type { Malformed } from '../../functions/runtime/decodeTelemetry.js';
import {
  decodeTelemetry,
  decodeTelemetryReference,
  toTelemetryRecord,
} from '../../functions/runtime/decodeTelemetry.js';
import type { KinesisEventRecord } from '../../functions/runtime/kinesisRecord.js';
import { currentRaceIdOf } from '../../functions/runtime/kinesisRecord.js';
import { decodeChunk, newScannedTelemetry, scanDecoded, scanTelemetry } from '../../functions/runtime/scanTelemetry.js';
import { ARRIVAL, RACE_ID, RACE_SECONDS, generatedRecord, prng } from './telemetryGen.js';

/** The aggregator's fold as it was before the fast path: reference decode, then mergeRecord (fair play included). */
function referenceFold(state: WindowState, records: readonly KinesisEventRecord[]): Malformed[] {
  const malformed: Malformed[] = [];
  for (const rec of records) {
    const d = decodeTelemetryReference(rec, RACE_SECONDS);
    const arrival = rec.kinesis.approximateArrivalTimestamp;
    if (d.ok) mergeRecord(state, d.record, RACE_SECONDS, typeof arrival === 'number' ? arrival * 1000 : NaN);
    else malformed.push({ sequenceNumber: d.sequenceNumber, field: d.field, message: d.message });
  }
  return malformed;
}

/**
 * The state as text, -0 marked: toStrictEqual cannot compare riders objects
 * that hold a racerId "constructor" (it compares that key as the objects' class).
 */
function stateText(state: WindowState): string {
  return JSON.stringify(state, (_k, v: unknown) => (Object.is(v, -0) ? '-0' : v === undefined ? '(undefined)' : v));
}

function record(text: string | Buffer, arrival: number | undefined = ARRIVAL): KinesisEventRecord {
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8').toString('base64') : text.toString('base64');
  return {
    kinesis: { data, sequenceNumber: '1', ...(arrival === undefined ? {} : { approximateArrivalTimestamp: arrival }) },
  };
}

function scan(rec: KinesisEventRecord) {
  const f = newScannedTelemetry();
  const arrival = rec.kinesis.approximateArrivalTimestamp;
  return scanTelemetry(rec.kinesis.data, RACE_SECONDS, currentRaceIdOf(arrival, RACE_SECONDS), f)
    ? toTelemetryRecord(f)
    : undefined;
}

const base = `"raceId":${RACE_ID},"classId":3,"racerId":"c3-rider-0001","second":12,"power":141.7,"output":3.5,"event":"update","deviceTimestamp":1770000001010`;

describe('telemetry fast path: same outcome as JSON.parse + checkTelemetry', () => {
  it('agrees with the reference path on 40,000 generated records, valid and invalid, one by one', () => {
    const seed = 20261123;
    const r = prng(seed);
    const tally = { fast: 0, valid: 0, invalid: 0 };
    const fields = new Set<string>();
    for (let n = 0; n < 40_000; n += 1) {
      const rec = generatedRecord(r);
      const reference = decodeTelemetryReference(rec, RACE_SECONDS);
      const fast = scan(rec);
      // Whatever the fast path accepts, the reference accepts as the same record (-0 is not 0).
      if (fast !== undefined) {
        tally.fast += 1;
        expect(reference, `seed ${seed}, record ${n}: ${rec.kinesis.data}`).toStrictEqual({ ok: true, record: fast });
      }
      // And decodeTelemetry (fast path, then reference) is the reference, rejections included.
      expect(decodeTelemetry(rec, RACE_SECONDS), `seed ${seed}, record ${n}: ${rec.kinesis.data}`).toStrictEqual(
        reference,
      );
      if (reference.ok) tally.valid += 1;
      else {
        tally.invalid += 1;
        fields.add(reference.field);
      }
    }
    // The generator covers both sides, and the fast path takes most valid records.
    expect(tally.valid).toBeGreaterThan(10_000);
    expect(tally.invalid).toBeGreaterThan(10_000);
    expect(tally.fast).toBeGreaterThan(tally.valid * 0.4);
    expect([...fields].sort()).toEqual(
      [
        'classId',
        'data',
        'deviceTimestamp',
        'event',
        'name',
        'output',
        'power',
        'raceId',
        'racerId',
        'record',
        'second',
        'cadence',
        'resistance',
      ].sort(),
    );
  });

  it('folds generated batches into the same window state and the same malformed list', () => {
    const seed = 7;
    const r = prng(seed);
    for (let b = 0; b < 20; b += 1) {
      const batch: KinesisEventRecord[] = [];
      for (let n = 0; n < 1000; n += 1) batch.push(generatedRecord(r));
      const fast = emptyState();
      const reference = emptyState();
      const folded = foldBatch(fast, batch, RACE_SECONDS);
      expect(folded.malformed, `seed ${seed}, batch ${b}`).toStrictEqual(referenceFold(reference, batch));
      expect(stateText(fast), `seed ${seed}, batch ${b}`).toBe(stateText(reference));
      expect(folded.received).toBe(1000);
    }
  });

  it('folds batches of canonical base64 (many records per decode call) into the same state as the reference', () => {
    const seed = 11;
    const r = prng(seed);
    for (let b = 0; b < 6; b += 1) {
      // 3,000 records of about 250 characters: several chunks per batch.
      const batch: KinesisEventRecord[] = [];
      for (let n = 0; n < 3000; n += 1) batch.push(generatedRecord(r, { canonicalBase64: true }));
      // One record in the last batch whose base64 has a line break: its chunk is decoded record by record.
      if (b === 5)
        batch[1500] = {
          kinesis: {
            ...(batch[1500] as KinesisEventRecord).kinesis,
            data: `${(batch[1500] as KinesisEventRecord).kinesis.data.slice(0, 8)}\n${(
              batch[1500] as KinesisEventRecord
            ).kinesis.data.slice(8)}`,
          },
        };
      const fast = emptyState();
      const reference = emptyState();
      const folded = foldBatch(fast, batch, RACE_SECONDS);
      expect(folded.malformed, `seed ${seed}, batch ${b}`).toStrictEqual(referenceFold(reference, batch));
      expect(stateText(fast), `seed ${seed}, batch ${b}`).toBe(stateText(reference));
    }
  });

  it('decodes a chunk of records in one call, each as Buffer.from would, whatever its padding', () => {
    // Prepare: records of 3n, 3n+1 and 3n+2 bytes (no padding, "==", "="), and ones the chunk leaves out
    const texts = [`{${base}}`, `{${base} }`, `{${base}  }`, `{${base},"name":"Zoë"}`];
    const records: KinesisEventRecord[] = texts.map((t) => record(t));
    records.push({ kinesis: { data: 'not base64 at all!', sequenceNumber: '9' } });
    records.push(record(`{${base}}`));
    // Act
    const to = decodeChunk(records, 0);
    // Assess: every record is in the chunk; the plain ones read as the reference reads them
    expect(to).toBe(records.length);
    const f = newScannedTelemetry();
    const seen = records.map((rec, j) =>
      scanDecoded(j, rec.kinesis.data, RACE_SECONDS, currentRaceIdOf(ARRIVAL, RACE_SECONDS), f)
        ? toTelemetryRecord(f)
        : undefined,
    );
    for (let j = 0; j < records.length; j += 1) {
      const reference = decodeTelemetryReference(records[j] as KinesisEventRecord, RACE_SECONDS);
      if (j === 4) expect(seen[j]).toBeUndefined();
      else expect(reference).toStrictEqual({ ok: true, record: seen[j] });
    }
    // (the texts cover every padding: lengths of 3n, 3n+1 and 3n+2 bytes)
    expect(new Set(texts.map((t) => Buffer.byteLength(t) % 3))).toEqual(new Set([0, 1, 2]));
  });

  it('reads the plain shape in any field order and with JSON whitespace', () => {
    const ordered = scan(record(`{${base},"name":"Ann"}`));
    expect(ordered).toStrictEqual({
      raceId: RACE_ID,
      classId: 3,
      racerId: 'c3-rider-0001',
      second: 12,
      power: 141.7,
      output: 3.5,
      event: 'update',
      deviceTimestamp: 1770000001010,
      name: 'Ann',
    });
    const spaced = scan(record(`\r\n { "name" : "Ann" ,\t${base.replace(/,/g, ' ,\n ').replace(/:/g, ' : ')} }\n`));
    expect(spaced).toStrictEqual(ordered);
  });

  it('keeps -0, 1.50 and 0.1 exactly as JSON.parse does', () => {
    const f = scan(
      record(`{${base.replace('"power":141.7', '"power":1.50').replace('"output":3.5', '"output":-0')},"cadence":0.1}`),
    );
    expect(Object.is(f?.output, -0)).toBe(true);
    expect(f?.power).toBe(1.5);
    expect(f?.cadence).toBe(0.1);
  });

  it('decodes UTF-8 names, also broken ones, as Buffer.toString does', () => {
    const zoe = scan(record(`{${base},"name":"Zoë 🚴"}`));
    expect(zoe?.name).toBe('Zoë 🚴');
    // A lone continuation byte becomes U+FFFD in both paths.
    const broken = Buffer.concat([Buffer.from(`{${base},"name":"Zo`), Buffer.from([0x80]), Buffer.from('e"}')]);
    expect(scan(record(broken))?.name).toBe('Zo\ufffde');
    expect(decodeTelemetryReference(record(broken), RACE_SECONDS)).toMatchObject({
      ok: true,
      record: { name: 'Zo\ufffde' },
    });
    // Names are counted in code points: 40 bicycles is the longest name; 41 is rejected, by the reference.
    expect(scan(record(`{${base},"name":"${'🚴'.repeat(40)}"}`))?.name).toBe('🚴'.repeat(40));
    expect(scan(record(`{${base},"name":"${'🚴'.repeat(41)}"}`))).toBeUndefined();
    expect(decodeTelemetry(record(`{${base},"name":"${'🚴'.repeat(41)}"}`), RACE_SECONDS)).toMatchObject({
      ok: false,
      field: 'name',
    });
  });

  it('leaves escapes, exponents, unknown and repeated keys to the reference path, which accepts them', () => {
    for (const text of [
      `{${base},"name":"A\\u006en"}`,
      `{${base.replace('"classId":3', '"classId":3e0')}}`,
      `{${base},"team":"red"}`,
      `{${base},"second":12}`,
      `{${base.replace('"second":12', '"second":12.000000000000000000')}}`,
    ]) {
      expect(scan(record(text)), text).toBeUndefined();
      expect(decodeTelemetry(record(text), RACE_SECONDS), text).toMatchObject({ ok: true });
    }
  });

  it('rejects what the reference rejects, with the reference reason', () => {
    const cases: Array<[string, string]> = [
      [`{${base}`, 'data'],
      [`{${base},}`, 'data'],
      [`{${base}} x`, 'data'],
      [`{${base.replace('"classId":3', '"classId":03')}}`, 'data'],
      [`{${base.replace('"second":12', '"second":12.5')}}`, 'second'],
      [`{${base.replace('"second":12', '"second":301')}}`, 'second'],
      [`{${base.replace('"output":3.5', '"output":36.001')}}`, 'output'],
      [`{${base.replace('c3-rider-0001', 'c3 rider')}}`, 'racerId'],
      [`{${base.replace(`"raceId":${RACE_ID}`, `"raceId":${RACE_ID - 2}`)}}`, 'raceId'],
      [`{${base},"cadence":251}`, 'cadence'],
      [`{${base},"name":""}`, 'name'],
      [`{${base},"name":"${'a'.repeat(41)}"}`, 'name'],
      [`{${base},"name":"Ann\\u0007"}`, 'name'],
      [`{${base},"name":"Ann\\u007f"}`, 'name'],
      [`{${base},"name":"Ann\u007f"}`, 'name'],
      [`{${base},"name":"Ann\u0085"}`, 'name'],
      [`{${base},"name":"\u202Enitram"}`, 'name'],
      [`{${base},"name":"Ann\u2066x\u2069"}`, 'name'],
      [`{${base},"name":"A\u200Bnn"}`, 'name'],
      [`{${base},"name":"\uFEFFAnn"}`, 'name'],
      [`{${base},"name":"\\u202Enitram"}`, 'name'],
      [`{${base},"name":"Ann\\ud800"}`, 'name'],
      [`{${base},"name":"Ann\\udc00x"}`, 'name'],
      [`[{${base}}]`, 'record'],
    ];
    for (const [text, field] of cases) {
      expect(scan(record(text)), text).toBeUndefined();
      const d = decodeTelemetry(record(text), RACE_SECONDS);
      expect(d, text).toStrictEqual(decodeTelemetryReference(record(text), RACE_SECONDS));
      expect(d, JSON.stringify(text)).toMatchObject({ ok: false, field });
    }
  });

  it('never reads past a record into the bytes of a longer one before it', () => {
    // A valid record, then a prefix of it: the prefix must not borrow the first one's tail.
    const whole = record(`{${base}}`);
    expect(scan(whole)).toBeDefined();
    const cut = Buffer.from(`{${base}}`).subarray(0, 60);
    expect(scan(record(cut))).toBeUndefined();
    expect(decodeTelemetry(record(cut), RACE_SECONDS)).toMatchObject({ ok: false, field: 'data' });
  });

  it('takes non-canonical base64 as Buffer.from does', () => {
    const bytes = Buffer.from(`{${base}}`);
    const spellings = [
      bytes.toString('base64url'),
      bytes.toString('base64').replace(/=+$/, ''),
      bytes.toString('base64').replace(/(.{20})/g, '$1\n'),
    ];
    for (const data of spellings) {
      const rec = { kinesis: { data, sequenceNumber: '1', approximateArrivalTimestamp: ARRIVAL } };
      expect(decodeTelemetry(rec, RACE_SECONDS)).toStrictEqual(decodeTelemetryReference(rec, RACE_SECONDS));
      expect(decodeTelemetry(rec, RACE_SECONDS)).toMatchObject({ ok: true });
    }
  });
});
