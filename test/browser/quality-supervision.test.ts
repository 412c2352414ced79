// 质效督办 (第二十六条) in a real browser on the demo data: the demo's quality send-backs are listed on the
// 督办 page as supervised items of their own, with their article, deadline and light, and filtered by kind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

describe('console: a quality send-back is a 督办 item', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('the centre finds the 质效督办 items on the 督办 page and opens one', async () => {
    const { page } = await c.loginAs('centre1');
    await page.goto(`${c.baseUrl}/supervision/items?kind=quality`);
    const rows = page.getByTestId('supervision-items').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    const text = await rows.first().innerText();
    assert.match(text, /质效督办/);
    assert.match(text, /MDJ\d{14}/);
    await rows.first().getByText('质效督办').click();
    const detail = page.getByTestId('supervision-item-detail');
    await detail.waitFor();
    assert.match(await page.locator('.ant-drawer-title').innerText(), /质效督办（第二十六条）/);
    assert.match(await detail.innerText(), /质效审核退回重办/);
  });
});
