// 效能监察 and 督办 in a real browser on the demo data: the centre reads the board's red counts and drills
// into a unit; the authority (who sends 督办函, 第二十七条(三)) issues one on a ticket of that unit; the
// unit sees it on its workbench and replies in writing; the authority accepts and closes it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

describe('console: supervision board and a 督办函 from issue to closure', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  let ticketNo = '';
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    c = await startConsole();
  });
  after(() => c?.stop());

  it('the centre opens 效能监察, sees red counts and drills into 住建局', async () => {
    const { page } = await c.loginAs('centre1');
    await page.getByRole('link', { name: '效能监察' }).click();
    await page.waitForURL(/\/supervision$/);
    const red = page.getByTestId('board-total-red');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="board-total-red"]')?.textContent?.replace(/,/g, '') ?? 0) > 0);
    assert.ok(Number((await red.innerText()).replace(/,/g, '')) > 0, 'the demo has overdue duties');
    await page.getByTestId('board-units').locator('tbody tr.ant-table-row').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'supervision-board.png') });
    await page.getByTestId('board-unit-ZJJ').click();
    const items = page.getByTestId('board-unit-items');
    await items.locator('tbody tr.ant-table-row a').first().waitFor();
    ticketNo = (await items.locator('tbody tr.ant-table-row a').first().innerText()).trim();
    assert.match(ticketNo, /^MDJ\d{14}$/);
    await page.getByTestId('notification-bell').waitFor();
  });

  it('the authority issues a 督办函 on that ticket from its detail page', async () => {
    const { page } = await c.loginAs('authority1');
    await page.goto(`${c.baseUrl}/tickets/${ticketNo}`);
    await page.getByTestId('ticket-status').waitFor();
    await page.getByTestId('supervise-open').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('专项督办（督办函）').click();
    // The unit is picked from the searchable unit tree, by name or code.
    await dialog.getByTestId('supervision-unit').locator('input').fill('住房');
    await page.locator('.ant-select-tree-node-content-wrapper', { hasText: '（ZJJ）' }).click();
    await dialog.getByLabel('督办事项').fill('诉求人对处理结果不满意，请于2个工作日内书面说明整改措施');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.goto(`${c.baseUrl}/supervision/items`);
    const row = page.getByTestId('supervision-items').locator('tbody tr.ant-table-row', { hasText: ticketNo }).first();
    await row.waitFor();
    assert.match(await row.innerText(), /专项督办/);
    assert.match(await row.innerText(), /待回复/);
  });

  it('the unit sees it on its workbench and replies in writing', async () => {
    const { page } = await c.loginAs('zjj.staff');
    const block = page.getByTestId('workbench-supervision');
    await block.waitFor();
    assert.match(await block.innerText(), new RegExp(ticketNo));
    await block.getByRole('link', { name: new RegExp(ticketNo) }).click();
    const detail = page.getByTestId('supervision-item-detail');
    await detail.waitFor();
    await detail.getByLabel('书面回复').fill('已约谈物业公司负责人，责令三日内完成整改，并已电话告知诉求人。');
    await detail.getByTestId('supervision-reply-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="supervision-item-status"]')?.textContent === '已回复待验收');
    assert.match(await detail.getByTestId('supervision-reply-content').innerText(), /约谈物业公司/);
  });

  it('the authority reads the reply (its bell counts it) and closes the item', async () => {
    const { page } = await c.loginAs('authority1');
    const bell = page.getByTestId('notification-bell');
    await bell.waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="notification-bell"]')?.getAttribute('data-unread') ?? 0) > 0);
    await page.goto(`${c.baseUrl}/supervision/items`);
    await page.getByTestId('supervision-items').locator('tbody tr.ant-table-row', { hasText: ticketNo }).first().click();
    const detail = page.getByTestId('supervision-item-detail');
    await detail.waitFor();
    await detail.getByLabel('验收意见').fill('整改措施明确，同意办结');
    await detail.getByTestId('supervision-accept').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="supervision-item-status"]')?.textContent === '已办结');
  });
});
