/**
 * Ranking heads: the pure merge the all-time consumer runs (functions/allTime/rankingHeads.ts),
 * the page a head answers (core/rankingHead.ts), and the head store on DynamoDB Local with
 * consumers merging into one head at once (functions/allTime/rankingHeadStore.ts).
 */
import { describe, expect, inject, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { allTimeBestPk, allTimeIndexKeys, allTimeTotalPk, rankingHeadKey } from '../../core/keys.js';
import { decodeHeadEntries, encodeHeadEntries, headPage, RANKING_HEAD_SIZE } from '../../core/rankingHead.js';
import { applyResult } from '../../functions/allTime/applyResult.js';
import { refreshAllTimeHeads } from '../../functions/allTime/rankingHeadStore.js';
import { allTimeHeadEntry, mergeHead, needsRebuild, stateOf } from '../../functions/allTime/rankingHeads.js';
import { createTestTable } from '../support/resources.js';
import { documentClient } from './support.js';

const BEST = { skName: 'GSI1SK' } as const;

/** An all-time item as the consumer's updates leave it. */
function item(racerId: string, best: number, total: number, races: number, changes = 0) {
  return {
    racerId,
    classId: 2,
    name: `Rider ${racerId}`,
    bestOutput: best,
    bestRaceId: 10,
    racesCompleted: races,
    totalOutput: total,
    lastRaceId: 10,
    countedRaces: new Set(Array.from({ length: races }, (_, i) => `${i}`)),
    ...(changes > 0 ? { appliedChanges: new Set(Array.from({ length: changes }, (_, i) => `seq${i}`)) } : {}),
    ...allTimeIndexKeys(racerId, 2, best, total),
  };
}

describe('merging riders into a head', () => {
  it('keeps each rider at its newest state, in ranking order, cut to the size; more once riders fall off', () => {
    const head = mergeHead(
      { entries: [], more: false },
      [item('a', 50, 50, 1), item('b', 60, 60, 1)].map(allTimeHeadEntry),
      BEST,
      3,
    );
    expect(head.entries.map((e) => e.racerId)).toEqual(['b', 'a']);
    expect(head).toMatchObject({ more: false, changed: true });
    // c enters at the top, d ties b (racerId breaks the tie), e falls off the end.
    const next = mergeHead(
      head,
      [item('c', 70, 70, 1), item('d', 60, 60, 1), item('e', 10, 10, 1)].map(allTimeHeadEntry),
      BEST,
      3,
    );
    expect(next.entries.map((e) => e.racerId)).toEqual(['c', 'b', 'd']);
    expect(next.more).toBe(true);
    // An older state of a rider (a delayed merge) never replaces a newer one.
    const stale = mergeHead(next, [allTimeHeadEntry(item('c', 65, 65, 0))], BEST, 3);
    expect(stale.entries.find((e) => e.racerId === 'c')?.bestOutput).toBe(70);
    expect(stale.changed).toBe(false);
    // Nothing of this rider's moves the head: no write.
    expect(mergeHead(next, [allTimeHeadEntry(item('z', 1, 1, 1))], BEST, 3).changed).toBe(false);
  });

  it('tells states apart by races counted, then changes applied', () => {
    expect(stateOf(item('a', 1, 1, 2))).toBeGreaterThan(stateOf(item('a', 1, 1, 1, 5)));
    expect(stateOf(item('a', 1, 1, 2, 1))).toBeGreaterThan(stateOf(item('a', 1, 1, 2)));
    expect(stateOf(allTimeHeadEntry(item('a', 1, 1, 2, 1)))).toBe(stateOf(item('a', 1, 1, 2, 1)));
  });

  it('asks for a rebuild when a held rider falls down the ranking (a total lowered by hand)', () => {
    const held = [allTimeHeadEntry(item('a', 50, 90, 2))];
    expect(needsRebuild(held, [allTimeHeadEntry(item('a', 50, 95, 3))], { skName: 'GSI2SK' })).toBe(false);
    expect(needsRebuild(held, [allTimeHeadEntry(item('a', 50, 80, 2, 1))], { skName: 'GSI2SK' })).toBe(true);
    expect(needsRebuild(held, [allTimeHeadEntry(item('b', 1, 1, 1))], { skName: 'GSI2SK' })).toBe(false);
  });
});

describe('the page a head answers', () => {
  const entries = Array.from({ length: 4 }, (_, i) => ({ racerId: `r${i}` }));
  it('answers a page within it, or all of a ranking it holds whole; else the shards are read', () => {
    expect(headPage(entries, true, 3)).toEqual({ items: entries.slice(0, 3), more: true });
    expect(headPage(entries, false, 4)).toEqual({ items: entries, more: false });
    expect(headPage(entries, false, 10)).toEqual({ items: entries, more: false });
    expect(headPage(entries, true, 5)).toBeNull();
  });
  it('reads anything that is not a JSON array of objects as no entries', () => {
    expect(decodeHeadEntries(encodeHeadEntries(entries))).toEqual(entries);
    for (const bad of ['', '{"a":1}', '[1,"x",null]', 42, undefined]) {
      expect(decodeHeadEntries(bad)).toEqual([]);
    }
  });
});

describe('the head store on DynamoDB Local', () => {
  it('builds a missing head from the index, and concurrent merges lose no rider', async () => {
    const endpoint = inject('dynamodbEndpoint');
    const { tableName } = await createTestTable(endpoint);
    const ddb = documentClient(endpoint);
    try {
      // 150 riders applied without heads (as before heads existed), then 8 consumers at once,
      // each merging the 10 riders it just raised.
      const ids = Array.from({ length: 150 }, (_, i) => `h${String(i).padStart(3, '0')}`);
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(
          ids
            .slice(i, i + 50)
            .map((racerId, j) =>
              applyResult(ddb, tableName, { racerId, classId: 2, raceId: 1, output: 100 + i + j, finished: true }),
            ),
        );
      }
      const raised = ids.slice(0, 80);
      const outcomes = await Promise.all(
        raised.map((racerId, i) =>
          applyResult(ddb, tableName, { racerId, classId: 2, raceId: 2, output: 500 + i, finished: true }),
        ),
      );
      await Promise.all(
        Array.from({ length: 8 }, (_, c) =>
          refreshAllTimeHeads(
            ddb,
            tableName,
            outcomes.slice(c * 10, c * 10 + 10).map((o) => o.item as Record<string, unknown>),
          ),
        ),
      );
      for (const [pk, key, score] of [
        [allTimeBestPk(2), 'GSI1SK', 'bestOutput'],
        [allTimeTotalPk(2), 'GSI2SK', 'totalOutput'],
      ] as const) {
        const got = await ddb.send(new GetCommand({ TableName: tableName, Key: rankingHeadKey(pk) }));
        const entries = decodeHeadEntries(got.Item?.entries);
        expect(entries).toHaveLength(RANKING_HEAD_SIZE);
        expect(got.Item?.more).toBe(true);
        const keys = entries.map((e) => e[key] as string);
        expect(keys).toEqual([...keys].sort());
        // Exactly the top 100 of the 150 riders as they now stand.
        const expected = [...ids]
          .map((racerId, i) => {
            const r = raised.indexOf(racerId);
            const first = 100 + i;
            return { racerId, best: r < 0 ? first : 500 + r, total: r < 0 ? first : first + 500 + r };
          })
          .sort((a, b) => (score === 'bestOutput' ? b.best - a.best : b.total - a.total))
          .slice(0, RANKING_HEAD_SIZE);
        expect(entries.map((e) => e.racerId)).toEqual(expected.map((e) => e.racerId));
      }
      // A head whose entries are not JSON (written by hand, say) is built again, not left to fail every batch.
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: rankingHeadKey(allTimeBestPk(2)),
          UpdateExpression: 'SET entries = :e',
          ExpressionAttributeValues: { ':e': 'not json' },
        }),
      );
      await refreshAllTimeHeads(ddb, tableName, [outcomes[0]?.item as Record<string, unknown>]);
      const rebuilt = await ddb.send(new GetCommand({ TableName: tableName, Key: rankingHeadKey(allTimeBestPk(2)) }));
      expect(decodeHeadEntries(rebuilt.Item?.entries)).toHaveLength(RANKING_HEAD_SIZE);
    } finally {
      ddb.destroy();
    }
    // 230 all-time updates, each band move a transaction with its rank-tree nodes made in turn per class, on the
    // DynamoDB Local the whole suite shares: seconds alone, over a minute beside the other files.
  }, 240_000);
});
