// The monthly evaluation in a real browser on the demo data: the authority opens last month's
// ranking (the figures are the API's), decides on a 通报 trigger, publishes; a unit then sees the
// published ranking with its own row marked, and before that sees that nothing is published. Units
// are listed tier by tier; a click on a figure opens the records behind it, where the authority
// leaves a rating out of 满意率 with a reason; a unit opens only its own figures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

function lastMonth(): string {
  const shanghai = new Date(Date.now() + 8 * 3600_000);
  const y = shanghai.getUTCFullYear();
  const m = shanghai.getUTCMonth(); // 0-based: this is last month's number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
}

describe('console: the monthly evaluation', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  const month = lastMonth();
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('a unit sees that the month is not published yet', async () => {
    const { page } = await c.loginAs('zjj.staff');
    await page.goto(`${c.baseUrl}/evaluation?month=${month}`);
    await page.getByText(`${month} 的考核结果尚未发布`).waitFor();
  });

  it('the authority sees the ranking the API computes, confirms a trigger and publishes', async () => {
    const { page } = await c.loginAs('authority1');
    await page.getByRole('menuitem', { name: '月度考核' }).click();
    await page.waitForURL(/\/evaluation/);
    const table = page.getByTestId('evaluation-table');
    await table.locator('[data-unit]').first().waitFor();
    const api = await (await page.request.get(`${c.baseUrl}/api/v1/evaluation/months/${month}`)).json();
    const scored = api.rows.filter((r: any) => r.score !== null);
    assert.ok(scored.length >= 10, `only ${scored.length} units scored in ${month}`);
    const shown = await table.locator('tbody tr[data-row-key]').evaluateAll((rows) =>
      rows.map((tr) => [tr.getAttribute('data-row-key'), tr.querySelectorAll('td')[2]?.textContent?.trim()]),
    );
    assert.deepEqual(shown, api.rows.map((r: any) => [r.unit.code, r.score === null ? '—' : r.score.toFixed(2)]));

    // A trigger the demo month hit: confirm it as a 通报.
    const hit = api.rows.find((r: any) => r.triggers.length);
    assert.ok(hit, 'the demo month hits no 通报 trigger');
    const row = table.locator(`tr[data-row-key="${hit.unit.code}"]`);
    const trigger = row.locator(`[data-trigger="${hit.triggers[0].key}"]`);
    await trigger.getByText('待确认').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'evaluation.png') });
    await trigger.getByRole('button', { name: '确认通报' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await trigger.getByText('已通报').waitFor();

    // Tiers: one table per tier of the city config, in the API's order.
    const tierKeys = await page.locator('[data-tier]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tier')));
    assert.deepEqual(tierKeys, [...new Set(api.rows.map((r: any) => r.tier?.key ?? ''))]);

    // A click on a figure opens its records; their count is the figure.
    const busy = api.rows.find((r: any) => r.counts.due > 0 && r.counts.rated > 0);
    assert.ok(busy, 'no unit with replies due and ratings in the demo month');
    const busyRow = table.locator(`tr[data-row-key="${busy.unit.code}"]`);
    await busyRow.locator('[data-figure="completionRate"]').click();
    const drawer = page.getByTestId('drilldown');
    await drawer.waitFor();
    assert.equal((await page.getByTestId('drilldown-figure').textContent())?.split(' = ')[0], `${busy.counts.completed} / ${busy.counts.due}`);
    const drill = await (await page.request.get(`${c.baseUrl}/api/v1/evaluation/months/${month}/units/${busy.unit.code}/indicators/completionRate`)).json();
    assert.equal(drill.items.length, busy.counts.due);
    await page.screenshot({ path: join(SCREENSHOTS, 'evaluation-drilldown.png') });
    await page.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });

    // The authority leaves one rating out of 满意率, with a reason: the unit's row shows it.
    await busyRow.locator('[data-figure="satisfactionRate"]').click();
    await page.getByTestId('drilldown-items').getByRole('button', { name: '不计入满意率' }).first().click();
    const reasonDialog = page.getByRole('dialog').filter({ hasText: '不计入满意率：工单' });
    await reasonDialog.getByLabel('理由').fill('经核实诉求人反映事项与承办单位无关，属误评');
    await reasonDialog.getByRole('button', { name: /确\s*定/ }).click();
    await reasonDialog.waitFor({ state: 'hidden' });
    await page.getByTestId('drilldown-left-out').getByText('热线主管部门决定不计入：经核实诉求人反映事项与承办单位无关').waitFor();
    await page.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });
    await busyRow.locator('[data-exclusions="1"]').waitFor();
    const after = await (await page.request.get(`${c.baseUrl}/api/v1/evaluation/months/${month}`)).json();
    const excludedRow = after.rows.find((r: any) => r.unit.code === busy.unit.code);
    assert.equal(excludedRow.counts.ratedExcluded, 1);
    assert.equal(excludedRow.counts.rated, busy.counts.rated - 1);
    assert.equal(excludedRow.exclusions[0].reason, '经核实诉求人反映事项与承办单位无关，属误评');

    await page.getByRole('button', { name: '发布考核结果' }).click();
    await page.getByRole('tooltip').getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByTestId('evaluation-published').waitFor();
  });

  it('exports the ranking as .xlsx and PDF, the progress shown as the file arrives', async () => {
    const { page } = await c.loginAs('authority1');
    await page.goto(`${c.baseUrl}/evaluation?month=${month}`);
    await page.getByTestId('evaluation-table').locator('[data-unit]').first().waitFor();
    const api = await (await page.request.get(`${c.baseUrl}/api/v1/evaluation/months/${month}`)).json();

    const download = page.waitForEvent('download');
    await page.getByTestId('ranking-xlsx').click();
    const xlsx = await download;
    assert.equal(xlsx.suggestedFilename(), `12345热线月度考核通报_${month}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile((await xlsx.path())!)) as unknown as ArrayBuffer);
    const codes: unknown[] = [];
    wb.getWorksheet('月度考核排名')!.eachRow((row, n) => n > 4 && codes.push(row.getCell(3).value));
    assert.deepEqual(codes, api.rows.map((r: any) => r.unit.code));

    // A slow line, so the PDF takes seconds to arrive: the share received is shown on the way.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: 60 * 1024, uploadThroughput: -1 });
    await page.evaluate(`(() => {
      window.__percents = [];
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="ranking-pdf-progress"]');
        if (el) window.__percents.push(el.getAttribute('data-phase') + ':' + el.getAttribute('data-percent'));
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-percent', 'data-phase'] });
    })()`);
    const pdfDownload = page.waitForEvent('download');
    await page.getByTestId('ranking-pdf').click();
    const pdf = await pdfDownload;
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.locator('[data-testid="ranking-pdf-progress"][data-phase="done"][data-percent="100"]').waitFor();
    const seen = (await page.evaluate('window.__percents')) as string[];
    const partial = seen.filter((s) => s.startsWith('receiving:')).map((s) => Number(s.split(':')[1])).filter((p) => p > 0 && p < 100);
    assert.ok(partial.length >= 2, `progress seen: ${seen.join(', ')}`);
    assert.deepEqual(partial, [...partial].sort((a, b) => a - b), 'the share only grows');
    assert.equal(pdf.suggestedFilename(), `12345热线月度考核通报_${month}.pdf`);
    assert.equal((await readFile((await pdf.path())!)).subarray(0, 5).toString(), '%PDF-');
  });

  it('after publication the unit sees the ranking, its own row marked', async () => {
    const { page } = await c.loginAs('zjj.staff');
    await page.goto(`${c.baseUrl}/evaluation?month=${month}`);
    const own = page.locator('tr[data-row-key="ZJJ"]');
    await own.waitFor();
    assert.equal(await own.getAttribute('data-own'), 'true');
    await page.getByTestId('evaluation-published').waitFor();
    assert.equal(await page.getByRole('button', { name: '确认通报' }).count(), 0);
    // Its own figures open; no other unit's.
    assert.equal(await page.locator('tr[data-row-key]:not([data-row-key="ZJJ"]) [data-figure]').count(), 0);
    await own.locator('[data-figure="signOnTimeRate"]').click();
    await page.getByTestId('drilldown').waitFor();
    assert.equal(await page.getByRole('button', { name: '不计入满意率' }).count(), 0);
  });
});
