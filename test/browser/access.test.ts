// Every console page as every role, in a real browser on the demo data: the menu lists exactly the
// pages web/src/access.ts gives the role, and a page the role may not open shows 无权限 and nothing
// else (no list, no form, no figures), while a page it may open renders without it. One browser, one
// context per role; pages are changed in the console's own router, as a menu click would.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';
import { mayOpen, PAGES } from '../../web/src/access.ts';
import type { Role } from '../../src/domain/roles.ts';

const USERS: Record<Role, string> = {
  agent: 'agent1',
  team_lead: 'lead1',
  centre: 'centre1',
  authority: 'authority1',
  unit_staff: 'zjj.staff',
  unit_head: 'zjj.head',
  admin: 'admin',
};

async function apiGet(page: Page, path: string) {
  // A fetch inside the page has no timeout of its own: a stuck answer fails the test instead of hanging it.
  return page.evaluate(async (p) => (await fetch(`/api/v1${p}`, { credentials: 'same-origin', signal: AbortSignal.timeout(60_000) })).json(), path);
}

/** Goes to a path through the console's router; answers whether the page or 无权限 rendered there. */
async function visit(page: Page, entry: string, path: string): Promise<'page' | 'forbidden'> {
  await page.evaluate((p) => {
    window.history.pushState(null, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  // The guard marks what it rendered with the page entry; a lazy page's marker shows once its code has loaded.
  const marker = page.locator(`main.ant-layout-content [data-page="${entry}"]`);
  await marker.waitFor({ state: 'attached' });
  return (await marker.getAttribute('data-testid')) === 'forbidden' ? 'forbidden' : 'page';
}

describe('console: every page as every role', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('shows each role its pages and 无权限 on the others', async () => {
    const wrong: string[] = [];
    let allowed = 0;
    let refused = 0;
    for (const [role, username] of Object.entries(USERS) as Array<[Role, string]>) {
      const { context, page } = await c.loginAs(username);
      // The menu is what the page table allows and the server's own answer admits, nothing else.
      const routes = new Set<string>((await apiGet(page, '/auth/access')).routes);
      const menu = await page.locator('.ant-layout-sider .ant-menu-item a').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      const offered = PAGES.filter((p) => p.label && mayOpen(p, role, routes));
      assert.deepEqual(menu, offered.map((p) => p.path), `the menu of ${role}`);
      assert.deepEqual(offered, PAGES.filter((p) => p.label && mayOpen(p, role)), `${role}: the server admits every page the table gives`);

      // A ticket and an article the user can see, for the pages of one object.
      const ticket = (await apiGet(page, '/tickets?pageSize=1')).items[0];
      const article = (await apiGet(page, '/kb/articles?pageSize=1')).items[0];
      assert.ok(ticket && article, `${username} sees a demo ticket and article`);
      for (const p of PAGES) {
        const path = p.path.replace(':no', ticket.no).replace(':id', String(article.id));
        const shown = await visit(page, p.path, path);
        if (mayOpen(p, role, routes)) {
          allowed++;
          if (shown === 'forbidden') wrong.push(`${role} ${path}: 无权限 on a page the role may open`);
        } else {
          refused++;
          const content = await page.locator('main.ant-layout-content').evaluate((main) => ({ children: main.children.length, text: (main as HTMLElement).innerText }));
          if (shown !== 'forbidden') wrong.push(`${role} ${path}: the page opened for a role it refuses`);
          else if (content.children !== 1 || !content.text.includes('无权限')) wrong.push(`${role} ${path}: more than the 无权限 view: ${content.text.slice(0, 120)}`);
        }
      }
      await context.close();
    }
    console.log(`console access: ${PAGES.length} pages × ${Object.keys(USERS).length} roles; opened ${allowed}, 无权限 ${refused}`);
    assert.deepEqual(wrong, []);
  });

  it('answers every menu entry’s API routes without 403, for every role, and hides what the role may not do', async () => {
    const wrong: string[] = [];
    let calls = 0;
    const month = new Date().toISOString().slice(0, 7);
    for (const [role, username] of Object.entries(USERS) as Array<[Role, string]>) {
      const { context, page } = await c.loginAs(username);
      const ticket = (await apiGet(page, '/tickets?pageSize=1')).items[0];
      const article = (await apiGet(page, '/kb/articles?pageSize=1')).items[0];
      const menu = await page.locator('.ant-layout-sider .ant-menu-item a').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      for (const path of menu) {
        for (const key of PAGES.find((p) => p.path === path)!.api) {
          const [method, route] = key.split(' ') as [string, string];
          // Changes go out empty (a 400 names the field and changes nothing) or at objects that do not exist.
          const url = route
            .replace(':no', ticket.no)
            .replace(':month', month)
            .replace(':code', 'ZJJ')
            .replace(':date', '2031-01-01')
            .replace(':id', method === 'GET' && route.startsWith('/api/v1/kb/') ? String(article.id) : '999999')
            .replace(':letter', '999999');
          const status = await page.evaluate(
            async ([m, u]) => (await fetch(u, { method: m, credentials: 'same-origin', headers: { 'x-hotline-csrf': '1', 'content-type': 'application/json' }, body: m === 'GET' ? undefined : '{}', signal: AbortSignal.timeout(60_000) })).status,
            [method, url] as const,
          );
          calls++;
          if (status === 403 || status === 401 || status >= 500) wrong.push(`${role} ${path}: ${method} ${url} → ${status}`);
        }
      }
      // 质效审核: the team lead reviews samples but does not draw them, and is not offered to.
      if (menu.includes('/quality/review')) {
        await visit(page, '/quality/review', '/quality/review');
        await page.getByText('抽样审核').first().waitFor();
        const drawing = await page.getByTestId('draw-sample').count();
        const routes = new Set<string>((await apiGet(page, '/auth/access')).routes);
        assert.equal(drawing > 0, routes.has('POST /api/v1/quality/samples'), `${role}: 抽取样本 offered iff the API admits it`);
        if (role === 'team_lead') assert.equal(drawing, 0, 'the team lead is not offered 抽取样本');
        if (role === 'centre') assert.equal(drawing, 1, 'the centre draws samples');
      }
      await context.close();
    }
    console.log(`console access: ${calls} menu API calls across ${Object.keys(USERS).length} roles, none refused`);
    assert.deepEqual(wrong, []);
  });
});
