// After an admin resets a password, the console shows only the change form: the temporary password,
// a weak new one refused with the policy's message under its field, then a good one, and the user
// is in. In a real browser on the demo data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';
import { join } from 'node:path';

describe('console: the forced change of password after an admin’s reset', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('shows only the change form until the user has chosen a password that holds the policy', async () => {
    const admin = await fetch(`${c.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }) });
    const { token } = (await admin.json()) as { token: string };
    const reset = await fetch(`${c.baseUrl}/api/v1/users/agent1/password`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ password: 'Temp-pass-2026' }) });
    assert.equal(reset.status, 200);

    const context = await c.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${c.baseUrl}/login`);
    await page.getByLabel('用户名').fill('agent1');
    await page.getByLabel('密码').fill('Temp-pass-2026');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('forced-password').waitFor();
    assert.equal(await page.getByTestId('page').count(), 0, 'no console page behind it');

    await page.getByLabel('当前（临时）密码').fill('Temp-pass-2026');
    await page.getByLabel('新密码', { exact: true }).fill('12345678');
    await page.getByLabel('确认新密码').fill('12345678');
    await page.getByRole('button', { name: /修\s*改\s*密\s*码/ }).click();
    await page.getByText('新密码至少 10 位').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'forced-password.png') });

    await page.getByLabel('新密码', { exact: true }).fill('Agent-own-2026');
    await page.getByLabel('确认新密码').fill('Agent-own-2026');
    await page.getByRole('button', { name: /修\s*改\s*密\s*码/ }).click();
    await page.getByTestId('page').first().waitFor({ state: 'attached' });
    assert.equal(await page.getByTestId('forced-password').count(), 0);
    await context.close();
  });
});
