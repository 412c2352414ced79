// The figures read from the store: one agent's morning, computed by hand — the call's wait and handle
// time, the seat's stretches (including after-call work that ended by itself and the stretch still
// running) and the occupancy they give, per day, per agent and per half hour.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type Client, type TestApp } from '../../test/support/app.ts';

const NINE = '2026-03-02T01:00:00.000Z'; // Monday 09:00 in Shanghai
const U = (s: number) => new Date(Date.parse(NINE) + s * 1000).toISOString();

describeEachEngine('Call figures from the store', (engine) => {
  let t: TestApp;
  let lead: Client;
  let key: string;
  const cti = async (body: unknown) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/cti/events', headers: { 'x-api-key': key }, payload: body as object });
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body);
  };

  before(async () => {
    t = await startTestApp(engine, { now: NINE });
    lead = await t.as('lead1');
    const admin = await t.as('admin');
    key = (await admin.post('/api/v1/apikeys', { name: '交换机', scopes: ['cti:events'], ratePerMinute: 1000 })).body.key;
  });
  after(() => t.close());

  it('gives ASA, AHT, the service level and occupancy of a hand-computed morning', async () => {
    // 09:00:00 agent1 ready (console). Call 1 offered 09:00:00, answered 09:00:10, ended 09:01:40:
    // busy 90 s, after-call work 60 s ending by itself at 09:02:40. Call 2 offered 09:03:00, abandoned
    // 09:03:20 (a lost call). Call 3 offered 09:04:00, abandoned 09:04:02 (a short abandon).
    const agent = await t.as('agent1');
    assert.equal((await agent.post('/api/v1/seats/me/state', { state: 'ready' })).status, 200);
    await cti({
      events: [
        { callId: 'c1', seq: 3, type: 'ended', at: '2026-03-02T09:01:40+08:00' },
        { callId: 'c1', seq: 1, type: 'offered', at: '2026-03-02T09:00:00+08:00', caller: '13900000001' },
        { callId: 'c1', seq: 2, type: 'answered', at: '2026-03-02T09:00:10+08:00', agent: 'agent1' },
        { callId: 'c2', seq: 1, type: 'offered', at: '2026-03-02T09:03:00+08:00', caller: '13900000002' },
        { callId: 'c2', seq: 2, type: 'abandoned', at: '2026-03-02T09:03:20+08:00' },
        { callId: 'c3', seq: 1, type: 'offered', at: '2026-03-02T09:04:00+08:00', caller: '13900000003', queue: 'dialect' },
        { callId: 'c3', seq: 2, type: 'ended', at: '2026-03-02T09:04:02+08:00' },
      ],
    });
    // At 09:10 the seat has been ready since 09:02:40 (the stretch still running).
    t.clock.set(U(600));
    const day = await lead.get('/api/v1/call-stats?from=2026-03-02&to=2026-03-02&interval=day');
    assert.equal(day.status, 200, JSON.stringify(day.body));
    assert.equal(day.body.total, 1);
    assert.equal(day.body.items.length, 1);
    const d = day.body.items[0];
    assert.equal(d.from, '2026-03-02T00:00:00+08:00');
    assert.equal(d.to, '2026-03-03T00:00:00+08:00');
    assert.equal(d.offered, 3);
    assert.equal(d.answered, 1);
    assert.equal(d.answeredWithin15s, 1);
    assert.equal(d.abandoned, 1);
    assert.equal(d.shortAbandoned, 1);
    assert.equal(d.serviceLevel15s, 1 / 2);
    assert.equal(d.abandonRate, 1 / 2);
    assert.equal(d.connectRate, 1 / 2);
    assert.equal(d.asaSeconds, 10);
    assert.equal(d.ahtSeconds, 90 + 60);
    // Seat time 09:00:00–09:10:00 = 600 s available, of which busy 90 + wrap-up 60.
    assert.equal(d.occupancy, 150 / 600);

    const byAgent = await lead.get('/api/v1/call-stats?from=2026-03-02&interval=day&by=agent');
    assert.deepEqual(
      byAgent.body.items.map((r: any) => [r.agent, r.offered, r.answered, r.occupancy]),
      [['agent1', 1, 1, 150 / 600]],
    );
    const byQueue = await lead.get('/api/v1/call-stats?from=2026-03-02&interval=day&by=queue');
    assert.deepEqual(
      byQueue.body.items.map((r: any) => [r.queue, r.offered, r.shortAbandoned, r.occupancy]),
      [
        ['dialect', 1, 1, null],
        ['general', 2, 0, null],
      ],
    );
    // Half hours: 09:00–09:30 holds all three calls and the 600 s of seat time.
    const halves = await lead.get('/api/v1/call-stats?from=2026-03-02&interval=30m');
    assert.equal(halves.body.total, 48);
    assert.equal(halves.body.items.length, 48);
    const nine = halves.body.items.find((r: any) => r.from === '2026-03-02T09:00:00+08:00');
    assert.deepEqual([nine.offered, nine.occupancy], [3, 150 / 600]);
    assert.equal(halves.body.items.filter((r: any) => r.offered > 0).length, 1);

    const c1 = await t.ctx.store.db.selectFrom('calls').select(['wrap_up_seconds']).where('switch_call_id', '=', 'c1').executeTakeFirstOrThrow();
    assert.equal(c1.wrap_up_seconds, 60);
    const live = await lead.get('/api/v1/call-stats/live');
    assert.equal(live.body.today.offered, 3);
    assert.deepEqual(live.body.seats, { ready: 1 });

    const bad = await lead.get('/api/v1/call-stats?interval=5m');
    assert.equal(bad.status, 400);
    assert.match(bad.body.title, /统计粒度/);
    assert.equal((await agent.get('/api/v1/call-stats')).status, 403);
  });
});
