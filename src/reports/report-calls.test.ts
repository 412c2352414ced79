// The 话务 section of the city-wide 日报 through the HTTP API: a hand-made morning of CTI events, two
// 漏接回拨 entries with their attempts and three messages; every expected figure is worked out below.
// A unit's report has no calls section.
//
// 2026-03-02 (Monday), Shanghai time; agent1 ready at 09:00 (console).
//   c1 offered 09:00:00, answered 09:00:10 (wait 10 s, within 15 s), ended 09:01:40: talk 90 s, wrap-up 60 s (by itself)
//   c2 offered 09:03:00, abandoned 09:03:20 (lost, 20 s) → 漏接 m2
//   c3 offered 09:04:00, ended unanswered 09:04:02 (short abandon, 2 s: no 漏接)
//   c4 offered 09:05:00, abandoned 09:05:30 (lost, 30 s) → 漏接 m4
//   c5 offered 09:06:00, answered 09:06:20 (wait 20 s, late), ended 09:07:20: talk 60 s, wrap-up 60 s
//   m2: claimed, reached at 09:10:00 (400 s after the loss; due 09:33:20) → within
//   m4: claimed, no answer at 09:50:00 (2670 s; due 09:35:30) → late; reached 2026-03-03 09:00 (after the period)
//   messages received 09:20:00: one replied 09:21:00 (60 s), one 09:25:00 (300 s, late), one never
// Figures of the day: offered 5, answered 2, within 15 s 1, abandoned 2, short 1; service level 1/4,
// connect rate 2/4 (< 95 %), abandon rate 2/4; ASA (10 + 20) / 2 = 15 s; AHT (150 + 120) / 2 = 135 s;
// seat time 09:00–24:00 = 54000 s ready/busy/wrap-up, of which busy 90 + 60 and wrap-up 60 + 60 = 270 s.
// 漏接 as of 2026-03-03 00:00: missed 2, called back 2, reached 1, open 1, within 1 of 2,
// first attempt (400 + 2670) / 2 = 1535 s. Messages: 1 of 3 within 3 minutes.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { describeEachEngine, PASSWORD, startTestApp, type Client, type TestApp } from '../../test/support/app.ts';

const at = (shanghai: string) => new Date(`${shanghai}+08:00`).toISOString();

