/**
 * Development helper: screenshots of the app's pages at desktop and phone
 * sizes (`npx tsx web/e2e/shoot.ts <baseUrl> [outDir] [path…]`).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './browser.js';

async function main(): Promise<void> {
  const [base = 'http://127.0.0.1:5199', out = 'test-artifacts/dev', ...paths] = process.argv.slice(2);
  const pages = paths.length > 0 ? paths : ['/', '/ride', '/results', '/alltime'];
  mkdirSync(out, { recursive: true });
  for (const [label, viewport] of [
    ['desktop', { width: 1366, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    const b = await launchBrowser(viewport);
    try {
      const page = await b.context.newPage();
      page.on('console', (m) => m.type() === 'error' && console.log(`[console] ${m.text()}`));
      page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
      for (const p of pages) {
        await page.goto(base + p, { waitUntil: 'networkidle' });
        await page.waitForTimeout(Number(process.env.SHOOT_WAIT ?? 2500));
        const name = `${label}-${p.replace(/[^a-z0-9]+/gi, '_') || 'root'}.png`;
        await page.screenshot({ path: path.join(out, name), fullPage: label === 'phone' });
        console.log('saved', path.join(out, name));
      }
    } finally {
      await b.close();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
