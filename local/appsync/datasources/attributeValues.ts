/**
 * The boundary between AppSync typed values (`{"N": 12}` — numbers as JSON
 * numbers, binary as base64 strings) and DynamoDB's wire AttributeValues
 * (numbers as strings, binary as bytes). "A typed value with more than one
 * key is not parsed" [DOC type system] — refused here with a clear message.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isRecord } from '../../../lib/isRecord.js';

export class TypedValueError extends Error {
  override readonly name = 'TypedValueError';
}

function numberText(v: unknown, where: string): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return v;
  throw new TypedValueError(`${where}: N must be a number, got ${JSON.stringify(v)}`);
}

function list(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new TypedValueError(`${where}: expected a list`);
  return v;
}

/** One typed value → AttributeValue. */
export function toAttributeValue(value: unknown, where = 'value'): AttributeValue {
  if (!isRecord(value))
    throw new TypedValueError(`${where}: expected a typed value such as {"S": "text"}, got ${JSON.stringify(value)}`);
  const keys = Object.keys(value);
  const type = keys[0];
  if (keys.length !== 1 || type === undefined) {
    throw new TypedValueError(
      `${where}: a typed value has exactly one type key (S, N, B, BOOL, NULL, SS, NS, BS, L, M), got ${JSON.stringify(
        keys,
      )}`,
    );
  }
  const v = value[type];
  switch (type) {
    case 'S':
      if (typeof v !== 'string') throw new TypedValueError(`${where}: S must be a string`);
      return { S: v };
    case 'N':
      return { N: numberText(v, where) };
    case 'B':
      return { B: Buffer.from(String(v), 'base64') };
    case 'BOOL':
      return { BOOL: Boolean(v) };
    case 'NULL':
      return { NULL: true };
    case 'SS':
      return { SS: list(v, where).map(String) };
    case 'NS':
      return { NS: list(v, where).map((n) => numberText(n, where)) };
    case 'BS':
      return { BS: list(v, where).map((b) => Buffer.from(String(b), 'base64')) };
    case 'L':
      return { L: list(v, where).map((x, i) => toAttributeValue(x, `${where}[${i}]`)) };
    case 'M':
      if (!isRecord(v)) throw new TypedValueError(`${where}: M must be an object`);
      return { M: toAttributeMap(v, where) };
    default:
      throw new TypedValueError(`${where}: unknown type key "${type}"`);
  }
}

/** A map of typed values → AttributeValue map. */
export function toAttributeMap(value: unknown, where = 'item'): Record<string, AttributeValue> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new TypedValueError(`${where}: expected a map of typed values`);
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toAttributeValue(v, `${where}.${k}`);
  return out;
}

/** AttributeValue → plain JSON (AppSync unmarshals results [DOC type system]). */
export function fromAttributeValue(av: AttributeValue): unknown {
  if (av.S !== undefined) return av.S;
  if (av.N !== undefined) return Number(av.N);
  if (av.BOOL !== undefined) return av.BOOL;
  if (av.NULL !== undefined) return null;
  if (av.B !== undefined) return Buffer.from(av.B).toString('base64');
  if (av.SS !== undefined) return [...av.SS];
  if (av.NS !== undefined) return av.NS.map(Number);
  if (av.BS !== undefined) return av.BS.map((b) => Buffer.from(b).toString('base64'));
  if (av.L !== undefined) return av.L.map((x) => fromAttributeValue(x));
  if (av.M !== undefined) return fromAttributeMap(av.M);
  return null;
}

export function fromAttributeMap(map: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(map)) out[k] = fromAttributeValue(v);
  return out;
}
