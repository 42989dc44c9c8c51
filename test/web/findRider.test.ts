/**
 * "Find me" and "jump to a rider" on the results and all-time pages, and a
 * rider's all-time ranks on their profile, in a real browser (Debian's
 * chromium through playwright-core) against the local stack: a finished race
 * of 231 riders (ties across page edges) is written as the finalizer writes it,
 * the all-time consumer builds the class's rankings from it behind its stream
 * mapping, and a rider signs up on the Ride page. Each page starts at the
 * rider the API's `around` starts at, with the API's ranks, and pages both
 * ways from there; a rider with no result is said to have none. At desktop
 * and phone sizes; screenshots go to test-artifacts/web/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type AlleycatClient } from '../../client/index.js';
import {
  AllTimeRankingsDocument,
  RaceResultsDocument,
  RacerDocument,
  type AllTimeOrder,
  type AllTimeRankingsQuery,
  type RaceResultsQuery,
} from '../../client/generated/operations.js';
import { raceKey, ITEM_RACE } from '../../core/keys.js';
import { raceIdAt } from '../../core/raceClock.js';
import { buildResultItem } from '../../core/resultItem.js';
import { summarizeResults } from '../../core/raceSummary.js';
import { withRanks } from '../../functions/finalizer/withRanks.js';
import { buildRaceHead } from '../../functions/finalizer/raceHead.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { ordinal } from '../../web/src/lib/format.js';
import { launchBrowser, type LaunchedBrowser } from '../../web/e2e/browser.js';
import { ensureWebBuild } from '../../web/e2e/ensureWebBuild.js';
import { documentClient } from '../functions/support.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';

const RACE_SECONDS = 60;
const CLASS_ID = 4;
const ARTIFACTS = path.resolve('test-artifacts', 'web');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const RIDER = { racerId: `find-${Date.now().toString(36)}`, name: 'Finder', password: 'Ride-0n-and-0n' };
/** Riders of the race besides the signed-in one: outputs in steps that make ties of 3. */
const FIELD = Array.from({ length: 230 }, (_, i) => ({ racerId: `fr-${String(i).padStart(3, '0')}`, i }));

let stack: LocalStack;
let browser: LaunchedBrowser;
let sdk: AlleycatClient;
let webUrl: string;
let raceId: number;

