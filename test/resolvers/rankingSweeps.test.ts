/**
 * Write-sharded rankings read through the local AppSync runtime and DynamoDB
 * Local: raceResults pages that start around a rider carry the ranks of the
 * full results, and a sweep of allTimeRankings while the all-time index is
 * being updated returns no rider twice and every rider whose score stayed
 * put exactly once (the token resumes after a sort key, not at a position).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AllTimeRankingsDocument,
  RaceResultsDocument,
  type AllTimeRankingsQuery,
} from '../../client/generated/operations.js';
import type { ResultItem } from '../../core/resultItem.js';
import { ALLTIME_SHARDS, RESULT_SHARDS, writeShard } from '../../core/keys.js';
import { allTimeItem, clockInRace, putItems, putRaceResults, raceAt, readRaceResults, useApi } from './api.js';

const NOW = clockInRace(30);
const RACE = raceAt(NOW) - 1;
const api = useApi(NOW);

describe('raceResults around a rider', () => {
  const CLASS = 6;
  // 240 riders, outputs in steps of 0.5 kJ so that every output is shared by 4 riders: ties everywhere.
  const ids = Array.from({ length: 240 }, (_, i) => `r${String(i).padStart(3, '0')}`);
  let results: ResultItem[] = [];
  let full: Array<{ racerId: string; rank: number }> = [];

  beforeAll(async () => {
    results = await putRaceResults(api, { classId: CLASS, raceId: RACE }, ids, (i) => 100 - Math.floor(i / 4) / 2);
    full = await readRaceResults(api, { classId: CLASS, raceId: RACE });
  });

  it('the results are spread over every write shard and read back whole, in order', () => {
    expect(new Set(results.map((r) => writeShard(r.racerId, RESULT_SHARDS))).size).toBe(RESULT_SHARDS);
    expect(full.map((r) => r.racerId)).toEqual(ids);
    expect(full.slice(0, 6).map((r) => r.rank)).toEqual([1, 1, 1, 1, 5, 5]);
  });

  it.each(['r000', 'r001', 'r103', 'r118', 'r239'])(
    'starts a page at %s with the ranks of the full results, and its token goes on',
    async (id) => {
      const at = full.findIndex((r) => r.racerId === id);
      const first = await api.call(RaceResultsDocument, { classId: CLASS, raceId: RACE, limit: 7, around: id });
      expect(first.errors).toEqual([]);
      const items = first.data?.raceResults.items.map((r) => ({ racerId: r.racerId, rank: r.rank }));
      expect(items).toEqual(full.slice(at, at + 7));
      const token = first.data?.raceResults.nextToken ?? null;
      if (at + 7 >= full.length) {
        expect(token).toBeNull();
        return;
      }
      const next = await api.call(RaceResultsDocument, { classId: CLASS, raceId: RACE, limit: 7, nextToken: token });
      expect(next.data?.raceResults.items.map((r) => ({ racerId: r.racerId, rank: r.rank }))).toEqual(
        full.slice(at + 7, at + 14),
      );
    },
  );

  it("answers the first page from the race's head, as the shards would, and goes on from the shards", async () => {
    const fromHead = await api.call(RaceResultsDocument, { classId: CLASS, raceId: RACE, limit: 100 });
    // A page longer than the head is read from the shards.
    const fromShards = await api.call(RaceResultsDocument, { classId: CLASS, raceId: RACE, limit: 101 });
    expect(fromHead.errors).toEqual([]);
    expect(fromHead.data?.raceResults.items).toEqual(fromShards.data?.raceResults.items.slice(0, 100));
    const next = await api.call(RaceResultsDocument, {
      classId: CLASS,
      raceId: RACE,
      limit: 100,
      nextToken: fromHead.data?.raceResults.nextToken ?? null,
    });
    expect(next.data?.raceResults.items.map((r) => ({ racerId: r.racerId, rank: r.rank }))).toEqual(
      full.slice(100, 200),
    );
  });

  it('refuses a rider without a result in the race, naming around', async () => {
    const { errors } = await api.call(RaceResultsDocument, { classId: CLASS, raceId: RACE, around: 'nobody' });
    expect(errors[0]).toMatchObject({
      errorType: 'ValidationError',
      message: 'rider nobody has no result in this race',
    });
  });
});

describe('allTimeRankings swept while the index is being updated', () => {
  const CLASS = 5;
  const ids = Array.from({ length: 400 }, (_, i) => `a${String(i).padStart(3, '0')}`);
  const totals = new Map(ids.map((id, i) => [id, 1000 + ((i * 37) % 400)]));
  const stats = (id: string) => {
    const total = totals.get(id) as number;
    return { bestOutput: 90, bestRaceId: RACE, racesCompleted: 3, totalOutput: total, lastRaceId: RACE };
  };

  beforeAll(async () => {
    await putItems(
      api,
      ids.map((id) => allTimeItem(id, CLASS, stats(id))),
    );
  });

  it('never repeats a rider, and returns every rider whose total stayed put exactly once', async () => {
    expect(new Set(ids.map((id) => writeShard(id, ALLTIME_SHARDS))).size).toBe(ALLTIME_SHARDS);
    const moved = new Set<string>();
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const seen: Array<{ racerId: string; rank: number; totalOutput: number }> = [];
    let nextToken: string | null = null;
    let pages = 0;
    do {
      const token: string | null = nextToken;
      const { data, errors }: { data: AllTimeRankingsQuery | null; errors: unknown[] } = await api.call(
        AllTimeRankingsDocument,
        {
          classId: CLASS,
          by: 'TOTAL_OUTPUT',
          limit: 25,
          nextToken: token,
        },
      );
      expect(errors).toEqual([]);
      for (const e of data?.allTimeRankings.items ?? []) seen.push(e);
      nextToken = data?.allTimeRankings.nextToken ?? null;
      pages += 1;
      // Between pages, the all-time consumer raises 12 riders' totals (a total only grows), as after a race.
      const raised = Array.from({ length: 12 }, () => ids[Math.floor(random() * ids.length)] as string);
      for (const id of raised) {
        totals.set(id, (totals.get(id) as number) + 1 + Math.floor(random() * 300));
        moved.add(id);
      }
      await putItems(
        api,
        [...new Set(raised)].map((id) => allTimeItem(id, CLASS, stats(id))),
      );
    } while (nextToken !== null && pages < 100);

    const counts = new Map<string, number>();
    for (const e of seen) counts.set(e.racerId, (counts.get(e.racerId) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    for (const id of ids) if (!moved.has(id)) expect(counts.get(id)).toBe(1);
    expect(moved.size).toBeGreaterThan(100);
    // Every page continues the ranking: outputs never rise and ranks never fall along the sweep.
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1], seen[i]] as [(typeof seen)[number], (typeof seen)[number]];
      expect(b.totalOutput).toBeLessThanOrEqual(a.totalOutput);
      expect(b.rank).toBeGreaterThanOrEqual(a.rank);
    }
  });
});
