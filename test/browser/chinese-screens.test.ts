// Chinese on every screen: each role walks every page of its menu on the demo data, then ticket pages
// of every status (and the action dialogs they offer), and the text the browser shows
// (document.body.innerText) is scanned for the API's English codes (the server's enums and any
// snake_case token) and for raw ISO instants: people read 已办结 and 2026-11-12 23:59, never
// `closed` or 2026-11-12T23:59:00+08:00. What is legitimately shown in Latin letters (ticket
// numbers, usernames, URLs, API key prefixes) is taken out first, each for the reason given.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';
import { mayOpen, PAGES } from '../../web/src/access.ts';
import type { Role } from '../../src/domain/roles.ts';
import { ROLE_LABELS } from '../../src/domain/roles.ts';
import { ACTIONS, TICKET_STATUSES } from '../../src/domain/ticket-states.ts';
import { CHANNEL_LABELS, SATISFACTION_LABELS, TICKET_TYPE_LABELS } from '../../src/domain/ticket-types.ts';
import { DUTY_KIND_LABELS } from '../../src/domain/duty-kinds.ts';
import { REVIEW_STATUS_LABELS, CLASSIFICATION_LABELS, RECTIFY_OUTCOME_LABELS, REVIEW_ACTION_LABELS } from '../../src/domain/ratings.ts';
import { SUPERVISION_STATUS_LABELS } from '../../src/domain/supervision-kinds.ts';
import { SEAT_STATE_LABELS } from '../../src/domain/seat-states.ts';
import { UNIT_KIND_LABELS } from '../../src/domain/unit-kinds.ts';
import { mudanjiang } from '../../src/config/cities/mudanjiang.ts';

const USERS: Record<Role, string> = {
  agent: 'agent1',
  team_lead: 'lead1',
  centre: 'centre1',
  authority: 'authority1',
  unit_staff: 'zjj.staff',
  unit_head: 'zjj.head',
  admin: 'admin',
};

/**
 * The server's codes a screen must never show as they are: ticket states and actions, types,
 * channels, satisfaction, roles, duty kinds, 差评 and 督办 states, seat states, unit kinds, and the
 * duty and request states of the store (open/done/lapsed…).
 */
const CODES = new Set<string>([
  ...TICKET_STATUSES,
  ...ACTIONS,
  ...Object.keys(TICKET_TYPE_LABELS),
  ...Object.keys(CHANNEL_LABELS),
  ...Object.keys(SATISFACTION_LABELS),
  ...Object.keys(ROLE_LABELS),
  ...Object.keys(DUTY_KIND_LABELS),
  ...Object.keys(REVIEW_STATUS_LABELS),
  ...Object.keys(CLASSIFICATION_LABELS),
  ...Object.keys(RECTIFY_OUTCOME_LABELS),
  ...Object.keys(REVIEW_ACTION_LABELS),
  ...Object.keys(SUPERVISION_STATUS_LABELS),
  ...Object.keys(SEAT_STATE_LABELS),
  ...Object.keys(UNIT_KIND_LABELS),
  'lapsed',
  'pending',
  'approved',
  'cancelled',
  'unsatisfied',
  'very_unsatisfied',
]);

const USERNAMES = mudanjiang.demoUsers.map((u) => u.username);

/** The text with what may be shown in Latin letters taken out, each for its reason. */
function withoutAllowed(text: string): string {
  return (
    text
      // URLs and API paths: the API documentation link, webhook targets, download links.
      .replace(/\b(?:https?|wss?):\/\/\S+/g, ' ')
      .replace(/(?:^|\s)\/[\w./:{}?=&%-]+/g, ' ')
      // Ticket numbers (MDJ20261122000123) and external ids are upper case: not codes, left as they are.
      // Usernames are what people log in with (the user list, the account page): shown as typed.
      .replace(new RegExp(`(?<![\\w.])(?:${USERNAMES.map((u) => u.replace(/\./g, '\\.')).join('|')})(?![\\w.])`, 'g'), ' ')
      // API key prefixes (hk_xxxx…) identify a key to its owner, and e-mail addresses are addresses.
      .replace(/\bhk_[A-Za-z0-9]+/g, ' ')
      .replace(/[\w.+-]+@[\w-]+\.[\w.]+/g, ' ')
  );
}

