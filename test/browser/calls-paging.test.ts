// The call-handling pages ask the server for one page at a time: 漏接回拨 with more lost calls than a
// page shows the queue's total, and the pager fetches page 2 from the server, oldest first as the
// API lists it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'playwright-core';
import { DEMO_PASSWORD, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

describe('console: call-handling lists paged on the server', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;

  before(async () => {
    c = await startConsole();
    const login = await fetch(`${c.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }) });
    const admin = ((await login.json()) as { token: string }).token;
    const res = await fetch(`${c.baseUrl}/api/v1/apikeys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '交换机', scopes: ['cti:events'], ratePerMinute: 600 }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const key = ((await res.json()) as { key: string }).key;
    // 45 callers hang up after 30 s in the queue, a second apart.
    const now = Date.now();
    const events = [];
    for (let i = 0; i < 45; i += 1) {
      const callId = `PG-${now}-${i}`;
      events.push({ callId, seq: 1, type: 'offered', at: new Date(now - 120_000 + i * 1000).toISOString(), caller: `1390453${4000 + i}`, trunk: '12345', queue: 'general' });
      events.push({ callId, seq: 2, type: 'abandoned', at: new Date(now - 90_000 + i * 1000).toISOString() });
    }
    const posted = await fetch(`${c.baseUrl}/api/v1/cti/events`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
    assert.equal(posted.status, 200, await posted.clone().text());
  });
  after(() => c?.stop());

  it('漏接回拨 shows the total of the queue and fetches page 2 from the server', async () => {
    const { page } = await c.loginAs('agent1');
    const asked: string[] = [];
    page.on('request', (r: Request) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/v1/missed-calls') asked.push(url.search);
    });
    const api = async (query: string) => (await (await page.request.get(`${c.baseUrl}/api/v1/missed-calls${query}`)).json()) as { items: Array<{ caller: string }>; total: number };
    const callersOn = async () => {
      const rows = await page.getByTestId('missed-calls').locator('tbody tr[data-row-key]').allTextContents();
      return rows.map((t) => t.match(/1\d{10}/)?.[0] ?? '');
    };

    const whole = await api('?status=open&pageSize=200');
    assert.ok(whole.total >= 45, `${whole.total} open`);
    await page.goto(`${c.baseUrl}/calls/missed`);
    const list = page.getByTestId('missed-calls');
    await list.locator('tbody tr[data-row-key]').first().waitFor();
    await page.getByText(`共 ${whole.total} 个`).waitFor();
    assert.ok(asked.some((q) => /page=1\b/.test(q) && /pageSize=20\b/.test(q)), asked.join(' '));
    assert.deepEqual(await callersOn(), whole.items.slice(0, 20).map((m) => m.caller));

    await page.locator('.ant-pagination-item-2').click();
    await page.waitForURL(/[?&]page=2\b/);
    const second = whole.items.slice(20, 40).map((m) => m.caller);
    await list.locator('tbody tr', { hasText: second[0] }).waitFor();
    assert.deepEqual(await callersOn(), second, 'page 2 goes on where page 1 stopped');
    assert.ok(asked.some((q) => /page=2\b/.test(q) && /pageSize=20\b/.test(q)), asked.join(' '));
    const fromServer = await api('?status=open&page=2&pageSize=20');
    assert.deepEqual(fromServer.items.map((m) => m.caller), second);
  });
});