describeEachEngine('reports: the 话务 section (GB/T 33358 and 漏接回拨)', (engine) => {
  let t: TestApp;
  let agent: Client;
  let centre: Client;
  let ctiKey: string;
  let msgKey: string;
  const cti = async (events: unknown[]) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/cti/events', headers: { 'x-api-key': ctiKey }, payload: { events } });
    assert.equal(res.statusCode, 200, res.body);
  };
  const missedId = async (callId: string) => {
    const row = await t.ctx.store.db
      .selectFrom('missed_calls as m')
      .innerJoin('calls as c', 'c.id', 'm.call_id')
      .select('m.id')
      .where('c.switch_call_id', '=', callId)
      .executeTakeFirstOrThrow();
    return Number(row.id);
  };
  const attempt = async (id: number, outcome: string, when: string) => {
    t.clock.set(at(when));
    const res = await agent.post(`/api/v1/missed-calls/${id}/attempt`, { outcome });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };

  before(async () => {
    t = await startTestApp(engine, { now: at('2026-03-02T09:00:00') });
    agent = await t.as('agent1');
    centre = await t.as('centre1');
    const admin = await t.as('admin');
    ctiKey = (await admin.post('/api/v1/apikeys', { name: '交换机', scopes: ['cti:events'], ratePerMinute: 1000 })).body.key;
    msgKey = (await admin.post('/api/v1/apikeys', { name: '短信网关', scopes: ['messages:write'], ratePerMinute: 1000 })).body.key;
    assert.equal((await agent.post('/api/v1/seats/me/state', { state: 'ready' })).status, 200);
    t.clock.set(at('2026-03-02T09:06:00'));
    await cti([
      { callId: 'c1', seq: 1, type: 'offered', at: '2026-03-02T09:00:00+08:00', caller: '13900000001' },
      { callId: 'c1', seq: 2, type: 'answered', at: '2026-03-02T09:00:10+08:00', agent: 'agent1' },
      { callId: 'c1', seq: 3, type: 'ended', at: '2026-03-02T09:01:40+08:00' },
      { callId: 'c2', seq: 1, type: 'offered', at: '2026-03-02T09:03:00+08:00', caller: '13900000002' },
      { callId: 'c2', seq: 2, type: 'abandoned', at: '2026-03-02T09:03:20+08:00' },
      { callId: 'c3', seq: 1, type: 'offered', at: '2026-03-02T09:04:00+08:00', caller: '13900000003' },
      { callId: 'c3', seq: 2, type: 'ended', at: '2026-03-02T09:04:02+08:00' },
      { callId: 'c4', seq: 1, type: 'offered', at: '2026-03-02T09:05:00+08:00', caller: '13900000004' },
      { callId: 'c4', seq: 2, type: 'abandoned', at: '2026-03-02T09:05:30+08:00' },
    ]);
    t.clock.set(at('2026-03-02T09:07:30'));
    await cti([
      { callId: 'c5', seq: 1, type: 'offered', at: '2026-03-02T09:06:00+08:00', caller: '13900000005' },
      { callId: 'c5', seq: 2, type: 'answered', at: '2026-03-02T09:06:20+08:00', agent: 'agent1' },
      { callId: 'c5', seq: 3, type: 'ended', at: '2026-03-02T09:07:20+08:00' },
    ]);
    const m2 = await missedId('c2');
    const m4 = await missedId('c4');
    t.clock.set(at('2026-03-02T09:09:00'));
    assert.equal((await agent.post(`/api/v1/missed-calls/${m2}/claim`)).status, 200);
    assert.equal((await agent.post(`/api/v1/missed-calls/${m4}/claim`)).status, 200);
    await attempt(m2, 'reached', '2026-03-02T09:10:00');
    // Messages: three received at 09:20.
    const ids: number[] = [];
    for (const n of [1, 2, 3]) {
      t.clock.set(at('2026-03-02T09:20:00'));
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: { 'x-api-key': msgKey }, payload: { channel: 'sms', from: `1390000010${n}`, text: `留言${n}`, at: '2026-03-02T09:20:00+08:00' } });
      assert.ok(res.statusCode === 200 || res.statusCode === 201, res.body);
      ids.push(Number(JSON.parse(res.body).id));
    }
    for (const [id, when] of [[ids[0], '09:21:00'], [ids[1], '09:25:00']] as const) {
      t.clock.set(at(`2026-03-02T${when}`));
      assert.equal((await agent.post(`/api/v1/messages/${id}/claim`)).status, 200);
      assert.equal((await agent.post(`/api/v1/messages/${id}/reply`, { text: '您好，已收到' })).status, 200);
    }
    await attempt(m4, 'no_answer', '2026-03-02T09:50:00');
    // The live wall at 09:55: today's 漏接 so far.
    t.clock.set(at('2026-03-02T09:55:00'));
    const live = await (await t.as('lead1')).get('/api/v1/call-stats/live');
    assert.equal(live.status, 200, JSON.stringify(live.body));
    assert.deepEqual(
      [live.body.missedCalls.missed, live.body.missedCalls.calledBack, live.body.missedCalls.reached, live.body.missedCalls.open, live.body.missedCalls.calledBackWithinTarget],
      [2, 2, 1, 1, 1],
    );
    // After the period: m4 reached the next morning, which the 2 March report does not see.
    await attempt(m4, 'reached', '2026-03-03T09:00:00');
    t.clock.set(at('2026-03-03T10:00:00'));
  });
  after(() => t.close());

  it('the city-wide 日报 holds the day’s service levels, messages and 漏接回拨, equal to /call-stats', async () => {
    const res = await centre.get('/api/v1/reports/daily?date=2026-03-02');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const c = res.body.calls;
    assert.ok(c, 'a calls section');
    assert.deepEqual(c.serviceLevels, {
      offered: 5,
      answered: 2,
      answeredWithin15s: 1,
      abandoned: 2,
      shortAbandoned: 1,
      serviceLevel15s: 1 / 4,
      abandonRate: 2 / 4,
      connectRate: 2 / 4,
      asaSeconds: 15,
      ahtSeconds: 135,
      occupancy: 270 / 54000,
    });
    assert.equal(c.answerTargetSeconds, 15);
    assert.equal(c.connectRateTarget, 0.95);
    assert.equal(c.connectRateMet, false);
    assert.deepEqual(c.messages, { received: 3, answered: 2, answeredWithinTarget: 1, withinTargetRate: 1 / 3, targetSeconds: 180 });
    assert.deepEqual(c.missedCalls, {
      missed: 2,
      calledBack: 2,
      reached: 1,
      calledAgain: 0,
      open: 1,
      calledBackWithinTarget: 1,
      callbackWithinTargetRate: 1 / 2,
      avgFirstAttemptSeconds: 1535,
      targetSeconds: 1800,
    });
    // The same figures as GET /call-stats for the day (one code path).
    const day = await centre.get('/api/v1/call-stats?from=2026-03-02&to=2026-03-02&interval=day');
    assert.equal(day.status, 200, JSON.stringify(day.body));
    const { from: _f, to: _t, queue: _q, agent: _a, ...stats } = day.body.items[0];
    assert.deepEqual(c.serviceLevels, stats);

    // The next day's report sees m4 reached (its call was lost on 2 March, so it is not in 3 March's 漏接).
    const next = await centre.get('/api/v1/reports/daily?date=2026-03-03');
    assert.equal(next.body.calls.serviceLevels.offered, 0);
    assert.equal(next.body.calls.missedCalls.missed, 0);
    // The week holds the day's calls; its 漏接 are seen as of now (the week still runs): m4 reached.
    const week = await centre.get('/api/v1/reports/weekly?week=2026-W10');
    assert.equal(week.body.calls.serviceLevels.offered, 5);
    assert.deepEqual([week.body.calls.missedCalls.reached, week.body.calls.missedCalls.open], [2, 0]);
  });

  it('a unit’s report has no calls section; the exports show the 话务 table', async () => {
    const unit = await (await t.as('zjj.staff')).get('/api/v1/reports/daily?date=2026-03-02');
    assert.equal(unit.status, 200, JSON.stringify(unit.body));
    assert.equal(unit.body.calls, undefined);

    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'centre1', password: PASSWORD } });
    const token = JSON.parse(login.body).token as string;
    const x = await t.app.inject({ method: 'GET', url: '/api/v1/reports/daily.xlsx?date=2026-03-02', headers: { authorization: `Bearer ${token}` } });
    assert.equal(x.statusCode, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('话务');
    assert.ok(ws, 'a 话务 sheet');
    const rows = new Map<string, string>();
    ws.eachRow((row, i) => {
      if (i > 2) rows.set(String(row.getCell(1).value), String(row.getCell(2).value));
    });
    assert.equal(rows.get('呼入量（通）'), '5');
    assert.equal(rows.get('服务水平（15 秒接通率）'), '25.00%');
    assert.equal(rows.get('接通率（标准 ≥ 95%）'), '50.00%（未达标）');
    assert.equal(rows.get('平均应答速度'), '15.0 秒');
    assert.equal(rows.get('3 分钟内答复率'), '33.33%');
    assert.equal(rows.get('漏接（通）'), '2');
    assert.equal(rows.get('期末未完成回拨（通）'), '1');
    assert.equal(rows.get('30 分钟内回拨率'), '50.00%');
    assert.equal(rows.get('平均首次回拨用时'), '25.6 分钟');
  });
});
