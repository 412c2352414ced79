// The reports page in a real browser on the demo data (~380 tickets over the past six weeks): the
// demo month's 月报 draws its charts, and its figures are the API's; a unit user gets its own
// subtree; the 社情民意 tab lists hot topics per district.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

// The month of three weeks ago: the demo's six weeks give it at least three weeks of tickets on any day
// (early in a month, the current month has only a few days of them).
const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
  .format(new Date(Date.now() - 21 * 86_400_000))
  .slice(0, 7);

async function apiGet(page: Page, path: string) {
  return page.evaluate(async (p) => (await fetch(`/api/v1${p}`, { credentials: 'same-origin' })).json(), path);
}

/** Whether a chart's canvas has been drawn on: some pixel is not blank. */
async function canvasDrawn(page: Page, testId: string): Promise<{ width: number; height: number; painted: boolean }> {
  const canvas = page.getByTestId(testId).locator('canvas').first();
  await canvas.waitFor();
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let painted = false;
    for (let i = 3; i < data.length; i += 4 * 97) if (data[i] !== 0) { painted = true; break; }
    return { width: c.width, height: c.height, painted };
  });
}

describe('console: reports', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    c = await startConsole();
  });
  after(() => c?.stop());

  it('the centre opens the demo month’s 月报: charts render and the table shows the API’s figures', async () => {
    const { page } = await c.loginAs('centre1', { width: 1440, height: 900 });
    await page.getByRole('menuitem', { name: '统计报表' }).click();
    await page.waitForURL(/\/reports/);
    await page.goto(`${c.baseUrl}/reports?kind=monthly&period=${month}`);
    await page.getByTestId('report-view').waitFor();
    const api = await apiGet(page, `/reports/monthly?month=${month}`);
    // The city-wide report's 话务 card shows the API's figures.
    assert.ok(api.calls, 'a city-wide report has a calls section');
    await page.getByTestId('report-calls').waitFor();
    assert.equal(Number((await page.getByTestId('calls-offered').innerText()).replace(/,/g, '')), api.calls.serviceLevels.offered);
    assert.equal(
      await page.getByTestId('calls-missed').innerText(),
      `${api.calls.missedCalls.missed} / ${api.calls.missedCalls.calledBack} / ${api.calls.missedCalls.reached}`,
    );
    assert.ok(api.totals.tickets > 100, `the demo month has tickets: ${api.totals.tickets}`);
    assert.match(await page.getByTestId('report-title').innerText(), new RegExp(`${Number(month.slice(5))}月月报（全市）`));

    for (const chart of ['chart-trend', 'chart-channels', 'chart-categories']) {
      const drawn = await canvasDrawn(page, chart);
      assert.ok(drawn.width > 200 && drawn.height > 100, `${chart} has a size: ${JSON.stringify(drawn)}`);
      assert.ok(drawn.painted, `${chart} is drawn`);
    }

    assert.equal(Number((await page.getByTestId('total-tickets').innerText()).replace(/,/g, '')), api.totals.tickets);
    const phone = api.byChannel.find((r: { key: string }) => r.key === 'phone');
    const row = page.getByTestId('table-channel').locator('tr', { hasText: phone.name });
    assert.equal(Number(await row.getByTestId('count').innerText()), phone.count);
    const topCategory = api.byCategory[0];
    const catRow = page.getByTestId('table-category').locator('tr', { has: page.getByRole('cell', { name: topCategory.name, exact: true }) });
    assert.equal(Number(await catRow.getByTestId('count').innerText()), topCategory.count);

    // The downloads are the same report as files.
    const xlsx = await page.evaluate(async (m) => {
      const res = await fetch(`/api/v1/reports/monthly?month=${m}&format=xlsx`);
      return { status: res.status, type: res.headers.get('content-type'), size: (await res.arrayBuffer()).byteLength };
    }, month);
    assert.equal(xlsx.status, 200);
    assert.match(String(xlsx.type), /spreadsheetml/);
    assert.ok(xlsx.size > 5000);
    // The PDF button downloads with its progress shown, under the server's file name.
    const download = page.waitForEvent('download');
    await page.getByTestId('download-pdf').click();
    const saved = await download;
    assert.equal(saved.suggestedFilename(), `12345热线月报_${month}.pdf`);
    assert.equal((await readFile((await saved.path())!)).subarray(0, 5).toString(), '%PDF-');
    await page.locator('[data-testid="download-pdf-progress"][data-phase="done"][data-percent="100"]').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'reports-monthly.png'), fullPage: false });

    // The week view is one click away.
    await page.getByTestId('kind').getByText('周报').click();
    await page.waitForURL(/kind=weekly/);
    await page.getByTestId('report-title').filter({ hasText: /周周报/ }).waitFor();
    await canvasDrawn(page, 'chart-trend');
  });

  it('社情民意: hot topics per district', async () => {
    const { page } = await c.loginAs('authority1', { width: 1440, height: 900 });
    await page.goto(`${c.baseUrl}/reports?tab=hot`);
    await page.getByTestId('hot-topics').waitFor();
    await page.getByTestId('live-spikes').waitFor();
    const cards = page.locator('[data-testid^="district-"]');
    await cards.first().waitFor();
    assert.ok((await cards.count()) >= 3, 'several districts have tickets in the last week');
    await page.screenshot({ path: join(SCREENSHOTS, 'reports-hot-topics.png'), fullPage: false });
  });

  it('a unit user’s report covers its own subtree', async () => {
    const { page } = await c.loginAs('zjj.staff', { width: 1366, height: 768 });
    await page.goto(`${c.baseUrl}/reports?kind=monthly&period=${month}`);
    await page.getByTestId('report-view').waitFor();
    assert.match(await page.getByTestId('report-title').innerText(), /市住房和城乡建设局及下级单位/);
    const api = await apiGet(page, `/reports/monthly?month=${month}`);
    const city = await apiGet(page, `/reports/archive`);
    assert.equal(city.status, 403, 'no city-wide archive for a unit');
    assert.equal(Number((await page.getByTestId('total-tickets').innerText()).replace(/,/g, '')), api.totals.tickets);
    assert.equal(await page.getByTestId('archive').count(), 0);
    assert.equal(api.calls, undefined, 'no calls section for a unit');
    assert.equal(await page.getByTestId('report-calls').count(), 0);
  });
});
