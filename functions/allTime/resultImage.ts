/** Reading Result items out of DynamoDB Streams images and records (pure). */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ITEM_RESULT } from '../../core/keys.js';
import type { ResultFacts } from '../../core/resultItem.js';
import { errorMessage } from '../../lib/toError.js';

/** What all-time stats read of a result. */
export type CountedResult = Omit<ResultFacts, 'lastSecond' | 'flags'> & { flagged?: true };

export type ParsedImage = { ok: true; result: CountedResult } | { ok: false; reason: string };

/** Parses a stream image; anything that is not a well-formed Result is refused with a reason. */
export function parseResultImage(image: unknown): ParsedImage {
  if (image === null || typeof image !== 'object')
    return { ok: false, reason: 'no NewImage (stream view type must include NEW_IMAGE)' };
  let item: Record<string, unknown>;
  try {
    item = unmarshall(image as Record<string, AttributeValue>);
  } catch (error) {
    return { ok: false, reason: `image is not in attribute-value form: ${errorMessage(error)}` };
  }
  if (item.itemType !== ITEM_RESULT)
    return { ok: false, reason: `not a Result item (itemType ${String(item.itemType)})` };
  const { racerId, classId, raceId, output, finished, name, flags } = item;
  if (
    typeof racerId !== 'string' ||
    typeof classId !== 'number' ||
    typeof raceId !== 'number' ||
    typeof output !== 'number'
  ) {
    return { ok: false, reason: 'Result item lacks racerId, classId, raceId or output' };
  }
  const result: CountedResult = { racerId, classId, raceId, output, finished: finished === true };
  if (typeof name === 'string') result.name = name;
  if (Array.isArray(flags) && flags.length > 0) result.flagged = true;
  return { ok: true, result };
}

/**
 * A result replaced in place: the finalizer closed the race with a
 * not-finished result, then the rider's `final` record arrived and its put
 * replaced the item (a stream MODIFY with both images).
 */
export interface ResultChange {
  before: CountedResult;
  after: CountedResult;
  /** The stream record's sequence number: the change's identity across redeliveries. */
  sequenceNumber: string;
}

/** What a stream record means to the all-time consumer. */
export type ParsedRecord =
  | { kind: 'insert'; result: CountedResult }
  | { kind: 'change'; change: ResultChange }
  /** A MODIFY that changed nothing counted (e.g. only `finished`): nothing to do. */
  | { kind: 'unchanged' }
  /** A result flagged for breaking a fair-play rule (core/fairPlay.ts): kept out of all-time stats. */
  | { kind: 'flagged' }
  | { kind: 'ignored'; reason: string };

/** The parts of a Lambda DynamoDB Streams record read here. */
export interface StreamRecordLike {
  eventName?: string;
  dynamodb?: { NewImage?: unknown; OldImage?: unknown; SequenceNumber?: string };
}

/**
 * Classifies a stream record: a Result INSERT is counted, a Result MODIFY
 * whose images differ in what all-time stats read is a change, one that
 * changed nothing they read is unchanged, anything else (REMOVE, other item
 * types, missing images) is ignored with a reason.
 */
export function parseResultRecord(rec: StreamRecordLike): ParsedRecord {
  if (rec.eventName === 'INSERT') {
    const parsed = parseResultImage(rec.dynamodb?.NewImage);
    if (!parsed.ok) return { kind: 'ignored', reason: parsed.reason };
    return parsed.result.flagged === true ? { kind: 'flagged' } : { kind: 'insert', result: parsed.result };
  }
  if (rec.eventName !== 'MODIFY') return { kind: 'ignored', reason: `${String(rec.eventName)} is not counted` };
  const after = parseResultImage(rec.dynamodb?.NewImage);
  if (!after.ok) return { kind: 'ignored', reason: after.reason };
  if (after.result.flagged === true) return { kind: 'flagged' };
  if (rec.dynamodb?.OldImage === undefined) {
    return { kind: 'ignored', reason: 'MODIFY without OldImage (stream view type must be NEW_AND_OLD_IMAGES)' };
  }
  const before = parseResultImage(rec.dynamodb.OldImage);
  if (!before.ok) return { kind: 'ignored', reason: `old image: ${before.reason}` };
  const a = after.result;
  const b = before.result;
  if (a.racerId !== b.racerId || a.classId !== b.classId || a.raceId !== b.raceId) {
    return { kind: 'ignored', reason: 'old and new image are results of different riders or races' };
  }
  if (a.output === b.output && (a.name === undefined || a.name === b.name)) {
    return { kind: 'unchanged' };
  }
  const sequenceNumber = rec.dynamodb.SequenceNumber;
  if (typeof sequenceNumber !== 'string' || sequenceNumber === '')
    return { kind: 'ignored', reason: 'MODIFY without SequenceNumber' };
  return { kind: 'change', change: { before: b, after: a, sequenceNumber } };
}
