// A real shift's speed-ups in Chromium on the demo: the centre archives 100 closed tickets in one
// bulk action from the list; during a call the agent opens the caller's earlier ticket in a new tab
// and reads it (no second intake form), and a second tab on the same call knows the call is being
// registered in the first, then that it is registered.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { DEMO_PASSWORD, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

const CALLER = '13904530001';

describe('console: bulk actions and the call in several tabs', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  async function tokenOf(username: string): Promise<string> {
    const res = await fetch(`${c.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    return ((await res.json()) as { token: string }).token;
  }
  async function count(token: string, status: string): Promise<number> {
    const res = await fetch(`${c.baseUrl}/api/v1/tickets?status=${status}&pageSize=1`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { total: number }).total;
  }

  it('archives 100 closed tickets selected with the page checkbox, in one action', async () => {
    const token = await tokenOf('centre1');
    const closedBefore = await count(token, 'closed');
    const archivedBefore = await count(token, 'archived');
    assert.ok(closedBefore >= 100, `the demo has ${closedBefore} closed tickets`);
    const { page } = await c.loginAs('centre1');
    await page.goto(`${c.baseUrl}/tickets?status=closed&pageSize=100`);
    const list = page.getByTestId('ticket-list');
    await page.locator('[data-testid="ticket-list"] tr[data-ticket-no]').nth(99).waitFor();
    await list.locator('thead .ant-table-selection-column input[type="checkbox"]').check();
    await page.locator('[data-testid="bulk-bar"][data-selected="100"]').waitFor();
    const started = Date.now();
    await page.getByTestId('bulk-archive').click();
    await page.getByText('批量归档：已完成 100 张', { exact: false }).or(page.getByText('归档：已完成 100 张')).first().waitFor({ timeout: 120_000 });
    const seconds = (Date.now() - started) / 1000;
    console.log(`bulk archive of 100 tickets in the browser: ${seconds.toFixed(1)} s`);
    assert.equal(await count(token, 'closed'), closedBefore - 100);
    assert.equal(await count(token, 'archived'), archivedBefore + 100);
    await page.getByTestId('bulk-bar').waitFor({ state: 'detached' });
  });

  it('exports the selected tickets to .xlsx with the download’s progress shown', async () => {
    const { page } = await c.loginAs('centre1');
    await page.goto(`${c.baseUrl}/tickets?pageSize=20`);
    const rows = page.locator('[data-testid="ticket-list"] tr[data-ticket-no]');
    await rows.nth(19).waitFor();
    const nos = await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-ticket-no')));
    await page.getByTestId('ticket-list').locator('thead .ant-table-selection-column input[type="checkbox"]').check();
    await page.locator('[data-testid="bulk-bar"][data-selected="20"]').waitFor();
    const download = page.waitForEvent('download');
    await page.getByTestId('bulk-export').click();
    const saved = await download;
    assert.equal(saved.suggestedFilename(), '工单导出.xlsx');
    await page.locator('[data-testid="bulk-export-progress"][data-phase="done"][data-percent="100"]').waitFor();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile((await saved.path())!)) as unknown as ArrayBuffer);
    const text = JSON.stringify(wb.worksheets[0].getSheetValues());
    for (const no of nos) assert.ok(text.includes(no!), `${no} in the file`);
  });

  it('during a call a new tab shows the earlier ticket, and a second intake tab knows the call is taken', async () => {
    const admin = await tokenOf('admin');
    const keyRes = await fetch(`${c.baseUrl}/api/v1/apikeys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'CTI 适配器（多标签页）', scopes: ['cti:events'], ratePerMinute: 600 }),
    });
    const switchKey = ((await keyRes.json()) as { key: string }).key;
    const { context, page } = await c.loginAs('agent1');
    await page.getByTestId('seat-bar').waitFor();
    await page.getByTestId('seat-bar').getByRole('button', { name: /签\s*入/ }).click();
    await page.locator('[data-testid="seat-bar"][data-state="ready"]').waitFor();
    const id = `HW-TAB-${Date.now()}`;
    const now = () => new Date().toISOString();
    const cti = await fetch(`${c.baseUrl}/api/v1/cti/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${switchKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [
        { callId: id, seq: 1, type: 'offered', at: now(), caller: CALLER, trunk: '12345', queue: 'general' },
        { callId: id, seq: 2, type: 'answered', at: now(), agent: 'agent1' },
      ] }),
    });
    assert.equal(cti.status, 200);
    await page.waitForURL(/\/intake\?call=\d+/);
    const callId = new URL(page.url()).searchParams.get('call')!;
    await page.getByTestId('call-pop').waitFor();

    // The caller's earlier ticket, opened in a new tab from the history panel, stays on screen while
    // the seat bar of the new tab polls the busy seat (several polls).
    const link = page.getByTestId('intake-history').locator('a[href^="/tickets/MDJ"]').first();
    await link.waitFor();
    const no = (await link.textContent())!.trim();
    const [ticketTab] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await ticketTab.waitForURL(new RegExp(`/tickets/${no}$`));
    await ticketTab.getByText(no).first().waitFor();
    await ticketTab.waitForTimeout(5_000);
    assert.match(ticketTab.url(), new RegExp(`/tickets/${no}$`), 'the new tab is not turned into a second intake form');

    // A second tab on the same call: told the first tab registers it, and refused locally.
    const second = await context.newPage();
    await second.goto(`${c.baseUrl}/intake?call=${callId}`);
    await second.getByTestId('call-pop-other-tab').waitFor();

    await page.getByLabel('诉求事实').fill('来电反映家中暖气仍然不热，要求热电公司上门检查');
    await page.getByRole('button', { name: '暂存待派' }).click();
    const result = page.getByTestId('intake-result-no');
    await result.waitFor();
    const made = (await result.textContent())!.trim();
    // The second tab learns the ticket number without a reload, and still registers nothing.
    await second.getByTestId('call-pop-registered').getByText(made).waitFor();
    await second.getByLabel('诉求事实').fill('同一来电再登记一次');
    await second.getByRole('button', { name: '暂存待派' }).click();
    await second.getByTestId('intake-form-error').waitFor();
    assert.match((await second.getByTestId('intake-form-error').textContent())!, new RegExp(`已登记为工单 ${made}`));
    // And the server refuses a second ticket for the call even when a page does not ask it.
    const again = await second.request.post(`${c.baseUrl}/api/v1/tickets`, {
      headers: { 'x-hotline-csrf': '1' },
      data: { channel: 'phone', type: 'help', requester: { phone: CALLER }, facts: '重复登记', disposition: 'pending', callId },
    });
    assert.equal(again.status(), 409);
    assert.equal(((await again.json()) as { ticketNo: string }).ticketNo, made);
  });
});
