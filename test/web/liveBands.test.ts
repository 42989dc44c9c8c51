/**
 * The live page and the Ride page on viewer-sized live boards, in a real
 * browser (Debian's chromium through playwright-core) against the local stack
 * with 60 simulated riders in one class (two bands): the page shows the top of
 * the field, the followed rider's band, their place of all riders and the gaps
 * to the riders just ahead and behind as the API has them, at desktop and
 * phone sizes; a class with no race waits; and no page ever subscribes to the
 * complete board (every WebSocket frame and HTTP request is inspected).
 * Screenshots go to test-artifacts/web/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type AlleycatClient } from '../../client/index.js';
import { LiveBoardDocument, LiveRiderDocument, type LiveRiderQuery } from '../../client/generated/operations.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { startSimulator, type RunningSimulator } from '../../local/simulator/startSimulator.js';
import { displayName, ordinal } from '../../web/src/lib/format.js';
import { launchBrowser, type LaunchedBrowser } from '../../web/e2e/browser.js';
import { ensureWebBuild } from '../../web/e2e/ensureWebBuild.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';

const RACE_SECONDS = 60;
const WINDOW_SECONDS = 2;
const CLASS_ID = 1;
/** No rider rides this class: its page waits for a race. */
const EMPTY_CLASS = 3;
const RACERS = 60;
const ARTIFACTS = path.resolve('test-artifacts', 'web');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const RIDER = { racerId: `bands-${Date.now().toString(36)}`, name: 'Band Rider', password: 'Ride-0n-and-0n' };

let stack: LocalStack;
let sim: RunningSimulator;
let browser: LaunchedBrowser;
let sdk: AlleycatClient;
let webUrl: string;

/** Every subscription a page started over the real-time WebSocket, and every GraphQL request body it sent. */
const subscriptions: Array<{ query: string; variables: Record<string, unknown> }> = [];
const requests: string[] = [];

