// The lifecycle in a real browser, each step by the role whose job it is: intake → dispatch → sign →
// extension → reply → callback unsatisfied → reply again → callback satisfied → archive; and what
// each role can and cannot see. Screenshots for the docs are taken from the demo data on the way.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

const PHONE = '13945678901';

async function openTicket(page: Page, baseUrl: string, no: string) {
  await page.goto(`${baseUrl}/tickets/${no}`);
  await page.getByTestId('ticket-status').waitFor();
}

async function act(page: Page, label: string, fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) {
  await page.getByTestId('ticket-actions').getByRole('button', { name: label }).click();
  const dialog = page.getByRole('dialog');
  // An action with a form opens a dialog; on a loaded machine it may take a moment to appear.
  if (await dialog.waitFor({ state: 'visible', timeout: fill ? 60_000 : 5_000 }).then(() => true, () => false)) {
    if (fill) await fill(dialog);
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    // A dialog that stays open says why: a field left empty or the server's refusal.
    const refusal = page.locator('.ant-form-item-explain-error, .ant-message-error').first();
    const outcome = await Promise.race([
      dialog.waitFor({ state: 'hidden' }).then(() => null),
      refusal.waitFor().then(() => refusal.innerText()),
    ]);
    if (outcome !== null) throw new Error(`${label}：${outcome}`);
  }
}

async function statusOf(page: Page): Promise<string> {
  return (await page.getByTestId('ticket-status').innerText()).trim();
}

