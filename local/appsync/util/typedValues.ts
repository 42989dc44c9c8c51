/**
 * AppSync's DynamoDB "typed values" (util.dynamodb.* [DOC dynamodb-helpers-in-util-dynamodb-js]).
 * Numbers stay JSON numbers: `toDynamoDB(12345)` is `{"N":12345}` [EVAL], and
 * lists become `L`, never sets. Sets only come from toStringSet/toNumberSet/toBinarySet.
 */
import { isRecord } from '../../../lib/isRecord.js';

export type TypedValue = Record<string, unknown>;

// Set values made by the @aws-appsync/utils/dynamodb module's toStringSet & co.,
// recognised when an item is marshalled (they must not become maps).
const setMarkers = new WeakSet<object>();

/** Whether a value is a typed set made by toStringSet & co. */
export function isTypedSet(value: unknown): boolean {
  return typeof value === 'object' && value !== null && setMarkers.has(value);
}

/** Marks a `{SS|NS|BS: [...]}` object as an already typed set. */
export function markTypedSet<T extends object>(value: T): T {
  setMarkers.add(value);
  return value;
}

/** Marshals any JSON value (nested) into a typed value. */
export function toDynamoDB(value: unknown): TypedValue | null {
  if (value === undefined) return null;
  return marshal(value);
}

function marshal(value: unknown): TypedValue {
  if (value === null || value === undefined) return { NULL: null };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map((v) => marshal(v)) };
  if (isRecord(value)) {
    if (setMarkers.has(value)) return value;
    return { M: marshalMap(value) };
  }
  return { S: String(value) };
}

/** Marshals each attribute of an object (undefined attributes are left out, as JSON would). */
export function marshalMap(value: Record<string, unknown>): Record<string, TypedValue> {
  const out: Record<string, TypedValue> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = marshal(v);
  }
  return out;
}

/** Reads a typed value back into plain JSON (results are "auto-unmarshalled" by AppSync [DOC type system]). */
export function unmarshal(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  const type = keys[0];
  if (keys.length !== 1 || type === undefined) return value;
  const v = value[type];
  switch (type) {
    case 'S':
    case 'B':
    case 'BOOL':
      return v;
    case 'N':
      return typeof v === 'string' ? Number(v) : v;
    case 'NULL':
      return null;
    case 'SS':
    case 'BS':
      return Array.isArray(v) ? [...v] : v;
    case 'NS':
      return Array.isArray(v) ? v.map((n) => (typeof n === 'string' ? Number(n) : n)) : v;
    case 'L':
      return Array.isArray(v) ? v.map((x) => unmarshal(x)) : v;
    case 'M':
      return isRecord(v) ? unmarshalMap(v) : v;
    default:
      return value;
  }
}

export function unmarshalMap(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = unmarshal(v);
  return out;
}

/** `to*` helpers return null for null/undefined input [TYPES OptionalInputType]. */
function nullable<R>(fn: (v: unknown) => R): (v: unknown) => R | null {
  return (v) => (v === null || v === undefined ? null : fn(v));
}

/** The `util.dynamodb` object. */
export function createDynamoDbUtil(): Record<string, unknown> {
  const toMap = (v: unknown): TypedValue | null => (isRecord(v) ? { M: marshalMap(v) } : null);
  const toS3Object = (key: string, bucket: string, region: string, version?: string): TypedValue => {
    const s3: Record<string, string> = { key, bucket, region };
    if (version !== undefined) s3['version'] = version;
    return { S: JSON.stringify({ s3 }) };
  };
  return {
    toDynamoDB,
    toString: nullable((v: unknown) => ({ S: String(v) })),
    toStringSet: nullable((v: unknown) => ({ SS: Array.isArray(v) ? [...v] : [v] })),
    toNumber: nullable((v: unknown) => ({ N: v })),
    toNumberSet: nullable((v: unknown) => ({ NS: Array.isArray(v) ? [...v] : [v] })),
    toBinary: nullable((v: unknown) => ({ B: v })),
    toBinarySet: nullable((v: unknown) => ({ BS: Array.isArray(v) ? [...v] : [v] })),
    toBoolean: nullable((v: unknown) => ({ BOOL: v })),
    toNull: () => ({ NULL: null }),
    toList: nullable((v: unknown) => ({ L: Array.isArray(v) ? v.map((x) => marshal(x)) : [marshal(v)] })),
    toMap,
    toMapValues: (v: unknown) => (isRecord(v) ? marshalMap(v) : null),
    toS3Object,
    fromS3ObjectJson: (s: string): unknown => {
      const parsed = JSON.parse(s) as { s3?: unknown };
      return parsed.s3 ?? null;
    },
  };
}
