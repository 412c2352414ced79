// 批量操作 in the work lists other than the ticket list: the workbench's queues offer, on the rows
// ticked, the action the queue waits for (归档 on 待归档, 签收 on a unit's 待签收) and export, and
// nothing else; the callback desk exports its selection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

async function openQueue(page: Page, baseUrl: string, queue: string): Promise<number> {
  await page.goto(`${baseUrl}/workbench?queue=${queue}`);
  const table = page.locator(`[data-testid="queue-table"][data-queue="${queue}"]`);
  await table.locator('tbody tr.ant-table-row').first().waitFor();
  return Number(await page.getByTestId(`queue-${queue}-count`).innerText());
}

const barButtons = (page: Page) => page.locator('[data-testid="bulk-bar"] button[data-testid^="bulk-"]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-testid')));

describe('console: bulk actions in the workbench and the callback desk', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('the centre archives the ticked rows of 待归档 from its workbench; other queues offer export only', async () => {
    const { page } = await c.loginAs('centre1');
    const before = await openQueue(page, c.baseUrl, 'to_archive');
    assert.ok(before >= 2, `the demo has tickets to archive (${before})`);
    const rows = page.locator('[data-testid="queue-table"] tbody tr.ant-table-row');
    const ticked = [await rows.nth(0).getAttribute('data-row-key'), await rows.nth(1).getAttribute('data-row-key')];
    await rows.nth(0).locator('.ant-table-selection-column input[type="checkbox"]').check();
    await rows.nth(1).locator('.ant-table-selection-column input[type="checkbox"]').check();
    await page.locator('[data-testid="bulk-bar"][data-selected="2"]').waitFor();
    assert.deepEqual(await barButtons(page), ['bulk-archive', 'bulk-export']);
    await page.getByTestId('bulk-archive').click();
    await page.getByTestId('bulk-bar').waitFor({ state: 'detached' });
    await page.locator(`[data-testid="queue-to_archive-count"]`).getByText(String(before - 2), { exact: true }).waitFor();
    for (const no of ticked) {
      const t = await page.evaluate(async (n) => (await fetch(`/api/v1/tickets/${n}`)).json(), no);
      assert.equal(t.status, 'archived', `${no} archived`);
    }

    await openQueue(page, c.baseUrl, 'callback');
    await page.locator('[data-testid="queue-table"] tbody tr.ant-table-row').first().locator('.ant-table-selection-column input[type="checkbox"]').check();
    await page.locator('[data-testid="bulk-bar"][data-selected="1"]').waitFor();
    assert.deepEqual(await barButtons(page), ['bulk-export']);
    const download = page.waitForEvent('download');
    await page.getByTestId('bulk-export').click();
    assert.equal((await download).suggestedFilename(), '工单导出.xlsx');
  });

  it('a unit signs the ticked rows of 待签收 from its workbench', async () => {
    const { page } = await c.loginAs('zjj.staff');
    const before = await openQueue(page, c.baseUrl, 'to_sign');
    assert.ok(before >= 1, `the demo has tickets for ZJJ to sign (${before})`);
    const first = page.locator('[data-testid="queue-table"] tbody tr.ant-table-row').first();
    const no = await first.getAttribute('data-row-key');
    await first.locator('.ant-table-selection-column input[type="checkbox"]').check();
    await page.locator('[data-testid="bulk-bar"][data-selected="1"]').waitFor();
    assert.deepEqual(await barButtons(page), ['bulk-sign', 'bulk-export']);
    await page.getByTestId('bulk-sign').click();
    await page.getByTestId('bulk-bar').waitFor({ state: 'detached' });
    await page.locator(`[data-testid="queue-to_sign-count"]`).getByText(String(before - 1), { exact: true }).waitFor();
    const t = await page.evaluate(async (n) => (await fetch(`/api/v1/tickets/${n}`)).json(), no);
    assert.equal(t.status, 'in_progress');
  });

  it('the callback desk exports the ticked rows', async () => {
    const { page } = await c.loginAs('centre1');
    await page.goto(`${c.baseUrl}/callback`);
    const first = page.locator('[data-testid="callback-queue"] tbody tr.ant-table-row').first();
    await first.waitFor();
    await first.locator('.ant-table-selection-column input[type="checkbox"]').check();
    await page.locator('[data-testid="bulk-bar"][data-selected="1"]').waitFor();
    assert.deepEqual(await barButtons(page), ['bulk-export']);
    const download = page.waitForEvent('download');
    await page.getByTestId('bulk-export').click();
    assert.equal((await download).suggestedFilename(), '工单导出.xlsx');
  });
  it('picking another ticket on the callback desk hides the last one until the new one is loaded', async () => {
    const { page } = await c.loginAs('centre1');
    await page.goto(`${c.baseUrl}/callback`);
    const rows = page.locator('[data-testid="callback-queue"] tbody tr.ant-table-row');
    await rows.nth(1).waitFor();
    const [first, second] = [await rows.nth(0).getAttribute('data-ticket-no'), await rows.nth(1).getAttribute('data-ticket-no')];
    await page.locator(`[data-testid="callback-ticket"][data-ticket-no="${first}"]`).waitFor();
    // The second ticket answers slowly: meanwhile the first one's form must not take a result.
    await page.route(`**/api/v1/tickets/${second}`, async (route) => {
      await new Promise((r) => setTimeout(r, 3000));
      await route.continue();
    });
    await rows.nth(1).click();
    await page.locator(`[data-testid="callback-ticket"][data-ticket-no="${first}"]`).waitFor({ state: 'detached', timeout: 1500 });
    assert.equal(await page.getByTestId('callback-form').count(), 0);
    await page.locator(`[data-testid="callback-ticket"][data-ticket-no="${second}"]`).waitFor();
    await page.getByTestId('callback-form').waitFor();
  });
});
