// The admin's interface pages in a real browser on the demo data: an API key whose secret is shown
// once (and works), a webhook subscription scoped to 住建局 to a receiver that refuses the first delivery, the dead
// letter it leaves, its 重放 (delivered the second time, 重放 gone), and an SMS opt-out added on
// 短信退订 (listed masked, the number then refused SMS) and removed again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { DEMO_PASSWORD, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';
import { intakeBody } from '../support/app.ts';

describe('console: API keys, webhook subscriptions with dead letters, SMS opt-outs', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  let receiver: Server;
  let receiverUrl = '';
  const received: Array<{ status: number; eventId: string }> = [];
  let refuseNext = 1;
  before(async () => {
    c = await startConsole();
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = refuseNext > 0 ? 422 : 200;
        if (refuseNext > 0) refuseNext--;
        received.push({ status, eventId: String(req.headers['x-hotline-event-id']) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/events`;
  });
  after(async () => {
    await c?.stop();
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  });

  const call = async (method: 'GET' | 'POST' | 'PUT', path: string, headers: Record<string, string> = {}, body?: object) => {
    const res = await fetch(`${c.baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('API 密钥: created with scopes from the list, the secret shown once, listed without it, revoked', async () => {
    const { page } = await c.loginAs('admin');
    await page.getByRole('menuitem', { name: 'API 密钥' }).click();
    await page.getByTestId('apikeys-page').waitFor();
    await page.getByTestId('apikey-new').click();
    await page.getByTestId('apikey-form-name').fill('省 12345 平台（测试）');
    await page.getByTestId('apikey-form-scopes').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '省/国家平台转办工单查询' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /创\s*建/ }).click();
    const secret = (await page.getByTestId('apikey-secret').inputValue()).trim();
    assert.match(secret, /^mdj_[A-Za-z0-9_-]{43}$/);
    assert.match(await page.locator('.ant-modal').filter({ hasText: '密钥已创建' }).innerText(), /只显示这一次/);
    await page.getByTestId('apikey-copy').waitFor();
    // The key works for its scope.
    assert.equal((await call('GET', '/api/v1/transfer/tickets/NONE', { 'x-api-key': secret })).status, 404);
    await page.getByRole('button', { name: '我已保存' }).click();
    const row = page.locator('tr').filter({ hasText: '省 12345 平台（测试）' });
    const text = await row.innerText();
    assert.ok(!text.includes(secret), 'the list never shows the key');
    assert.match(text, /省\/国家平台转办工单查询/);
    assert.match(text, /从未使用|\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    assert.match(text, /有效/);
    assert.doesNotMatch(text, /T\d{2}:\d{2}|transfer:read/, 'no raw ISO time or scope code on screen');
    await row.getByRole('button', { name: /吊\s*销/ }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /^吊\s*销$/ }).click();
    await row.filter({ hasText: '已吊销' }).waitFor();
    assert.equal((await call('GET', '/api/v1/transfer/tickets/NONE', { 'x-api-key': secret })).status, 403);
  });

  it('Webhook 订阅: created, its refused delivery listed as a dead letter, replayed and delivered', async () => {
    const { page } = await c.loginAs('admin');
    await page.getByRole('menuitem', { name: 'Webhook 订阅' }).click();
    await page.getByTestId('webhooks-page').waitFor();
    await page.getByTestId('webhook-new').click();
    await page.getByTestId('webhook-form-name').fill('测试接收方');
    await page.getByTestId('webhook-form-url').fill(receiverUrl);
    // Scoped to 住建局: the ticket below is dispatched to it, so its events still arrive.
    await page.getByTestId('webhook-form-unit').locator('input').fill('住房和城乡建设局');
    await page.locator('.ant-select-tree-node-content-wrapper').filter({ hasText: /^市住房和城乡建设局$/ }).click();
    await page.getByRole('button', { name: /创\s*建/ }).click();
    assert.match(await page.getByTestId('webhook-secret').innerText(), /\S{16,}/);
    await page.getByRole('button', { name: '我已保存' }).click();
    const row = page.locator('tr').filter({ hasText: '测试接收方' });
    assert.match(await row.innerText(), /全部事件/);
    assert.match(await row.innerText(), /仅市住房和城乡建设局的工单/);

    // A ticket event; the receiver refuses it (422), so the delivery becomes a dead letter.
    const login = await call('POST', '/api/v1/auth/login', {}, { username: 'agent1', password: DEMO_PASSWORD });
    const created = await call('POST', '/api/v1/tickets', { authorization: `Bearer ${login.body.token}` }, intakeBody({ requester: { kind: 'person', name: '张三丰', phone: '13812345678' }, dispatch: { leadUnitCode: 'ZJJ' } }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await until('the refused delivery', () => received.length >= 1);
    const subId = (await call('GET', '/api/v1/webhooks', { authorization: `Bearer ${(await call('POST', '/api/v1/auth/login', {}, { username: 'admin', password: DEMO_PASSWORD })).body.token}` })).body.items.find((s: any) => s.name === '测试接收方').id;
    await page.getByTestId(`webhook-letters-${subId}`).click();
    const letters = page.getByTestId('dead-letters');
    // The dead letter is written when the relay gives up; reopen until it is listed.
    await until('the dead letter', async () => {
      if ((await letters.locator('button').filter({ hasText: /重\s*放/ }).count()) > 0) return true;
      await page.locator('.ant-drawer-close').click();
      await page.getByTestId(`webhook-letters-${subId}`).click();
      await letters.waitFor();
      return false;
    });
    const text = await letters.innerText();
    assert.match(text, /接收方拒收（4xx），不再重试/);
    assert.match(text, /HTTP 422/);
    assert.match(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    assert.doesNotMatch(text, /rejected|T\d{2}:\d{2}:/);
    await letters.locator('button').filter({ hasText: /重\s*放/ }).first().click();
    await page.locator('.ant-message-notice').filter({ hasText: '已重放' }).waitFor();
    await letters.getByText(/已于 .* 重放/).first().waitFor();
    // The ticket's later events went on once the first was given up; the replay brings the first back.
    const first = received[0]!;
    await until('the replayed delivery, under the original event id', () => received.some((r) => r.status === 200 && r.eventId === first.eventId));
    await page.locator('.ant-drawer-close').click();

    // Stopping it from the list.
    await page.getByTestId(`webhook-active-${subId}`).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /^停\s*用$/ }).click();
    await page.locator('.ant-message-notice').filter({ hasText: '已停用' }).waitFor();
  });

  it('短信退订: a number added is listed masked and refused SMS, then removed', async () => {
    const { page } = await c.loginAs('admin');
    await page.getByRole('menuitem', { name: '短信退订' }).click();
    await page.getByTestId('sms-optouts-page').waitFor();
    await page.getByTestId('optout-new').click();
    await page.getByTestId('optout-form-phone').fill('13955556666');
    await page.locator('.ant-modal').getByRole('button', { name: /^添\s*加$/ }).click();
    await page.locator('.ant-message-notice').filter({ hasText: '139****6666 已退订短信' }).waitFor();
    const row = page.locator('tr').filter({ hasText: '139****6666' });
    await row.waitFor();
    assert.ok(!(await page.getByTestId('sms-optouts-page').innerText()).includes('13955556666'), 'numbers are shown masked');
    const token = (await call('POST', '/api/v1/auth/login', {}, { username: 'admin', password: DEMO_PASSWORD })).body.token;
    const status = () => call('GET', '/api/v1/sms/opt-outs/status?phone=13955556666', { authorization: `Bearer ${token}` });
    assert.equal((await status()).body.optedOut, true);
    await row.getByRole('button', { name: /移\s*除/ }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /^移\s*除$/ }).click();
    await page.locator('.ant-message-notice').filter({ hasText: '已恢复接收短信' }).waitFor();
    await row.waitFor({ state: 'detached' });
    assert.equal((await status()).body.optedOut, false);
  });
});
