// The admin's 强制退出 and 重置两步验证 on 用户与角色, in a real browser on the demo data: ending a
// user's sessions makes the session they hold answer 401; resetting a user's two-step login (after
// they enrolled through the API) ends their session and lets them in with the password alone. The
// admin's own row, two-step login on, offers no reset.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';
import { totpCode } from '../../src/auth/totp.ts';

describe('console: an admin ends a user’s sessions and resets their two-step login', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  /** A request to the API as a client other than the console would make it: a bearer token, no cookie. */
  const call = async (method: 'GET' | 'POST', path: string, token?: string, body?: object) => {
    const res = await fetch(`${c.baseUrl}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const login = async (username: string) => {
    const res = await call('POST', '/auth/login', undefined, { username, password: DEMO_PASSWORD });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { token?: string; step?: string };
  };
  /** Enrols the user's two-step login through the API; answers the session token used to do it. */
  const enrol = async (username: string) => {
    const { token } = await login(username);
    const secret = (await call('POST', '/auth/totp/enrol', token, {})).body.secret as string;
    const confirmed = await call('POST', '/auth/totp/confirm', token, { code: totpCode(secret, Date.now()) });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    return token!;
  };
  /** Clicks the row's action and the confirmation's OK; answers the message the page then shows. */
  const confirmAction = async (page: Page, testId: string, title: string, ok: RegExp) => {
    await page.getByTestId(testId).click();
    const popup = page.locator('.ant-popconfirm').filter({ hasText: title });
    await popup.getByRole('button', { name: ok }).click();
    const notice = page.locator('.ant-message-notice').last();
    await notice.waitFor();
    return notice.innerText();
  };

  it('强制退出 ends every session of the user', async () => {
    const first = (await login('agent1')).token!;
    const second = (await login('agent1')).token!;
    assert.equal((await call('GET', '/auth/me', first)).status, 200);

    const { page } = await c.loginAs('admin');
    await page.goto(`${c.baseUrl}/admin/users`);
    await page.getByTestId('revoke-sessions-agent1').waitFor();
    const popupText = page.locator('.ant-popconfirm').filter({ hasText: '强制退出 agent1？' });
    await page.getByTestId('revoke-sessions-agent1').click();
    assert.match(await popupText.innerText(), /所有已登录的会话立即失效/);
    await popupText.getByRole('button', { name: /取\s*消/ }).click();
    await popupText.waitFor({ state: 'hidden' });
    assert.equal((await call('GET', '/auth/me', first)).status, 200, 'cancelling changes nothing');

    const text = await confirmAction(page, 'revoke-sessions-agent1', '强制退出 agent1？', /^强制退出$/);
    assert.match(text, /已强制退出 agent1，2 个登录会话已失效/);
    assert.equal((await call('GET', '/auth/me', first)).status, 401);
    assert.equal((await call('GET', '/auth/me', second)).status, 401);
    // The account itself is untouched: a new login works.
    assert.equal((await call('GET', '/auth/me', (await login('agent1')).token)).status, 200);
  });

  it('重置两步验证 removes the user’s codes and ends their sessions; the admin’s own row offers none', async () => {
    const { page } = await c.loginAs('admin');
    const leadSession = await enrol('lead1');
    await enrol('admin');
    assert.equal((await login('lead1')).step, 'totp', 'lead1 now needs a code');

    await page.goto(`${c.baseUrl}/admin/users`);
    await page.getByTestId('reset-totp-lead1').waitFor();
    assert.match(await page.getByTestId('totp-lead1').innerText(), /已启用/);
    assert.match(await page.getByTestId('totp-admin').innerText(), /已启用/);
    assert.match(await page.getByTestId('totp-agent1').innerText(), /未启用/);
    assert.equal(await page.getByTestId('reset-totp-admin').count(), 0, 'no reset of one’s own two-step login');
    assert.equal(await page.getByTestId('reset-totp-agent1').count(), 0, 'nothing to reset without two-step login');

    await page.getByTestId('reset-totp-lead1').click();
    const popup = page.locator('.ant-popconfirm').filter({ hasText: '重置 lead1 的两步验证？' });
    assert.match(await popup.innerText(), /密钥和恢复码将被删除/);
    await popup.getByRole('button', { name: /取\s*消/ }).click();
    await popup.waitFor({ state: 'hidden' });

    const text = await confirmAction(page, 'reset-totp-lead1', '重置 lead1 的两步验证？', /^重\s*置$/);
    assert.match(text, /已重置 lead1 的两步验证，其 1 个登录会话已失效/);
    assert.equal((await call('GET', '/auth/me', leadSession)).status, 401);
    await page.getByTestId('totp-lead1').filter({ hasText: '未启用' }).waitFor();
    assert.equal(await page.getByTestId('reset-totp-lead1').count(), 0);

    const again = await login('lead1');
    assert.equal(again.step, undefined, 'the password alone logs in');
    assert.equal((await call('GET', '/auth/totp', again.token)).body.enabled, false);
  });
});
