// 承办人 and 内部备注 in the console: the unit head names a staff member 承办人 of a newly dispatched
// ticket; the staff member finds it under 我的待办 (workbench and list), opens it and adds an internal
// note, which the timeline shows marked internal; the head sees the note too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD } from '../../src/demo/load.ts';
import { SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';
import { join } from 'node:path';

describe('承办人 and internal notes in the console', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(async () => c?.stop());

  it('a unit head assigns a ticket to a staff member, who sees it under 我的待办 and adds an internal note', async () => {
    const login = await fetch(`${c.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent1', password: DEMO_PASSWORD }) });
    const { token } = (await login.json()) as { token: string };
    const phone = `136${String(Date.now()).slice(-8)}`;
    const created = await fetch(`${c.baseUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'phone',
        type: 'complaint',
        categoryCode: 'ZFWY-WY',
        requester: { kind: 'person', name: '魏秋实', phone },
        facts: '承办人测试：小区二次供水水箱长期未清洗，自来水有异味，物业不予处理。',
        address: '爱民区某小区3号楼',
        disposition: 'dispatch',
        dispatch: { leadUnitCode: 'ZJJ' },
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const no = ((await created.json()) as { no: string }).no;

    // The head names zjj.staff 承办人.
    const head = await c.loginAs('zjj.head');
    await head.page.goto(`${c.baseUrl}/tickets/${no}`);
    await head.page.getByTestId('ticket-actions').getByRole('button', { name: '指定承办人' }).click();
    const dialog = head.page.getByRole('dialog');
    await dialog.getByTestId('assignee-select').click();
    await head.page.locator('.ant-select-item-option').filter({ hasText: '（zjj.staff）' }).click();
    const answered = head.page.waitForResponse((r) => r.url().endsWith(`/tickets/${no}/actions/assign`));
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    const response = await answered;
    assert.equal(response.status(), 200, await response.text());
    const assignees = head.page.getByTestId('ticket-assignees');
    await assignees.waitFor();
    const staffName = ((await response.json()) as { assignees: Array<{ name: string; username: string }> }).assignees.find((a) => a.username === 'zjj.staff')!.name;
    assert.match(await assignees.innerText(), new RegExp(staffName));
    await head.page.getByTestId('ticket-timeline').locator('[data-event="assign"]').filter({ hasText: `承办人：${staffName}` }).waitFor();

    // The staff member: 我的待办 on the workbench, then in the list.
    const staff = await c.loginAs('zjj.staff');
    await staff.page.goto(`${c.baseUrl}/workbench`);
    const mine = staff.page.getByTestId('queue-mine-count');
    await mine.waitFor();
    const mineCount = Number(await mine.innerText());
    assert.ok(mineCount >= 1, 'the workbench counts 我的待办');
    await staff.page.goto(`${c.baseUrl}/tickets`);
    await staff.page.getByTestId('scope-switch').getByText('我的待办').click();
    await staff.page.waitForURL(/queue=mine/);
    // The status tabs count the staff member's own tickets, as the workbench does, not the unit's.
    await staff.page.locator(`[data-testid="status-counts"] [data-status="all"][data-count="${mineCount}"]`).waitFor();
    const row = staff.page.getByTestId('ticket-list').locator('tr', { hasText: no });
    await row.waitFor();
    assert.match(await row.getByTestId('row-assignee').innerText(), new RegExp(staffName));
    await staff.page.screenshot({ path: join(SCREENSHOTS, 'unit-mine-queue.png') });

    // The internal note.
    await staff.page.goto(`${c.baseUrl}/tickets/${no}`);
    await staff.page.getByTestId('ticket-actions').getByRole('button', { name: '内部备注' }).click();
    const noteDialog = staff.page.getByRole('dialog');
    await noteDialog.getByLabel('备注内容').fill('已约物业周三上午清洗水箱，届时现场查看');
    const noted = staff.page.waitForResponse((r) => r.url().endsWith(`/tickets/${no}/actions/note`));
    await noteDialog.getByRole('button', { name: /确\s*定/ }).click();
    assert.equal((await noted).status(), 200);
    const entry = staff.page.getByTestId('ticket-timeline').locator('[data-event="note"]');
    await entry.getByTestId('internal-note').filter({ hasText: '已约物业周三上午清洗水箱' }).waitFor();
    assert.match(await entry.innerText(), /内部备注/);
    assert.match(await entry.innerText(), /仅内部可见/);
    await staff.page.screenshot({ path: join(SCREENSHOTS, 'unit-internal-note.png') });

    // The head sees it on reload; the citizen's portal tracking does not show it.
    await head.page.reload();
    await head.page.getByTestId('internal-note').filter({ hasText: '已约物业周三上午清洗水箱' }).waitFor();
    const tracked = await fetch(`${c.baseUrl}/api/v1/public/portal/track`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ no, phoneLast4: phone.slice(-4) }) });
    assert.ok(tracked.status < 500);
    assert.ok(!(await tracked.text()).includes('清洗水箱'), 'the portal never shows an internal note');
  });
});
