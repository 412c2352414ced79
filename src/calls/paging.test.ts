// The call-handling lists paged on the server, through HTTP on every engine: 漏接回拨, messages,
// restrictions and the figures. With more rows than a page, page 2 goes on where page 1 stopped in
// the list's own order, `total` counts every row of the filters, and a bad `page` or `pageSize` is
// refused with a Chinese message naming the field.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type Client, type TestApp } from '../../test/support/app.ts';

const MONDAY_9AM = '2026-03-02T01:00:00.000Z';
/** Shanghai wall time of 2026-03-02 plus s seconds after 09:00, with its offset as a switch sends it. */
const T = (s: number) => {
  const d = new Date(Date.parse(MONDAY_9AM) + s * 1000 + 8 * 3_600_000);
  return `${d.toISOString().slice(0, 19)}+08:00`;
};
const U = (s: number) => new Date(Date.parse(MONDAY_9AM) + s * 1000).toISOString();

describeEachEngine('Call-handling lists paged on the server', (engine) => {
  let t: TestApp;
  let agent: Client;
  let lead: Client;
  let centre: Client;
  let ctiKey: string;
  let messagesKey: string;

  const cti = async (events: unknown[]) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/cti/events', headers: { 'x-api-key': ctiKey }, payload: { events } });
    assert.equal(res.statusCode, 200, res.body);
  };
  /** Every page of a list at this size, checking each page's paging fields. */
  const allPages = async (client: Client, path: string, pageSize: number) => {
    const sep = path.includes('?') ? '&' : '?';
    const first = await client.get(`${path}${sep}page=1&pageSize=${pageSize}`);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const pages = [first.body];
    for (let page = 2; page <= Math.ceil(first.body.total / pageSize); page += 1) {
      const r = await client.get(`${path}${sep}page=${page}&pageSize=${pageSize}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      pages.push(r.body);
    }
    pages.forEach((p, i) => {
      assert.equal(p.page, i + 1);
      assert.equal(p.pageSize, pageSize);
      assert.equal(p.total, first.body.total);
      assert.equal(p.items.length, Math.min(pageSize, p.total - i * pageSize), `page ${i + 1} of ${path}`);
    });
    return pages;
  };
  /** The paging fields are refused with 400 and the field's Chinese name. */
  const refusesBadPaging = async (client: Client, path: string) => {
    const sep = path.includes('?') ? '&' : '?';
    const cases: Array<[string, string, RegExp]> = [
      ['pageSize=201', 'pageSize', /每页条数.*200/],
      ['pageSize=0', 'pageSize', /每页条数/],
      ['page=0', 'page', /页码.*1/],
      ['page=-3', 'page', /页码/],
      ['page=abc', 'page', /页码.*整数/],
      ['pageSize=2.5', 'pageSize', /每页条数.*整数/],
    ];
    for (const [q, field, message] of cases) {
      const r = await client.get(`${path}${sep}${q}`);
      assert.equal(r.status, 400, `${path} ${q}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.title, message, `${path} ${q}`);
      assert.equal(r.body.errors[0].field, field, `${path} ${q}`);
    }
  };

  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    const admin = await t.as('admin');
    agent = await t.as('agent1');
    lead = await t.as('lead1');
    centre = await t.as('centre1');
    const mk = async (name: string, scopes: string[]) => {
      const r = await admin.post('/api/v1/apikeys', { name, scopes, ratePerMinute: 10000 });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.key as string;
    };
    ctiKey = await mk('一号交换机', ['cti:events']);
    messagesKey = await mk('短信网关', ['messages:write']);
  });
  after(() => t.close());

  it('漏接回拨: open entries oldest first and done ones newest first, page by page, with totals per status', async () => {
    // 27 lost calls; three at a time hang up in the same second (the order must still be stable).
    const events = [];
    for (let i = 0; i < 27; i += 1) {
      const callId = `P-${i}`;
      events.push({ callId, seq: 1, type: 'offered', at: T(i), caller: `139${String(10_000_000 + i)}`, queue: i % 2 ? 'general' : 'dialect' });
      events.push({ callId, seq: 2, type: 'abandoned', at: T(100 + Math.floor(i / 3) * 10) });
    }
    await cti(events);
    t.clock.set(U(1000));

    const first = await agent.get('/api/v1/missed-calls');
    assert.equal(first.status, 200);
    assert.deepEqual([first.body.page, first.body.pageSize, first.body.total, first.body.items.length], [1, 50, 27, 27], 'one page of 50 by default');

    const pages = await allPages(agent, '/api/v1/missed-calls', 10);
    assert.equal(pages.length, 3);
    const paged = pages.flatMap((p) => p.items);
    assert.deepEqual(paged.map((m: any) => m.id), first.body.items.map((m: any) => m.id), 'pages follow the whole list');
    assert.equal(new Set(paged.map((m: any) => m.id)).size, 27, 'no entry twice, none left out');
    const times = paged.map((m: any) => m.abandonedAt);
    assert.deepEqual(times, [...times].sort(), 'oldest first');
    // Page 2 starts right after page 1.
    assert.equal(pages[1].items[0].abandonedAt >= pages[0].items[9].abandonedAt, true);

    // Three reached: done, newest first; the open queue's total loses them.
    for (const m of [paged[0], paged[13], paged[26]]) {
      assert.equal((await agent.post(`/api/v1/missed-calls/${m.id}/claim`)).status, 200);
      assert.equal((await agent.post(`/api/v1/missed-calls/${m.id}/attempt`, { outcome: 'reached' })).status, 200);
    }
    const open = await allPages(agent, '/api/v1/missed-calls?status=open', 10);
    assert.equal(open[0].total, 24);
    assert.deepEqual(
      open.flatMap((p) => p.items).map((m: any) => m.id),
      paged.filter((_: unknown, i: number) => i !== 0 && i !== 13 && i !== 26).map((m: any) => m.id),
    );
    const done = await allPages(agent, '/api/v1/missed-calls?status=done', 2);
    assert.equal(done[0].total, 3);
    assert.deepEqual(done.flatMap((p) => p.items).map((m: any) => m.id), [paged[26].id, paged[13].id, paged[0].id], 'done: newest first');
    // Past the last page: no rows, the total still told.
    const beyond = await agent.get('/api/v1/missed-calls?status=done&page=5&pageSize=2');
    assert.deepEqual([beyond.status, beyond.body.items.length, beyond.body.total], [200, 0, 3]);

    await refusesBadPaging(agent, '/api/v1/missed-calls');
    await refusesBadPaging(agent, '/api/v1/missed-calls?status=done');
  });

  it('messages: oldest first page by page; the status filter sets the total', async () => {
    t.clock.set(U(2000));
    for (let i = 0; i < 23; i += 1) {
      // Sent out of order: the list orders them by when they were sent.
      const s = 1000 + ((i * 7) % 23) * 20;
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: { 'x-api-key': messagesKey }, payload: { channel: i % 3 ? 'sms' : 'online', from: `1380000${String(1000 + i)}`, text: `留言 ${i}`, externalId: `pg-${i}`, at: T(s) } });
      assert.equal(res.statusCode, 201, res.body);
    }
    const whole = await agent.get('/api/v1/messages?pageSize=200');
    assert.equal(whole.body.total, 23);
    const received = whole.body.items.map((m: any) => m.receivedAt);
    assert.deepEqual(received, [...received].sort(), 'oldest first');

    const pages = await allPages(agent, '/api/v1/messages', 10);
    assert.equal(pages.length, 3);
    assert.deepEqual(pages.flatMap((p) => p.items).map((m: any) => m.id), whole.body.items.map((m: any) => m.id));
    assert.ok(pages[1].items[0].receivedAt > pages[0].items[9].receivedAt, 'page 2 goes on after page 1');

    // Four claimed: still in the default list (waiting and assigned), out of ?status=waiting; one answered.
    const claimed = whole.body.items.slice(0, 4);
    for (const m of claimed) assert.equal((await agent.post(`/api/v1/messages/${m.id}/claim`)).status, 200);
    assert.equal((await agent.post(`/api/v1/messages/${claimed[0].id}/reply`, { text: '已收到，正在办理。' })).status, 200);
    const waiting = await allPages(agent, '/api/v1/messages?status=waiting', 10);
    assert.equal(waiting[0].total, 19);
    assert.deepEqual(waiting.flatMap((p) => p.items).map((m: any) => m.id), whole.body.items.slice(4).map((m: any) => m.id));
    assert.equal((await agent.get('/api/v1/messages?status=assigned&pageSize=2')).body.total, 3);
    assert.equal((await agent.get('/api/v1/messages?status=answered')).body.total, 1);
    assert.equal((await agent.get('/api/v1/messages?pageSize=5')).body.total, 22, 'default: waiting and assigned');

    await refusesBadPaging(agent, '/api/v1/messages');
    await refusesBadPaging(agent, '/api/v1/messages?status=answered');
  });

  it('restrictions: newest first page by page; status and phone filters set the total', async () => {
    t.clock.set(U(3000));
    const ids: number[] = [];
    for (let i = 0; i < 25; i += 1) {
      const r = await lead.post('/api/v1/restrictions', { phone: `1370000${String(1000 + i)}`, reason: 'harassment', days: 3 });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push(r.body.id);
    }
    const pages = await allPages(lead, '/api/v1/restrictions', 10);
    assert.equal(pages[0].total, 25);
    assert.deepEqual(pages.flatMap((p) => p.items).map((r: any) => r.id), [...ids].reverse(), 'newest first across pages');

    for (const id of ids.slice(0, 6)) assert.equal((await centre.post(`/api/v1/restrictions/${id}/approve`, {})).status, 200);
    const active = await allPages(centre, '/api/v1/restrictions?status=active', 4);
    assert.equal(active[0].total, 6);
    assert.deepEqual(active.flatMap((p) => p.items).map((r: any) => r.id), ids.slice(0, 6).reverse());
    assert.equal((await centre.get('/api/v1/restrictions?status=pending&pageSize=1')).body.total, 19);
    const one = await centre.get('/api/v1/restrictions?phone=13700001007&pageSize=1');
    assert.deepEqual([one.body.total, one.body.items.map((r: any) => r.id)], [1, [ids[7]]]);

    await refusesBadPaging(lead, '/api/v1/restrictions');
    await refusesBadPaging(centre, '/api/v1/restrictions?status=active');
  });

  it('figures: the rows computed as before, paged; total is the number of rows; empty intervals left out on request', async () => {
    const whole = await lead.get('/api/v1/call-stats?from=2026-03-02&interval=30m&pageSize=200');
    assert.equal(whole.status, 200, JSON.stringify(whole.body));
    assert.deepEqual([whole.body.total, whole.body.items.length, whole.body.page, whole.body.pageSize], [48, 48, 1, 200]);
    const byDefault = await lead.get('/api/v1/call-stats?from=2026-03-02&interval=30m');
    assert.deepEqual([byDefault.body.total, byDefault.body.items.length, byDefault.body.pageSize], [48, 48, 50]);

    const pages = await allPages(lead, '/api/v1/call-stats?from=2026-03-02&interval=30m', 20);
    assert.equal(pages.length, 3);
    assert.deepEqual(pages.flatMap((p) => p.items), whole.body.items, 'the same rows, in time order');
    assert.equal(pages[1].items[0].from, '2026-03-02T10:00:00+08:00', 'page 2 starts at the 21st half hour');

    // The 27 lost calls were offered at 09:00 and are the day's only calls.
    const withCalls = await lead.get('/api/v1/call-stats?from=2026-03-02&interval=30m&empty=exclude');
    assert.equal(withCalls.status, 200, JSON.stringify(withCalls.body));
    assert.deepEqual(withCalls.body.items.map((r: any) => [r.from, r.offered]), [['2026-03-02T09:00:00+08:00', 27]]);
    assert.equal(withCalls.body.total, 1);
    const perQueue = await allPages(lead, '/api/v1/call-stats?from=2026-03-02&to=2026-03-03&interval=1h&by=queue&empty=exclude', 1);
    assert.deepEqual(perQueue.flatMap((p) => p.items).map((r: any) => [r.queue, r.offered]), [['dialect', 14], ['general', 13]]);
    assert.equal((await lead.get('/api/v1/call-stats?from=2026-03-02&to=2026-03-03&interval=1h&queue=general&pageSize=5')).body.total, 48);

    const badEmpty = await lead.get('/api/v1/call-stats?from=2026-03-02&empty=no');
    assert.equal(badEmpty.status, 400);
    assert.match(badEmpty.body.title, /无来电时段/);
    await refusesBadPaging(lead, '/api/v1/call-stats');
    await refusesBadPaging(lead, '/api/v1/call-stats?from=2026-03-02&interval=day');
  });
});
