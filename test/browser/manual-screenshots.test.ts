// The pictures of the user manual (docs/manual/): each role logs in on the demo data and opens the
// pages its manual shows. Every page must draw its own heading, not 无权限 and not a blank frame, so a
// page that breaks fails here; with HOTLINE_UPDATE_SCREENSHOTS=1 the pictures go to
// docs/screenshots/manual/, otherwise to a scratch directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

const OUT = join(SCREENSHOTS, 'manual');

interface Shot {
  /** The access-table entry (web/src/access.ts) the guard marks the page with. */
  entry: string;
  /** The file name under docs/screenshots/manual/, without .png. */
  file: string;
  /** The heading the page draws: its title, or the ticket's number on a ticket's page. */
  heading: string | RegExp;
}

const TICKET_NO = /^MDJ\d{14}$/;

const SHOTS: Array<{ username: string; shots: Shot[] }> = [
  {
    username: 'agent1',
    shots: [
      { entry: '/intake', file: 'agent-intake', heading: '受理台' },
      { entry: '/workbench', file: 'agent-workbench', heading: '话务员工作台' },
      { entry: '/tickets', file: 'agent-tickets', heading: '工单列表' },
      { entry: '/kb', file: 'agent-kb', heading: '知识库' },
      { entry: '/calls/missed', file: 'agent-missed-calls', heading: '漏接回拨' },
      { entry: '/calls/messages', file: 'agent-messages', heading: '短信/网络留言' },
      { entry: '/quality/agents', file: 'agent-qc', heading: '智能质检' },
      { entry: '/account/security', file: 'account-security', heading: '账户安全' },
    ],
  },
  {
    username: 'lead1',
    shots: [
      { entry: '/calls/wall', file: 'lead-call-wall', heading: '坐席监控' },
      { entry: '/calls/restrictions', file: 'lead-restrictions', heading: '限制呼入' },
      { entry: '/calls/stats', file: 'lead-call-stats', heading: '话务统计' },
    ],
  },
  {
    username: 'centre1',
    shots: [
      { entry: '/workbench', file: 'centre-workbench', heading: '热线管理机构工作台' },
      { entry: '/tickets', file: 'centre-tickets', heading: '工单列表' },
      { entry: '/tickets/:no', file: 'centre-ticket', heading: TICKET_NO },
      { entry: '/callback', file: 'centre-callback', heading: '回访台' },
      { entry: '/quality/review', file: 'centre-quality-review', heading: '质效审核' },
      { entry: '/supervision', file: 'centre-supervision', heading: '效能监察' },
      { entry: '/supervision/items', file: 'centre-supervision-items', heading: '督办' },
      { entry: '/ratings', file: 'centre-ratings', heading: '差评处理' },
      { entry: '/reports', file: 'centre-reports', heading: '统计报表' },
      { entry: '/kb/todo', file: 'centre-kb-todo', heading: '知识库待办' },
    ],
  },
  {
    username: 'zjj.staff',
    shots: [
      { entry: '/workbench', file: 'unit-workbench', heading: '市住房和城乡建设局 工作台' },
      { entry: '/tickets/:no', file: 'unit-ticket', heading: TICKET_NO },
      { entry: '/kb/todo', file: 'unit-kb-todo', heading: '知识库待办' },
      { entry: '/kb/articles/new', file: 'unit-kb-new', heading: '录入知识' },
      { entry: '/ratings', file: 'unit-ratings', heading: '差评处理' },
      { entry: '/supervision/items', file: 'unit-supervision-items', heading: '督办' },
      { entry: '/evaluation', file: 'unit-evaluation', heading: '月度考核' },
    ],
  },
  { username: 'zjj.head', shots: [{ entry: '/workbench', file: 'unit-head-workbench', heading: '市住房和城乡建设局 工作台' }] },
  {
    username: 'authority1',
    shots: [
      { entry: '/workbench', file: 'authority-workbench', heading: '热线主管部门工作台' },
      { entry: '/supervision', file: 'authority-supervision', heading: '效能监察' },
      { entry: '/supervision/items', file: 'authority-supervision-items', heading: '督办' },
      { entry: '/evaluation', file: 'authority-evaluation', heading: '月度考核' },
      { entry: '/reports', file: 'authority-reports', heading: '统计报表' },
    ],
  },
  {
    username: 'admin',
    shots: [
      { entry: '/admin/units', file: 'admin-units', heading: '单位管理' },
      { entry: '/admin/users', file: 'admin-users', heading: '用户与角色' },
      { entry: '/admin/categories', file: 'admin-categories', heading: '分类与时限' },
      { entry: '/admin/calendar', file: 'admin-calendar', heading: '工作日历' },
      { entry: '/admin/apikeys', file: 'admin-apikeys', heading: 'API 密钥' },
      { entry: '/admin/webhooks', file: 'admin-webhooks', heading: 'Webhook 订阅' },
      { entry: '/admin/sms-opt-outs', file: 'admin-sms-opt-outs', heading: '短信退订' },
    ],
  },
];

/** Opens a path through the console's router (as a menu click does); answers the page's heading text. */
async function open(page: Page, entry: string, path: string): Promise<string> {
  await page.evaluate((p) => {
    window.history.pushState(null, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  const marker = page.locator(`main.ant-layout-content [data-page="${entry}"]`);
  await marker.waitFor({ state: 'attached' });
  assert.notEqual(await marker.getAttribute('data-testid'), 'forbidden', `${path} showed 无权限`);
  // A page's heading is a Typography title or, on the card pages, the first card's title.
  const heading = page.locator('main.ant-layout-content').locator('h1, h2, h3, h4, h5, .ant-card-head-title').first();
  await heading.waitFor({ state: 'visible' });
  // Let the page's lists arrive, so the picture shows data and not a spinner.
  await page.locator('main .ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
  return (await heading.innerText()).trim();
}

describe('user manual: every page it shows, as its role', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    mkdirSync(OUT, { recursive: true });
    c = await startConsole();
  });
  after(() => c?.stop());

  it('draws each page with its heading and saves its picture', async () => {
    const headings: string[] = [];
    for (const { username, shots } of SHOTS) {
      const { context, page } = await c.loginAs(username, { width: 1440, height: 900 });
      const ticket = await page.evaluate(async () => (await (await fetch('/api/v1/tickets?pageSize=1&sort=due', { credentials: 'same-origin' })).json()).items[0]);
      assert.ok(ticket, `${username} sees a demo ticket`);
      for (const shot of shots) {
        const text = await open(page, shot.entry, shot.entry.replace(':no', ticket.no));
        if (typeof shot.heading === 'string') assert.equal(text, shot.heading, `${username} ${shot.entry}: the heading`);
        else assert.match(text, shot.heading, `${username} ${shot.entry}: the heading`);
        headings.push(`${shot.file}: ${text}`);
        await page.screenshot({ path: join(OUT, `${shot.file}.png`) });
      }
      await context.close();
    }
    console.log(`manual screenshots: ${headings.length} pages\n${headings.join('\n')}`);
    assert.equal(headings.length, SHOTS.reduce((n, s) => n + s.shots.length, 0));
  });
});