async function openPage(viewport = DESKTOP): Promise<Page> {
  const p = await browser.context.newPage();
  await p.setViewportSize(viewport);
  p.on('pageerror', (err) => console.log(`[browser] ${err.message}`));
  p.on('websocket', (ws) =>
    ws.on('framesent', (frame) => {
      const message = JSON.parse(String(frame.payload)) as { type?: string; payload?: { data?: string } };
      if (message.type === 'start' && message.payload?.data)
        subscriptions.push(JSON.parse(message.payload.data) as (typeof subscriptions)[number]);
    }),
  );
  p.on('request', (r) => {
    if (r.url().endsWith('/graphql')) requests.push(r.postData() ?? '');
  });
  return p;
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

type Standing = NonNullable<LiveRiderQuery['liveRider']>;
interface ShownStanding {
  place: string | null;
  ahead: string | null;
  behind: string | null;
}

/** A gap line with its kJ figure taken out ("# kJ behind Ada (11th)"), and the figure. */
function splitGap(line: string | null): { text: string | null; kj: number | null } {
  const m = line === null ? null : /^(\d+\.\d) kJ (.*)$/.exec(line);
  return m ? { text: `# kJ ${m[2]}`, kj: Number(m[1]) } : { text: line, kj: null };
}

/**
 * Whether the page says what liveRider says: the place and the neighbours exactly, each gap to its
 * shown 0.1 kJ (the page works the gap out from its band's outputs, liveRider from the stored board:
 * a gap at a rounding edge may come out 0.1 apart).
 */
function sameStanding(shown: ShownStanding, s: Standing): boolean {
  const gap = (value: number | null | undefined, name: string, none: string, neighbour: Standing['ahead']) =>
    value === null || value === undefined
      ? { text: none, kj: null }
      : {
          text: `# kJ ${name} ${neighbour ? `${displayName(neighbour)} (${ordinal(neighbour.rank)})` : ''}`,
          kj: value,
        };
  const pairs = [
    [splitGap(shown.ahead), gap(s.gapAhead, 'behind', 'Leading', s.ahead)],
    [splitGap(shown.behind), gap(s.gapBehind, 'ahead of', 'Nobody behind', s.behind)],
  ] as const;
  return (
    shown.place === `${ordinal(s.rank)} of ${s.totalRiders}` &&
    pairs.every(
      ([a, b]) =>
        a.text === b.text && (a.kj === null) === (b.kj === null) && Math.abs((a.kj ?? 0) - (b.kj ?? 0)) <= 0.1 + 1e-9,
    )
  );
}

/**
 * Waits until the page shows the standing liveRider returns for the rider (read before and after the
 * page, counted only when both reads are of the same board), and returns it. The page says the place
 * ("12th of 60") in a data-place attribute.
 */
async function waitForStanding(
  p: Page,
  racerId: string,
  timeoutMs: number,
  wanted: (s: Standing) => boolean = () => true,
): Promise<Standing> {
  const deadline = Date.now() + timeoutMs;
  let last: { shown: ShownStanding; expected: Standing } | undefined;
  for (;;) {
    const before = (await sdk.query(LiveRiderDocument, { classId: CLASS_ID, racerId })).liveRider;
    const shown = await p.evaluate(() => {
      const text = (s: string) => document.querySelector(s)?.textContent?.trim() ?? null;
      return {
        place: document.querySelector('[data-place]')?.getAttribute('data-place') ?? null,
        ahead: text('[data-testid="gap-ahead"]'),
        behind: text('[data-testid="gap-behind"]'),
      };
    });
    const after = (await sdk.query(LiveRiderDocument, { classId: CLASS_ID, racerId })).liveRider;
    if (before && after && before.updatedAt === after.updatedAt && before.raceId === after.raceId) {
      if (sameStanding(shown, before) && wanted(before)) return before;
      last = { shown, expected: before };
    }
    if (Date.now() > deadline) break;
    await sleep(250);
  }
  expect(last, 'liveRider returned the same board on two reads in a row').toBeDefined();
  expect(last?.shown, 'the page shows the standing liveRider returns').toEqual(last?.expected);
  throw new Error('unreachable: the last comparison differed');
}

/** The rider ids of a ranking table, top to bottom (rows are placed by their transform). */
async function tableRiders(p: Page, selector: string): Promise<string[]> {
  return p.$eval(selector, (el) =>
    [...el.querySelectorAll<HTMLElement>('[data-racer]')]
      .map((row) => ({
        id: row.getAttribute('data-racer') ?? '',
        top: Number(/translateY\(([-\d.]+)px\)/.exec(row.style.transform)?.[1] ?? 0),
      }))
      .sort((a, b) => a.top - b.top)
      .map((r) => r.id),
  );
}

/**
 * Waits until the top table shows the first three riders of band 0 as liveBoard has them (read before
 * and after the page, counted only when both reads are of the same board: the page and the query may
 * otherwise hold different windows' boards).
 */
async function waitForTopTable(p: Page, selector: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const band0 = async () => (await sdk.query(LiveBoardDocument, { classId: CLASS_ID, bands: [0] })).liveBoard[0];
  let last: { shown: string[]; top: string[] } | undefined;
  for (;;) {
    const before = await band0();
    const shown = await tableRiders(p, selector);
    const after = await band0();
    if (before && after && before.updatedAt === after.updatedAt && before.raceId === after.raceId) {
      expect(before.entries, 'band 0 holds 50 riders').toHaveLength(50);
      const top = before.entries.slice(0, 3).map((e) => e.racerId);
      if (top.every((id) => shown.includes(id))) return;
      last = { shown, top };
    }
    if (Date.now() > deadline) break;
    await sleep(250);
  }
  expect(last, 'liveBoard returned the same board on two reads in a row').toBeDefined();
  expect(last?.shown, 'the top table shows the first three of band 0').toEqual(expect.arrayContaining(last?.top ?? []));
}

/**
 * Whether the element is wholly inside the viewport's width and inside its row, and its row inside the
 * table's scrolling viewport (a virtualized table keeps rows just out of sight in the DOM).
 */
async function fullyShown(p: Page, selector: string): Promise<boolean> {
  return p.$eval(selector, (el) => {
    const box = el.getBoundingClientRect();
    const row = el.closest('[data-racer]')?.getBoundingClientRect();
    const scroller = el.closest('.ranking-scroll')?.getBoundingClientRect();
    if (!row || !scroller || box.width === 0) return false;
    const inRow = box.left >= row.left && box.right <= row.right && box.right <= innerWidth;
    return inRow && row.top >= scroller.top - 0.5 && row.bottom <= scroller.bottom + 0.5;
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureWebBuild();
  stack = await startScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: WINDOW_SECONDS });
  sim = await startSimulator({ endpoints: stack.endpoints, racers: RACERS, classes: [CLASS_ID], via: 'kinesis' });
  webUrl = stack.endpoints.webUrl;
  sdk = createClient({ graphqlUrl: stack.endpoints.graphqlUrl, auth: { apiKey: stack.endpoints.apiKey } });
  browser = await launchBrowser();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  sdk?.close();
  await sim?.stop();
  await stack?.stop();
});

