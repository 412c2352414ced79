// The working calendar through the HTTP API: the year view, a year with no official arrangement,
// provisional deadlines, importing next year's notice, single-day overrides and the deadline query.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, intakeBody, startTestApp, tableCounts, type Client, type Response, type TestApp } from '../../test/support/app.ts';

function assertProblem(res: Response, status: number, names?: string): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.match(res.body.title, /[\u4e00-\u9fff]/);
  if (names) assert.ok(res.body.title.includes(names), `title «${res.body.title}» names «${names}»`);
}

async function healthz(t: TestApp): Promise<any> {
  const res = await t.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(res.statusCode, 200);
  return JSON.parse(res.body);
}

const dayOf = (view: any, date: string) => view.days.find((d: any) => d.date === date);

describeEachEngine('working calendar', (engine) => {
  let t: TestApp;
  let admin: Client;
  let agent: Client;
  let staff: Client;
  let no: string;
  const reply = async () => {
    const tk = (await agent.get(`/api/v1/tickets/${no}`)).body;
    return { ticket: tk, duty: tk.duties.find((d: any) => d.kind === 'reply') };
  };

  before(async () => {
    t = await startTestApp(engine, { now: '2026-12-30T02:00:00.000Z' }); // Wednesday 10:00 in Shanghai
    admin = await t.as('admin');
    agent = await t.as('agent1');
    staff = await t.as('zjj.staff');
  });
  after(() => t.close());

  it('shows 2026 from the official arrangement: 10-10 is a 调休 workday, 10-01 a holiday', async () => {
    const res = await admin.get('/api/v1/calendar/years/2026');
    assert.equal(res.status, 200);
    assert.equal(res.body.official, true);
    assert.equal(res.body.warning, null);
    assert.equal(res.body.days.length, 365);
    assert.equal(dayOf(res.body, '2026-10-10').working, true); // a Saturday
    assert.match(dayOf(res.body, '2026-10-10').name, /调休/);
    assert.equal(dayOf(res.body, '2026-10-01').working, false); // a Thursday
    assert.equal(dayOf(res.body, '2026-10-01').name, '国庆节');
    assert.equal(dayOf(res.body, '2026-10-09').working, true);
    assert.equal(dayOf(res.body, '2026-10-11').working, false);
  });

  it('shows a year with no data yet as not official, with a warning', async () => {
    const res = await admin.get('/api/v1/calendar/years/2027');
    assert.equal(res.status, 200);
    assert.equal(res.body.official, false);
    assert.equal(res.body.source, 'none');
    assert.match(res.body.warning, /2027/);
    // Until the notice is imported, 2027 falls back to Monday–Friday.
    assert.equal(dayOf(res.body, '2027-01-01').working, true); // a Friday
    assert.equal(dayOf(res.body, '2027-01-02').working, false);
    assertProblem(await admin.get('/api/v1/calendar/years/1999'), 400, '年份');
  });

  it('computes a deadline over the National Day holiday', async () => {
    const res = await agent.get('/api/v1/calendar/deadline?from=2026-09-30T16:00:00%2B08:00&workingDays=2');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.dueAt, '2026-10-09T23:59:59+08:00');
    assert.equal(res.body.yellowAt, '2026-10-09T00:00:00+08:00');
    assert.equal(res.body.provisional, false);
    assert.equal(res.body.startDate, '2026-09-30');
    const three = await agent.get('/api/v1/calendar/deadline?from=2026-09-30T16:00:00%2B08:00&workingDays=3');
    assert.equal(three.body.dueAt, '2026-10-10T23:59:59+08:00');
    const hours = await agent.get('/api/v1/calendar/deadline?from=2026-09-30T16:00:00%2B08:00&hours=4');
    assert.equal(hours.body.dueAt, '2026-09-30T20:00:00+08:00');
    // The start instant in UTC is the same instant.
    const utc = await agent.get('/api/v1/calendar/deadline?from=2026-09-30T08:00:00Z&workingDays=2');
    assert.equal(utc.body.dueAt, '2026-10-09T23:59:59+08:00');
    assertProblem(await agent.get('/api/v1/calendar/deadline?from=2026-09-30T16:00:00&workingDays=2'), 400, '开始时间');
    assertProblem(await agent.get('/api/v1/calendar/deadline?from=2026-09-30T16:00:00Z'), 400, 'workingDays');
    assertProblem(await agent.get('/api/v1/calendar/deadline?workingDays=2'), 400, '开始时间');
    assertProblem(await agent.get('/api/v1/calendar/deadline?from=2026-09-30T16:00:00Z&workingDays=0'), 400);
  });

  it('marks a deadline that runs into a year with no data as provisional, and says so in /healthz', async () => {
    const tk = await agent.post('/api/v1/tickets', intakeBody({ type: 'help', requester: { name: '张三丰', phone: '13812345678' } }));
    assert.equal(tk.status, 201, JSON.stringify(tk.body));
    no = tk.body.no;
    const { ticket, duty } = await reply();
    // 12-31, then 2027-01-01 counted as a Friday workday, 01-04, 01-05, 01-06.
    assert.equal(duty.limit, '5个工作日');
    assert.equal(duty.dueAt, '2027-01-06T23:59:59+08:00');
    assert.equal(duty.provisional, true);
    const sign = ticket.duties.find((d: any) => d.kind === 'sign');
    assert.equal(sign.dueAt, '2026-12-31T23:59:59+08:00');
    assert.equal(sign.provisional, false);
    assert.equal(ticket.provisional, true);
    const listItem = (await agent.get('/api/v1/tickets')).body.items.find((i: any) => i.no === no);
    assert.equal(listItem.provisional, true);

    const health = await healthz(t);
    assert.equal(health.status, 'warning');
    assert.ok(health.calendar.warnings.some((w: string) => w.includes('2027')), JSON.stringify(health.calendar));
    assert.ok(health.calendar.provisionalOpenDuties >= 1);
    const warnings = await agent.get('/api/v1/calendar/warnings');
    assert.equal(warnings.status, 200);
    assert.ok(warnings.body.provisionalOpenDuties >= 1);
  });

  it('only an admin imports a year, and only that year’s dates', async () => {
    const before = await tableCounts(t.ctx);
    const body = { holidays: [{ date: '2027-01-01', name: '元旦' }], workdays: [] };
    for (const client of [agent, staff, await t.as('centre1')]) {
      assertProblem(await client.post('/api/v1/calendar/years/2027/import', body), 403);
    }
    assertProblem(await admin.post('/api/v1/calendar/years/2027/import', { holidays: [{ date: '2026-12-31', name: '元旦' }], workdays: [] }), 400, '2027');
    assertProblem(await admin.post('/api/v1/calendar/years/2027/import', { holidays: [{ date: '2027-02-30' }], workdays: [] }), 400);
    assertProblem(await admin.post('/api/v1/calendar/years/2027/import', { holidays: [] }), 400, '调休工作日');
    assert.deepEqual(await tableCounts(t.ctx), before);
    assert.equal((await admin.get('/api/v1/calendar/years/2027')).body.official, false);
    assert.equal((await reply()).duty.provisional, true);
  });

  it('importing 2027 recomputes the open deadline and clears provisional', async () => {
    const res = await admin.post('/api/v1/calendar/years/2027/import', { holidays: [{ date: '2027-01-01', name: '元旦' }], workdays: [], note: '国务院办公厅通知' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.recomputedDeadlines >= 1);
    assert.equal(res.body.status.official, true);
    assert.equal(res.body.status.source, 'import');

    const { ticket, duty } = await reply();
    assert.equal(duty.dueAt, '2027-01-07T23:59:59+08:00'); // one day later: 2027-01-01 is a holiday
    assert.equal(duty.provisional, false);
    assert.equal(ticket.provisional, false);
    assert.equal(ticket.duties.find((d: any) => d.kind === 'sign').dueAt, '2026-12-31T23:59:59+08:00');

    const year = await admin.get('/api/v1/calendar/years/2027');
    assert.equal(year.body.official, true);
    assert.equal(year.body.warning, null);
    assert.equal(dayOf(year.body, '2027-01-01').working, false);
    assert.equal(dayOf(year.body, '2027-01-01').name, '元旦');

    const health = await healthz(t);
    assert.equal(health.calendar.provisionalOpenDuties, 0);
    assert.ok(!health.calendar.warnings.some((w: string) => w.includes('2027')));
    // New deadlines use the imported year straight away.
    const deadline = await agent.get('/api/v1/calendar/deadline?from=2026-12-31T10:00:00%2B08:00&workingDays=1');
    assert.equal(deadline.body.dueAt, '2027-01-04T23:59:59+08:00');
    assert.equal(deadline.body.provisional, false);
  });

  it('an admin’s single-day change moves open deadlines; anyone else gets 403', async () => {
    const before = await tableCounts(t.ctx);
    for (const client of [agent, staff]) {
      assertProblem(await client.put('/api/v1/calendar/days/2027-01-05', { kind: 'holiday', name: '临时调整' }), 403);
    }
    assert.deepEqual(await tableCounts(t.ctx), before);
    assert.equal((await reply()).duty.dueAt, '2027-01-07T23:59:59+08:00');

    const res = await admin.put('/api/v1/calendar/days/2027-01-05', { kind: 'holiday', name: '临时调整' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.recomputedDeadlines >= 1);
    assert.equal((await reply()).duty.dueAt, '2027-01-08T23:59:59+08:00');
    assert.equal((await reply()).ticket.nextDueAt, '2026-12-31T23:59:59+08:00');
    assert.equal(dayOf((await admin.get('/api/v1/calendar/years/2027')).body, '2027-01-05').working, false);

    // A Saturday made a workday brings it forward again.
    const saturday = await admin.put('/api/v1/calendar/days/2027-01-02', { kind: 'workday', name: '调休上班' });
    assert.equal(saturday.status, 200, JSON.stringify(saturday.body));
    assert.equal((await reply()).duty.dueAt, '2027-01-07T23:59:59+08:00');

    // Clearing both overrides restores the imported arrangement.
    for (const date of ['2027-01-05', '2027-01-02']) {
      const cleared = await admin.put(`/api/v1/calendar/days/${date}`, { kind: null });
      assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    }
    assert.equal((await reply()).duty.dueAt, '2027-01-07T23:59:59+08:00');
    assertProblem(await admin.put('/api/v1/calendar/days/2027-13-01', { kind: 'holiday' }), 400, '日期');
    assertProblem(await admin.put('/api/v1/calendar/days/2027-02-30', { kind: 'holiday' }), 400, '日期');
    assertProblem(await admin.put('/api/v1/calendar/days/2027-01-05', { kind: 'vacation' }), 400);
  });

  it('an admin may override a date the imported notice lists, and clearing it restores the notice', async () => {
    // The notice says 2027-01-01 is a holiday; the admin makes it a workday.
    const res = await admin.put('/api/v1/calendar/days/2027-01-01', { kind: 'workday', name: '临时上班' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await reply()).duty.dueAt, '2027-01-06T23:59:59+08:00');
    assert.equal(dayOf((await admin.get('/api/v1/calendar/years/2027')).body, '2027-01-01').working, true);
    const cleared = await admin.put('/api/v1/calendar/days/2027-01-01', { kind: null });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal((await reply()).duty.dueAt, '2027-01-07T23:59:59+08:00');
    const year = (await admin.get('/api/v1/calendar/years/2027')).body;
    assert.equal(dayOf(year, '2027-01-01').working, false);
    assert.equal(dayOf(year, '2027-01-01').name, '元旦');
  });

  it('re-importing a year keeps the admin’s overrides of that year', async () => {
    const set = await admin.put('/api/v1/calendar/days/2027-01-04', { kind: 'holiday', name: '临时调整' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal((await reply()).duty.dueAt, '2027-01-08T23:59:59+08:00');
    const res = await admin.post('/api/v1/calendar/years/2027/import', { holidays: [{ date: '2027-01-01', name: '元旦' }, { date: '2027-01-04', name: '元旦' }], workdays: [] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const again = await admin.post('/api/v1/calendar/years/2027/import', { holidays: [{ date: '2027-01-01', name: '元旦' }], workdays: [] });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    // The override still wins over the notice.
    assert.equal((await reply()).duty.dueAt, '2027-01-08T23:59:59+08:00');
    const cleared = await admin.put('/api/v1/calendar/days/2027-01-04', { kind: null });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal((await reply()).duty.dueAt, '2027-01-07T23:59:59+08:00');
  });
});
