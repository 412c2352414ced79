// A unit learns of new work as it is dispatched: the centre dispatches in its own browser, and the
// unit's open workbench, in another, shows the notice within 2 s, its bell counts it and the
// 待签收 queue grows, without a reload. Also what `npm start` printed while it got ready.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD } from '../../src/demo/load.ts';
import { startConsole, type RunningConsole } from './support.ts';

describe('notifications pushed to the console', () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(async () => c?.stop());

  it('npm start printed its steps, then the console and portal addresses', () => {
    const out = c.output();
    for (const step of ['正在准备数据库', '载入演示数据：演示工单', '载入演示数据：知识库', '已载入演示数据', '正在启动服务']) assert.ok(out.includes(step), `printed ${step}:\n${out}`);
    assert.ok(out.includes(`控制台:   ${c.baseUrl}/`), out);
    assert.ok(out.includes(`市民门户: ${c.baseUrl}/portal`), out);
    assert.ok(out.indexOf('正在准备数据库') < out.indexOf('控制台:'), 'the addresses come last, when it is ready');
  });

  it('the unit sees a ticket the centre dispatches within 2 s, without reloading', async () => {
    // A request waiting for dispatch, recorded by an agent (物业 → 住建局 by its category).
    const login = await fetch(`${c.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent1', password: DEMO_PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    const created = await fetch(`${c.baseUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'phone',
        type: 'complaint',
        categoryCode: 'ZFWY-WY',
        requester: { kind: 'person', name: '韩冬梅', phone: `137${String(Date.now()).slice(-8)}` },
        facts: '推送测试：小区电梯停运三天，物业未给出维修时间，老人上下楼困难。',
        address: '东安区某小区9号楼',
        disposition: 'pending',
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const no = ((await created.json()) as { no: string }).no;

    const unit = await c.loginAs('zjj.staff');
    await unit.page.goto(`${c.baseUrl}/workbench`);
    const toSign = unit.page.getByTestId('queue-to_sign-count');
    await toSign.waitFor();
    const signBefore = Number(await toSign.innerText());
    const bell = unit.page.getByTestId('notification-bell');
    const unreadBefore = Number(await bell.getAttribute('data-unread'));
    const unitUrl = unit.page.url();
    // The console opened its push socket with the page.
    await unit.page.locator('[data-testid="notification-bell"][data-push="on"]').waitFor();

    const centre = await c.loginAs('centre1');
    await centre.page.goto(`${c.baseUrl}/tickets/${no}`);
    await centre.page.getByTestId('ticket-actions').getByRole('button', { name: '派单' }).click();
    const dialog = centre.page.getByRole('dialog');
    await dialog.getByText('主办单位').first().waitFor();
    const answered = centre.page.waitForResponse((r) => r.url().endsWith(`/tickets/${no}/actions/dispatch`));
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    const response = await answered;
    assert.equal(response.status(), 200, await response.text());
    const dispatchedAt = Date.now();

    const popup = unit.page.getByTestId('notification-popup').filter({ hasText: no });
    await popup.waitFor({ timeout: 10_000 });
    const after = Date.now() - dispatchedAt;
    assert.ok(after <= 2000, `the notice showed ${after} ms after the dispatch answered`);
    console.log(`notice shown ${after} ms after the dispatch answered`);
    assert.match(await popup.innerText(), /新派工单（主办）/);
    assert.equal(unit.page.url(), unitUrl, 'no navigation, no reload');
    await unit.page.waitForFunction((n) => Number(document.querySelector('[data-testid="notification-bell"]')?.getAttribute('data-unread')) >= n, unreadBefore + 1);
    await unit.page.waitForFunction((n) => Number(document.querySelector('[data-testid="queue-to_sign-count"]')?.textContent) === n, signBefore + 1);
    // The unit's notice carries no personal data of the requester.
    const shown = await unit.page.locator('body').innerText();
    assert.ok(!shown.includes('韩冬梅'), 'no requester name on the unit screen');

    // Open the list from the bell, follow the notice to the ticket.
    await bell.click();
    await unit.page.getByTestId('notification-list').getByText(`新派工单（主办）：${no}`).click();
    await unit.page.waitForURL((u) => u.pathname === `/tickets/${no}`);
  });
});