describe('viewer-sized live boards in the web app', () => {
  it('shows a spectator the top of the field, then the band, place and gaps of the rider they follow', async () => {
    const page = await openPage();
    await page.goto(`${webUrl}live/${CLASS_ID}`);
    // The top table fills once the running race has all its riders in the board (both bands).
    await expect
      .poll(
        async () => {
          const board = (await sdk.query(LiveBoardDocument, { classId: CLASS_ID, bands: [0] })).liveBoard[0];
          return board?.totalRiders === RACERS && (await page.textContent('[data-testid="rider-count"]')) === '60';
        },
        { timeout: (2 * RACE_SECONDS + 60) * 1000, interval: 500 },
      )
      .toBe(true);
    // The table is virtualized (rows far off screen are not in the DOM): its row count is the band's.
    const rowCount = await page.getAttribute('.live .ranking[role="table"]', 'aria-rowcount');
    expect(Number(rowCount) - 1, 'the top table holds the first band: 50 riders').toBe(50);
    await waitForTopTable(page, '.live .ranking[role="table"]', 30_000);
    expect(await page.textContent('[data-testid="board-rest"]')).toContain('60 riders in all: the top 50 are shown');
    expect(await page.$('[data-testid="own-band"]'), 'a spectator who follows nobody sees no second band').toBeNull();
    await shot(page, 'bands-live-spectator');

    // Follow the last rider (of the second band, places 51–60) through the page's own form.
    const band1 = (await sdk.query(LiveBoardDocument, { classId: CLASS_ID, bands: [1] })).liveBoard[0];
    const followed = band1?.entries.at(-1);
    expect(followed, 'band 1 has riders').toBeDefined();
    const racerId = followed?.racerId ?? '';
    await page.fill('#follow-id', racerId);
    await page.click('form.follow button[type="submit"]');
    await expect.poll(() => page.url()).toContain(`/live/${CLASS_ID}?follow=${encodeURIComponent(racerId)}`);
    const standing = await waitForStanding(page, racerId, 60_000);
    // The followed rider's band is shown as a second table, with them in it, badged.
    expect(standing.band, 'the last rider stays in the second band').toBe(1);
    await page.waitForSelector(`[data-testid="own-band"][data-band="1"] [data-racer="${racerId}"]`, {
      timeout: 20_000,
    });
    const own = await tableRiders(page, '[data-testid="own-band"] .ranking[role="table"]');
    expect(own).toContain(racerId);
    // Both tables read at one instant: two different bands, the second ranked after the first. Ties share
    // the rank of their first place, so a tie across places 50 and 51 puts a rank of 50 or less in band 1.
    // The two bands of a window arrive as two events, so a reading may fall between them: poll until one
    // reading shows a single window's pair.
    const readTables = () =>
      page.$$eval('.live .ranking[role="table"]', (els) =>
        els.map((el) =>
          [...el.querySelectorAll('[data-racer]')].map((row) => ({
            id: row.getAttribute('data-racer') ?? '',
            rank: Number(row.querySelector('.rank-num')?.textContent),
          })),
        ),
      );
    await expect
      .poll(
        async () => {
          const tables = await readTables();
          const [first = [], second = []] = tables;
          const secondRanks = second.map((r) => r.rank);
          return {
            tables: tables.length,
            disjoint: !second.some((r) => first.some((t) => t.id === r.id)),
            inOrder: secondRanks.every((rank, i) => i === 0 || rank >= (secondRanks[i - 1] ?? 0)),
            afterTheFirst: Math.min(...secondRanks) >= Math.max(...first.map((r) => r.rank)),
          };
        },
        { timeout: 15_000, interval: 250 },
      )
      .toEqual({ tables: 2, disjoint: true, inOrder: true, afterTheFirst: true });
    expect(
      Number(await page.getAttribute('[data-testid="own-band"] .ranking[role="table"]', 'aria-rowcount')) - 1,
      'the second band holds places 51-60',
    ).toBe(10);
    expect(await page.getAttribute(`[data-racer="${racerId}"] .you-badge`, 'aria-label')).toBe('followed');
    await shot(page, 'bands-live-follow-desktop');

    // The same at phone size: place, gaps and the followed row all on screen, nothing cut off.
    const phone = await openPage(PHONE);
    await phone.goto(`${webUrl}live/${CLASS_ID}?follow=${encodeURIComponent(racerId)}`);
    await waitForStanding(phone, racerId, 60_000);
    await phone.waitForSelector(`[data-testid="own-band"] [data-racer="${racerId}"] .you-badge`, { timeout: 20_000 });
    // Rows glide to a new place when ranks change: on screen once they are there.
    await expect
      .poll(() => fullyShown(phone, `[data-testid="own-band"] [data-racer="${racerId}"] .you-badge`), {
        timeout: 10_000,
      })
      .toBe(true);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow, 'the page is no wider than the phone').toBeLessThanOrEqual(0);
    await shot(phone, 'bands-live-follow-phone');
    await phone.close();

    // A rider who is not in the race is said to be so; a class with no race waits for one.
    await page.goto(`${webUrl}live/${CLASS_ID}?follow=nobody-rides`);
    await expect
      .poll(() => page.textContent('[data-testid="not-racing"]'), { timeout: 30_000 })
      .toBe('nobody-rides is not in this race');
    await page.goto(`${webUrl}live/${EMPTY_CLASS}`);
    await expect
      .poll(() => page.textContent('.live-grid .panel'), { timeout: 30_000 })
      .toContain('Waiting for the first live ranking');
    expect(await page.textContent('[data-testid="rider-count"]')).toBe('–');
    await shot(page, 'bands-live-no-race');
    await page.close();
  }, 400_000);

  it('shows a rider on the Ride page the top of the field, their band and the gaps around them', async () => {
    const page = await openPage();
    await page.goto(`${webUrl}ride`);
    await page.waitForSelector('#account-id', { timeout: 30_000 });
    await page.click('text=Create an account');
    await page.fill('#account-id', RIDER.racerId);
    await page.fill('#account-name', RIDER.name);
    await page.fill('#account-password', RIDER.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="riding-as"]', { timeout: 20_000 });
    await page.selectOption('#ride-class', String(CLASS_ID));
    await page.click('button[type="submit"]');
    await page.waitForSelector('.riding', { timeout: 30_000 });
    // No pedalling: the rider is last of 61, in the second band, with nobody behind.
    await page.locator('body').focus();
    for (let i = 0; i < 10; i += 1) await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.textContent('.effort label strong')).toBe('0%');

    // In a race's first seconds the field may still be filling: wait until the rider is below the top band.
    const standing = await waitForStanding(page, RIDER.racerId, 3 * RACE_SECONDS * 1000, (s) => s.band === 1);
    expect(standing.band).toBe(1);
    expect(standing.rank).toBe(standing.totalRiders);
    await page.waitForSelector(`[data-testid="own-band"][data-band="1"] [data-racer="${RIDER.racerId}"] .you-badge`, {
      timeout: 20_000,
    });
    const top = await tableRiders(page, '.ride-board .ranking[role="table"]');
    expect(top.length, 'the top band is shown (its visible rows and the overscan)').toBeGreaterThan(5);
    expect(top).not.toContain(RIDER.racerId);
    await shot(page, 'bands-ride-desktop');

    await page.setViewportSize(PHONE);
    await page.waitForSelector(`[data-testid="own-band"] [data-racer="${RIDER.racerId}"] .you-badge`);
    await expect
      .poll(() => fullyShown(page, `[data-testid="own-band"] [data-racer="${RIDER.racerId}"] .you-badge`), {
        timeout: 10_000,
      })
      .toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow, 'the page is no wider than the phone').toBeLessThanOrEqual(0);
    await shot(page, 'bands-ride-phone');

    // The live page, in another tab of the same signed-in browser, follows the rider too.
    const live = await openPage();
    await live.goto(`${webUrl}live/${CLASS_ID}`);
    await waitForStanding(live, RIDER.racerId, 60_000);
    expect(await live.textContent(`[data-racer="${RIDER.racerId}"] .you-badge`)).toBe('you');
    await shot(live, 'bands-live-rider');
    await live.close();
    await page.close();
  }, 400_000);

  it('never subscribed to the complete board: at most two bands per subscription', () => {
    expect(subscriptions.length, 'the pages subscribed to live bands').toBeGreaterThan(0);
    for (const s of subscriptions) {
      expect(s.query).toContain('onLiveBoard');
      expect(s.query).not.toContain('onLiveRankings');
      expect((s.variables.bands as number[]).length).toBeLessThanOrEqual(2);
    }
    expect(
      subscriptions.some((s) => JSON.stringify(s.variables.bands) === '[0]'),
      'a spectator who follows nobody subscribed to the top band alone',
    ).toBe(true);
    expect(
      subscriptions.some((s) => JSON.stringify(s.variables.bands) === '[0,1]'),
      'a follower subscribed to the top band and their own',
    ).toBe(true);
    expect(requests.length).toBeGreaterThan(0);
    for (const body of requests) expect(body).not.toMatch(/liveRankings/i);
  });
});
