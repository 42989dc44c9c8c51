/**
 * The web app in a real browser (Debian's chromium driven by playwright-core)
 * against the whole local stack with its simulator: the live table shows the
 * board the API ranks and follows it, a ride-along produces a result, and the
 * results and all-time pages show what the API says; at desktop and phone
 * sizes, nothing a rider needs is cut off. Screenshots go to
 * test-artifacts/web/. How fast the page renders is a benchmark
 * (bench/webFirstRender.ts), not a test.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type AlleycatClient } from '../../client/index.js';
import {
  AllTimeRankingsDocument,
  LiveBoardDocument,
  RaceResultsDocument,
  RacesDocument,
  type LiveBandFieldsFragment,
} from '../../client/generated/operations.js';
import { raceIdAt } from '../../core/raceClock.js';
import { startLocalStack, type LocalStack } from '../../local/stack/startLocalStack.js';
import { powerFromEffort } from '../../web/src/ride/rideModel.js';
import { launchBrowser, type LaunchedBrowser } from '../../web/e2e/browser.js';
import { ensureWebBuild } from '../../web/e2e/ensureWebBuild.js';

// Long enough that the live ranking of the running race shows while it runs, even on a loaded machine
// where the lag from bike to browser can reach tens of seconds.
const RACE_SECONDS = 45;
const WINDOW_SECONDS = 2;
const ARTIFACTS = path.resolve('test-artifacts', 'web');
const PHONE = { width: 390, height: 844 };
const RIDER = { racerId: `e2e-${Date.now().toString(36)}`, name: 'E2E Rider', password: 'Ride-0n-and-0n', classId: 2 };

let stack: LocalStack;
let browser: LaunchedBrowser;
let page: Page;
let sdk: AlleycatClient;
let stateDir: string;
let webUrl: string;
/** The race the ride-along rode (set by the ride test). */
let riddenRaceId: number | undefined;

