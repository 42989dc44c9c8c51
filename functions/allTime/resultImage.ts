/** Reading a Result item out of a DynamoDB Streams NEW_IMAGE (pure). */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ITEM_RESULT } from '../../core/keys.js';

export interface CountedResult {
  racerId: string;
  classId: number;
  raceId: number;
  name?: string;
  output: number;
  finished: boolean;
}

export type ParsedImage = { ok: true; result: CountedResult } | { ok: false; reason: string };

/** Parses a stream image; anything that is not a well-formed Result is refused with a reason. */
export function parseResultImage(image: unknown): ParsedImage {
  if (image === null || typeof image !== 'object') return { ok: false, reason: 'no NewImage (stream view type must include NEW_IMAGE)' };
  let item: Record<string, unknown>;
  try {
    item = unmarshall(image as Record<string, AttributeValue>);
  } catch (error) {
    return { ok: false, reason: `image is not in attribute-value form: ${(error as Error).message}` };
  }
  if (item.itemType !== ITEM_RESULT) return { ok: false, reason: `not a Result item (itemType ${String(item.itemType)})` };
  const { racerId, classId, raceId, output, finished, name } = item;
  if (typeof racerId !== 'string' || typeof classId !== 'number' || typeof raceId !== 'number' || typeof output !== 'number') {
    return { ok: false, reason: 'Result item lacks racerId, classId, raceId or output' };
  }
  const result: CountedResult = { racerId, classId, raceId, output, finished: finished === true };
  if (typeof name === 'string') result.name = name;
  return { ok: true, result };
}
