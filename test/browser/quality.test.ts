// 质效审核 and 智能质检 in a real browser on the demo data: the centre draws a sample of last month's
// closed tickets and sends one back to its unit; the team lead opens 智能质检 and confirms a case.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CONSOLE_CHANGE_HEADERS, SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

describe('console: quality review and agent quality checks', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('the centre draws a sample and sends a perfunctory closure back', async () => {
    const { page } = await c.loginAs('centre1');
    await page.getByRole('menuitem', { name: '质效审核' }).click();
    await page.waitForURL(/\/quality\/review/);
    await page.getByRole('button', { name: '抽取样本' }).click();
    const reviews = page.getByTestId('sample-reviews');
    await reviews.locator('tbody tr[data-row-key]').first().waitFor();
    const no = (await reviews.locator('tbody tr[data-row-key]').first().getAttribute('data-row-key'))!;
    const row = reviews.locator(`tr[data-row-key="${no}"]`);
    await row.getByRole('button', { name: '退回重办' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('审核意见').fill('答复只称已处理，未说明措施，属敷衍答复');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByTestId(`outcome-${no}`).getByText('敷衍答复，退回重办').waitFor();
    await row.getByText('督办').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'quality-review.png') });
    const ticket = await (await page.request.get(`${c.baseUrl}/api/v1/tickets/${no}`)).json();
    assert.equal(ticket.status, 'in_progress');
    assert.equal(ticket.supervised, true);
  });

  it('the team lead opens 智能质检 and confirms a case', async () => {
    const { page } = await c.loginAs('lead1');
    // A call transcript with a banned word on a ticket recorded this month makes sure there is a case.
    const list = await (await page.request.get(`${c.baseUrl}/api/v1/tickets?pageSize=50`)).json();
    const thisMonth = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    let attached: string | null = null;
    for (const t of list.items) {
      const res = await page.request.post(`${c.baseUrl}/api/v1/quality/transcripts`, { headers: CONSOLE_CHANGE_HEADERS, data: { ticketNo: t.no, content: '喂，你烦不烦，这事不归我们管' } });
      const qc = res.ok() ? await (await page.request.get(`${c.baseUrl}/api/v1/quality/tickets/${t.no}`)).json() : null;
      if (qc && String(t.createdAt ?? '').slice(0, 7) === thisMonth) {
        attached = t.no;
        break;
      }
    }
    assert.ok(attached, 'no ticket of this month to attach a transcript to');
    await page.getByRole('menuitem', { name: '智能质检' }).click();
    await page.waitForURL(/\/quality\/agents/);
    await page.getByTestId('qc-agents').locator('tbody tr[data-row-key]').first().waitFor();
    const row = page.locator(`tr[data-row-key="${attached}|banned_words"]`);
    await row.getByText('待确认').waitFor();
    await row.getByRole('button', { name: /^确\s*认$/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('说明').fill('通话中使用禁语，予以通报');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('已确认通报').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'quality-agents.png') });
    const events = await (await page.request.get(`${c.baseUrl}/api/v1/tickets/${attached}/events`)).json();
    assert.ok(events.items.some((e: any) => e.action === 'qc_case_confirmed'));
  });
});