interface Row {
  racerId: string;
  rank: number;
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function openPage(viewport = DESKTOP): Promise<Page> {
  const p = await browser.context.newPage();
  await p.setViewportSize(viewport);
  p.on('pageerror', (err) => console.log(`[browser] ${err.message}`));
  return p;
}

/** The whole ranking as the API pages it, from the top. */
async function fullResults(): Promise<Row[]> {
  const rows: Row[] = [];
  let nextToken: string | null = null;
  do {
    const page: RaceResultsQuery['raceResults'] = (
      await sdk.query(RaceResultsDocument, { classId: CLASS_ID, raceId, limit: 1000, nextToken })
    ).raceResults;
    rows.push(...page.items.map((r) => ({ racerId: r.racerId, rank: r.rank })));
    nextToken = page.nextToken ?? null;
  } while (nextToken !== null);
  return rows;
}

async function fullAllTime(by: AllTimeOrder): Promise<Row[]> {
  const rows: Row[] = [];
  let nextToken: string | null = null;
  do {
    const page: AllTimeRankingsQuery['allTimeRankings'] = (
      await sdk.query(AllTimeRankingsDocument, { classId: CLASS_ID, by, limit: 1000, nextToken })
    ).allTimeRankings;
    rows.push(...page.items.map((r) => ({ racerId: r.racerId, rank: r.rank })));
    nextToken = page.nextToken ?? null;
  } while (nextToken !== null);
  return rows;
}

/** Rows of the results table on screen, top to bottom (rows are placed by their transform). */
async function resultRows(p: Page): Promise<Row[]> {
  return p.$$eval('.ranking [data-racer]', (els) =>
    els
      .map((el) => ({
        racerId: el.getAttribute('data-racer') ?? '',
        rank: Number(el.querySelector('.rank-num')?.textContent),
        top: Number(/translateY\(([-\d.]+)px\)/.exec((el as HTMLElement).style.transform)?.[1] ?? 0),
      }))
      .sort((a, b) => a.top - b.top)
      .map(({ racerId, rank }) => ({ racerId, rank })),
  );
}

/** Rows of the all-time table, top to bottom. */
async function allTimeRows(p: Page): Promise<Row[]> {
  return p.$$eval('table.data tbody tr[data-racer]', (els) =>
    els.map((el) => ({
      racerId: el.getAttribute('data-racer') ?? '',
      rank: Number(el.querySelector('td')?.textContent),
    })),
  );
}

async function noWiderThanScreen(p: Page): Promise<number> {
  return p.evaluate(() => document.documentElement.scrollWidth - innerWidth);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureWebBuild();
  stack = await startScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: 2 });
  webUrl = stack.endpoints.webUrl;
  sdk = createClient({
    graphqlUrl: stack.endpoints.graphqlUrl,
    realtimeUrl: stack.endpoints.realtimeUrl,
    auth: { apiKey: stack.endpoints.apiKey },
  });
  browser = await launchBrowser(DESKTOP);

  // A race that ended minutes ago, written as its close writes it: results with ranks, the head, the summary.
  raceId = raceIdAt(Date.now(), RACE_SECONDS) - 3;
  const results = withRanks(
    [...FIELD, { racerId: RIDER.racerId, i: 60 }].map(({ racerId, i }) =>
      buildResultItem({
        classId: CLASS_ID,
        raceId,
        racerId,
        ...(racerId === RIDER.racerId ? { name: RIDER.name } : {}),
        output: 120 - Math.floor(i / 3) * 0.75,
        lastSecond: RACE_SECONDS,
        finished: true,
      }),
    ),
  );
  const summary = summarizeResults(results);
  const items: Array<Record<string, unknown>> = [
    ...results.map((r) => ({ ...r })),
    { ...buildRaceHead({ classId: CLASS_ID, raceId }, results, new Date().toISOString()) },
    {
      ...raceKey(CLASS_ID, raceId),
      itemType: ITEM_RACE,
      classId: CLASS_ID,
      raceId,
      ...(summary ?? {}),
      closedAt: new Date().toISOString(),
    },
  ];
  const doc = documentClient(stack.endpoints.dynamodb.endpoint);
  const table = stack.endpoints.dynamodb.tableName;
  for (let i = 0; i < items.length; i += 25) {
    let pending: Array<Record<string, unknown>> | undefined = items
      .slice(i, i + 25)
      .map((Item) => ({ PutRequest: { Item } }));
    while (pending && pending.length > 0) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table] as Array<Record<string, unknown>> | undefined;
    }
  }
  doc.destroy();
  // The all-time consumer reads the results from the table's stream and ranks the class.
  const deadline = Date.now() + 180_000;
  while ((await fullAllTime('TOTAL_OUTPUT')).length < FIELD.length + 1) {
    if (Date.now() > deadline) throw new Error('the all-time consumer did not rank every rider in time');
    await sleep(1_000);
  }
}, 300_000);

afterAll(async () => {
  await browser?.close();
  sdk?.close();
  await stack?.stop();
});

