// Call handling (话务管理) in a real browser on the demo data: the agent works the seat bar, a call
// posted by the switch's CTI adapter pops the intake desk with the caller's number and history, the
// ticket keeps the call and its recording; the team lead's wall shows the busy seat and the waiting
// queue; a 第三十二条 restriction is asked for by the team lead and approved by the centre; a message
// becomes a ticket with its text.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

/** The demo's caller with an open heating ticket (src/demo/load.ts). */
const CALLER = '13904530001';
const WAITING_CALLER = '13904536666';
const ABUSIVE = '13904538888';

describe('console: call handling', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  let switchKey: string;
  let agentPage: Page;
  /** The switch's id of the call agent1 takes first. */
  let callA = '';
  /** The switch's id of the call left waiting in the queue. */
  let callB = '';
  const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

  /** What the switch's adapter does: post events with its API key. */
  async function cti(events: object[]) {
    const res = await fetch(`${c.baseUrl}/api/v1/cti/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${switchKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as { accepted: number; restrictions: Array<{ callId: string; until: string; notice: string }> };
  }

  async function tokenOf(username: string): Promise<string> {
    const res = await fetch(`${c.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    return ((await res.json()) as { token: string }).token;
  }

  before(async () => {
    c = await startConsole();
    const admin = await tokenOf('admin');
    const res = await fetch(`${c.baseUrl}/api/v1/apikeys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '华为呼叫中心 CTI 适配器', scopes: ['cti:events', 'messages:write'], ratePerMinute: 600 }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    switchKey = ((await res.json()) as { key: string }).key;
  });
  after(() => c?.stop());

  it('the agent logs on, goes not ready and ready from the keyboard; an answered call pops the intake desk; the ticket keeps the call', async () => {
    ({ page: agentPage } = await c.loginAs('agent1'));
    const page = agentPage;
    const bar = page.getByTestId('seat-bar');
    await bar.waitFor();
    assert.equal(await page.getByTestId('seat-state').textContent(), '签出');
    await bar.getByRole('button', { name: /签\s*入/ }).click();
    await page.locator('[data-testid="seat-bar"][data-state="ready"]').waitFor();
    assert.equal(await page.getByTestId('seat-state').textContent(), '就绪');

    // Not ready with a reason (Alt+N opens the reasons, the arrow keys pick 用餐), then ready again with Alt+R.
    await page.keyboard.press('Alt+n');
    await page.getByRole('menuitem', { name: '小休' }).waitFor();
    // The menu takes the focus a moment after it opens; then step down until 用餐 is the active item.
    await page.waitForFunction(() => !!document.activeElement?.closest('.ant-dropdown-menu'));
    const active = () => page.evaluate(() => document.querySelector('.ant-dropdown-menu-item-active')?.textContent ?? '');
    for (let i = 0; i < 8 && !(await active()).includes('用餐'); i++) {
      const before = await active();
      await page.keyboard.press('ArrowDown');
      // Each key moves the active item: wait for the move before the next key, however busy the machine.
      await page.waitForFunction((b) => (document.querySelector('.ant-dropdown-menu-item-active')?.textContent ?? '') !== b, before);
    }
    assert.match(await active(), /用餐/);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="seat-bar"][data-state="not_ready"]').waitFor();
    assert.equal(await page.getByTestId('seat-state').textContent(), '小休（用餐）');
    await page.keyboard.press('Alt+r');
    await page.locator('[data-testid="seat-bar"][data-state="ready"]').waitFor();

    // The switch offers a call to the general queue, rings agent1, agent1 picks up: 12 s of waiting.
    callA = `HW-A-${Date.now()}`;
    const offeredAt = Date.now() - 12_000;
    await cti([
      { callId: callA, seq: 1, type: 'offered', at: new Date(offeredAt).toISOString(), caller: CALLER, trunk: '12345', queue: 'general' },
      { callId: callA, seq: 2, type: 'ringing', at: iso(), agent: 'agent1' },
      { callId: callA, seq: 3, type: 'answered', at: iso(), agent: 'agent1' },
    ]);
    await page.waitForURL(/\/intake\?call=\d+/);
    const callId = new URL(page.url()).searchParams.get('call')!;
    const pop = page.getByTestId('call-pop');
    await pop.waitFor();
    assert.equal(await page.getByTestId('call-pop-caller').textContent(), CALLER);
    assert.match((await page.getByTestId('call-pop-wait').textContent())!, /等待 1[2-4] 秒/);
    assert.match((await pop.textContent())!, /12345 综合话务/);
    // The caller's open heating ticket from the demo, in the banner and in the history panel.
    assert.match((await page.getByTestId('call-pop-open').textContent())!, /未办结工单 [1-9]\d* 张/);
    assert.equal(await page.getByLabel('联系电话').inputValue(), CALLER);
    await page.getByTestId('intake-history').getByText('MDJ', { exact: false }).first().waitFor();
    assert.equal(await page.getByTestId('call-pop-restricted').count(), 0);
    assert.equal(await page.getByTestId('seat-state').textContent(), '通话中');
    await page.screenshot({ path: join(SCREENSHOTS, 'calls-screen-pop.png') });

    await page.getByLabel('诉求事实').fill('来电反映家中暖气仍然不热，室温14度，要求热电公司尽快上门');
    await page.getByRole('button', { name: '暂存待派' }).click();
    const result = page.getByTestId('intake-result-no');
    await result.waitFor();
    const no = (await result.textContent())!.trim();
    await pop.waitFor({ state: 'detached' });
    assert.ok(!new URL(page.url()).searchParams.has('call'), 'the call leaves the URL once its ticket is recorded');

    const ticket = (await (await page.request.get(`${c.baseUrl}/api/v1/tickets/${no}`)).json()) as { callId: string; call: { id: number; recordingUrl: string | null } | null };
    assert.equal(ticket.callId, callId);
    assert.equal(ticket.call?.id, Number(callId));

    // The recording arrives from the switch; the ticket's page links it.
    const recording = `https://recordings.example.gov.cn/12345/${callA}.wav`;
    await cti([{ callId: callA, seq: 4, type: 'recording', at: iso(), recordingUrl: recording }]);
    await page.goto(`${c.baseUrl}/tickets/${no}`);
    const shown = page.getByTestId('ticket-call');
    await shown.waitFor();
    assert.equal(await shown.getAttribute('data-call-id'), callId);
    await shown.getByText('12345 综合话务').waitFor();
    assert.equal(await page.getByTestId('ticket-call-recording').getAttribute('href'), recording);
    // Leaving the desk does not pop the same call again.
    await page.waitForTimeout(2500);
    assert.match(page.url(), new RegExp(`/tickets/${no}$`));
  });

  it("the team lead's wall shows the busy seat and a queue waiting past 15 s; the call's end starts the wrap-up countdown", async () => {
    callB = `HW-B-${Date.now()}`;
    await cti([{ callId: callB, seq: 1, type: 'offered', at: iso(-30_000), caller: WAITING_CALLER, trunk: '12345', queue: 'general' }]);
    const { page } = await c.loginAs('lead1');
    await page.getByRole('menuitem', { name: '坐席监控' }).click();
    await page.waitForURL(/\/calls\/wall/);
    const tile = page.getByTestId('seat-tile-agent1');
    await tile.waitFor();
    assert.equal(await tile.getAttribute('data-state'), 'busy');
    assert.match((await tile.textContent())!, new RegExp(`通话中.*${CALLER}`));
    const general = page.getByTestId('wall-queues').locator('tr[data-row-key="general"]');
    await general.waitFor();
    assert.equal((await general.locator('td').nth(1).textContent())!.trim(), '1');
    const longest = general.getByTestId('queue-longest');
    assert.equal(await longest.evaluate((el) => getComputedStyle(el).color), 'rgb(245, 34, 45)');
    assert.ok(Number(await page.getByTestId('wall-offered').textContent()) >= 2);
    assert.equal(await page.getByTestId('wall-count-busy').textContent(), '通话中 1');
    // The wall fits the screen of a 1366×768 monitor.
    const box = (await page.getByTestId('call-wall').boundingBox())!;
    assert.ok(box.y + box.height <= 768, `the wall ends at ${box.y + box.height}px`);
    await page.screenshot({ path: join(SCREENSHOTS, 'calls-wall.png') });

    // The caller hangs up: agent1 is in after-call work with the limit counting down, then ready by key.
    await cti([{ callId: callA, seq: 5, type: 'ended', at: iso() }]);
    await agentPage.locator('[data-testid="seat-bar"][data-state="wrap_up"]').waitFor();
    assert.match((await agentPage.getByTestId('seat-timer').textContent())!, /^剩余 [01]:\d\d$/);
    await tile.and(page.locator('[data-state="wrap_up"]')).waitFor({ timeout: 15_000 });
    await agentPage.keyboard.press('Alt+r');
    await agentPage.locator('[data-testid="seat-bar"][data-state="ready"]').waitFor();

    // 话务统计 has today's calls by the hour, the short abandons in a column of their own.
    await page.getByRole('menuitem', { name: '话务统计' }).click();
    await page.waitForURL(/\/calls\/stats/);
    const stats = page.getByTestId('call-stats');
    const first = stats.locator('tbody tr[data-row-key]').first();
    await first.waitFor();
    await stats.getByRole('columnheader', { name: '短时放弃（单列）' }).waitFor();
    const offered = await stats.locator('tbody tr[data-row-key]').evaluateAll((rows) => rows.reduce((n, r) => n + Number(r.querySelectorAll('td')[1]?.textContent ?? 0), 0));
    assert.ok(offered >= 2, `${offered} calls offered today`);
  });

  it('the waiting caller hangs up: the call waits in 漏接回拨 until an agent claims it and reaches the caller', async () => {
    await cti([{ callId: callB, seq: 2, type: 'abandoned', at: iso() }]);
    const page = agentPage;
    await page.goto(`${c.baseUrl}/calls/missed`);
    const list = page.getByTestId('missed-calls');
    await list.locator('tbody tr[data-row-key]').first().waitFor();
    // The queue runs oldest first (the demo leaves earlier ones): the newest is on the last page.
    const pages = page.locator('.ant-pagination-item');
    if (await pages.count()) await pages.last().click();
    const row = list.locator('tbody tr', { hasText: WAITING_CALLER });
    await row.getByText('未认领').waitFor();
    await row.getByRole('button', { name: /认\s*领/ }).click();
    await row.getByRole('button', { name: '记录回拨' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: '已联系上' }).check();
    await dialog.getByLabel('备注').fill('来电人称已找到答复，无需再办');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    const done = (await (await page.request.get(`${c.baseUrl}/api/v1/missed-calls?status=done`)).json()) as { items: Array<{ caller: string; claimedBy: string; lastOutcome: string }> };
    const entry = done.items.find((m) => m.caller === WAITING_CALLER);
    assert.equal(entry?.claimedBy, 'agent1');
    assert.equal(entry?.lastOutcome, 'reached');
  });

  it('a restriction is asked for by the team lead and approved by another person at the centre; the screen-pop warns of it', async () => {
    // The abusive caller is already waiting when the restriction comes into force.
    const callC = `HW-C-${Date.now()}`;
    await cti([{ callId: callC, seq: 1, type: 'offered', at: iso(-5_000), caller: ABUSIVE, trunk: '12345', queue: 'general' }]);

    const { page: lead } = await c.loginAs('lead1');
    await lead.getByRole('menuitem', { name: '限制呼入' }).click();
    await lead.waitForURL(/\/calls\/restrictions/);
    await lead.getByRole('button', { name: '申请限制' }).click();
    const dialog = lead.getByRole('dialog');
    await dialog.getByLabel('号码').fill(ABUSIVE);
    await dialog.getByLabel('原因（第三十二条）').click();
    await lead.getByTitle('骚扰、侮辱、威胁热线工作人员').click();
    await dialog.getByLabel('限制天数').fill('7');
    await dialog.getByLabel('情况说明').fill('一日内来电40余次，辱骂话务员');
    await dialog.getByRole('button', { name: '提交申请' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const leadRow = lead.getByTestId('restrictions').locator('tbody tr', { hasText: ABUSIVE });
    await leadRow.getByText('待审批').waitFor();
    assert.equal(await leadRow.getByRole('button', { name: /批\s*准/ }).count(), 0, 'who asked may not approve');

    const { page: centre } = await c.loginAs('centre1');
    await centre.getByRole('menuitem', { name: '限制呼入' }).click();
    const row = centre.getByTestId('restrictions').locator('tbody tr', { hasText: ABUSIVE });
    await row.getByRole('button', { name: /批\s*准/ }).click();
    await row.getByText('生效中').waitFor();
    const until = (await row.getByTestId('restriction-until').textContent())!;
    const expected = new Date(Date.now() + 8 * 3600_000 + 7 * 86_400_000).toISOString().slice(0, 10);
    assert.ok(until.startsWith(expected), `expires ${until}, expected ${expected}`);
    await centre.screenshot({ path: join(SCREENSHOTS, 'calls-restrictions.png') });

    // A new call from the number is refused at the switch, with the notice to play.
    const callD = `HW-D-${Date.now()}`;
    const refused = await cti([{ callId: callD, seq: 1, type: 'offered', at: iso(), caller: ABUSIVE, trunk: '12345', queue: 'general' }]);
    assert.equal(refused.restrictions.length, 1);
    assert.equal(refused.restrictions[0]!.callId, callD);

    // The call that was already waiting reaches agent1: the screen-pop says the number is restricted.
    await cti([
      { callId: callC, seq: 2, type: 'ringing', at: iso(), agent: 'agent1' },
      { callId: callC, seq: 3, type: 'answered', at: iso(), agent: 'agent1' },
    ]);
    await agentPage.waitForURL(/\/intake\?call=\d+/);
    const warning = agentPage.getByTestId('call-pop-restricted');
    await warning.waitFor();
    assert.match((await warning.textContent())!, /已被限制呼入.*骚扰、侮辱、威胁热线工作人员/);
    assert.equal(await agentPage.getByLabel('联系电话').inputValue(), ABUSIVE);
    await agentPage.screenshot({ path: join(SCREENSHOTS, 'calls-screen-pop-restricted.png') });
    await cti([{ callId: callC, seq: 4, type: 'ended', at: iso() }]);

    // The centre lifts it early, with a reason.
    await row.getByRole('button', { name: /撤\s*销/ }).click();
    const revoke = centre.getByRole('dialog');
    await revoke.getByLabel('撤销理由').fill('来电人已书面致歉并承诺规范使用热线');
    await revoke.getByRole('button', { name: /撤\s*销/ }).click();
    await revoke.waitFor({ state: 'hidden' });
    await row.getByText('已撤销').first().waitFor();
  });

  it('a message from the online channel is claimed and answered within its 3 minutes, then turned into a ticket with its text and number', async () => {
    const text = `网上留言：光华街路灯连续一周不亮（${Date.now()}）`;
    const res = await fetch(`${c.baseUrl}/api/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${switchKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'online', from: '13904532222', text }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const page = agentPage;
    await page.goto(`${c.baseUrl}/calls/messages`);
    const row = page.getByTestId('messages').locator('tbody tr', { hasText: text });
    await row.getByTestId('message-clock').waitFor();
    assert.match((await row.getByTestId('message-clock').textContent())!, /^剩余 [0-3]:\d\d$/);
    await row.getByRole('button', { name: /认\s*领/ }).click();
    await row.getByText('处理中').waitFor();
    await row.getByRole('button', { name: /回\s*复/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('回复内容').fill('您好，您反映的路灯问题已记录，将转城市管理部门处理。');
    await dialog.getByRole('button', { name: /发\s*送/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    // Answered: the clock stopped within the 3 minutes.
    await page.locator('.ant-segmented-item', { hasText: '已答复' }).click();
    const answered = page.getByTestId('messages').locator('tbody tr', { hasText: text });
    assert.match((await answered.getByText(/^用时 /).textContent())!, /^用时 [0-2]:\d\d$/);
    await answered.getByRole('button', { name: '转工单' }).click();
    await page.waitForURL(/\/intake$/);
    await page.getByLabel('诉求事实').waitFor();
    assert.equal(await page.getByLabel('诉求事实').inputValue(), text);
    assert.equal(await page.getByLabel('联系电话').inputValue(), '13904532222');
  });
});
