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
      const menu = await page.locator('.ant-layout-sider .ant-menu-item a').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      assert.deepEqual(menu, PAGES.filter((p) => p.label && mayOpen(p, role)).map((p) => p.path), `the menu of ${role}`);

      // A ticket and an article the user can see, for the pages of one object.
      const ticket = (await apiGet(page, '/tickets?pageSize=1')).items[0];
      const article = (await apiGet(page, '/kb/articles?pageSize=1')).items[0];
      assert.ok(ticket && article, `${username} sees a demo ticket and article`);
      for (const p of PAGES) {
        const path = p.path.replace(':no', ticket.no).replace(':id', String(article.id));
        const shown = await visit(page, p.path, path);
        if (mayOpen(p, role)) {
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
});
