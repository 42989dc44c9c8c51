/**
 * Live parts split into pages (core/livePartPages.ts): the page bound holds
 * for the worst riders the contract allows, a page of them is accepted by
 * DynamoDB Local while one item of a few more is refused, and placing riders
 * keeps each on its page, newcomers only if admitted.
 */
import { describe, expect, inject, it, beforeAll } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { buildLivePartItem, encodeRiders, type LiveRiders } from '../../core/livePart.js';
import {
  DYNAMODB_ITEM_MAX_BYTES,
  LIVE_PAGE_MAX_RIDERS,
  PAGE_OVERHEAD_MAX_BYTES,
  placeRiders,
  STORED_RIDER_MAX_BYTES,
} from '../../core/livePartPages.js';
import { TELEMETRY_LIMITS } from '../../core/telemetry.js';
import { createTestTable } from '../support/resources.js';
import { documentClient } from '../functions/support.js';

/** A 64-character racerId, distinct per i. */
function longId(i: number): string {
  return `r${String(i).padStart(TELEMETRY_LIMITS.racerIdMaxLength - 1, '0')}`;
}

/** Names JSON writes at 6 bytes a character (control characters are escaped as \u00XX). */
const ESCAPED_NAME = '\u0001'.repeat(TELEMETRY_LIMITS.nameMaxLength);
/** 40 characters of 4-byte UTF-8 (what a name counted in code points may hold). */
const ASTRAL_NAME = '\u{1F6B2}'.repeat(TELEMETRY_LIMITS.nameMaxLength);
/** The longest numbers a double prints as. */
const LONG_OUTPUT = -1.2345678901234567e-300;
const LONG_SECOND = 1.2345678901234567e300;

function worstRiders(n: number, name = ESCAPED_NAME): LiveRiders {
  const riders: LiveRiders = {};
  for (let i = 0; i < n; i += 1) riders[longId(i)] = { second: LONG_SECOND, output: LONG_OUTPUT, name };
  return riders;
}

/** DynamoDB's size of an item of string and number attributes: names plus UTF-8 values (numbers: at most 21 bytes). */
function itemBytes(item: Record<string, unknown>): number {
  let n = 0;
  for (const [k, v] of Object.entries(item)) {
    n += Buffer.byteLength(k, 'utf8');
    n += typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 21;
  }
  return n;
}

function page(riders: LiveRiders): Record<string, unknown> {
  return {
    ...buildLivePartItem({
      classId: 6,
      raceId: 999_999_999_999,
      shardId: 'shardId-000000000123',
      riders,
      version: 123_456_789,
      updatedAt: '2026-12-07T01:00:00.000Z',
      windowStart: 1_765_069_200_000,
      page: 49,
    }),
  };
}

describe('the page bound', () => {
  it('one rider never takes more than STORED_RIDER_MAX_BYTES, whatever its name', () => {
    for (const name of [ESCAPED_NAME, ASTRAL_NAME, 'x'.repeat(TELEMETRY_LIMITS.nameMaxLength)]) {
      const one = encodeRiders({ [longId(1)]: { second: LONG_SECOND, output: LONG_OUTPUT, name } });
      // `{` and `}` stand in for the separating comma the bound counts.
      expect(Buffer.byteLength(one, 'utf8')).toBeLessThanOrEqual(STORED_RIDER_MAX_BYTES + 1);
    }
    expect(Buffer.byteLength(JSON.stringify(ESCAPED_NAME), 'utf8')).toBe(6 * TELEMETRY_LIMITS.nameMaxLength + 2);
  });

  it('a full page of the worst riders stays under 400 KB', () => {
    const bytes = itemBytes(page(worstRiders(LIVE_PAGE_MAX_RIDERS)));
    expect(LIVE_PAGE_MAX_RIDERS * STORED_RIDER_MAX_BYTES + PAGE_OVERHEAD_MAX_BYTES).toBeLessThan(
      DYNAMODB_ITEM_MAX_BYTES,
    );
    expect(bytes).toBeLessThan(DYNAMODB_ITEM_MAX_BYTES);
    // The bound is close to the limit: it costs no more pages than needed.
    expect(bytes).toBeGreaterThan(0.85 * DYNAMODB_ITEM_MAX_BYTES);
  });
});

describe('pages on DynamoDB Local', () => {
  let tableName: string;
  const ddb = () => documentClient(inject('dynamodbEndpoint'));

  beforeAll(async () => {
    tableName = (await createTestTable(inject('dynamodbEndpoint'))).tableName;
  });

  it('accepts a full page of the worst riders and refuses one item of 15 % more', async () => {
    const client = ddb();
    await expect(
      client.send(new PutCommand({ TableName: tableName, Item: page(worstRiders(LIVE_PAGE_MAX_RIDERS)) })),
    ).resolves.toBeDefined();
    await expect(
      client.send(
        new PutCommand({ TableName: tableName, Item: page(worstRiders(Math.ceil(LIVE_PAGE_MAX_RIDERS * 1.15))) }),
      ),
    ).rejects.toThrow(/size/i);
    client.destroy();
  });
});

describe('placeRiders', () => {
  const rider = (second: number, output: number) => ({ second, output });

  it('fills the last page, then opens the next, in the order admitted', () => {
    const incoming: LiveRiders = { a: rider(1, 1), b: rider(1, 2), c: rider(1, 3), d: rider(1, 4), e: rider(1, 5) };
    const placed = placeRiders([{ x: rider(1, 1) }], incoming, ['c', 'a', 'b', 'd'], 2);
    expect(placed.pages.map((p) => Object.keys(p))).toEqual([['x', 'c'], ['a', 'b'], ['d']]);
    expect(placed.changed).toEqual([true, true, true]);
  });

  it('keeps riders on their page, merges them there, and leaves riders not admitted out', () => {
    const pages: LiveRiders[] = [{ a: rider(5, 5) }, { b: rider(5, 6) }];
    const placed = placeRiders(pages, { b: rider(6, 7), a: rider(4, 9), z: rider(9, 9) }, [], 1);
    expect(placed.pages).toEqual([{ a: rider(5, 5) }, { b: rider(6, 7) }]);
    expect(placed.changed).toEqual([false, true]);
    expect(pages[1]).toEqual({ b: rider(5, 6) });
  });
});
