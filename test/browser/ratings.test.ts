// 差评处理 in a real browser on the demo data: the centre records an unsatisfied callback (which opens a
// 差评 review) through the API, verifies it as the unit's fault on /ratings; the ticket's lead unit
// sees it without the rater's name or phone and rectifies; the centre records the callback and the
// review reads 已办结.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CONSOLE_CHANGE_HEADERS, SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

/** Demo unit users (src/config/cities/mudanjiang.ts) by the unit they work in. */
const STAFF_OF: Record<string, string> = { ZJJ: 'zjj.staff', SCJGJ: 'scjgj.staff', DAQ: 'daq.staff', RDGS: 'rdgs.staff', 'DAQ-XAJD': 'xajd.staff' };

describe('console: 差评处理', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  let ticketNo = '';
  let reviewId = 0;
  let staff = '';
  let requester = { name: '', phone: '' };
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  async function openReview(page: Page) {
    await page.getByRole('menuitem', { name: '差评处理' }).click();
    await page.waitForURL(/\/ratings/);
    await page.getByTestId(`review-${reviewId}`).click();
    const detail = page.getByTestId('review-detail');
    await detail.waitFor();
    return detail;
  }

  it('the centre records an unsatisfied callback and verifies the 差评 as the unit’s fault', async () => {
    const { page } = await c.loginAs('centre1');
    // A demo ticket waiting for its callback, led by a unit that has a demo user, with a named requester.
    for (let p = 1; !ticketNo; p++) {
      const list = await (await page.request.get(`${c.baseUrl}/api/v1/tickets?status=callback&pageSize=100&page=${p}`)).json();
      assert.ok(list.items.length, 'no demo ticket in the callback state led by a unit with a demo user');
      for (const t of list.items) {
        if (!t.leadUnit || !STAFF_OF[t.leadUnit.code]) continue;
        const full = await (await page.request.get(`${c.baseUrl}/api/v1/tickets/${t.no}`)).json();
        if (full.requester.kind !== 'person' || full.requester.confidential || !full.requester.name || !full.requester.phone) continue;
        ticketNo = t.no;
        staff = STAFF_OF[t.leadUnit.code];
        requester = { name: full.requester.name, phone: full.requester.phone };
        break;
      }
    }
    const words = `问题没有解决，请打${requester.phone}找我`;
    const cb = await page.request.post(`${c.baseUrl}/api/v1/tickets/${ticketNo}/actions/callback`, { headers: CONSOLE_CHANGE_HEADERS, data: { reached: true, satisfaction: 'unsatisfied', words, reasonable: true } });
    assert.equal(cb.status(), 200, await cb.text());
    const reviews = await (await page.request.get(`${c.baseUrl}/api/v1/ratings/reviews?ticketNo=${ticketNo}`)).json();
    assert.equal(reviews.items.length, 1);
    reviewId = reviews.items[0].id;

    const detail = await openReview(page);
    const row = page.getByTestId('ratings-table').locator(`tr[data-row-key="${reviewId}"]`);
    await row.getByText('待核实').waitFor();
    await row.locator('[data-light]').waitFor();
    assert.equal(await row.getByRole('link', { name: ticketNo }).getAttribute('href'), `/tickets/${ticketNo}`);
    // The centre, who calls back, sees the rater.
    assert.match((await detail.getByTestId('review-rater').textContent()) ?? '', new RegExp(requester.phone));
    assert.equal(await detail.getByTestId('review-status').textContent(), '待核实');

    const verify = detail.getByTestId('review-action-verify');
    await verify.getByRole('button', { name: '提交核实' }).click();
    await verify.getByText('请选择差评分类').waitFor();
    await verify.getByText('承办单位原因', { exact: true }).click();
    await verify.getByLabel('核实意见').fill('经核实，承办单位未彻底解决');
    await verify.getByRole('button', { name: '提交核实' }).click();
    await detail.getByTestId('review-status').getByText('待整改').waitFor();
    await detail.getByTestId('review-history').getByText('承办单位原因：经核实，承办单位未彻底解决').waitFor();
    assert.equal(await detail.getByTestId('review-action-verify').count(), 0);
  });

  it('the lead unit sees it without the rater’s identity and rectifies', async () => {
    const { page } = await c.loginAs(staff);
    const detail = await openReview(page);
    await detail.getByTestId('review-action-rectify').waitFor();
    await detail.getByTestId('review-action-appeal').waitFor();
    assert.equal(await detail.getByTestId('review-rater').count(), 0);
    const shown = (await page.getByTestId('ratings-table').textContent()) + ((await detail.textContent()) ?? '');
    assert.ok(!shown.includes(requester.phone), 'the unit sees the rater’s phone');
    assert.ok(!shown.includes(requester.name), 'the unit sees the rater’s name');
    assert.match((await detail.getByTestId('review-comment').textContent()) ?? '', /问题没有解决，请打\d{3}\*{4}\d{2}找我/);
    assert.equal(await page.getByTestId('ratings-unit-filter').count(), 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'ratings.png') });

    const rectify = detail.getByTestId('review-action-rectify');
    await rectify.getByText('已整改', { exact: true }).click();
    await rectify.getByLabel('整改情况或说明').fill('已重新派员上门处理，问题已解决，并建立回头看机制。');
    await rectify.getByRole('button', { name: '提交整改反馈' }).click();
    await detail.getByTestId('review-status').getByText('待回访').waitFor();
    assert.equal(await detail.getByTestId('review-action-appeal').count(), 0);
  });

  it('the centre records the callback and the review is closed', async () => {
    const { page } = await c.loginAs('centre1');
    const api = await (await page.request.get(`${c.baseUrl}/api/v1/ratings/reviews/${reviewId}`)).json();
    await page.goto(`${c.baseUrl}/ratings?status=callback&unit=${api.unit.code}&review=${reviewId}`);
    await page.getByTestId('ratings-table').locator(`tr[data-row-key="${reviewId}"]`).waitFor();
    const detail = page.getByTestId('review-detail');
    const form = detail.getByTestId('review-action-callback');
    await form.getByText('已联系上', { exact: true }).click();
    await form.getByText('认可', { exact: true }).click();
    await form.getByLabel('回访记录').fill('评价人认可整改结果');
    await form.getByRole('button', { name: '记录回访' }).click();
    await detail.getByTestId('review-status').getByText('已办结').waitFor();
    const history = detail.getByTestId('review-history');
    await history.locator('[data-step="rectify"]').getByText('已整改：已重新派员上门处理', { exact: false }).waitFor();
    await history.locator('[data-step="callback"]').getByText('评价人认可整改：评价人认可整改结果').waitFor();
    const after = await (await page.request.get(`${c.baseUrl}/api/v1/ratings/reviews/${reviewId}`)).json();
    assert.equal(after.status, 'closed');
    assert.equal(after.callback.result, 'accepted');
  });
});
