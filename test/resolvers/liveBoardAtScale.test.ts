/**
 * The live queries at 50,000 riders in one class, over the local AppSync
 * runtime and DynamoDB Local: the parts of 63 shards (docs/scaling.md, step 3)
 * are far more than two 1 MB Query pages, and the published board the queries
 * read is 1,000 bands and 50 index slices. liveBoard answers complete bands
 * anywhere in the field, liveRider finds any rider (across band edges, the
 * leader, the last), liveRankings the top of the field within 240 KB and the
 * whole field's size.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LiveBoardDocument, LiveRankingsDocument, LiveRiderDocument } from '../../client/generated/operations.js';
import type { LiveEntry } from '../../core/livePart.js';
import { bigClassParts } from '../../bench/bigClassParts.js';
import { clockInRace, publishBoard, putItems, raceAt, useApi } from './api.js';

const NOW = clockInRace(150);
const CURRENT = raceAt(NOW);
const RIDERS = 50_000;
const CLASS_ID = 2;
const api = useApi(NOW);
let ranked: LiveEntry[];
let topRiders: number;

const bandEntry = (e: LiveEntry) => ({
  rank: e.rank,
  racerId: e.racerId,
  name: e.name,
  output: e.output,
  second: e.second,
});

beforeAll(async () => {
  const parts = bigClassParts({
    classId: CLASS_ID,
    raceId: CURRENT,
    riders: RIDERS,
    shards: 63,
    second: 150,
    updatedAt: new Date(NOW - 1000).toISOString(),
  });
  await putItems(api, parts as unknown as Array<Record<string, unknown>>);
  const published = await publishBoard(api, CLASS_ID, CURRENT, new Date(NOW).toISOString());
  expect(published.stored).toBe(true);
  ranked = published.entries;
  topRiders = published.topRiders;
}, 240_000);

describe('live queries of a 50,000-rider class', () => {
  it('the board has every rider, with ties across band edges', () => {
    expect(ranked).toHaveLength(RIDERS);
    const tiedEdges = [...Array(1000).keys()].filter((b) => b > 0 && ranked[b * 50]!.rank < b * 50 + 1);
    expect(tiedEdges.length).toBeGreaterThan(10);
  });

  it('liveBoard answers complete, ranked bands anywhere in the field, in the order asked', async () => {
    const asked = [999, 0, 517, 1000, 250];
    const { data, errors } = await api.call(LiveBoardDocument, { classId: CLASS_ID, bands: asked });
    expect(errors).toEqual([]);
    expect(data?.liveBoard.map((b) => b.band)).toEqual(asked);
    for (const band of data?.liveBoard ?? []) {
      expect(band).toMatchObject({
        classId: CLASS_ID,
        raceId: CURRENT,
        totalRiders: RIDERS,
        updatedAt: new Date(NOW).toISOString(),
      });
      // Band 1000 is past the last rider: empty.
      expect(band.entries).toEqual(ranked.slice(band.band * 50, band.band * 50 + 50).map(bandEntry));
      expect(band.entries).toHaveLength(band.band === 1000 ? 0 : 50);
    }
  });

  it('liveRider finds any rider with the riders just ahead and behind, across band edges', async () => {
    for (const at of [0, 49, 50, 12_345, 30_000, RIDERS - 1]) {
      const me = ranked[at]!;
      const { data, errors } = await api.call(LiveRiderDocument, { classId: CLASS_ID, racerId: me.racerId });
      expect(errors).toEqual([]);
      const ahead = at > 0 ? ranked[at - 1]! : null;
      const behind = at < RIDERS - 1 ? ranked[at + 1]! : null;
      expect(data?.liveRider).toMatchObject({
        racerId: me.racerId,
        rank: me.rank,
        band: Math.floor(at / 50),
        totalRiders: RIDERS,
        output: me.output,
        ahead: ahead && bandEntry(ahead),
        behind: behind && bandEntry(behind),
      });
      if (ahead) expect(data?.liveRider?.gapAhead).toBeCloseTo(ahead.output - me.output, 3);
      if (behind) expect(data?.liveRider?.gapBehind).toBeCloseTo(me.output - behind.output, 3);
    }
    const nobody = await api.call(LiveRiderDocument, { classId: CLASS_ID, racerId: 'rider-999999' });
    expect(nobody).toEqual({ data: { liveRider: null }, errors: [] });
  });

  it('liveRankings answers the top of the field within 240 KB and the whole field size', async () => {
    const { data, errors } = await api.call(LiveRankingsDocument, { classId: CLASS_ID });
    expect(errors).toEqual([]);
    const board = data?.liveRankings;
    expect(board?.totalRiders).toBe(RIDERS);
    expect(topRiders).toBeGreaterThan(2000);
    expect(board?.entries).toEqual(ranked.slice(0, topRiders));
    expect(Buffer.byteLength(JSON.stringify(board))).toBeLessThanOrEqual(240 * 1024);
  });
});
