/**
 * liveRankings (the board the aggregator's publisher stores from the per-shard parts), publishLiveRankings
 * (IAM only) and the onLiveRankings subscription resolver, over the local
 * AppSync runtime and DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import {
  LiveRankingsDocument,
  PublishLiveRankingsDocument,
  type LiveRankingsInput,
} from '../../client/generated/operations.js';
import { buildLivePartItem } from '../../core/livePart.js';
import { storeLiveBoard } from '../../functions/aggregator/liveBoardStore.js';
import { clockInRace, livePartItem, publishBoard, putItems, raceAt, useApi } from './api.js';

const NOW = clockInRace(120);
const CURRENT = raceAt(NOW);
const api = useApi(NOW);
const BIG_NAME = '€'.repeat(40);

describe('liveRankings', () => {
  it('answers the board published from every shard part of the running race, complete and ranked', async () => {
    await putItems(api, [
      livePartItem(
        1,
        CURRENT,
        'shardId-000000000000',
        { amy: { output: 40, second: 119, name: 'Amy' }, cal: { output: 35.5, second: 118 } },
        new Date(NOW - 3000).toISOString(),
      ),
      livePartItem(
        1,
        CURRENT,
        'shardId-000000000001',
        { ben: { output: 35.5, second: 119, name: 'Ben' }, dot: { output: 2, second: 30, flags: 2 } },
        new Date(NOW - 1000).toISOString(),
      ),
      // After a reshard: cal also appears in a child shard's part, with newer data. This part holds its
      // riders as a map, as parts written before riders were stored as one JSON string do.
      livePartItem(
        1,
        CURRENT,
        'shardId-000000000002',
        { cal: { output: 36, second: 119 } },
        new Date(NOW - 2000).toISOString(),
        true,
      ),
      // The previous race's board is not read while the running race has one.
      livePartItem(
        1,
        CURRENT - 1,
        'shardId-000000000000',
        { old: { output: 900, second: 300 } },
        new Date(NOW - 200_000).toISOString(),
      ),
    ]);
    await publishBoard(api, 1, CURRENT - 1, new Date(NOW - 200_000).toISOString());
    const published = new Date(NOW - 500).toISOString();
    await publishBoard(api, 1, CURRENT, published);
    const { data, errors } = await api.call(LiveRankingsDocument, { classId: 1 });
    expect(errors).toEqual([]);
    expect(data?.liveRankings).toEqual({
      classId: 1,
      raceId: CURRENT,
      updatedAt: published,
      entries: [
        { rank: 1, racerId: 'amy', name: 'Amy', output: 40, second: 119, flags: [] },
        { rank: 2, racerId: 'cal', name: null, output: 36, second: 119, flags: [] },
        { rank: 3, racerId: 'ben', name: 'Ben', output: 35.5, second: 119, flags: [] },
        { rank: 4, racerId: 'dot', name: null, output: 2, second: 30, flags: ['OUTPUT_DECREASED'] },
      ],
      totalRiders: 4,
    });
  });

  /** 4 shards × 1,250 riders with 64-character ids and 40-character names of 3-byte characters: about 1.1 MB of parts. */
  function bigRace(classId: number, raceId: number): Array<Record<string, unknown>> {
    const items: Array<Record<string, unknown>> = [];
    for (let shard = 0; shard < 4; shard += 1) {
      const pages: Array<Record<string, { output: number; second: number; name: string }>> = [{}, {}];
      for (let i = 0; i < 1250; i += 1) {
        const racerId = `r${shard}-${String(i).padStart(61, '0')}`;
        (pages[i < 1000 ? 0 : 1] as Record<string, { output: number; second: number; name: string }>)[racerId] = {
          output: shard * 1250 + i,
          second: 100,
          name: BIG_NAME,
        };
      }
      pages.forEach((riders, page) =>
        items.push(
          buildLivePartItem({
            classId,
            raceId,
            shardId: `shardId-00000000000${shard}`,
            riders,
            version: 1,
            updatedAt: new Date(NOW - 1000).toISOString(),
            page,
          }) as unknown as Record<string, unknown>,
        ),
      );
    }
    return items;
  }

  it.each([
    ['the running race', 5, CURRENT],
    ['the race just ended', 6, CURRENT - 1],
  ])(
    'answers the top of the field within 240 KB and totalRiders for %s when the whole board would pass it',
    async (_, classId, raceId) => {
      await putItems(api, bigRace(classId, raceId));
      const { entries: ranked, topRiders } = await publishBoard(api, classId, raceId, new Date(NOW).toISOString());
      const { data, errors } = await api.call(LiveRankingsDocument, { classId });
      expect(errors).toEqual([]);
      expect(data?.liveRankings?.raceId).toBe(raceId);
      expect(data?.liveRankings?.totalRiders).toBe(5000);
      const entries = data?.liveRankings?.entries ?? [];
      // Each entry here is about 260 bytes: the top ~940 riders fit, not 5,000.
      expect(topRiders).toBeGreaterThan(800);
      expect(topRiders).toBeLessThan(5000);
      expect(entries).toEqual(ranked.slice(0, topRiders));
      expect(entries[0]).toEqual({
        rank: 1,
        racerId: `r3-${String(1249).padStart(61, '0')}`,
        name: BIG_NAME,
        output: 4999,
        second: 100,
        flags: [],
      });
      expect(Buffer.byteLength(JSON.stringify(data?.liveRankings))).toBeLessThanOrEqual(240 * 1024);
    },
  );

  it('shows the race just ended while the running race has no board yet', async () => {
    await putItems(api, [
      livePartItem(
        2,
        CURRENT - 1,
        'shardId-000000000000',
        { x: { output: 10, second: 300 }, y: { output: 10, second: 300 } },
        new Date(NOW - 110_000).toISOString(),
      ),
    ]);
    await publishBoard(api, 2, CURRENT - 1, new Date(NOW - 110_000).toISOString());
    const { data } = await api.call(LiveRankingsDocument, { classId: 2 });
    expect(data?.liveRankings).toMatchObject({
      raceId: CURRENT - 1,
      entries: [
        { rank: 1, racerId: 'x' },
        { rank: 1, racerId: 'y' },
      ],
      totalRiders: 2,
    });
  });

  it('is null when neither race has a board, even with parts stored (nothing published yet)', async () => {
    await putItems(api, [
      livePartItem(3, CURRENT, 'shardId-000000000000', { z: { output: 1, second: 5 } }, new Date(NOW).toISOString()),
    ]);
    const { data, errors } = await api.call(LiveRankingsDocument, { classId: 3 });
    expect(errors).toEqual([]);
    expect(data).toEqual({ liveRankings: null });
  });

  it('ranks 1,000 riders of four shards completely and in order', async () => {
    const parts: Array<Record<string, { output: number; second: number }>> = [{}, {}, {}, {}];
    for (let i = 0; i < 1000; i += 1) {
      (parts[i % 4] as Record<string, { output: number; second: number }>)[`r${String(i).padStart(4, '0')}`] = {
        output: (i % 97) * 1.25,
        second: 100,
      };
    }
    await putItems(
      api,
      parts.map((riders, s) =>
        livePartItem(4, CURRENT, `shardId-00000000000${s}`, riders, new Date(NOW).toISOString()),
      ),
    );
    await publishBoard(api, 4, CURRENT, new Date(NOW).toISOString());
    const { data } = await api.call(LiveRankingsDocument, { classId: 4 });
    const entries = data?.liveRankings?.entries ?? [];
    expect(entries).toHaveLength(1000);
    for (let i = 1; i < entries.length; i += 1) {
      const [a, b] = [entries[i - 1], entries[i]] as [(typeof entries)[0], (typeof entries)[0]];
      expect(a.output > b.output || (a.output === b.output && a.racerId < b.racerId)).toBe(true);
      expect(b.rank).toBe(a.output === b.output ? a.rank : i + 1);
    }
  });

  // Class 2's running race (its previous race's board is the one shown above).
  it('moves to a newer board whole, and keeps it when an older one is published after it', async () => {
    const part = (output: number, at: number) =>
      livePartItem(
        2,
        CURRENT,
        'shardId-000000000000',
        { p: { output, second: 10 }, q: { output: 5, second: 10 } },
        new Date(at).toISOString(),
      );
    await putItems(api, [part(1, NOW - 2000)]);
    const older = await publishBoard(api, 2, CURRENT, new Date(NOW - 2000).toISOString());
    await putItems(api, [{ ...part(9, NOW - 1000), version: 2 }]);
    await publishBoard(api, 2, CURRENT, new Date(NOW - 1000).toISOString());
    const read = async () => (await api.call(LiveRankingsDocument, { classId: 2 })).data?.liveRankings;
    expect((await read())?.entries.map((e) => e.racerId)).toEqual(['p', 'q']);
    // A board of less progress (a closer that read the parts before the last write) is not stored.
    const stale = await storeLiveBoard(
      api.doc,
      api.tableName,
      { classId: 2, raceId: CURRENT, updatedAt: new Date(NOW).toISOString(), entries: older.entries },
      1,
      older.topRiders,
    );
    expect(stale.stored).toBe(false);
    expect(await read()).toMatchObject({
      updatedAt: new Date(NOW - 1000).toISOString(),
      entries: [{ racerId: 'p', output: 9 }, { racerId: 'q' }],
    });
  });
});

