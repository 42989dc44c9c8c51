/**
 * web.liveFirstRenderMs: how long after navigation start the live view shows
 * its first ranking rows, for a visitor opening the page while races run.
 * Starts the local stack with its simulator (short races), waits until live
 * rankings flow, then loads the page in Debian's chromium several times and
 * takes the median of the page's own performance mark (alleycat:live-ranking).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalStack } from '../local/stack/startLocalStack.js';
import { launchBrowser } from '../web/e2e/browser.js';
import { ensureWebBuild } from '../web/e2e/ensureWebBuild.js';
import type { BenchOptions, BenchResult } from './types.js';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  opts.progress?.('building the web app if stale');
  await ensureWebBuild();
  const stateDir = mkdtempSync(path.join(tmpdir(), 'alleycat-bench-web-'));
  opts.progress?.('starting the local stack');
  const stack = await startLocalStack({
    port: 0,
    raceSeconds: 60,
    windowSeconds: 2,
    racers: 20,
    inMemory: true,
    stateDir,
    buildWeb: false,
    log: () => undefined,
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const url = `${stack.endpoints.webUrl}live/1`;
    opts.progress?.('waiting for live rankings');
    await page.goto(url);
    await page.waitForSelector('[data-racer]', { timeout: 120_000 });
    const samples: number[] = [];
    const runs = opts.quick ? 3 : 7;
    for (let i = 0; i < runs; i += 1) {
      opts.progress?.(`page load ${i + 1}/${runs}`);
      await page.reload();
      await page.waitForSelector('[data-racer]', { timeout: 30_000 });
      samples.push(
        await page.evaluate(() => performance.getEntriesByName('alleycat:live-ranking')[0]?.startTime ?? Number.NaN),
      );
    }
    const valid = samples.filter((v) => Number.isFinite(v));
    if (valid.length === 0) throw new Error('the page never set its alleycat:live-ranking mark');
    console.log(`web: live view first render samples (ms): ${valid.map((v) => v.toFixed(0)).join(', ')}`);
    return [
      { metric: 'web.liveFirstRenderMs', value: Math.round(median(valid)), unit: 'ms', target: 1000, better: 'lower' },
    ];
  } finally {
    await browser.close();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