/** What the text shows that a person should not have to read: codes and raw instants. */
export function findings(text: string): string[] {
  const out = new Set<string>();
  const clean = withoutAllowed(text);
  for (const m of clean.matchAll(/\d{4}-\d\d-\d\dT\d\d:[\d:.]*(?:Z|[+-]\d\d:?\d\d)?/g)) out.add(`raw time ${m[0]}`);
  for (const m of clean.matchAll(/(?<![A-Za-z0-9_.-])([a-z]+(?:_[a-z0-9]+)+)(?![A-Za-z0-9_-])/g)) out.add(`code ${m[1]}`);
  for (const m of clean.matchAll(/(?<![A-Za-z0-9_.-])([a-z]+)(?![A-Za-z0-9_-])/g)) if (CODES.has(m[1]!)) out.add(`code ${m[1]}`);
  return [...out];
}

async function apiGet(page: Page, path: string) {
  return page.evaluate(async (p) => (await fetch(`/api/v1${p}`, { credentials: 'same-origin', signal: AbortSignal.timeout(60_000) })).json(), path);
}

/** Waits until the page has no request in flight and no spinner for a moment (bounded). */
async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const deadline = Date.now() + 15_000;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      const busy = document.querySelector('.ant-spin-spinning, .ant-skeleton-active, .ant-btn-loading');
      const pending = performance.getEntriesByType('resource').length; // grows while requests finish
      await new Promise((r) => setTimeout(r, 100));
      if (busy || performance.getEntriesByType('resource').length !== pending) quietSince = Date.now();
      else if (Date.now() - quietSince >= 400) return;
    }
  });
}

async function visit(page: Page, entry: string, path: string): Promise<void> {
  await page.evaluate((p) => {
    window.history.pushState(null, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await page.locator(`main.ant-layout-content [data-page="${entry}"]`).waitFor({ state: 'attached' });
  await settled(page);
}

const bodyText = (page: Page) => page.evaluate(() => document.body.innerText);

describe('console: Chinese on every screen', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('the scan itself finds codes and raw instants, and lets through what is allowed', () => {
    assert.deepEqual(findings('状态：lapsed，满意度 very_unsatisfied，截止 2026-11-12T23:59:00+08:00'), ['raw time 2026-11-12T23:59:00+08:00', 'code very_unsatisfied', 'code lapsed']);
    assert.deepEqual(findings('工单 MDJ20261122000123 · zjj.staff · 截止 2026-11-12 23:59 · https://example.org/hook_x · /api/v1/tickets/x_y · 已办结'), []);
    assert.deepEqual(findings('派单 dispatched'), ['code dispatched']);
  });

  it('no English code and no raw ISO time on any page of any role, ticket pages of every status and their dialogs included', async () => {
    const found: string[] = [];
    let pages = 0;
    let dialogs = 0;
    const record = (where: string, text: string) => {
      pages++;
      for (const f of findings(text)) found.push(`${where}: ${f}`);
    };
    for (const [role, username] of Object.entries(USERS) as Array<[Role, string]>) {
      const { context, page } = await c.loginAs(username);
      const routes = new Set<string>((await apiGet(page, '/auth/access')).routes);
      const article = (await apiGet(page, '/kb/articles?pageSize=1')).items[0];
      for (const p of PAGES.filter((x) => mayOpen(x, role, routes) && !x.path.includes(':no'))) {
        const path = p.path.replace(':id', String(article?.id ?? 1));
        await visit(page, p.path, path);
        record(`${role} ${path}`, await bodyText(page));
      }
      // A ticket page of each status the role can see; the centre and a unit also open each dialog offered.
      for (const status of TICKET_STATUSES) {
        const ticket = (await apiGet(page, `/tickets?status=${status}&pageSize=1`)).items?.[0];
        if (!ticket) continue;
        await visit(page, '/tickets/:no', `/tickets/${ticket.no}`);
        await page.getByTestId('ticket-timeline').waitFor();
        await settled(page);
        record(`${role} ticket ${status}`, await bodyText(page));
        if (role !== 'centre' && role !== 'unit_staff') continue;
        const actions = await page.locator('[data-testid="ticket-actions"] button[data-action]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')!));
        for (const action of actions) {
          await page.locator(`[data-testid="ticket-actions"] button[data-action="${action}"]`).click();
          const modal = page.locator('.ant-modal-content').last();
          await modal.waitFor();
          await settled(page);
          dialogs++;
          record(`${role} ticket ${status} dialog ${action}`, await modal.innerText());
          await modal.getByRole('button', { name: /取\s*消/ }).click();
          await modal.waitFor({ state: 'detached' });
        }
      }
      await context.close();
    }
    console.log(`Chinese screens: ${pages} screens scanned (${dialogs} dialogs), ${found.length} findings`);
    assert.deepEqual(found, []);
  });
});