async function shot(name: string, p: Page = page): Promise<void> {
  await p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The rows of the ranking table on screen: racerId, rank and output as shown. */
async function visibleRows(p: Page = page): Promise<Array<{ racerId: string; rank: string; output: string }>> {
  return p.$$eval('[data-racer]', (els) =>
    els
      .map((el) => ({
        racerId: el.getAttribute('data-racer') ?? '',
        rank: el.querySelector('.rank-num')?.textContent ?? '',
        output: el.querySelector('.c-output .num')?.textContent ?? '',
        // The row's place is its transform's target (its on-screen box may still be gliding there).
        top: Number(/translateY\(([-\d.]+)px\)/.exec((el as HTMLElement).style.transform)?.[1] ?? 0),
      }))
      .sort((a, b) => a.top - b.top)
      .map(({ racerId, rank, output }) => ({ racerId, rank, output })),
  );
}

/** One row of the live table as rendered (the ended race's table has no "Second" column: null). */
interface LiveRow {
  rank: string;
  racerId: string;
  name: string;
  output: string;
  second: string | null;
}

/** The live page's ranking table, read in one evaluation in the page. */
interface LiveTable {
  /** The race the table's label names. */
  raceId: number | null;
  /** The table shows the last board of the race that just ended (the page's clock is in the next race). */
  ended: boolean;
  /** Rows of the whole ranking (the table is virtualized: rows far off screen are not in the DOM). */
  rowCount: number;
  /** The rows in the DOM, top to bottom. */
  rows: LiveRow[];
}

async function liveTable(p: Page = page): Promise<LiveTable | null> {
  const table = await p.$('.live .ranking[role="table"]');
  if (!table) return null; // the page shows a waiting or loading state
  return table.evaluate((el) => {
    const label = el.getAttribute('aria-label') ?? '';
    const raceId = el.getAttribute('data-race-id');
    const rows = [...el.querySelectorAll<HTMLElement>('[data-racer]')]
      .map((row) => ({
        row: {
          rank: row.querySelector('.rank-num')?.textContent ?? '',
          racerId: row.getAttribute('data-racer') ?? '',
          name: row.querySelector('.c-name .rider-link')?.textContent ?? '',
          output: row.querySelector('.c-output .num')?.textContent ?? '',
          second: row.querySelector('.c-second')?.textContent ?? null,
        },
        // The row's place is its transform's target (its on-screen box may still be gliding there).
        top: Number(/translateY\(([-\d.]+)px\)/.exec(row.style.transform)?.[1] ?? 0),
      }))
      .sort((a, b) => a.top - b.top)
      .map((r) => r.row);
    return {
      raceId: raceId ? Number(raceId) : null,
      ended: label.startsWith('Last live ranking'),
      // aria-rowcount counts the header row too.
      rowCount: Number(el.getAttribute('aria-rowcount')) - 1,
      rows,
    };
  });
}

type ApiBoard = LiveBandFieldsFragment;

/** The top of the field as the API has it: band 0 of the live board (all 15 riders here), or null. */
async function topBand(classId: number): Promise<ApiBoard | null> {
  return (await sdk.query(LiveBoardDocument, { classId, bands: [0] })).liveBoard[0] ?? null;
}

/**
 * The table the page must show for an API snapshot. Whether it shows the board as the running race's or
 * as the one that just ended follows the page's clock; only the running race's table has the "Second" column.
 */
function expectedTable(board: ApiBoard, ended: boolean): LiveTable {
  return {
    raceId: board.raceId,
    ended,
    rowCount: board.entries.length,
    rows: board.entries.map((e) => ({
      rank: String(e.rank),
      racerId: e.racerId,
      name: e.name ?? e.racerId,
      output: e.output.toFixed(1),
      second: ended ? null : String(e.second),
    })),
  };
}

/**
 * Waits until the live page shows exactly the top band the liveBoard query returns (optionally a board
 * other than `after`), and returns it. The API is read before and after the page, and a comparison only
 * counts when both reads return the same snapshot: the board cannot have changed while the page was read.
 * The page lags the API by up to a delivery, so earlier reads may differ; on timeout, the last
 * difference is what fails. The board must fit the rendered rows (15 riders do: the rows on screen plus
 * the virtualizer's overscan), so every row is compared.
 */
async function waitForApiBoard(
  classId: number,
  { after, timeoutMs }: { after?: ApiBoard; timeoutMs: number },
): Promise<ApiBoard> {
  const deadline = Date.now() + timeoutMs;
  let last: { shown: unknown; expected: unknown } | undefined;
  for (;;) {
    const before = await topBand(classId);
    const shown = await liveTable();
    const afterRead = await topBand(classId);
    const stable =
      before !== null &&
      afterRead !== null &&
      before.raceId === afterRead.raceId &&
      before.updatedAt === afterRead.updatedAt;
    const fresh = !after || before?.raceId !== after.raceId || before.updatedAt !== after.updatedAt;
    if (stable && fresh && before) {
      const expected = expectedTable(before, shown?.ended ?? false);
      if (shown && isDeepStrictEqual(shown, expected)) return before;
      last = { shown, expected };
    }
    if (Date.now() > deadline) break;
    await sleep(250);
  }
  expect(last, 'the API returned the same new live snapshot on two reads in a row').toBeDefined();
  expect(last?.shown, 'the live table shows the top band liveBoard returns').toEqual(last?.expected);
  throw new Error('unreachable: the last comparison differed');
}

/** Runs one operation of the explorer's document: the run button asks which one when there are several. */
async function runOperation(name: string, p: Page = page): Promise<void> {
  await p.click('.graphiql-execute-button');
  const item = p.getByRole('menuitem', { name });
  await item.waitFor({ timeout: 15_000 });
  await item.click();
}

/** Elements matching `selector` whose text does not fit their box (cut off or ellipsized). */
async function cutOff(p: Page, selector: string): Promise<string[]> {
  return p.$$eval(selector, (els) =>
    els.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent ?? ''),
  );
}

