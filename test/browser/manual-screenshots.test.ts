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
}

const SHOTS: Array<{ username: string; shots: Shot[] }> = [
  {
    username: 'agent1',
    shots: [
      { entry: '/intake', file: 'agent-intake' },
      { entry: '/workbench', file: 'agent-workbench' },
      { entry: '/tickets', file: 'agent-tickets' },
      { entry: '/kb', file: 'agent-kb' },
      { entry: '/calls/missed', file: 'agent-missed-calls' },
      { entry: '/calls/messages', file: 'agent-messages' },
      { entry: '/quality/agents', file: 'agent-qc' },
      { entry: '/account/security', file: 'account-security' },
    ],
  },
  {
    username: 'lead1',
    shots: [
      { entry: '/calls/wall', file: 'lead-call-wall' },
      { entry: '/calls/restrictions', file: 'lead-restrictions' },
      { entry: '/calls/stats', file: 'lead-call-stats' },
    ],
  },
  {
    username: 'centre1',
    shots: [
      { entry: '/workbench', file: 'centre-workbench' },
      { entry: '/tickets', file: 'centre-tickets' },
      { entry: '/tickets/:no', file: 'centre-ticket' },
      { entry: '/callback', file: 'centre-callback' },
      { entry: '/quality/review', file: 'centre-quality-review' },
      { entry: '/supervision', file: 'centre-supervision' },
      { entry: '/supervision/items', file: 'centre-supervision-items' },
      { entry: '/ratings', file: 'centre-ratings' },
      { entry: '/reports', file: 'centre-reports' },
      { entry: '/kb/todo', file: 'centre-kb-todo' },
    ],
  },
  {
    username: 'zjj.staff',
    shots: [
      { entry: '/workbench', file: 'unit-workbench' },
      { entry: '/tickets/:no', file: 'unit-ticket' },
      { entry: '/kb/todo', file: 'unit-kb-todo' },
      { entry: '/kb/articles/new', file: 'unit-kb-new' },
      { entry: '/ratings', file: 'unit-ratings' },
      { entry: '/supervision/items', file: 'unit-supervision-items' },
      { entry: '/evaluation', file: 'unit-evaluation' },
    ],
  },
  { username: 'zjj.head', shots: [{ entry: '/workbench', file: 'unit-head-workbench' }] },
  {
    username: 'authority1',
    shots: [
      { entry: '/workbench', file: 'authority-workbench' },
      { entry: '/supervision', file: 'authority-supervision' },
      { entry: '/supervision/items', file: 'authority-supervision-items' },
      { entry: '/evaluation', file: 'authority-evaluation' },
      { entry: '/reports', file: 'authority-reports' },
    ],
  },
  {
    username: 'admin',
    shots: [
      { entry: '/admin/units', file: 'admin-units' },
      { entry: '/admin/users', file: 'admin-users' },
      { entry: '/admin/categories', file: 'admin-categories' },
      { entry: '/admin/calendar', file: 'admin-calendar' },
      { entry: '/admin/apikeys', file: 'admin-apikeys' },
      { entry: '/admin/webhooks', file: 'admin-webhooks' },
      { entry: '/admin/sms-opt-outs', file: 'admin-sms-opt-outs' },
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
        assert.ok(text.length > 0, `${username} ${shot.entry}: an empty heading`);
        headings.push(`${shot.file}: ${text}`);
        await page.screenshot({ path: join(OUT, `${shot.file}.png`) });
      }
      await context.close();
    }
    console.log(`manual screenshots: ${headings.length} pages\n${headings.join('\n')}`);
    assert.equal(headings.length, SHOTS.reduce((n, s) => n + s.shots.length, 0));
  });
});