describe('console: a ticket from intake to archive', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  let no = '';
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    c = await startConsole();
  });
  after(() => c?.stop());

  it('the agent records a complaint and dispatches it with one keystroke', async () => {
    const { page } = await c.loginAs('agent1');
    assert.match(new URL(page.url()).pathname, /^\/intake/);
    await page.getByLabel('联系电话').fill(PHONE);
    await page.getByLabel('诉求人姓名').fill('赵建华');
    await page.getByLabel('诉求事实').fill('光华小区5号楼楼道灯坏了一个月，物业一直不修，老人晚上上下楼很危险');
    await page.getByLabel('涉事地址').fill('东安区新安街道光华小区5号楼');
    await page.getByText('投诉', { exact: true }).first().click();
    await page.getByLabel('诉求分类').click();
    await page.keyboard.type('物业服务');
    await page.keyboard.press('Enter');
    await page.screenshot({ path: join(SCREENSHOTS, 'intake-desk.png') });
    await page.getByLabel('诉求事实').focus();
    await page.keyboard.press('Control+Enter');
    const result = page.getByTestId('intake-result-no');
    await result.waitFor();
    no = (await result.innerText()).trim();
    assert.match(no, /^MDJ\d{14}$/);
  });

  it('the unit sees it on its workbench with the phone masked, signs and asks for an extension', async () => {
    const { page } = await c.loginAs('zjj.staff');
    assert.match(new URL(page.url()).pathname, /^\/workbench/);
    await page.getByTestId('queue-to_sign').waitFor();
    await page.getByTestId('queue-table').locator('[data-ticket-no]').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'unit-workbench.png') });
    await openTicket(page, c.baseUrl, no);
    assert.equal((await page.getByTestId('requester-phone').innerText()).trim(), '139****8901');
    assert.equal(await page.getByText(PHONE).count(), 0, 'the full number is nowhere on the page');
    await act(page, '签收');
    assert.equal(await statusOf(page), '办理中');
    await act(page, '申请延期', async (d) => {
      await d.getByLabel('延期工作日数').fill('5');
      await d.getByLabel('理由').fill('需协调物业公司更换楼道线路');
    });
  });

  it('the centre approves the extension', async () => {
    const { page } = await c.loginAs('centre1');
    await openTicket(page, c.baseUrl, no);
    assert.equal((await page.getByTestId('requester-phone').innerText()).trim(), PHONE, 'the centre calls back, so it sees the number');
    await act(page, '延期审批', async (d) => {
      await d.getByText('同意', { exact: true }).click();
    });
    await page.getByTestId('ticket-timeline').getByText('延期审批').first().waitFor();
  });

  it('the unit replies', async () => {
    const { page } = await c.loginAs('zjj.staff');
    await openTicket(page, c.baseUrl, no);
    await act(page, '办理反馈', async (d) => {
      await d.getByLabel('内容').fill('已督促物业更换楼道灯，并电话告知诉求人。');
    });
    assert.equal(await statusOf(page), '待审核');
  });

  it('the centre reviews it and the requester is not satisfied: back to the unit', async () => {
    const { page } = await c.loginAs('centre1');
    await openTicket(page, c.baseUrl, no);
    await act(page, '反馈审核', async (d) => {
      await d.getByText('通过', { exact: true }).click();
    });
    assert.equal(await statusOf(page), '待回访');
    await page.goto(`${c.baseUrl}/callback`);
    await page.getByText(no).first().click();
    // The desk opens on the first ticket of its queue; wait for the one clicked before filling its form.
    await page.locator(`[data-testid="callback-ticket"][data-ticket-no="${no}"]`).waitFor();
    const form = page.getByTestId('callback-form');
    await form.getByText('不满意', { exact: true }).click();
    await form.getByLabel('诉求人原话').fill('灯只换了一层，其他楼层还是黑的');
    await form.getByText('合理', { exact: true }).first().click();
    await form.getByRole('button', { name: /提\s*交|保\s*存|确\s*定/ }).click();
    await openTicket(page, c.baseUrl, no);
    assert.equal(await statusOf(page), '办理中');
  });

  it('the unit replies again and the requester is satisfied; the centre archives', async () => {
    const unit = await c.loginAs('zjj.staff');
    await openTicket(unit.page, c.baseUrl, no);
    await act(unit.page, '办理反馈', async (d) => {
      await d.getByLabel('内容').fill('已更换全部楼层楼道灯，复查正常。');
    });
    const centre = await c.loginAs('centre1');
    await openTicket(centre.page, c.baseUrl, no);
    await act(centre.page, '反馈审核', async (d) => {
      await d.getByText('通过', { exact: true }).click();
    });
    await act(centre.page, '回访', async (d) => {
      await d.getByText('满意', { exact: true }).click();
    });
    assert.equal(await statusOf(centre.page), '已办结');
    await act(centre.page, '归档');
    assert.equal(await statusOf(centre.page), '已归档');
    // The timeline reloads after each action; the archive's own entry is the last to arrive.
    await centre.page.waitForFunction(() => document.querySelector('[data-testid="ticket-timeline"]')?.textContent?.includes('归档'));
    const timeline = await centre.page.getByTestId('ticket-timeline').innerText();
    for (const step of ['受理', '派单', '签收', '申请延期', '延期审批', '办理反馈', '反馈审核', '回访', '归档']) {
      assert.ok(timeline.includes(step), `timeline shows ${step}`);
    }
    await centre.page.screenshot({ path: join(SCREENSHOTS, 'ticket-timeline.png'), fullPage: true });
  });

  it('another unit can neither open the ticket nor find it in its list', async () => {
    const { page } = await c.loginAs('scjgj.staff');
    await page.goto(`${c.baseUrl}/tickets/${no}`);
    await page.getByText(/不存在/).first().waitFor();
    assert.equal(await page.getByTestId('ticket-status').count(), 0);
    await page.goto(`${c.baseUrl}/tickets?q=${no}`);
    await page.getByTestId('ticket-list').waitFor();
    assert.equal(await page.getByTestId('ticket-list').getByText(no).count(), 0);
  });

  it('unit staff on a phone see the masked number and the actions', async () => {
    const { page } = await c.loginAs('zjj.staff', { width: 390, height: 844 });
    await openTicket(page, c.baseUrl, no);
    assert.equal((await page.getByTestId('requester-phone').innerText()).trim(), '139****8901');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
  });
});