/** Whether the element is wholly inside the viewport's width and inside its row (not clipped by it). */
async function fullyShown(p: Page, selector: string, rowSelector: string): Promise<boolean> {
  return p.$eval(
    selector,
    (el, rowSel) => {
      const box = el.getBoundingClientRect();
      const row = el.closest(rowSel)?.getBoundingClientRect();
      const cell = el.parentElement?.getBoundingClientRect();
      if (!row || !cell || box.width === 0) return false;
      return box.left >= row.left && box.right <= row.right && box.right <= cell.right + 0.5 && box.right <= innerWidth;
    },
    rowSelector,
  );
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const build = await ensureWebBuild();
  console.log(build.built ? 'web: built web/dist for the browser tests' : 'web: web/dist is up to date');
  stateDir = mkdtempSync(path.join(tmpdir(), 'alleycat-web-e2e-'));
  stack = await startLocalStack({
    port: 0,
    raceSeconds: RACE_SECONDS,
    windowSeconds: WINDOW_SECONDS,
    racers: 15,
    inMemory: true,
    stateDir,
    buildWeb: false,
    log: () => undefined,
  });
  const notRunning = stack.parts.filter((p) => !p.running);
  expect(notRunning, 'every part of the stack runs').toEqual([]);
  webUrl = stack.endpoints.webUrl;
  sdk = createClient({ graphqlUrl: stack.endpoints.graphqlUrl, auth: { apiKey: stack.endpoints.apiKey } });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => console.log(`[browser] ${err.message}`));
}, 420_000);

