// `node bin/run-ts.js scripts/measure-console.ts`: how long the ticket list (50 rows, demo data)
// takes to become interactive in Chromium, how long the monthly evaluation takes to draw its rows once
// its data has arrived, and how many bytes the server sends for the first page
// (to a browser that accepts brotli, and to one that accepts only gzip).
// Figures, not a test: quoted in docs/benchmark.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { get } from 'node:http';
import { ROOT, startConsole } from '../test/browser/support.ts';

/** The bytes on the wire for one file, as the server sends it for this Accept-Encoding. */
function sentBytes(url: string, acceptEncoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      let n = 0;
      res.on('data', (chunk: Buffer) => (n += chunk.length));
      res.on('end', () => resolve(n));
    }).on('error', reject);
  });
}

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
  // 月度考核: from the evaluation's answer arriving to every unit's row drawn (last month, the authority).
  const month = new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 7);
  const { page: authority } = await c.loginAs('authority1');
  const drawn: number[] = [];
  let rows = 0;
  for (let i = 0; i < 5; i++) {
    await authority.goto(`${c.baseUrl}/workbench`);
    const answered = authority.waitForResponse((r) => r.url().includes(`/api/v1/evaluation/months/${month}`)).then(() => Date.now());
    await authority.evaluate((m) => {
      window.history.pushState(null, '', `/evaluation?month=${m}`);
      window.dispatchEvent(new PopStateEvent('popstate'));
    }, month);
    const at = await answered;
    await authority.locator('[data-testid="evaluation-table"] [data-unit]').first().waitFor();
    await authority.waitForFunction(() => !document.querySelector('.ant-spin-spinning'));
    drawn.push(Date.now() - at);
    rows = await authority.locator('[data-testid="evaluation-table"] [data-unit]').count();
  }
  drawn.sort((a, b) => a - b);
  const html = readFileSync(join(ROOT, 'web', 'dist', 'index.html'), 'utf8');
  const firstPage = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
  let br = 0;
  let gz = 0;
  for (const f of ['', ...firstPage]) {
    br += await sentBytes(`${c.baseUrl}/${f}`, 'gzip, deflate, br');
    gz += await sentBytes(`${c.baseUrl}/${f}`, 'gzip');
  }
  const all = readdirSync(join(ROOT, 'web', 'dist', 'assets'))
    .filter((f) => !/\.(br|gz)$/.test(f))
    .reduce((s, f) => s + statSync(join(ROOT, 'web', 'dist', 'assets', f)).size, 0);
  console.log(JSON.stringify({ list50_interactive_ms_median: runs[3], list50_interactive_ms_min: runs[0], list50_interactive_ms_max: runs[6], evaluation_rows: rows, evaluation_drawn_after_data_ms_median: drawn[2], evaluation_drawn_after_data_ms_max: drawn[4], first_page_sent_br_kb: Math.round(br / 1024), first_page_sent_gzip_kb: Math.round(gz / 1024), first_page_files: firstPage.length + 1, all_assets_kb: Math.round(all / 1024) }));
} finally {
  await c.stop();
}