describe('publishLiveRankings', () => {
  const input: LiveRankingsInput = {
    classId: 5,
    raceId: CURRENT,
    updatedAt: new Date(NOW).toISOString(),
    entries: [
      { rank: 1, racerId: 'p1', name: 'P One', output: 12.5, second: 60, flags: [] },
      { rank: 2, racerId: 'p2', name: null, output: 11, second: 60, flags: ['OUTPUT_TOO_FAST'] },
    ],
  };

  it('passes the aggregator snapshot through for IAM callers', async () => {
    const { data, errors } = await api.callIam(PublishLiveRankingsDocument, { input });
    expect(errors).toEqual([]);
    expect(data?.publishLiveRankings).toEqual(input);
  });

  it('stamps updatedAt with the API clock when the snapshot has none', async () => {
    const { data } = await api.callIam(PublishLiveRankingsDocument, { input: { ...input, updatedAt: null } });
    expect(data?.publishLiveRankings?.updatedAt).toBe(new Date(NOW).toISOString());
  });

  it('is refused to API-key callers', async () => {
    const { data, errors } = await api.call(PublishLiveRankingsDocument, { input });
    expect(data).toEqual({ publishLiveRankings: null });
    expect(errors).toMatchObject([{ errorType: 'Unauthorized', path: ['publishLiveRankings'] }]);
  });

  it('refuses a snapshot with a bad entry, naming it', async () => {
    const bad = { ...input, entries: [...input.entries.slice(0, 1), { rank: 0, racerId: 'p2', output: 1, second: 1 }] };
    const { errors } = await api.callIam(PublishLiveRankingsDocument, { input: bad });
    expect(errors).toMatchObject([
      { errorType: 'ValidationError', message: 'input.entries[1].rank must be a positive integer' },
    ]);
  });
});

describe('onLiveRankings', () => {
  it('accepts a subscription to a class of the catalog and refuses others', async () => {
    const ok = await api.runtime.runSubscriptionResolver('onLiveRankings', { classId: 2 }, null, {});
    expect(ok.error).toBeNull();
    const bad = await api.runtime.runSubscriptionResolver('onLiveRankings', { classId: 0 }, null, {});
    expect(bad.error).toEqual({ message: 'classId must be a class of the catalog', errorType: 'ValidationError' });
  });
});
