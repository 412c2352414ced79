// The monthly evaluation in a real browser on the demo data: the authority opens last month's
// ranking (the figures are the API's), decides on a 通报 trigger, publishes; a unit then sees the
// published ranking with its own row marked, and before that sees that nothing is published.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
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

    await page.getByRole('button', { name: '发布考核结果' }).click();
    await page.getByRole('tooltip').getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByTestId('evaluation-published').waitFor();
  });

  it('after publication the unit sees the ranking, its own row marked', async () => {
    const { page } = await c.loginAs('zjj.staff');
    await page.goto(`${c.baseUrl}/evaluation?month=${month}`);
    const own = page.locator('tr[data-row-key="ZJJ"]');
    await own.waitFor();
    assert.match((await own.getAttribute('class')) ?? '', /ant-table-row-selected/);
    await page.getByTestId('evaluation-published').waitFor();
    assert.equal(await page.getByRole('button', { name: '确认通报' }).count(), 0);
  });
});
