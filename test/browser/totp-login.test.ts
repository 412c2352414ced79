// Two-step login in a real browser: a user enrols on 账户安全 (QR code and secret, a first code,
// recovery codes shown once), then logs in with password and code in a fresh browser; a wrong code
// is refused with the server's message and no session.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';
import { totpCode, TOTP_PERIOD } from '../../src/auth/totp.ts';

describe('console: two-step login', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('enrol on 账户安全, then log in with the code', async () => {
    const { page } = await c.loginAs('lead1');
    await page.getByTestId('account-security').click();
    await page.waitForURL(/\/account\/security/);
    assert.match(await page.getByTestId('totp-status').innerText(), /未启用/);
    await page.getByRole('button', { name: '启用两步验证' }).click();
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.ok(await page.getByTestId('totp-enrolment').locator('canvas, svg').count(), 'a QR code is drawn');
    const enrolledAt = Date.now();
    await page.getByTestId('totp-confirm').getByLabel('验证码').fill(totpCode(secret, enrolledAt));
    await page.getByRole('button', { name: '确认启用' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    assert.equal((await page.getByTestId('recovery-codes').innerText()).match(/[a-z2-9]{5}-[a-z2-9]{5}/g)?.length, 10);
    assert.match(await page.getByTestId('totp-status').innerText(), /已启用/);

    // A fresh browser: the password alone does not get in.
    const context = await c.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce' });
    context.setDefaultTimeout(60_000);
    try {
      const fresh = await context.newPage();
      await fresh.goto(`${c.baseUrl}/login`);
      await fresh.getByLabel('用户名').fill('lead1');
      await fresh.getByLabel('密码').fill(DEMO_PASSWORD);
      await fresh.getByRole('button', { name: /登\s*录/ }).click();
      const code = fresh.getByLabel('动态验证码');
      await code.waitFor();
      assert.equal((await context.cookies()).some((k) => k.name === 'hotline_session'), false, 'no session before the code');

      await code.fill('000000' === totpCode(secret, Date.now()) ? '111111' : '000000');
      await fresh.getByRole('button', { name: /验\s*证/ }).click();
      await fresh.getByText('验证码错误').waitFor();
      assert.ok(fresh.url().endsWith('/login'));

      // The code used to enrol is spent; the next step's code (within the ±1 window) is fresh.
      await code.fill(totpCode(secret, enrolledAt + TOTP_PERIOD * 1000));
      await fresh.getByRole('button', { name: /验\s*证/ }).click();
      await fresh.waitForURL((url) => !url.pathname.startsWith('/login'));
      assert.match(await fresh.getByTestId('current-user').innerText(), /张海燕/);
      assert.equal((await context.cookies()).some((k) => k.name === 'hotline_session'), true);
    } finally {
      await context.close();
    }
  });
});
