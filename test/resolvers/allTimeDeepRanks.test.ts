/**
 * All-time ranks far down a large class, through the local AppSync runtime
 * and DynamoDB Local: 8,200 riders with 110 counted races each (items of
 * about 1.2 KB, so one Query of a write shard — 1 MB — stops well before the
 * last of its ~1,000 riders). Without rank trees a rider past that read has no
 * rank (the cut is real on DynamoDB Local); with the class's rank trees every
 * rank is exact at any depth, ties included — RacerClassStats.bestRank and
 * totalRank, allTimeRankings around the last rider and the pages both ways
 * from there. The trees are then kept by the all-time consumer's own code
 * (functions/allTime/applyResult.ts), results applied concurrently: ranks stay
 * exact and every tree count equals a count of the index; a class the consumer
 * starts from nothing gets complete trees, one it finds already ranked does not.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AllTimeRankingsDocument, RacerDocument } from '../../client/generated/operations.js';
import {
  ALLTIME_SHARDS,
  GSI1,
  GSI1PK,
  ITEM_RANK_TREE,
  ITEM_RANK_TREE_NODE,
  SHARD_NUMBERS,
  allTimeBestPk,
  allTimeTotalPk,
  rankTreeKey,
  rankTreeNodeKey,
  scoreUnits,
  unitsOfRankKey,
  writeShard,
} from '../../core/keys.js';
import { bandOfUnits, treeDeltas } from '../../core/rankTree.js';
import { applyResult } from '../../functions/allTime/applyResult.js';
import { readItem } from '../support/readItem.js';
import { allTimeItem, clockInRace, putItems, raceAt, useApi } from './api.js';

const NOW = clockInRace(30);
const RACE = raceAt(NOW) - 1;
const CLASS = 2;
const RIDERS = 8200;
const RACES_EACH = 110;
const api = useApi(NOW);

interface Rider {
  racerId: string;
  best: number;
  total: number;
}

/** A stable spread of scores with ties: ~4,000 distinct bests and ~6,000 distinct totals over 8,200 riders. */
function seedRiders(): Rider[] {
  return Array.from({ length: RIDERS }, (_, i) => {
    const h = (i * 2654435761) % 4294967296;
    const best = 20 + (h % 4000) / 40;
    return { racerId: `deep-${String(i).padStart(5, '0')}`, best, total: best * 40 + (h % 1500) / 4 };
  });
}

/** Ranks as the contract defines them: 1 + the riders scoring more (milli-kJ), whatever the page. */
function ranksBy(riders: readonly Rider[], score: (r: Rider) => number): Map<string, number> {
  const units = riders.map((r) => scoreUnits(score(r))).sort((a, b) => b - a);
  const firstAt = new Map<number, number>();
  units.forEach((u, i) => {
    if (!firstAt.has(u)) firstAt.set(u, i + 1);
  });
  return new Map(riders.map((r) => [r.racerId, firstAt.get(scoreUnits(score(r))) as number]));
}

/** The ranking order itself: score descending, then racerId ascending. */
function orderBy(riders: readonly Rider[], score: (r: Rider) => number): Rider[] {
  return [...riders].sort((a, b) => scoreUnits(score(b)) - scoreUnits(score(a)) || (a.racerId < b.racerId ? -1 : 1));
}

function itemOf(r: Rider, classId: number, races: number): Record<string, unknown> {
  return {
    ...allTimeItem(r.racerId, classId, {
      bestOutput: r.best,
      bestRaceId: RACE - 5,
      racesCompleted: races,
      totalOutput: r.total,
      lastRaceId: RACE - 1,
    }),
    countedRaces: new Set(Array.from({ length: races }, (_, k) => String(RACE - 1 - k))),
  };
}

/** The trees' nodes as counting every item's keys gives them (what the consumer keeps them at). */
function treeNodes(items: ReadonlyArray<Record<string, unknown>>): Map<string, Record<string, number>> {
  const nodes = new Map<string, Record<string, number>>();
  for (const item of items) {
    for (const [pk, key] of [
      [item.GSI1PK, item.GSI1SK],
      [item.GSI2PK, item.GSI2SK],
    ] as Array<[string, string]>) {
      for (const d of treeDeltas(null, bandOfUnits(unitsOfRankKey(key)))) {
        const k = rankTreeNodeKey(pk, d.level, d.prefix);
        const node = nodes.get(`${k.PK}|${k.SK}`) ?? {};
        node[`d${d.digit}`] = (node[`d${d.digit}`] ?? 0) + d.delta;
        nodes.set(`${k.PK}|${k.SK}`, node);
      }
    }
  }
  return nodes;
}