afterAll(async () => {
  await browser?.close();
  sdk?.close();
  await stack?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('the web app against the local stack', () => {
  it('shows the running race and its live table updates every window, as the API ranks it', async () => {
    await page.goto(`${webUrl}live/1`);
    await page.waitForSelector('[data-racer]', { timeout: 90_000 });
    // The page marks its first ranking render: bench/webFirstRender.ts measures that mark.
    const marks = await page.evaluate(() => performance.getEntriesByName('alleycat:live-ranking').length);
    expect(marks, 'the page sets its alleycat:live-ranking mark once').toBe(1);
    expect(await page.title()).toBe('Here now: Juniors · Alleycat');
    // The riders' navigation has no developer pages; the footer links to the ops metrics.
    const nav = await page.$$eval('nav[aria-label="Main"] a', (as) => as.map((a) => a.textContent));
    expect(nav).toEqual(['Here now', 'Ride', 'Results', 'All-time', 'Explorer']);
    expect(await page.textContent('footer nav[aria-label="Developers"]')).toContain('Ops');

    // The rows may first be those of the race that just ended; either way the page shows the API's board.
    const first = await waitForApiBoard(1, { timeoutMs: 2 * RACE_SECONDS * 1000 + 30_000 });
    await shot('live-desktop');
    // A later window's board (outputs grow, or a new race starts) replaces it, again exactly.
    const next = await waitForApiBoard(1, { after: first, timeoutMs: 10 * WINDOW_SECONDS * 1000 + 30_000 });
    expect(`${next.raceId} ${next.updatedAt}`).not.toBe(`${first.raceId} ${first.updatedAt}`);
    await expect.poll(() => page.textContent('.conn'), { timeout: 10_000 }).toContain('Live');

    // A page that arrives mid-race draws the race so far at once: from 0 kJ at the start to the first ranking.
    const phone = await browser.context.newPage();
    await phone.setViewportSize(PHONE);
    await phone.goto(`${webUrl}live/1`);
    await phone.waitForSelector('[data-racer]', { timeout: 30_000 });
    // The chart draws from the first ranking of the running race the page receives, from the race's start.
    await phone.waitForSelector('[data-testid="live-chart"] .chart-host canvas', { timeout: 2 * RACE_SECONDS * 1000 });
    expect(await phone.getAttribute('[data-testid="live-chart"]', 'data-from-second')).toBe('0');
    await shot('live-phone', phone);
    await phone.close();
  }, 300_000);

  it('creates a rider account, signs out and back in, and only then offers a ride', async () => {
    await page.goto(`${webUrl}ride`);
    await page.waitForSelector('#account-id');
    await expect(page.locator('#ride-class').count()).resolves.toBe(0);
    await page.click('text=Create an account');
    await page.fill('#account-id', RIDER.racerId);
    await page.fill('#account-name', RIDER.name);
    await page.fill('#account-password', RIDER.password);
    await shot('account-sign-up');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="riding-as"]', { timeout: 20_000 });
    expect(await page.textContent('[data-testid="riding-as"]')).toContain(RIDER.name);
    expect(await page.textContent('[data-testid="account-badge"]')).toContain(RIDER.name);

    await page.click('[data-testid="account-badge"] >> text=Sign out');
    await page.waitForSelector('#account-id');
    await page.fill('#account-id', RIDER.racerId);
    await page.fill('#account-password', 'not-the-password');
    await page.click('button[type="submit"]');
    await expect
      .poll(() => page.textContent('[data-testid="account-error"]'), { timeout: 10_000 })
      .toContain('Wrong rider id or password');
    await page.fill('#account-password', RIDER.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="riding-as"]', { timeout: 20_000 });
    await shot('account-signed-in');
  }, 120_000);

  it('rides a race from the browser and shows the rider their result', async () => {
    await page.goto(`${webUrl}ride`);
    await page.waitForSelector('[data-testid="riding-as"]', { timeout: 20_000 });
    await page.selectOption('#ride-class', String(RIDER.classId));
    await page.click('button[type="submit"]');
    await page.waitForSelector('.riding', { timeout: 30_000 });
    expect(await page.title()).toBe('Riding: Amateurs · Alleycat');
    // Pedal harder with the keyboard: 50 % + 6 × 5 = 80 %, a typical Amateur's watts.
    await page.locator('body').focus();
    for (let i = 0; i < 6; i += 1) await page.keyboard.press('ArrowUp');
    await expect
      .poll(async () => Number(await page.textContent('[data-testid="output"]')), { timeout: 2 * RACE_SECONDS * 1000 })
      .toBeGreaterThan(0);
    await expect
      .poll(async () => Number(await page.textContent('[data-testid="power"]')), { timeout: 5_000 })
      .toBe(powerFromEffort(80, RIDER.classId));
    await shot('ride-riding');

    // Stopping mid-race would leave a DNF: the page asks first, and keeping on riding changes nothing.
    await page.click('button:has-text("Stop riding")');
    const ask = page.getByRole('alertdialog');
    await ask.waitFor({ timeout: 5_000 });
    expect(await ask.textContent()).toContain('did not finish');
    await shot('ride-stop-confirm');
    await page.click('button:has-text("Keep riding")');
    await expect(ask.count()).resolves.toBe(0);
    await expect(page.locator('.riding').count()).resolves.toBe(1);

    // The result shows once the race is closed; it is final once my final record has come through the stream.
    const result = page.locator('[data-testid="ride-result"][data-final="true"]');
    await result.waitFor({ timeout: (3 * RACE_SECONDS + 120) * 1000 });
    const text = (await result.textContent()) ?? '';
    await shot('ride-result');

    // The page's figures are the API's.
    riddenRaceId = Number(await page.getAttribute('#ride-result-title', 'data-race-id'));
    expect(await page.textContent('#ride-result-title')).toMatch(/The race of \w{3} \d{1,2} \w{3} \d{4}, /);
    const page1 = await sdk.query(RaceResultsDocument, { classId: RIDER.classId, raceId: riddenRaceId, limit: 1000 });
    const mine = page1.raceResults.items.find((r) => r.racerId === RIDER.racerId);
    expect(mine, 'my result is in raceResults').toBeDefined();
    expect(mine?.finished).toBe(true);
    expect(mine?.name, 'the name comes from the rider profile').toBe(RIDER.name);
    const ordinal = /finished (\d+)(st|nd|rd|th)/.exec(text);
    expect(Number(ordinal?.[1])).toBe(mine?.rank);
    expect(text).toContain(`${mine?.output.toFixed(1)} kJ`);
  }, 400_000);

  it('lists finished races newest first and shows a race result as the API has it', async () => {
    expect(riddenRaceId, 'the ride test ran first').toBeDefined();
    const raceId = riddenRaceId as number;
    const races = await sdk.query(RacesDocument, { classId: RIDER.classId, limit: 20 });
    await page.goto(`${webUrl}results/${RIDER.classId}`);
    await page.waitForSelector('table.data tbody tr', { timeout: 20_000 });
    expect(await page.title()).toBe('Results: Amateurs · Alleycat');
    const listed = await page.$$eval('table.data tbody tr td:first-child .race-name', (els) =>
      els.map((el) => Number(el.getAttribute('data-race-id'))),
    );
    // Races are named by their start with the year, not by the race clock's slot number.
    const names = await page.$$eval('table.data tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
    for (const name of names) expect(name).toMatch(/^\w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d/);
    expect(listed.slice(0, 3)).toEqual(races.races.items.slice(0, 3).map((r) => r.raceId));
    expect([...listed].sort((a, b) => b - a)).toEqual(listed);
    await shot('results-list');

    await page.goto(`${webUrl}results/${RIDER.classId}/${raceId}`);
    await page.waitForSelector('[data-racer]', { timeout: 20_000 });
    const api = await sdk.query(RaceResultsDocument, { classId: RIDER.classId, raceId, limit: 100 });
    const rows = await visibleRows();
    expect(rows.length).toBeGreaterThan(3);
    for (const [i, row] of rows.slice(0, 8).entries()) {
      const expected = api.raceResults.items[i];
      expect(row).toEqual({
        racerId: expected?.racerId,
        rank: String(expected?.rank),
        output: expected?.output.toFixed(1),
      });
    }
    const podium = await page.$$eval('.podium .podium-name', (els) => els.map((e) => e.textContent));
    expect(podium).toEqual(api.raceResults.items.slice(0, 3).map((r) => r.name ?? r.racerId));
    const mine = api.raceResults.items.find((r) => r.racerId === RIDER.racerId);
    await expect
      .poll(() => page.textContent('[data-testid="my-result"]'), { timeout: 10_000 })
      .toContain(`${mine?.output.toFixed(1)} kJ`);
    await expect(page.locator('table[aria-label="Riders around you"] tr.me').count()).resolves.toBe(1);
    expect(await page.title()).toMatch(/^Result: Amateurs · \w{3} \d{1,2} \w{3} \d{4}, .* · Alleycat$/);
    await shot('results-race');

    // On a phone the podium's names and my "you" badge are whole, not cut off.
    const phone = await browser.context.newPage();
    await phone.setViewportSize(PHONE);
    await phone.goto(`${webUrl}results/${RIDER.classId}/${raceId}`);
    await phone.waitForSelector('.podium .podium-name', { timeout: 20_000 });
    expect(await cutOff(phone, '.podium .podium-name')).toEqual([]);
    await phone.waitForSelector('[data-racer] .you-badge', { timeout: 20_000 });
    expect(await fullyShown(phone, '[data-racer] .you-badge', '[data-racer]')).toBe(true);
    await shot('results-race-phone', phone);

    // A race nobody rode (long before this stack started) says so, instead of waiting for results.
    const empty = raceIdAt(Date.now(), RACE_SECONDS) - 500;
    await phone.goto(`${webUrl}results/${RIDER.classId}/${empty}`);
    await expect.poll(() => phone.textContent('.page'), { timeout: 20_000 }).toContain('Nobody rode this race');
    expect(await phone.textContent('.page')).not.toContain('being written');
    await shot('results-nobody-phone', phone);
    await phone.close();
  }, 120_000);

  it('shows the all-time rankings and a racer profile as the API has them', async () => {
    const firstCells = (): Promise<Array<{ rank: string; name: string; best: string; total: string }>> =>
      page.$$eval('table.data tbody tr', (trs) =>
        trs.map((tr) => {
          const td = tr.querySelectorAll('td');
          return {
            rank: td[0]?.textContent ?? '',
            name: td[1]?.textContent ?? '',
            best: td[2]?.textContent ?? '',
            total: td[4]?.textContent ?? '',
          };
        }),
      );
    for (const by of ['PERSONAL_BEST', 'TOTAL_OUTPUT'] as const) {
      // All-time rankings move whenever a race finishes: compare the page with the API read right after it,
      // reloading until both saw the same state.
      await expect
        .poll(
          async () => {
            await page.goto(`${webUrl}alltime/${RIDER.classId}${by === 'TOTAL_OUTPUT' ? '?by=TOTAL_OUTPUT' : ''}`);
            await page.waitForSelector('table.data tbody tr', { timeout: 30_000 });
            const shown = await firstCells();
            const api = await sdk.query(AllTimeRankingsDocument, { classId: RIDER.classId, by, limit: 50 });
            const expected = api.allTimeRankings.items.map((e) => ({
              rank: String(e.rank),
              name: e.name ?? e.racerId,
              best: e.bestOutput.toFixed(1),
              total: e.totalOutput.toFixed(1),
            }));
            return shown.length > 0 && JSON.stringify(shown) === JSON.stringify(expected);
          },
          { timeout: 90_000, interval: 1000 },
        )
        .toBe(true);
      await shot(`alltime-${by.toLowerCase()}`);
    }

    await page.goto(`${webUrl}racer/${RIDER.racerId}`);
    await page.waitForSelector('#racer-title', { timeout: 20_000 });
    expect(await page.textContent('#racer-title')).toContain(RIDER.name);
    const classRow = await page.textContent('table[aria-label="Statistics by class"] tbody');
    expect(classRow).toContain('Amateurs');
    await expect(
      page.locator(`table[aria-label="Recent races"] tbody .race-name[data-race-id="${riddenRaceId}"]`).count(),
    ).resolves.toBe(1);
    expect(await page.title()).toBe(`Rider: ${RIDER.name} · Alleycat`);
    await shot('racer');
  }, 120_000);

  it('opens the GraphQL explorer with the API key, runs a query and a subscription', async () => {
    await page.goto(`${webUrl}explorer`);
    await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
    await page.locator('.graphiql-query-editor .view-line', { hasText: 'raceClasses' }).waitFor({ timeout: 60_000 });
    await runOperation('Classes');
    await expect
      .poll(() => page.textContent('.graphiql-response'), { timeout: 60_000, interval: 1000 })
      .toContain('raceClasses');
    await shot('explorer');
    // The subscription's events arrive over the SDK's real-time transport.
    await runOperation('OnLive');
    await expect
      .poll(() => page.textContent('.graphiql-response'), { timeout: 90_000, interval: 1000 })
      .toContain('onLiveRankings');
    await shot('explorer-subscription');

    // On a phone the response sits below the editors, as wide as the screen allows.
    const phone = await browser.context.newPage();
    await phone.setViewportSize(PHONE);
    await phone.goto(`${webUrl}explorer`);
    await phone.waitForSelector('.graphiql-execute-button', { timeout: 60_000 });
    await phone.locator('.graphiql-query-editor .view-line', { hasText: 'raceClasses' }).waitFor({ timeout: 60_000 });
    await runOperation('Classes', phone);
    await expect
      .poll(() => phone.textContent('.graphiql-response'), { timeout: 60_000, interval: 1000 })
      .toContain('raceClasses');
    const box = await phone.$eval('.graphiql-response', (el) => {
      const r = el.getBoundingClientRect();
      return { width: r.width, height: r.height };
    });
    expect(box.width).toBeGreaterThan(PHONE.width * 0.6);
    expect(box.height).toBeGreaterThan(PHONE.height * 0.25);
    await shot('explorer-phone', phone);
    await phone.close();
  }, 240_000);

  it('shows the ops metrics, whose figures move while the simulator runs', async () => {
    // Developers reach the ops page from the footer.
    await page.goto(`${webUrl}results`);
    await page.click('footer a:has-text("Ops")');
    await page.waitForSelector('.ops-card-title', { timeout: 30_000 });
    expect(await page.title()).toBe('Ops (developers) · Alleycat');
    expect(await page.textContent('.ops-card-title')).toMatch(/\S/);
    // Latest values and totals of every charted series, as shown; the next polls (every 3 s) change them.
    const figures = () =>
      page.$$eval('.ops-card', (cards) =>
        cards
          .map(
            (c) => `${c.querySelector('.ops-latest')?.textContent}|${c.querySelector('.ops-card-meta')?.textContent}`,
          )
          .join(';'),
      );
    const first = await figures();
    await expect.poll(figures, { timeout: 15_000, interval: 1000 }).not.toBe(first);
    // What the AppSync traffic costs: the running race so far, priced at the dated list prices.
    expect(await page.textContent('[data-testid="ops-cost-summary"]')).toMatch(/^Race \d+: (\$|<\$)[\d.,]+ in the /);
    expect(await page.textContent('table[aria-label="AppSync billing units and cost"]')).toContain('Real-time updates');
    await shot('ops');
  }, 60_000);
});
