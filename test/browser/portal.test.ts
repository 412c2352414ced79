// The public portal in a real browser at phone width on the demo data: a citizen submits a request on
// /portal (solving the arithmetic captcha shown on the page), the centre dispatches it and the unit
// replies through the API; the reply stays off the portal until the centre accepts it in review; then
// the citizen tracks it on /portal/track, has the code sent by SMS (read from the development
// gateway's sms.log, the stand-in for the phone) and rates it 不满意, which opens a 差评 review the
// centre sees.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_PASSWORD, SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

function solve(question: string): number {
  const m = /(\d+) ([+−×]) (\d+) = \?/.exec(question);
  assert.ok(m, `unexpected captcha ${question}`);
  const [a, b] = [Number(m[1]), Number(m[3])];
  return m[2] === '+' ? a + b : m[2] === '−' ? a - b : a * b;
}

describe('public portal: submit, track and rate', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  async function as(username: string) {
    const res = await fetch(`${c.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    const { token } = (await res.json()) as { token: string };
    return async (path: string, body?: unknown) => {
      const r = await fetch(`${c.baseUrl}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as any };
    };
  }

  /** The code as the requester's phone gets it: the development SMS gateway writes each message to sms.log. */
  async function codeFromPhone(no: string): Promise<string> {
    for (let i = 0; i < 150; i++) {
      const log = await readFile(join(c.dataDir, 'sms.log'), 'utf8').catch(() => '');
      const m = new RegExp(`${no} 的办理结果，验证码 (\\d{6})`).exec(log);
      if (m) return m[1]!;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('no code in sms.log');
  }

  it('a citizen submits, the unit replies, the centre accepts, the citizen tracks and rates with the SMS code', async () => {
    const context = await c.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${c.baseUrl}/portal`);
    const phone = `139${String(Date.now()).slice(-8)}`;
    await page.getByLabel('诉求类型').selectOption('complaint');
    await page.getByLabel('诉求分类').selectOption('ZFWY-WY');
    await page.getByLabel('诉求内容').fill('网上反映：小区楼道照明损坏两周无人维修，夜间出行不便。');
    await page.getByLabel('涉事地址').fill('西安区某小区2号楼');
    await page.getByLabel('联系电话').fill(phone);
    const question = (await page.getByTestId('captcha-question').textContent()) ?? '';
    await page.getByLabel('验证码：请计算').fill(String(solve(question)));
    await page.getByRole('button', { name: '提交诉求' }).click();
    const no = ((await page.getByTestId('ticket-no').textContent()) ?? '').trim();
    assert.match(no, /^MDJ\d{14}$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'portal-submitted.png') });

    const centre = await as('centre1');
    const ticket = await centre(`/tickets/${no}`);
    assert.equal(ticket.body.channel, 'web');
    assert.equal(ticket.body.status, 'pending_dispatch');
    let dispatched = await centre(`/tickets/${no}/actions/dispatch`, { leadUnitCode: 'ZJJ' });
    if (dispatched.status === 409 && dispatched.body.candidates) {
      dispatched = await centre(`/tickets/${no}/actions/dispatch`, { leadUnitCode: 'ZJJ', distinctFrom: dispatched.body.candidates.map((x: any) => x.no) });
    }
    assert.equal(dispatched.status, 200, JSON.stringify(dispatched.body));
    const unit = await as('zjj.staff');
    assert.equal((await unit(`/tickets/${no}/actions/sign`, {})).status, 200);
    assert.equal((await unit(`/tickets/${no}/actions/reply`, { content: '已安排物业更换楼道灯具，现已恢复照明。' })).status, 200);

    await page.goto(`${c.baseUrl}/portal/track`);
    await page.getByLabel('工单编号').fill(no);
    await page.getByLabel('手机号后四位').fill(phone.slice(-4));
    await page.getByRole('button', { name: '查询' }).click();
    // Not reviewed yet: no reply on the portal, no rating.
    await page.getByText('尚无可公布的答复').waitFor();
    assert.equal(await page.locator('#rate-form').isHidden(), true);

    assert.equal((await centre(`/tickets/${no}/actions/review`, { pass: true })).status, 200);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByTestId('reply').getByText('已安排物业更换楼道灯具').waitFor();
    await page.getByLabel('不满意', { exact: true }).check();
    await page.getByLabel('评价内容（不满意时请说明原因）').fill('灯修好了但又坏了');
    await page.getByRole('button', { name: '发送验证码' }).click();
    await page.getByText(`验证码已发送至尾号 ${phone.slice(-4)} 的手机`).waitFor();
    const code = await codeFromPhone(no);
    await page.getByLabel('短信验证码').fill(code);
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByTestId('rated').getByText('不满意').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'portal-rated.png') });

    const reviews = await centre(`/ratings/reviews?ticketNo=${no}`);
    assert.equal(reviews.body.items.length, 1);
    assert.equal(reviews.body.items[0].status, 'verifying');
    await context.close();
  });
  it('an error leaves no empty box under it, and every control is at least 44 px high at phone width', async () => {
    const context = await c.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce' });
    const page = await context.newPage();
    /** Controls a finger must hit, with their heights: links, buttons, fields, the rating choices. */
    const small = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('a, button, input:not([type=hidden]):not([type=radio]), select, textarea, .levels label')]
          .map((el) => ({ what: `${el.tagName} ${(el.textContent ?? '').trim() || el.getAttribute('name')}`, box: el.getBoundingClientRect() }))
          .filter((x) => x.box.width > 0 && x.box.height < 44)
          .map((x) => `${x.what}: ${Math.round(x.box.height)} px`),
      );
    await page.goto(`${c.baseUrl}/portal`);
    assert.deepEqual(await small(), []);

    await page.goto(`${c.baseUrl}/portal/track`);
    assert.equal(await page.locator('#track-result').isVisible(), false, 'no empty result box before a search');
    await page.getByLabel('工单编号').fill('MDJ20260101999999');
    await page.getByLabel('手机号后四位').fill('0000');
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator('#track-msg.err').waitFor();
    assert.equal(await page.locator('#track-result').isVisible(), false, 'no empty box under the error');
    // The rating form's choices, shown as a citizen with a ticket to rate would see them.
    await page.evaluate(() => (document.getElementById('rate-form')!.hidden = false));
    assert.deepEqual(await small(), []);
    await context.close();
  });
});