/** Every tree node stored for a class, as PK|SK → digit counts (zero counts left out). */
async function storedNodes(classId: number): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  for (const shard of SHARD_NUMBERS.slice(0, ALLTIME_SHARDS)) {
    for (const pk of [allTimeBestPk(classId, shard), allTimeTotalPk(classId, shard)]) {
      let start: Record<string, unknown> | undefined;
      do {
        const res = await api.doc.send(
          new QueryCommand({
            TableName: api.tableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :tree)',
            ExpressionAttributeValues: { ':pk': pk, ':tree': 'TREE#' },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of res.Items ?? []) {
          const counts: Record<string, number> = {};
          for (const [name, value] of Object.entries(item)) {
            if (/^d\d$/.test(name) && value !== 0) counts[name] = value as number;
          }
          if (Object.keys(counts).length > 0) out.set(`${item.PK as string}|${item.SK as string}`, counts);
        }
        start = res.LastEvaluatedKey;
      } while (start !== undefined);
    }
  }
  return out;
}

function withoutZeros(nodes: Map<string, Record<string, number>>): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const [id, counts] of nodes) {
    const kept = Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0));
    if (Object.keys(kept).length > 0) out.set(id, kept);
  }
  return out;
}

async function ranksOf(racerId: string, classId = CLASS): Promise<{ best: unknown; total: unknown }> {
  const { data, errors } = await api.call(RacerDocument, { racerId });
  expect(errors).toEqual([]);
  const stats = data?.racer?.classes.find((c) => c.classId === classId);
  return { best: stats?.bestRank, total: stats?.totalRank };
}

const riders = seedRiders();
const items = riders.map((r) => itemOf(r, CLASS, RACES_EACH));

beforeAll(async () => {
  await putItems(api, items);
}, 600_000);

