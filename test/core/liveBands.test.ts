import { describe, expect, it } from 'vitest';
import type { LiveEntry } from '../../core/livePart.js';
import { BAND_SIZE, sliceBand, standingOf, toBands } from '../../core/liveBands.js';
import { rankEntries } from '../../core/ranking.js';
import { bandEventBytes, fitBand, METERED_MESSAGE_BYTES } from '../../functions/aggregator/fitBand.js';
import { capSnapshot } from '../../functions/aggregator/capSnapshot.js';
import { bandsMutation, BANDS_PER_REQUEST } from '../../functions/aggregator/publishLiveBands.js';
import { API } from '../../infra/settings.js';

const meta = { classId: 1, raceId: 7, updatedAt: '2026-12-07T05:00:00.000Z' };

/** A ranked board of `n` riders; riders 48..52 tie (across the edge of bands 0 and 1). */
function board(n: number, name = (i: number) => `Rider ${i}`, id = (i: number) => `r${String(i).padStart(5, '0')}`) {
  const scored = Array.from({ length: n }, (_, i) => ({
    racerId: id(i),
    name: name(i),
    output: i >= 48 && i <= 52 ? 950 : 1000 - i,
    second: 30,
    flags: [],
  }));
  return rankEntries(scored) as LiveEntry[];
}

describe('bands of a live board', () => {
  it('band b holds positions 50b+1 … 50b+50, keeping the ranks of the whole ranking (a tie across an edge shares one)', () => {
    const ranked = board(130);
    const bands = toBands(ranked, meta);
    expect(bands.map((b) => [b.band, b.entries.length, b.totalRiders])).toEqual([
      [0, 50, 130],
      [1, 50, 130],
      [2, 30, 130],
    ]);
    expect(bands.flatMap((b) => b.entries.map((e) => e.racerId))).toEqual(ranked.map((e) => e.racerId));
    const edge = ranked[49]!.rank;
    expect(bands[1]!.entries[0]!.rank).toBe(edge);
    expect(bands[0]!.entries.at(-1)!.rank).toBe(edge);
    expect(sliceBand(ranked, 1, meta)).toEqual(bands[1]);
    expect(sliceBand(ranked, 9, meta)).toEqual({ ...meta, band: 9, totalRiders: 130, entries: [] });
    expect(toBands([], meta)).toEqual([{ ...meta, band: 0, totalRiders: 0, entries: [] }]);
  });

  it("a rider's standing: rank, band, field size and gaps to the riders just ahead and behind", () => {
    const ranked = board(130);
    expect(standingOf(ranked, 'r00060', meta)).toMatchObject({
      rank: 61,
      band: 1,
      totalRiders: 130,
      gapAhead: 1,
      gapBehind: 1,
      ahead: { racerId: 'r00059' },
      behind: { racerId: 'r00061' },
    });
    expect(standingOf(ranked, 'r00000', meta)).toMatchObject({ rank: 1, gapAhead: null, ahead: null });
    expect(standingOf(ranked, 'r00129', meta)).toMatchObject({ band: 2, gapBehind: null, behind: null });
    expect(standingOf(ranked, 'nobody', meta)).toBeNull();
  });
});

describe('band events within one 5 KB message', () => {
  it('leaves a band that fits as it is', () => {
    const band = toBands(board(50), meta)[0]!;
    expect(fitBand(band)).toEqual({ band, json: JSON.stringify(band), fits: true });
  });

  it('shortens the longest names (never ids, ranks or outputs) until the band fits', () => {
    const long = (i: number) => `${'Ž'.repeat(30)} ${i}`; // two bytes a character
    const band = toBands(board(BAND_SIZE, long), meta)[0]!;
    expect(bandEventBytes(band)).toBeGreaterThan(METERED_MESSAGE_BYTES);
    const fitted = fitBand(band);
    expect(fitted.fits).toBe(true);
    expect(bandEventBytes(fitted.band)).toBeLessThanOrEqual(METERED_MESSAGE_BYTES);
    expect(fitted.band.entries.map((e) => [e.rank, e.racerId, e.output])).toEqual(
      band.entries.map((e) => [e.rank, e.racerId, e.output]),
    );
  });

  it('says so when ids alone pass the budget (64-character ids)', () => {
    const band = toBands(
      board(
        BAND_SIZE,
        () => 'x',
        (i) => `${'a'.repeat(59)}${String(i).padStart(5, '0')}`,
      ),
      meta,
    )[0]!;
    const fitted = fitBand(band);
    expect(fitted.fits).toBe(false);
    expect(fitted.band.entries.every((e) => e.name === null)).toBe(true);
  });
});

describe('onLiveRankings within 240 KB and band requests within the resolver count', () => {
  it('cuts a board too large for one event to the top of the field, with totalRiders', () => {
    const ranked = board(5000);
    const capped = capSnapshot({ ...meta, entries: ranked });
    expect(capped.totalRiders).toBe(5000);
    expect(capped.entries.length).toBeLessThan(5000);
    expect(capped.entries).toEqual(ranked.slice(0, capped.entries.length));
    expect(Buffer.byteLength(JSON.stringify(capped))).toBeLessThanOrEqual(240 * 1024);
    const small = capSnapshot({ ...meta, entries: board(10) });
    expect(small.entries).toHaveLength(10);
  });

  it('sends bands as aliased fields, fewer per request than the resolver count limit', () => {
    expect(BANDS_PER_REQUEST).toBeLessThanOrEqual(API.resolverCountLimit);
    const doc = bandsMutation(3);
    expect(doc).toContain('b0: publishLiveBand(input: $b0)');
    expect(doc).toContain('b2: publishLiveBand(input: $b2)');
    expect(doc).toContain('$b2: LiveBandInput!');
  });
});
