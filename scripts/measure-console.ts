// `node bin/run-ts.js scripts/measure-console.ts`: how long the ticket list (50 rows, demo data)
// takes to become interactive in Chromium, and the gzipped size of what the first page loads.
// Figures, not a test: quoted in docs/benchmark.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, startConsole } from '../test/browser/support.ts';

const c = await startConsole();
try {
  const { page } = await c.loginAs('centre1');
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = Date.now();
    await page.goto(`${c.baseUrl}/tickets?pageSize=50&sort=due`);
    await page.getByTestId('ticket-list').locator('[data-ticket-no]').nth(49).waitFor();
    await page.getByTestId('ticket-list').locator('a').first().click({ trial: true });
    runs.push(Date.now() - started);
  }
  runs.sort((a, b) => a - b);
  const html = readFileSync(join(ROOT, 'web', 'dist', 'index.html'), 'utf8');
  const firstPage = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
  const gz = firstPage.reduce((sum, f) => sum + gzipSync(readFileSync(join(ROOT, 'web', 'dist', f))).length, 0);
  const all = readdirSync(join(ROOT, 'web', 'dist', 'assets')).reduce((s, f) => s + statSync(join(ROOT, 'web', 'dist', 'assets', f)).size, 0);
  console.log(JSON.stringify({ list50_interactive_ms_median: runs[3], list50_interactive_ms_min: runs[0], list50_interactive_ms_max: runs[6], first_page_gzip_kb: Math.round(gz / 1024), first_page_files: firstPage.length, all_assets_kb: Math.round(all / 1024) }));
} finally {
  await c.stop();
}
