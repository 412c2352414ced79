// Call handling through HTTP on every engine: a switch's events (repeated, reordered, with holes)
// give the right calls and seats; keys and bad input are refused in Chinese with nothing written;
// seats and after-call work; the screen-pop and the ticket's link to its call; 第三十二条
// restrictions from request to expiry; the 漏接回拨 and message queues; the figures of a day; and the
// same ingestion over a real WebSocket.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { describeEachEngine, intakeBody, startTestApp, type Client, type TestApp } from '../../test/support/app.ts';

const MONDAY_9AM = '2026-03-02T01:00:00.000Z';
/** Shanghai wall time of 2026-03-02 plus s seconds after 09:00, with its offset as a switch sends it. */
const T = (s: number) => {
  const d = new Date(Date.parse(MONDAY_9AM) + s * 1000 + 8 * 3_600_000);
  return `${d.toISOString().slice(0, 19)}+08:00`;
};
const U = (s: number) => new Date(Date.parse(MONDAY_9AM) + s * 1000).toISOString();

describeEachEngine('Call handling', (engine) => {
  let t: TestApp;
  let admin: Client;
  let agent: Client;
  let lead: Client;
  let centre: Client;
  let authority: Client;
  let ctiKey: string;
  let otherSwitchKey: string;
  let messagesKey: string;
  let readKey: string;

  const cti = async (body: unknown, key: string | null = ctiKey) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/cti/events', headers: key ? { 'x-api-key': key } : {}, payload: body as object });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  const count = async (table: 'calls' | 'call_events' | 'seats' | 'seat_intervals' | 'missed_calls' | 'messages' | 'call_restrictions') =>
    Number((await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const callRow = (switchCallId: string) => t.ctx.store.db.selectFrom('calls').selectAll().where('switch_call_id', '=', switchCallId).orderBy('id').limit(1).executeTakeFirstOrThrow();
  const seatRow = (agentName: string) => t.ctx.store.db.selectFrom('seats').selectAll().where('agent', '=', agentName).executeTakeFirst();

  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    admin = await t.as('admin');
    agent = await t.as('agent1');
    lead = await t.as('lead1');
    centre = await t.as('centre1');
    authority = await t.as('authority1');
    const mk = async (name: string, scopes: string[]) => {
      const r = await admin.post('/api/v1/apikeys', { name, scopes, ratePerMinute: 10000 });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.key as string;
    };
    ctiKey = await mk('一号交换机', ['cti:events']);
    otherSwitchKey = await mk('二号交换机', ['cti:events']);
    messagesKey = await mk('短信网关', ['messages:write']);
    readKey = await mk('只读', ['open311:read']);
  });
  after(() => t.close());

  it('refuses a switch without a key, with a wrong key or without the scope, in Chinese, writing nothing', async () => {
    const ev = { callId: 'A-0', seq: 1, type: 'offered', at: T(0), caller: '13900000000' };
    const none = await cti(ev, null);
    assert.equal(none.status, 401);
    assert.match(none.body.title, /API 密钥/);
    const wrong = await cti(ev, 'mdj_not-a-key');
    assert.equal(wrong.status, 403);
    assert.match(wrong.body.title, /无效/);
    const scope = await cti(ev, readKey);
    assert.equal(scope.status, 403);
    assert.match(scope.body.title, /无权/);
    const asMessage = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: { 'x-api-key': ctiKey }, payload: { channel: 'sms', from: '13900000000', text: '你好' } });
    assert.equal(asMessage.statusCode, 403);
    assert.equal(await count('call_events'), 0);
    assert.equal(await count('calls'), 0);
  });

  it('refuses bad events with a 400 naming the event and field, and a bad batch writes none of it', async () => {
    const good = { callId: 'B-1', seq: 1, type: 'offered', at: T(0), caller: '13900000001', queue: 'general' };
    const cases: Array<[unknown, string, RegExp]> = [
      [{ ...good, seq: 0 }, 'seq', /事件序号/],
      [{ ...good, seq: 'x' }, 'seq', /事件序号/],
      [{ ...good, type: 'hung_up' }, 'type', /事件类型/],
      [{ ...good, at: '2026-03-02 09:00:00' }, 'at', /事件时间/],
      [{ ...good, at: '2026-02-30T09:00:00+08:00' }, 'at', /事件时间/],
      [{ ...good, callId: undefined }, 'callId', /通话编号/],
      [{ ...good, queue: 'nowhere' }, 'queue', /队列/],
      [{ ...good, caller: 'abc' }, 'caller', /主叫号码/],
      [{ callId: 'B-1', seq: 2, type: 'transferred', at: T(5) }, 'transfer', /转接信息/],
      [{ callId: 'B-1', seq: 2, type: 'transferred', at: T(5), transfer: { mode: 'blind', target: { kind: 'unit', unitCode: 'NOPE' } } }, 'transfer.target', /承办单位/],
      [{ callId: 'S-1', seq: 1, type: 'agent_state', at: T(5), agent: 'agent1' }, 'state', /坐席状态/],
      [{ events: [good, { ...good, seq: 2, type: 'recording', recordingUrl: 'ftp://x' }] }, 'events[1].recordingUrl', /第 2 个事件的字段「录音地址」/],
      [{ events: [] }, 'events', /事件列表/],
      [[good], 'events', /事件对象/],
    ];
    for (const [body, field, message] of cases) {
      const r = await cti(body);
      assert.equal(r.status, 400, `${field}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.errors[0].field, field);
      assert.match(r.body.title, message);
    }
    assert.equal(await count('call_events'), 0);
    assert.equal(await count('calls'), 0);
  });

  it('folds a stream sent shuffled, repeated and in pieces into the same call, and moves the seat', async () => {
    // agent1 logs on at the console: ready.
    const on = await agent.post('/api/v1/seats/me/state', { state: 'ready' });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal(on.body.state, 'ready');
    const events = [
      { callId: 'C-1', seq: 1, type: 'offered', at: T(0), caller: '139-0000-1111', trunk: '12345', queue: 'general' },
      { callId: 'C-1', seq: 2, type: 'queued', at: T(1), queue: 'enterprise' },
      { callId: 'C-1', seq: 3, type: 'ringing', at: T(8), agent: 'agent1' },
      { callId: 'C-1', seq: 4, type: 'answered', at: T(12), agent: 'agent1' },
      { callId: 'C-1', seq: 5, type: 'ended', at: T(200) },
      { callId: 'C-1', seq: 6, type: 'recording', at: T(205), recordingUrl: 'https://rec.example/c1.wav' },
    ];
    // The end and the recording first, then the rest with repeats, then the offer again.
    const first = await cti({ events: [events[4], events[5], events[0]] });
    assert.deepEqual(first.body, { accepted: 3, duplicates: 0, restrictions: [] });
    let c = await callRow('C-1');
    assert.equal(c.outcome, 'abandoned', 'an end without an answer reads as a lost call until the answer arrives');
    assert.equal(await count('missed_calls'), 1);

    const second = await cti({ events: [events[3], events[0], events[3], events[2], events[1], events[4]] });
    assert.deepEqual(second.body, { accepted: 3, duplicates: 3, restrictions: [] });
    const third = await cti(events[0]);
    assert.deepEqual(third.body, { accepted: 0, duplicates: 1, restrictions: [] });

    c = await callRow('C-1');
    assert.equal(c.caller, '13900001111');
    assert.equal(c.queue, 'enterprise');
    assert.equal(c.agent, 'agent1');
    assert.equal(c.offered_at, U(0));
    assert.equal(c.answered_at, U(12));
    assert.equal(c.ended_at, U(200));
    assert.equal(c.abandoned_at, null);
    assert.equal(c.outcome, 'answered');
    assert.equal(c.status, 'ended');
    assert.equal(c.recording_url, 'https://rec.example/c1.wav');
    assert.equal(c.local_day, '2026-03-02');
    assert.equal(c.event_count, 6);
    assert.equal(await count('call_events'), 6);
    assert.equal(await count('missed_calls'), 0, 'the untouched missed-call entry went when the answer arrived');

    // The seat: ready 0 → busy 12 → wrap-up from 200 with the 60 s limit.
    const seat = (await seatRow('agent1'))!;
    assert.equal(seat.state, 'wrap_up');
    assert.equal(seat.since, U(200));
    assert.equal(seat.wrap_up_until, U(260));
    assert.equal(Number(seat.call_id), Number(c.id));
    const history = await t.ctx.store.db.selectFrom('seat_intervals').select(['state', 'from_at', 'to_at']).where('agent', '=', 'agent1').orderBy('from_at').execute();
    assert.deepEqual(
      history.map((h) => [h.state, h.from_at, h.to_at]),
      [
        ['ready', U(0), U(12)],
        ['busy', U(12), U(200)],
      ],
    );

    // Another switch may use the same call id: a different call.
    const other = await cti({ callId: 'C-1', seq: 1, type: 'offered', at: T(300), caller: '13900002222' }, otherSwitchKey);
    assert.equal(other.body.accepted, 1);
    assert.equal(await count('calls'), 2);
  });

  it('after-call work ends by itself at the limit; the wrap-up is recorded on the call', async () => {
    t.clock.set(U(230));
    const me = await agent.get('/api/v1/seats/me');
    assert.equal(me.body.state, 'wrap_up');
    assert.equal(me.body.wrapUpUntil, T(260));
    t.clock.set(U(261));
    const later = await agent.get('/api/v1/seats/me');
    assert.equal(later.body.state, 'ready');
    assert.equal(later.body.since, T(260));
    const c = await callRow('C-1');
    assert.equal(c.wrap_up_seconds, 60);
    // The agent cannot go "ready" while on a call; not ready needs a configured reason.
    const noReason = await agent.post('/api/v1/seats/me/state', { state: 'not_ready' });
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.errors[0].field, 'reason');
    const badState = await agent.post('/api/v1/seats/me/state', { state: 'busy' });
    assert.equal(badState.status, 400);
    assert.match(badState.body.title, /坐席状态/);
    const meal = await agent.post('/api/v1/seats/me/state', { state: 'not_ready', reason: 'meal' });
    assert.equal(meal.status, 200);
    assert.equal(meal.body.reasonLabel, '用餐');
    // The switch says the agent is ready again.
    const sw = await cti({ callId: 'state-1', seq: 1, type: 'agent_state', at: T(400), agent: 'agent1', state: 'ready' });
    assert.equal(sw.body.accepted, 1);
    assert.equal((await seatRow('agent1'))!.state, 'ready');
    t.clock.set(U(500));
  });

  it('screen-pop: the call the agent is on with the caller in full, earlier and open tickets, and the ticket links the call', async () => {
    const phone = '13900003333';
    const earlier = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '李四', phone } }));
    assert.equal(earlier.status, 201, JSON.stringify(earlier.body));
    await cti({
      events: [
        { callId: 'D-1', seq: 1, type: 'offered', at: T(510), caller: phone, queue: 'general' },
        { callId: 'D-1', seq: 2, type: 'answered', at: T(515), agent: 'agent1' },
      ],
    });
    const me = await agent.get('/api/v1/seats/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.state, 'busy');
    assert.equal(me.body.call.caller, phone);
    assert.equal(me.body.call.callId, 'D-1');
    assert.equal(me.body.call.waitSeconds, 5);
    assert.equal(me.body.call.history.earlierTickets, 1);
    assert.deepEqual(me.body.call.history.openTickets.map((x: any) => x.no), [earlier.body.no]);
    assert.equal(me.body.call.restriction, null);
    const callId = me.body.call.id as number;

    const missing = await agent.post('/api/v1/tickets', intakeBody({ callId: '999999', requester: { kind: 'person', name: '李四', phone } }));
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].field, 'callId');
    const made = await agent.post('/api/v1/tickets', intakeBody({ callId: String(callId), requester: { kind: 'person', name: '李四', phone }, facts: '另一件事：楼道照明坏了一周无人修', distinctFrom: [earlier.body.no] }));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    // One ticket per call: a second registration of the same call (another tab, a double submit) is
    // refused, naming the ticket, and records nothing; a stated second matter of the call is accepted.
    const countBefore = await t.ctx.store.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const again = await agent.post('/api/v1/tickets', intakeBody({ callId: String(callId), requester: { kind: 'person', name: '李四', phone }, facts: '另一件事：楼道照明坏了一周无人修', distinctFrom: [earlier.body.no] }));
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.type, 'urn:hotline:problem:call-registered');
    assert.equal(again.body.ticketNo, made.body.no);
    assert.ok(again.body.title.includes(made.body.no) && /另一诉求/.test(again.body.title), again.body.title);
    const countAfter = await t.ctx.store.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(countAfter.n), Number(countBefore.n));
    const second = await agent.post('/api/v1/tickets', intakeBody({ callId: String(callId), secondMatter: true, requester: { kind: 'person', name: '李四', phone }, facts: '还有一件：小区门口路灯不亮', categoryCode: 'ZFWY-WY', distinctFrom: [earlier.body.no, made.body.no] }));
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const callNow = await agent.get(`/api/v1/calls/${callId}`);
    assert.equal(callNow.body.ticketNo, made.body.no, 'the call stays linked to its first ticket');
    await cti({ callId: 'D-1', seq: 3, type: 'ended', at: T(600) });
    await cti({ callId: 'D-1', seq: 4, type: 'recording', at: T(610), recordingUrl: 'https://rec.example/d1.wav' });
    const detail = await agent.get(`/api/v1/tickets/${made.body.no}`);
    assert.deepEqual(detail.body.call, { id: callId, recordingUrl: 'https://rec.example/d1.wav' });
    const unitView = await t.as('zjj.staff').then((c) => c.get(`/api/v1/tickets/${made.body.no}`));
    assert.equal(unitView.status, 200, JSON.stringify(unitView.body));
    assert.deepEqual(unitView.body.call, { id: callId, recordingUrl: null }, 'units do not get the recording');

    // The call list: the agent sees the number, the authority a masked one; the ticket is linked.
    const list = await agent.get('/api/v1/calls?day=2026-03-02');
    const d1 = list.body.items.find((x: any) => x.callId === 'D-1');
    assert.equal(d1.caller, phone);
    assert.equal(d1.ticketNo, made.body.no);
    const masked = await authority.get('/api/v1/calls?day=2026-03-02');
    assert.equal(masked.body.items.find((x: any) => x.callId === 'D-1').caller, '139****3333');
    const one = await authority.get(`/api/v1/calls/${callId}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.events.map((e: any) => e.type), ['offered', 'answered', 'ended', 'recording']);
    assert.equal(one.body.events[0].caller, '139****3333');
    assert.equal((await agent.get('/api/v1/calls?day=2026-13-40')).status, 400);
    assert.equal((await agent.get('/api/v1/calls?day=2026-02-30')).status, 400);
    assert.equal((await t.as('zjj.staff').then((c) => c.get('/api/v1/calls'))).status, 403);
  });

  it('restrictions (第三十二条): a team lead asks, another person of the centre approves, offers are refused with the notice, it expires by itself', async () => {
    const phone = '13900004444';
    const byAgent = await agent.post('/api/v1/restrictions', { phone, reason: 'harassment', days: 7 });
    assert.equal(byAgent.status, 403);
    const badDays = await lead.post('/api/v1/restrictions', { phone, reason: 'harassment', days: 90 });
    assert.equal(badDays.status, 400);
    assert.equal(badDays.body.errors[0].field, 'days');
    const badReason = await lead.post('/api/v1/restrictions', { phone, reason: 'rude', days: 7 });
    assert.equal(badReason.status, 400);
    assert.equal(badReason.body.errors[0].field, 'reason');
    assert.equal(await count('call_restrictions'), 0);

    const req = await lead.post('/api/v1/restrictions', { phone, reason: 'harassment', days: 7, note: '多次辱骂话务员' });
    assert.equal(req.status, 201, JSON.stringify(req.body));
    assert.equal(req.body.status, 'pending');
    const id = req.body.id;
    assert.equal((await lead.post('/api/v1/restrictions', { phone, reason: 'harassment', days: 3 })).status, 409);
    // Pending: calls still go through.
    const early = await cti({ callId: 'R-0', seq: 1, type: 'offered', at: T(700), caller: phone });
    assert.deepEqual(early.body.restrictions, []);
    assert.equal((await lead.post(`/api/v1/restrictions/${id}/approve`, {})).status, 403, 'a team lead does not approve');

    // An admin who asked may not approve their own request.
    const own = await admin.post('/api/v1/restrictions', { phone: '13900005555', reason: 'repeated_calls', days: 1 });
    assert.equal(own.status, 201);
    const self = await admin.post(`/api/v1/restrictions/${own.body.id}/approve`, {});
    assert.equal(self.status, 403);
    assert.match(self.body.title, /申请人以外/);
    const refused = await centre.post(`/api/v1/restrictions/${own.body.id}/approve`, { approve: false, note: '证据不足' });
    assert.equal(refused.status, 200);
    assert.equal(refused.body.status, 'rejected');
    assert.equal((await centre.post(`/api/v1/restrictions/${own.body.id}/approve`, {})).status, 409);

    t.clock.set(U(800));
    const ok = await centre.post(`/api/v1/restrictions/${id}/approve`, {});
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, 'active');
    assert.equal(ok.body.until, '2026-03-09T09:13:20+08:00');
    assert.equal(ok.body.requestedBy, 'lead1');
    assert.equal(ok.body.approvedBy, 'centre1');

    const blocked = await cti({
      events: [
        { callId: 'R-1', seq: 1, type: 'offered', at: T(900), caller: phone },
        { callId: 'R-1', seq: 2, type: 'ended', at: T(901) },
      ],
    });
    assert.equal(blocked.body.restrictions.length, 1);
    assert.equal(blocked.body.restrictions[0].callId, 'R-1');
    assert.equal(blocked.body.restrictions[0].until, '2026-03-09T09:13:20+08:00');
    assert.match(blocked.body.restrictions[0].notice, /2026-03-09 09:13/);
    const r1 = await callRow('R-1');
    assert.equal(r1.restricted, 1);
    assert.equal(r1.outcome, 'restricted');
    assert.equal(await t.ctx.store.db.selectFrom('missed_calls').select('id').where('call_id', '=', r1.id).executeTakeFirst(), undefined, 'a restricted call is no missed call');
    // The offer sent again gets the notice again.
    assert.equal((await cti({ callId: 'R-1', seq: 1, type: 'offered', at: T(900), caller: phone })).body.restrictions.length, 1);

    // Eight days on the restriction has ended by itself.
    t.clock.set(U(800 + 8 * 86400));
    const list = await centre.get(`/api/v1/restrictions?phone=${phone}`);
    assert.equal(list.body.items[0].status, 'expired');
    const freed = await cti({ callId: 'R-2', seq: 1, type: 'offered', at: new Date(Date.parse(U(800 + 8 * 86400))).toISOString() , caller: phone });
    assert.deepEqual(freed.body.restrictions, []);
    const expiredEvents = await t.ctx.store.db.selectFrom('events').select(['action', 'detail']).where('action', 'like', 'call_restriction_%').orderBy('id').execute();
    assert.deepEqual(expiredEvents.map((e) => e.action), ['call_restriction_request', 'call_restriction_request', 'call_restriction_reject', 'call_restriction_approve', 'call_restriction_expire']);
    assert.ok(!JSON.stringify(expiredEvents).includes(phone), 'the audit names no number');

    // Revoke: an active one ends at once.
    const again = await lead.post('/api/v1/restrictions', { phone, reason: 'occupying', days: 2 });
    await centre.post(`/api/v1/restrictions/${again.body.id}/approve`, {});
    const revoked = await lead.post(`/api/v1/restrictions/${again.body.id}/revoke`, { reason: '诉求人致歉' });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.status, 'revoked');
    assert.equal((await lead.post(`/api/v1/restrictions/${again.body.id}/revoke`, { reason: 'x' })).status, 409);
    assert.equal((await lead.post(`/api/v1/restrictions/${again.body.id}/revoke`, {})).status, 400);
    t.clock.set(U(500));
  });

  it('漏接回拨: an abandoned call waits for a call back; short abandons do not; attempts until reached', async () => {
    t.clock.set(U(1000));
    await cti({
      events: [
        { callId: 'M-1', seq: 1, type: 'offered', at: T(1000), caller: '13900006666', queue: 'dialect' },
        { callId: 'M-1', seq: 2, type: 'abandoned', at: T(1030) },
        { callId: 'M-2', seq: 1, type: 'offered', at: T(1001), caller: '13900007777' },
        { callId: 'M-2', seq: 2, type: 'abandoned', at: T(1004) },
      ],
    });
    const open = await agent.get('/api/v1/missed-calls');
    const m1 = open.body.items.find((x: any) => x.caller === '13900006666');
    assert.ok(m1, JSON.stringify(open.body));
    assert.equal(m1.waitSeconds, 30);
    assert.equal(m1.queue, 'dialect');
    assert.equal(open.body.items.some((x: any) => x.caller === '13900007777'), false, 'a 3 s abandon is a short one');

    assert.equal((await agent.post(`/api/v1/missed-calls/${m1.id}/attempt`, { outcome: 'no_answer' })).status, 409, 'claim first');
    const claim = await agent.post(`/api/v1/missed-calls/${m1.id}/claim`);
    assert.equal(claim.status, 200);
    assert.equal((await lead.post(`/api/v1/missed-calls/${m1.id}/claim`)).status, 409);
    assert.equal((await agent.post(`/api/v1/missed-calls/${m1.id}/attempt`, { outcome: 'hung' })).status, 400);
    const a1 = await agent.post(`/api/v1/missed-calls/${m1.id}/attempt`, { outcome: 'no_answer' });
    assert.equal(a1.body.status, 'claimed');
    const a2 = await agent.post(`/api/v1/missed-calls/${m1.id}/attempt`, { outcome: 'reached', note: '已回拨' });
    assert.equal(a2.body.status, 'done');
    assert.deepEqual(a2.body.attempts.map((a: any) => a.outcome), ['no_answer', 'reached']);
    const done = await agent.get('/api/v1/missed-calls?status=done');
    assert.ok(done.body.items.some((x: any) => x.id === m1.id));

    // A caller who gets through on a later call needs no call back.
    await cti({ events: [{ callId: 'M-3', seq: 1, type: 'offered', at: T(1100), caller: '13900008888' }, { callId: 'M-3', seq: 2, type: 'ended', at: T(1120) }] });
    assert.ok((await agent.get('/api/v1/missed-calls')).body.items.some((x: any) => x.caller === '13900008888'));
    await cti({ events: [{ callId: 'M-4', seq: 1, type: 'offered', at: T(1200), caller: '13900008888' }, { callId: 'M-4', seq: 2, type: 'answered', at: T(1205), agent: 'agent2' }] });
    assert.ok(!(await agent.get('/api/v1/missed-calls')).body.items.some((x: any) => x.caller === '13900008888'));
  });

  it('messages: inbound by key, claimed, answered; the first reply time against 3 minutes', async () => {
    t.clock.set(U(2000));
    const post = (body: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: { 'x-api-key': messagesKey }, payload: body as object });
    const bad = await post({ channel: 'sms', from: '', text: '你好' });
    assert.equal(bad.statusCode, 400);
    assert.equal(JSON.parse(bad.body).errors[0].field, 'from');
    assert.equal(await count('messages'), 0);
    const inbound = await post({ channel: 'sms', from: '13900009999', text: '请问公积金怎么提取', externalId: 'sms-1', at: T(1990) });
    assert.equal(inbound.statusCode, 201, inbound.body);
    const id = JSON.parse(inbound.body).id;
    const repeat = await post({ channel: 'sms', from: '13900009999', text: '请问公积金怎么提取', externalId: 'sms-1' });
    assert.equal(repeat.statusCode, 200);
    assert.equal(JSON.parse(repeat.body).id, id);

    const waiting = await agent.get('/api/v1/messages?status=waiting');
    assert.equal(waiting.body.items.length, 1);
    assert.equal(waiting.body.items[0].from, '13900009999');
    assert.equal(waiting.body.items[0].dueAt, T(2170));
    assert.equal((await agent.post(`/api/v1/messages/${id}/reply`, { text: '答复' })).status, 409, 'claim first');
    assert.equal((await agent.post(`/api/v1/messages/${id}/claim`)).status, 200);
    assert.equal((await lead.post(`/api/v1/messages/${id}/claim`)).status, 409);
    assert.equal((await agent.post(`/api/v1/messages/${id}/reply`, { text: '' })).status, 400);
    t.clock.set(U(2150));
    const replied = await agent.post(`/api/v1/messages/${id}/reply`, { text: '可通过公积金中心网上大厅办理提取。' });
    assert.equal(replied.status, 200, JSON.stringify(replied.body));
    assert.equal(replied.body.status, 'answered');
    assert.equal(replied.body.responseSeconds, 160);
    assert.equal(replied.body.withinTarget, true);
    assert.equal(replied.body.firstReplyAt, T(2150));

    // The gateway fetches the replies to deliver, after its cursor; another source sees none of them.
    const fetch = async (after: number, key = messagesKey) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/messages/replies?after=${after}`, headers: { 'x-api-key': key } });
      return { status: res.statusCode, body: JSON.parse(res.body) };
    };
    const out = await fetch(0);
    assert.equal(out.status, 200);
    assert.deepEqual(out.body.items.map((r: any) => [r.messageId, r.externalId, r.to, r.text, r.at]), [[id, 'sms-1', '13900009999', '可通过公积金中心网上大厅办理提取。', T(2150)]]);
    assert.deepEqual((await fetch(out.body.next)).body.items, []);
    assert.equal((await fetch(-1)).status, 400);
    assert.equal((await fetch(0, ctiKey)).status, 403);
  });

  it('figures of the day from the stored calls and seat history, and the live wall', async () => {
    const stats = await lead.get('/api/v1/call-stats?from=2026-03-02&to=2026-03-02&interval=day');
    assert.equal(stats.status, 200, JSON.stringify(stats.body));
    assert.equal(stats.body.total, 1);
    const day = stats.body.items[0];
    // Calls of switch 1 on the day, not restricted: C-1 (answered at 12 s), D-1 (5 s), R-0 (running),
    // M-1 (abandoned 30 s), M-2 (short, 3 s), M-3 (abandoned 20 s), M-4 (answered 5 s); switch 2: C-1 (running);
    // R-2 is offered eight days later. R-1 is restricted.
    assert.equal(day.offered, 8);
    assert.equal(day.answered, 3);
    assert.equal(day.answeredWithin15s, 3);
    assert.equal(day.abandoned, 2);
    assert.equal(day.shortAbandoned, 1);
    assert.equal(day.serviceLevel15s, 3 / 5);
    assert.equal(day.asaSeconds, (12 + 5 + 5) / 3);
    const live = await lead.get('/api/v1/call-stats/live');
    assert.equal(live.status, 200);
    assert.equal(live.body.today.offered, 8);
    assert.ok(live.body.queues.find((q: any) => q.queue === 'general').waiting >= 1);
    const wall = await lead.get('/api/v1/seats');
    assert.equal(wall.status, 200);
    assert.ok(wall.body.items.some((s: any) => s.agent === 'agent1'));
    assert.equal((await agent.get('/api/v1/seats')).status, 403);
    const bad = await lead.get('/api/v1/call-stats?from=2026-03-05&to=2026-03-01');
    assert.equal(bad.status, 400);
    assert.match(bad.body.title, /[\u4e00-\u9fff]/);
  });

  it('skills: the team lead sets them from the city queues', async () => {
    const ok = await lead.put('/api/v1/seats/agent1/skills', { skills: ['general', 'dialect'] });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.skills, ['general', 'dialect']);
    const bad = await lead.put('/api/v1/seats/agent1/skills', { skills: ['klingon'] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'skills');
    assert.equal((await agent.put('/api/v1/seats/agent1/skills', { skills: [] })).status, 403);
    assert.deepEqual(JSON.parse((await seatRow('agent1'))!.skills), ['general', 'dialect']);
  });

  it('folds every piece of a call posted at the same time by concurrent requests', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `P-${round}`;
      const pieces = [
        { callId: id, seq: 1, type: 'offered', at: T(4000), caller: '13900004321', queue: 'foreign' },
        { callId: id, seq: 2, type: 'queued', at: T(4001), queue: 'foreign' },
        { callId: id, seq: 3, type: 'ringing', at: T(4005), agent: 'agent2' },
        { callId: id, seq: 4, type: 'answered', at: T(4006), agent: 'agent2' },
        { callId: id, seq: 5, type: 'ended', at: T(4100) },
        { callId: id, seq: 6, type: 'recording', at: T(4101), recordingUrl: `https://rec.example/${id}.wav` },
        { callId: id, seq: 7, type: 'transcript', at: T(4102), transcript: '您好，这里是12345。' },
      ];
      const answers = await Promise.all(pieces.map((p) => cti(p)));
      assert.deepEqual(answers.map((a) => a.body.accepted), [1, 1, 1, 1, 1, 1, 1]);
      const c = await callRow(id);
      assert.deepEqual(
        [c.event_count, c.outcome, c.agent, c.answered_at, c.ended_at, c.recording_url, c.transcript, c.queue],
        [7, 'answered', 'agent2', U(4006), U(4100), `https://rec.example/${id}.wav`, '您好，这里是12345。', 'foreign'],
        `round ${round}`,
      );
    }
  });

  it('ingests over a WebSocket: each message answered in order, a bad one answered with the problem', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address() as { port: number };
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${address.port}/api/v1/cti/ws`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    assert.equal(refused, 401);
    const plain = await t.app.inject({ method: 'GET', url: '/api/v1/cti/ws', headers: { 'x-api-key': ctiKey } });
    assert.equal(plain.statusCode, 426);
    assert.match(JSON.parse(plain.body).title, /WebSocket/);
    const ws = new WebSocket(`ws://127.0.0.1:${address.port}/api/v1/cti/ws?key=${encodeURIComponent(ctiKey)}`);
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const answers: any[] = [];
    const got = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        answers.push(JSON.parse(data.toString()));
        if (answers.length === 3) resolve();
      });
    });
    ws.send(JSON.stringify({ events: [{ callId: 'W-1', seq: 2, type: 'answered', at: T(5000), agent: 'agent2' }, { callId: 'W-1', seq: 1, type: 'offered', at: T(4990), caller: '13900001234' }] }));
    ws.send('not json');
    ws.send(JSON.stringify({ callId: 'W-1', seq: 1, type: 'offered', at: T(4990), caller: '13900001234' }));
    await got;
    ws.close();
    assert.deepEqual(answers[0], { accepted: 2, duplicates: 0, restrictions: [] });
    assert.equal(answers[1].status, 400);
    assert.match(answers[1].title, /JSON/);
    assert.deepEqual(answers[2], { accepted: 0, duplicates: 1, restrictions: [] });
    const w = await callRow('W-1');
    assert.equal(w.answered_at, U(5000));
    assert.equal((await seatRow('agent2'))!.state, 'busy');
  });
});
