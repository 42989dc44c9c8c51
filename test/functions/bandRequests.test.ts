import { describe, expect, it } from 'vitest';
import { BAND_SIZE, toBands, type LiveBand } from '../../core/liveBands.js';
import type { LiveEntry } from '../../core/livePart.js';
import { bandEventBytes, fitBand, METERED_MESSAGE_BYTES } from '../../functions/aggregator/fitBand.js';
import { bandsMutation, bandsVariables, createBandPublisher } from '../../functions/aggregator/publishLiveBands.js';
import { createSignedPoster, graphqlBody } from '../../functions/aggregator/publishLiveRankings.js';
import { seededRandom, type Random } from '../../local/simulator/prng.js';
import { fakeAppSync, noSleep } from './support.js';

// A band is serialized once, when it is measured against its 5 KB message; the request that publishes it
// embeds that text. What goes over the wire must be exactly what serializing the request object gives.

const meta = { classId: 3, raceId: 11, updatedAt: '2026-12-07T05:00:00.000Z' };

/** Text a name may hold: quotes, backslashes, control characters, accents, astral and lone surrogates. */
const PIECES = ['Ann', '"', '\\', '\n', '\u0001', '\u007f', 'Ž', '中', '😀', '\ud83d', '\ude00', '\u2028', ' ', 'x'];

function text(random: Random, pieces: number): string {
  let s = '';
  for (let i = 0; i < pieces; i += 1) s += PIECES[Math.floor(random() * PIECES.length)] as string;
  return s;
}

/** A ranked board of random riders (the ranks are not checked here: the bands' text is). */
function randomBoard(random: Random, riders: number): LiveEntry[] {
  const outputs = [0, -0, 1.5, 1234.5678, 1e21, 5e-7, Number.NaN];
  return Array.from({ length: riders }, (_, i) => ({
    rank: i + 1,
    racerId: `${text(random, 1 + Math.floor(random() * 6))}${i}`,
    name: random() < 0.2 ? null : text(random, Math.floor(random() * random() * 60)),
    output: random() < 0.3 ? (outputs[Math.floor(random() * outputs.length)] as number) : random() * 5000,
    second: Math.floor(random() * 600),
    flags: [],
  }));
}

describe('bands serialized once', () => {
  it('fitBand gives the text of the band it returns, and measures the event by it (300 random boards)', () => {
    let shortened = 0;
    for (let seed = 1; seed <= 300; seed += 1) {
      const random = seededRandom(seed);
      for (const band of toBands(randomBoard(random, Math.floor(random() * 3 * BAND_SIZE)), meta)) {
        const fitted = fitBand(band);
        expect(fitted.json, `seed ${seed}`).toBe(JSON.stringify(fitted.band));
        expect(fitted.fits).toBe(bandEventBytes(fitted.band) <= METERED_MESSAGE_BYTES);
        if (fitted.band !== band) shortened += 1;
        else expect(fitted.fits).toBe(true);
      }
    }
    // The boards are drawn so that some bands need their names shortened.
    expect(shortened).toBeGreaterThan(0);
  });

  it('builds request variables and bodies byte for byte as serializing the objects does', () => {
    for (let seed = 1; seed <= 100; seed += 1) {
      const random = seededRandom(1000 + seed);
      const bands = toBands(randomBoard(random, Math.floor(random() * 4 * BAND_SIZE)), meta);
      const fitted = bands.map(fitBand);
      const object: Record<string, LiveBand> = {};
      fitted.forEach((f, i) => (object[`b${i}`] = f.band));
      const expected = JSON.stringify(object);
      expect(bandsVariables(fitted), `seed ${seed}`).toBe(expected);
      const query = bandsMutation(fitted.length);
      expect(graphqlBody(query, bandsVariables(fitted))).toBe(JSON.stringify({ query, variables: object }));
    }
    expect(bandsVariables([])).toBe('{}');
    expect(graphqlBody('query { x }', { a: [1, null] })).toBe(
      JSON.stringify({ query: 'query { x }', variables: { a: [1, null] } }),
    );
  });

  it('publishes fitted bands as the bands they carry, every band once', async () => {
    const appsync = await fakeAppSync();
    try {
      const fitted = toBands(randomBoard(seededRandom(5), 40 * BAND_SIZE + 7), meta).map(fitBand);
      const post = createSignedPoster({
        graphqlUrl: appsync.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        sleep: noSleep,
      });
      await createBandPublisher(post)(fitted);
      const sent = appsync.requests
        .flatMap((r) => Object.values(r.body.variables) as unknown as LiveBand[])
        .sort((a, b) => a.band - b.band);
      // What the server parsed is what each fitted band's text says (NaN and -0 read back as JSON has them).
      expect(sent).toEqual(fitted.map((f) => JSON.parse(f.json) as LiveBand));
    } finally {
      await appsync.close();
    }
  });
});