describe('find a rider on ranking pages', () => {
  let page: Page;

  beforeAll(async () => {
    page = await openPage();
    // Sign up on the Ride page: the signed-in rider is "me" on every page after it.
    await page.goto(`${webUrl}ride`);
    await page.waitForSelector('#account-id', { timeout: 30_000 });
    await page.click('text=Create an account');
    await page.fill('#account-id', RIDER.racerId);
    await page.fill('#account-name', RIDER.name);
    await page.fill('#account-password', RIDER.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="riding-as"]', { timeout: 30_000 });
  }, 60_000);

  it('results: "Find me" starts at the rider with their rank, then pages up and down', async () => {
    const full = await fullResults();
    expect(full).toHaveLength(FIELD.length + 1);
    const at = full.findIndex((r) => r.racerId === RIDER.racerId);
    await page.goto(`${webUrl}results/${CLASS_ID}/${raceId}`);
    await page.waitForSelector('.ranking [data-racer]', { timeout: 30_000 });
    await page.click('form.find >> text=Find me');
    await expect.poll(() => page.url()).toContain(`?around=${RIDER.racerId}`);
    await expect.poll(async () => (await resultRows(page))[0]?.racerId, { timeout: 20_000 }).toBe(RIDER.racerId);
    const shown = await resultRows(page);
    expect(shown).toEqual(full.slice(at, at + shown.length));
    expect(shown[0]?.rank).toBe(full[at]?.rank);
    expect(await page.textContent(`[data-racer="${RIDER.racerId}"] .you-badge`)).toBe('you');
    // The podium is the race's, not the window's first rows; the "around you" panel has the rider.
    expect(await page.textContent('.podium')).toContain('fr-000');
    await shot(page, 'find-results-me-desktop');

    // Riders above: the page before, with the ranks of the full results (ties across its edge too).
    await page.click('text=Show results above');
    await expect.poll(async () => (await resultRows(page))[0]?.racerId, { timeout: 20_000 }).not.toBe(RIDER.racerId);
    const above = await resultRows(page);
    const from = full.findIndex((r) => r.racerId === above[0]?.racerId);
    expect(from).toBeGreaterThanOrEqual(at - 100);
    expect(from).toBeLessThan(at);
    expect(above).toEqual(full.slice(from, from + above.length));
    // Below: the table holds the window from there to the end of the race.
    await page.click('text=Show results below');
    await expect
      .poll(() => page.getAttribute('.ranking[role="table"]', 'aria-rowcount'))
      .toBe(String(full.length - from + 1));
    expect(await page.$('text=Show results below')).toBeNull();

    // A typed rider id, then one with no result in this race.
    await page.fill('#find-id', 'fr-041');
    await page.click('form.find button[type="submit"]');
    await expect.poll(async () => (await resultRows(page))[0]?.racerId, { timeout: 20_000 }).toBe('fr-041');
    const typed = full.findIndex((r) => r.racerId === 'fr-041');
    expect((await resultRows(page)).slice(0, 5)).toEqual(full.slice(typed, typed + 5));
    expect(await page.textContent('[data-racer="fr-041"] .you-badge')).toBe('found');
    await page.fill('#find-id', 'nobody-rode');
    await page.click('form.find button[type="submit"]');
    await expect
      .poll(() => page.textContent('[data-testid="find-refused"]'), { timeout: 20_000 })
      .toContain('Rider nobody-rode has no result in this race.');
    await shot(page, 'find-results-refused');
  }, 120_000);

  it('all-time: "Find me" by total output with the rank the API counts, paging both ways', async () => {
    const full = await fullAllTime('TOTAL_OUTPUT');
    const at = full.findIndex((r) => r.racerId === RIDER.racerId);
    await page.goto(`${webUrl}alltime/${CLASS_ID}?by=TOTAL_OUTPUT`);
    await page.waitForSelector('table.data tbody tr[data-racer]', { timeout: 30_000 });
    await page.click('form.find >> text=Find me');
    await expect.poll(async () => (await allTimeRows(page))[0]?.racerId, { timeout: 20_000 }).toBe(RIDER.racerId);
    expect(await allTimeRows(page)).toEqual(full.slice(at, at + 50));
    expect(await page.getAttribute(`tr[data-racer="${RIDER.racerId}"]`, 'class')).toBe('me');
    // Above: 50 riders, less the top of a tie that goes on above them (ties of 3 here: at most 2).
    await page.click('text=Show riders above');
    await expect.poll(async () => (await allTimeRows(page))[0]?.racerId, { timeout: 20_000 }).not.toBe(RIDER.racerId);
    const rows = await allTimeRows(page);
    const from = full.findIndex((r) => r.racerId === rows[0]?.racerId);
    expect(from).toBeGreaterThanOrEqual(at - 50);
    expect(from).toBeLessThan(at - 47);
    expect(rows).toEqual(full.slice(from, at + 50));
    await page.click('text=Show riders below');
    await expect.poll(async () => (await allTimeRows(page)).length, { timeout: 20_000 }).toBe(at + 100 - from);
    expect(await allTimeRows(page)).toEqual(full.slice(from, at + 100));
    // The other order keeps the rider the page starts at.
    await page.click('button:has-text("Personal best")');
    await expect.poll(() => page.url()).toContain(`around=${RIDER.racerId}`);
    const best = await fullAllTime('PERSONAL_BEST');
    const bestAt = best.findIndex((r) => r.racerId === RIDER.racerId);
    await expect.poll(async () => (await allTimeRows(page))[0]?.racerId, { timeout: 20_000 }).toBe(RIDER.racerId);
    expect((await allTimeRows(page)).slice(0, 10)).toEqual(best.slice(bestAt, bestAt + 10));
    await shot(page, 'find-alltime-me-desktop');
  }, 120_000);

  it("racer page: the rider's best and total ranks per class, each opening the ranking at the rider", async () => {
    const stats = (await sdk.query(RacerDocument, { racerId: RIDER.racerId })).racer;
    const mine = stats?.classes.find((c) => c.classId === CLASS_ID);
    expect(mine?.bestRank).toBeGreaterThan(1);
    expect(mine?.totalRank).toBeGreaterThan(1);
    await page.goto(`${webUrl}racer/${RIDER.racerId}`);
    await expect
      .poll(() => page.textContent(`[data-testid="best-rank-${CLASS_ID}"]`), { timeout: 20_000 })
      .toBe(ordinal(mine?.bestRank ?? 0));
    expect(await page.textContent(`[data-testid="total-rank-${CLASS_ID}"]`)).toBe(ordinal(mine?.totalRank ?? 0));
    await shot(page, 'find-racer-ranks-desktop');
    await page.click(`[data-testid="total-rank-${CLASS_ID}"] a`);
    await expect.poll(() => page.url()).toContain(`/alltime/${CLASS_ID}?by=TOTAL_OUTPUT&around=${RIDER.racerId}`);
    await expect.poll(async () => (await allTimeRows(page))[0]?.rank, { timeout: 20_000 }).toBe(mine?.totalRank);
  }, 60_000);

  it('at phone size: the find form, the rider and the ranks fit the screen', async () => {
    const phone = await openPage(PHONE);
    await phone.goto(`${webUrl}results/${CLASS_ID}/${raceId}?around=fr-120`);
    await expect.poll(async () => (await resultRows(phone))[0]?.racerId, { timeout: 30_000 }).toBe('fr-120');
    expect(await noWiderThanScreen(phone)).toBeLessThanOrEqual(0);
    await shot(phone, 'find-results-phone');
    await phone.goto(`${webUrl}alltime/${CLASS_ID}?around=fr-120`);
    await expect.poll(async () => (await allTimeRows(phone))[0]?.racerId, { timeout: 30_000 }).toBe('fr-120');
    expect(await noWiderThanScreen(phone)).toBeLessThanOrEqual(0);
    await shot(phone, 'find-alltime-phone');
    await phone.goto(`${webUrl}racer/${RIDER.racerId}`);
    await phone.waitForSelector(`[data-testid="total-rank-${CLASS_ID}"] a`, { timeout: 30_000 });
    expect(await noWiderThanScreen(phone)).toBeLessThanOrEqual(0);
    await shot(phone, 'find-racer-phone');
    await phone.close();
  }, 90_000);
});