describe('all-time ranks deeper than one read of a shard', () => {
  const lastByBest = orderBy(riders, (r) => r.best).at(-1) as Rider;

  it('without rank trees, one Query of a shard stops at 1 MB and the deepest rider has no rank', async () => {
    const shard = writeShard(lastByBest.racerId, ALLTIME_SHARDS);
    const res = await api.doc.send(
      new QueryCommand({
        TableName: api.tableName,
        IndexName: GSI1,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': GSI1PK },
        ExpressionAttributeValues: { ':pk': allTimeBestPk(CLASS, shard) },
      }),
    );
    const inShard = items.filter((i) => i.GSI1PK === allTimeBestPk(CLASS, shard)).length;
    // The threshold on this table: how many of the shard's riders one read returns.
    console.log(`one Query of shard ${shard}: ${res.Items?.length} of its ${inShard} riders (1 MB)`);
    expect(res.LastEvaluatedKey).toBeDefined();
    expect(res.Items?.length).toBeLessThan(inShard);
    expect((await ranksOf(lastByBest.racerId)).best).toBeNull();
  }, 60_000);

  it('with the rank trees, every rank is exact at any depth, ties included', async () => {
    const nodes = treeNodes(items);
    await putItems(api, [
      ...[...nodes].map(([id, counts]) => {
        const [PK, SK] = id.split('|') as [string, string];
        return { PK, SK, itemType: ITEM_RANK_TREE_NODE, ...counts };
      }),
      { ...rankTreeKey(CLASS), itemType: ITEM_RANK_TREE, complete: true, createdAt: new Date(NOW).toISOString() },
    ]);
    const best = ranksBy(riders, (r) => r.best);
    const total = ranksBy(riders, (r) => r.total);
    const byBest = orderBy(riders, (r) => r.best);
    const byTotal = orderBy(riders, (r) => r.total);
    // The top, ties, and riders far past one read of their shard, down to the last.
    const sample = [0, 1, 2, 99, 1000, 3000, 5000, 6500, 7400, 8000, 8197, 8198, 8199].flatMap((i) => [
      byBest[i] as Rider,
      byTotal[i] as Rider,
    ]);
    for (const r of sample) {
      expect(await ranksOf(r.racerId), r.racerId).toEqual({ best: best.get(r.racerId), total: total.get(r.racerId) });
    }
    expect(best.get(lastByBest.racerId)).toBeGreaterThan(8000);
  }, 300_000);

  it('allTimeRankings around the last rider starts with their exact rank and pages both ways', async () => {
    const byTotal = orderBy(riders, (r) => r.total);
    const total = ranksBy(riders, (r) => r.total);
    const expected = (from: number, to: number) =>
      byTotal.slice(from, to).map((r) => ({ racerId: r.racerId, rank: total.get(r.racerId) }));
    const at = 8150;
    const around = byTotal[at] as Rider;
    const page = await api.call(AllTimeRankingsDocument, {
      classId: CLASS,
      by: 'TOTAL_OUTPUT',
      limit: 20,
      around: around.racerId,
    });
    expect(page.errors).toEqual([]);
    const p = page.data?.allTimeRankings;
    expect(p?.items.map((e) => ({ racerId: e.racerId, rank: e.rank }))).toEqual(expected(at, at + 20));
    const next = await api.call(AllTimeRankingsDocument, {
      classId: CLASS,
      by: 'TOTAL_OUTPUT',
      limit: 20,
      nextToken: p?.nextToken ?? null,
    });
    expect(next.data?.allTimeRankings.items.map((e) => ({ racerId: e.racerId, rank: e.rank }))).toEqual(
      expected(at + 20, at + 40),
    );
    const above = await api.call(AllTimeRankingsDocument, {
      classId: CLASS,
      by: 'TOTAL_OUTPUT',
      limit: 20,
      nextToken: p?.previousToken ?? null,
    });
    expect(above.errors).toEqual([]);
    const up = above.data?.allTimeRankings.items ?? [];
    expect(up.length).toBeGreaterThan(15);
    expect(up.map((e) => ({ racerId: e.racerId, rank: e.rank }))).toEqual(expected(at - up.length, at));
  }, 120_000);

  it('the consumer keeps the trees as it applies results, concurrently: ranks exact, counts equal the index', async () => {
    // 60 riders ride again: some jump many bands, some a fraction of one; 20 riders are new to the class.
    const moved = riders.filter((_, i) => i % 137 === 0).slice(0, 60);
    const fresh: Rider[] = Array.from({ length: 20 }, (_, i) => ({
      racerId: `deep-new-${i}`,
      best: 0,
      total: 0,
    }));
    const outputs = new Map<string, number>();
    [...moved, ...fresh].forEach((r, i) => outputs.set(r.racerId, i % 3 === 0 ? 130 + i : 20 + (i % 7) * 0.3));
    await Promise.all(
      [...moved, ...fresh].map((r) =>
        applyResult(api.doc, api.tableName, {
          racerId: r.racerId,
          classId: CLASS,
          raceId: RACE,
          output: outputs.get(r.racerId) as number,
          finished: true,
        }),
      ),
    );
    for (const r of [...moved, ...fresh]) {
      const o = outputs.get(r.racerId) as number;
      r.best = Math.max(r.best, o);
      r.total = Math.round((r.total + o) * 1000) / 1000;
    }
    const all = [...riders, ...fresh];
    const best = ranksBy(all, (r) => r.best);
    const total = ranksBy(all, (r) => r.total);
    for (const r of [...moved.slice(0, 25), ...fresh.slice(0, 8), riders[4000] as Rider, riders[8199] as Rider]) {
      expect(await ranksOf(r.racerId), r.racerId).toEqual({ best: best.get(r.racerId), total: total.get(r.racerId) });
    }
    const now = all.map((r) =>
      allTimeItem(r.racerId, CLASS, {
        bestOutput: r.best,
        bestRaceId: RACE,
        racesCompleted: 1,
        totalOutput: r.total,
        lastRaceId: RACE,
      }),
    );
    expect(await storedNodes(CLASS)).toEqual(withoutZeros(treeNodes(now)));
  }, 300_000);

  it('a class the consumer starts gets complete trees; one it finds already ranked does not', async () => {
    const NEW_CLASS = 5;
    const newcomers = Array.from({ length: 24 }, (_, i) => ({
      racerId: `tree-${i}`,
      output: 40 + Math.floor(i / 2) * 1.5,
    }));
    await Promise.all(
      newcomers.map((n) =>
        applyResult(api.doc, api.tableName, {
          racerId: n.racerId,
          classId: NEW_CLASS,
          raceId: RACE,
          output: n.output,
          finished: true,
        }),
      ),
    );
    expect((await readItem(api.doc, api.tableName, rankTreeKey(NEW_CLASS)))?.complete).toBe(true);
    const ranks = ranksBy(
      newcomers.map((n) => ({ racerId: n.racerId, best: n.output, total: n.output })),
      (r) => r.best,
    );
    for (const n of newcomers.slice(0, 6)) {
      expect(await ranksOf(n.racerId, NEW_CLASS)).toEqual({ best: ranks.get(n.racerId), total: ranks.get(n.racerId) });
    }

    // Class 6 has riders ranked before its trees (written straight to the index): its trees are not trusted.
    const OLD_CLASS = 6;
    await putItems(api, [itemOf({ racerId: 'old-1', best: 50, total: 50 }, OLD_CLASS, 1)]);
    await applyResult(api.doc, api.tableName, {
      racerId: 'old-2',
      classId: OLD_CLASS,
      raceId: RACE,
      output: 60,
      finished: true,
    });
    expect((await readItem(api.doc, api.tableName, rankTreeKey(OLD_CLASS)))?.complete).toBe(false);
    // Ranked by counting from the top of each shard instead (a small class: exact).
    expect(await ranksOf('old-1', OLD_CLASS)).toEqual({ best: 2, total: 2 });
  }, 120_000);
});
