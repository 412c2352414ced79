// 效能监察 and 督办 through the HTTP API on both engines: board counts and lights at given instants,
// the warning job's idempotency and escalation, each 督办 kind's deadline over weekends and holidays,
// 协商督办 re-dispatch, the unit's reply and the issuer's acceptance, visibility and bad input.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, tableCounts, type TestApp } from '../../test/support/app.ts';
import { dutiesOf, duty, lastOutboxId, newTicket, ok, outboxSince, setClock, shown, view } from '../../test/support/handling.ts';
import { runAlerts } from './alerts.ts';
import { lightAt } from '../domain/deadline.ts';

async function counts(t: TestApp) {
  const out: Record<string, number> = await tableCounts(t.ctx);
  for (const table of ['supervision_items', 'supervision_alerts', 'notifications'] as const) {
    const row = await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

async function board(t: TestApp, by: string, query = '') {
  const res = await (await t.as(by)).get(`/api/v1/supervision/board${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

const unitRow = (b: any, code: string) => b.units.find((u: any) => u.unit.code === code);

describeEachEngine('效能监察 board', (engine) => {
  let t: TestApp;
  const nos: string[] = [];
  before(async () => {
    t = await startTestApp(engine);
    setClock(t, '2026-03-02T09:00');
    nos.push((await newTicket(t)).no, (await newTicket(t)).no); // 住建局: sign 1 + reply 15 working days each
    nos.push((await newTicket(t, { categoryCode: 'SCJG-XFTS', facts: '商家拒绝退还预付卡余额，多次协商无果' })).no); // 市场监管局
  });
  after(() => t.close());

  it('all green on the day of dispatch, grouped by unit with its kind and counted by duty kind', async () => {
    setClock(t, '2026-03-02T10:00');
    const b = await board(t, 'centre1');
    assert.deepEqual(b.totals, { red: 0, yellow: 0, green: 6, total: 6 });
    const zjj = unitRow(b, 'ZJJ');
    assert.equal(zjj.unit.name, '市住房和城乡建设局');
    assert.equal(zjj.unit.kindLabel, '市直部门');
    assert.deepEqual([zjj.red, zjj.yellow, zjj.green, zjj.total], [0, 0, 4, 4]);
    assert.deepEqual(zjj.byKind, { sign: 2, reply: 2 });
    assert.deepEqual(b.byKind.map((k: any) => [k.kind, k.total]), [['sign', 3], ['reply', 3]]);
  });

  it('yellow from 00:00 of the last working day, red after 24:00; the worst items first', async () => {
    setClock(t, '2026-03-03T10:00');
    let b = await board(t, 'authority1');
    assert.deepEqual(b.totals, { red: 0, yellow: 3, green: 3, total: 6 });
    setClock(t, '2026-03-04T09:00');
    b = await board(t, 'authority1');
    assert.deepEqual(b.totals, { red: 3, yellow: 0, green: 3, total: 6 });
    assert.deepEqual([unitRow(b, 'ZJJ').red, unitRow(b, 'SCJGJ').red], [2, 1]);
    assert.equal(b.units[0].unit.code, 'ZJJ', 'the unit with most red first');
    const worst = b.worst[0];
    assert.equal(worst.light, 'red');
    assert.equal(worst.kind, 'sign');
    assert.equal(worst.dueAt, shown('2026-03-03T23:59:59'));
    assert.equal(worst.remaining, '超期 9小时0分');
    assert.ok(nos.includes(worst.ticketNo));
    // The board agrees with each duty's own light (lightAt) as the ticket shows it.
    let red = 0;
    for (const no of nos) red += dutiesOf(await view(t, no), { status: 'open' }).filter((d) => d.light === 'red').length;
    assert.equal(red, b.totals.red);
    assert.equal(lightAt({ dueAt: '2026-03-03T15:59:59.999Z', yellowAt: '2026-03-02T16:00:00.000Z' }, t.clock.now()), 'red');
  });

  it('filters by unit, light, kind and district; drills into a unit page by page', async () => {
    setClock(t, '2026-03-04T09:00');
    const red = await board(t, 'centre1', '?light=red');
    assert.deepEqual(red.totals, { red: 3, yellow: 0, green: 0, total: 3 });
    const replies = await board(t, 'centre1', '?kind=reply&unit=ZJJ');
    assert.deepEqual(replies.totals, { red: 0, yellow: 0, green: 2, total: 2 });
    assert.equal((await board(t, 'centre1', '?district=DAQ')).totals.total, 0);
    const items = await (await t.as('centre1')).get('/api/v1/supervision/board/items?unit=ZJJ&pageSize=3');
    assert.equal(items.status, 200);
    assert.equal(items.body.total, 4);
    assert.equal(items.body.items.length, 3);
    assert.deepEqual(items.body.items.map((i: any) => i.light), ['red', 'red', 'green']);
    assert.equal(items.body.items[0].unit.code, 'ZJJ');
  });

  it('a unit sees only its own subtree; other roles may not open the board', async () => {
    setClock(t, '2026-03-04T09:00');
    const own = await board(t, 'zjj.staff');
    assert.deepEqual(own.units.map((u: any) => u.unit.code), ['ZJJ']);
    assert.equal(own.totals.total, 4);
    const other = await board(t, 'scjgj.staff', '?unit=ZJJ');
    assert.equal(other.totals.total, 0);
    assert.deepEqual(other.worst, []);
    const drill = await (await t.as('scjgj.staff')).get('/api/v1/supervision/board/items?unit=ZJJ');
    assert.equal(drill.body.total, 0);
    assert.equal((await (await t.as('agent1')).get('/api/v1/supervision/board')).status, 403);
  });

  it('bad filters: 400 in Chinese naming the field', async () => {
    const c = await t.as('centre1');
    let res = await c.get('/api/v1/supervision/board?unit=NOPE');
    assert.equal(res.status, 400);
    assert.match(res.body.title, /单位/);
    assert.equal(res.body.errors[0].field, 'unit');
    res = await c.get('/api/v1/supervision/board?light=purple');
    assert.equal(res.status, 400);
    assert.match(res.body.title, /红黄灯/);
    res = await c.get('/api/v1/supervision/board?district=ZJJ');
    assert.equal(res.status, 400);
    assert.match(res.body.title, /县（市）区/);
  });
});

describeEachEngine('deadline warnings and escalations', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('one warning per duty at yellow however often the job runs, one escalation at red', async () => {
    setClock(t, '2026-03-02T09:00');
    const ticket = await newTicket(t);
    // The dispatch told the unit first (src/notifications/push.test.ts); read, it leaves the warnings to count.
    const told = await (await t.as('zjj.staff')).get('/api/v1/supervision/notifications');
    assert.deepEqual(told.body.items.map((n: any) => n.kind), ['dispatch']);
    assert.equal((await (await t.as('zjj.staff')).post('/api/v1/supervision/notifications/read-all')).body.updated, 1);
    const first = await lastOutboxId(t);
    setClock(t, '2026-03-02T20:00');
    assert.deepEqual(await runAlerts(t.ctx), { warnings: 0, escalations: 0 }, 'nothing yellow yet');

    setClock(t, '2026-03-03T08:00');
    assert.deepEqual(await runAlerts(t.ctx), { warnings: 1, escalations: 0 });
    assert.deepEqual(await runAlerts(t.ctx), { warnings: 0, escalations: 0 });
    let sms = await outboxSince(t, first);
    assert.equal(sms.length, 1);
    assert.equal(sms[0].topic, 'sms');
    assert.equal(sms[0].payload.template, 'deadline_warning');
    assert.equal(sms[0].payload.to, '13948630112');
    assert.equal(sms[0].payload.params.ticketNo, ticket.no);

    const unit = await (await t.as('zjj.staff')).get('/api/v1/supervision/notifications');
    assert.equal(unit.body.unread, 1);
    assert.equal(unit.body.items[0].kind, 'warning');
    assert.equal(unit.body.items[0].link, `/tickets/${ticket.no}`);
    // Times in a notice read as people write them, not as an ISO instant.
    assert.match(unit.body.items[0].body, /期限 2026-03-03 23:59，/);
    assert.match(sms[0].payload.params.dueAt, /^2026-03-03 23:59$/);
    assert.equal((await (await t.as('scjgj.staff')).get('/api/v1/supervision/notifications')).body.unread, 0);

    setClock(t, '2026-03-04T00:00:01');
    assert.deepEqual(await runAlerts(t.ctx), { warnings: 0, escalations: 1 });
    assert.deepEqual(await runAlerts(t.ctx), { warnings: 0, escalations: 0 });
    sms = await outboxSince(t, first);
    assert.equal(sms.length, 2);
    assert.equal(sms[1].payload.to, '13948612345', 'the centre is told');
    const centre = await (await t.as('centre1')).get('/api/v1/supervision/notifications');
    assert.equal(centre.body.unread, 1);
    assert.equal(centre.body.items[0].kind, 'escalation');
    assert.match(centre.body.items[0].body, /市住房和城乡建设局/);
    assert.match(centre.body.items[0].body, /期限 2026-03-03 23:59 已过/);
    // The light never depended on the job: the duty was red before and is red after.
    assert.equal(duty(await view(t, ticket.no), { kind: 'sign' }).light, 'red');
    const timeline = (await (await t.as('admin')).get(`/api/v1/tickets/${ticket.no}/events`)).body.items.map((e: any) => e.action);
    assert.deepEqual(timeline.filter((a: string) => a.startsWith('deadline_')), ['deadline_warning', 'deadline_escalation']);
  });

  it('mark one read, or all; another unit’s notification is 404', async () => {
    const zjj = await t.as('zjj.staff');
    const list = await zjj.get('/api/v1/supervision/notifications');
    const id = list.body.items[0].id;
    const foreign = await (await t.as('scjgj.staff')).post(`/api/v1/supervision/notifications/${id}/read`);
    assert.equal(foreign.status, 404);
    assert.equal((await zjj.post(`/api/v1/supervision/notifications/${id}/read`)).status, 200);
    const after = await zjj.get('/api/v1/supervision/notifications');
    assert.equal(after.body.unread, 0);
    assert.equal(after.body.items[0].read, true);
    const centre = await t.as('centre1');
    assert.equal((await centre.post('/api/v1/supervision/notifications/read-all')).body.updated, 1);
    assert.equal((await centre.get('/api/v1/supervision/notifications')).body.unread, 0);
  });
});

describeEachEngine('督办 items (第二十七条)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  const create = async (by: string, body: Record<string, unknown>) => (await t.as(by)).post('/api/v1/supervision/items', body);

  it('专项督办: a 督办函 over a weekend is due in 2 working days; the unit replies, the authority accepts', async () => {
    setClock(t, '2026-03-06T09:00'); // Friday
    const ticket = await newTicket(t);
    const before = await lastOutboxId(t);
    setClock(t, '2026-03-06T10:00');
    const res = await create('authority1', { kind: 'special', ticketNo: ticket.no, matter: '诉求人对物业问题处理不满意，请书面说明整改情况' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const item = res.body;
    assert.equal(item.kind, 'special');
    assert.equal(item.status, 'open');
    assert.equal(item.unit.code, 'ZJJ');
    assert.equal(item.dueAt, shown('2026-03-10T23:59:59'));
    assert.equal(item.light, 'green');
    assert.equal(item.limitKey, 'supervision.special');
    assert.equal((await view(t, ticket.no)).supervised, true);
    const sms = await outboxSince(t, before);
    assert.equal(sms.length, 1);
    assert.equal(sms[0].payload.template, 'supervision');
    assert.match(sms[0].payload.params.matter, /专项督办.*2026-03-10 23:59/);
    const events = (await (await t.as('admin')).get(`/api/v1/tickets/${ticket.no}/events`)).body.items;
    assert.equal(events.at(-1).action, 'supervise');
    assert.equal(events.at(-1).detail.kind, 'special');

    setClock(t, '2026-03-10T08:00');
    const listed = await (await t.as('zjj.staff')).get('/api/v1/supervision/items?status=open');
    assert.equal(listed.body.total, 1);
    assert.equal(listed.body.items[0].light, 'yellow');
    assert.deepEqual(listed.body.items[0].actions, ['reply']);
    // Another unit never sees it.
    assert.equal((await (await t.as('scjgj.staff')).get(`/api/v1/supervision/items/${item.id}`)).status, 404);
    assert.equal((await (await t.as('scjgj.staff')).get('/api/v1/supervision/items')).body.total, 0);
    const foreign = await (await t.as('scjgj.staff')).post(`/api/v1/supervision/items/${item.id}/reply`, { content: '不是我们的' });
    assert.equal(foreign.status, 404);

    const replied = await (await t.as('zjj.head')).post(`/api/v1/supervision/items/${item.id}/reply`, { content: '已约谈物业公司负责人，楼道垃圾每日清运，已向诉求人说明。' });
    assert.equal(replied.status, 200, JSON.stringify(replied.body));
    assert.equal(replied.body.status, 'replied');
    assert.equal(replied.body.reply.late, false);
    assert.equal(replied.body.light, null);
    const again = await (await t.as('zjj.head')).post(`/api/v1/supervision/items/${item.id}/reply`, { content: '再次回复' });
    assert.equal(again.status, 409);

    assert.equal((await (await t.as('centre1')).post(`/api/v1/supervision/items/${item.id}/close`, { accept: true })).status, 403);
    const back = await (await t.as('authority1')).post(`/api/v1/supervision/items/${item.id}/close`, { accept: false });
    assert.equal(back.status, 400);
    assert.match(back.body.title, /理由/);
    const closed = await (await t.as('authority1')).post(`/api/v1/supervision/items/${item.id}/close`, { accept: true, note: '回复属实' });
    assert.equal(closed.status, 200);
    assert.equal(closed.body.status, 'closed');
    const authorityNotes = await (await t.as('authority1')).get('/api/v1/supervision/notifications');
    assert.equal(authorityNotes.body.items[0].kind, 'supervision_reply');
  });

  it('a 督办函 quoting the requester’s phone or ID number: a unit reads them masked, the centre in full', async () => {
    setClock(t, '2026-03-06T09:00');
    const ticket = await newTicket(t);
    const phone = (await (await t.as('centre1')).get(`/api/v1/tickets/${ticket.no}`)).body.requester.phone as string;
    const idNo = '230102198001011234';
    const res = await create('authority1', { kind: 'special', ticketNo: ticket.no, matter: `请回电诉求人 ${phone}（身份证 ${idNo}）说明整改情况` });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const unitItem = (await (await t.as('zjj.staff')).get(`/api/v1/supervision/items/${res.body.id}`)).body;
    assert.doesNotMatch(unitItem.matter, new RegExp(`${phone}|${idNo}`));
    assert.match(unitItem.matter, new RegExp(`${phone.slice(0, 3)}\\*+${phone.slice(-4)}`));
    assert.match(unitItem.matter, /说明整改情况/);
    const listed = (await (await t.as('zjj.staff')).get('/api/v1/supervision/items')).body.items.find((i: any) => i.id === res.body.id);
    assert.equal(listed.matter, unitItem.matter);
    const replied = await (await t.as('zjj.head')).post(`/api/v1/supervision/items/${res.body.id}/reply`, { content: `已电话联系 ${phone}，已整改` });
    assert.equal(replied.status, 200);
    assert.doesNotMatch(replied.body.reply.content, new RegExp(phone));
    const centreItem = (await (await t.as('centre1')).get(`/api/v1/supervision/items/${res.body.id}`)).body;
    assert.match(centreItem.matter, new RegExp(`${phone}.*${idNo}`));
    assert.match(centreItem.reply.content, new RegExp(phone));
  });

  it('领导批示 over 国庆: 3 working days (the 调休 Saturday counts), a plan within 1; a late plan is marked', async () => {
    setClock(t, '2026-09-30T16:00');
    const res = await create('authority1', { kind: 'leader', unitCode: 'RDGS', matter: '市领导批示：请热电公司说明今冬供热准备情况' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.ticketNo, null);
    assert.equal(res.body.dueAt, shown('2026-10-10T23:59:59'));
    assert.equal(res.body.planDueAt, shown('2026-10-08T23:59:59'));
    const id = res.body.id;
    const rdgs = await t.as('rdgs.staff');
    setClock(t, '2026-10-09T09:00');
    const missing = await rdgs.post(`/api/v1/supervision/items/${id}/reply`, { content: '管网改造需跨年', outcome: 'plan' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.title, /办结时限/);
    assert.equal(missing.body.errors[0].field, 'planEndDate');
    const plan = await rdgs.post(`/api/v1/supervision/items/${id}/reply`, { content: '管网改造需跨年，分三期实施', outcome: 'plan', planEndDate: '2027-06-30' });
    assert.equal(plan.status, 200, JSON.stringify(plan.body));
    assert.equal(plan.body.reply.outcome, 'plan');
    assert.equal(plan.body.reply.planEndDate, '2027-06-30');
    assert.equal(plan.body.reply.late, true, 'the plan was due 10-08');
  });

  it('共性问题 over 国庆: 5 working days; only 领导批示 may answer with a plan', async () => {
    setClock(t, '2026-09-30T16:00');
    const res = await create('authority1', { kind: 'common', unitCode: 'ZJJ', matter: '多个小区反映物业服务收费不透明，请报送解决方案' });
    assert.equal(res.status, 201);
    assert.equal(res.body.dueAt, shown('2026-10-13T23:59:59'));
    assert.equal(res.body.planDueAt, null);
    const wrong = await (await t.as('zjj.staff')).post(`/api/v1/supervision/items/${res.body.id}/reply`, { content: '方案', outcome: 'plan', planEndDate: '2026-12-31' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors[0].field, 'outcome');
  });

  it('电话督办 only after a warning or a missed deadline; a record with no deadline', async () => {
    setClock(t, '2026-03-02T09:00');
    const ticket = await newTicket(t);
    const early = await create('centre1', { kind: 'phone', ticketNo: ticket.no, matter: '电话提醒住建局及时签收' });
    assert.equal(early.status, 409);
    assert.match(early.body.title, /尚未预警/);
    setClock(t, '2026-03-03T09:00');
    const res = await create('centre1', { kind: 'phone', ticketNo: ticket.no, matter: '电话提醒住建局及时签收，值班人员王某已接听' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'recorded');
    assert.equal(res.body.dueAt, null);
    assert.equal(res.body.light, null);
    assert.equal((await create('authority1', { kind: 'phone', ticketNo: ticket.no, matter: 'x' })).status, 403);
  });

  it('协商督办: the authority designates the unit; the ticket is dispatched to it with fresh duties', async () => {
    setClock(t, '2026-03-02T09:00');
    const ticket = await newTicket(t);
    await ok(t, 'zjj.staff', ticket.no, 'return', { reason: '该小区为单位自管房，不属于物业服务监管范围', basis: '《牡丹江市物业管理条例》第二条', suggestedUnitCode: 'SCJGJ' });
    assert.equal((await create('centre1', { kind: 'consult', ticketNo: ticket.no, unitCode: 'DAQ', matter: '会商' })).status, 403);
    setClock(t, '2026-03-03T14:00');
    const before = await lastOutboxId(t);
    const res = await create('authority1', { kind: 'consult', ticketNo: ticket.no, unitCode: 'DAQ', matter: '经会商，该小区属东安区属地管理，指定东安区人民政府承办' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.dueAt, null);
    const after = await view(t, ticket.no);
    assert.equal(after.status, 'dispatched');
    assert.equal(after.leadUnit.code, 'DAQ');
    assert.equal(after.supervised, true);
    assert.equal(duty(after, { unit: 'DAQ', kind: 'sign', status: 'open' }).dueAt, shown('2026-03-04T23:59:59'));
    assert.equal(duty(after, { unit: 'DAQ', kind: 'reply', status: 'open' }).round, 2);
    assert.equal(dutiesOf(after, { unit: 'ZJJ', status: 'open' }).length, 0);
    assert.equal(after.requests[0].status, 'approved');
    const sms = (await outboxSince(t, before)).map((m) => m.payload.to);
    assert.ok(sms.includes('13948621001'), 'the designated unit is told');
    // The designated unit can act on it; the former unit no longer owes anything.
    await ok(t, 'daq.staff', ticket.no, 'sign');
    const closed = await (await t.as('authority1')).post(`/api/v1/supervision/items/${res.body.id}/close`, { accept: true });
    assert.equal(closed.body.status, 'closed');
  });

  it('bad input: 400 in Chinese naming the field, and nothing written', async () => {
    setClock(t, '2026-03-02T09:00');
    const ticket = await newTicket(t);
    const cases: Array<[Record<string, unknown>, RegExp, string]> = [
      [{ kind: 'special', ticketNo: ticket.no }, /督办事项/, 'matter'],
      [{ ticketNo: ticket.no, matter: 'x' }, /督办方式/, 'kind'],
      [{ kind: 'letter', ticketNo: ticket.no, matter: 'x' }, /督办方式/, 'kind'],
      [{ kind: 'special', matter: '缺工单' }, /工单编号/, 'ticketNo'],
      [{ kind: 'special', ticketNo: 'abc', matter: 'x' }, /工单编号/, 'ticketNo'],
      [{ kind: 'common', unitCode: 'NOPE', matter: 'x' }, /承办单位/, 'unitCode'],
      [{ kind: 'common', unitCode: 'YSJ', matter: 'x' }, /不是承办单位/, 'unitCode'],
      [{ kind: 'consult', ticketNo: ticket.no, matter: 'x' }, /承办单位/, 'unitCode'],
    ];
    for (const [body, title, field] of cases) {
      const before = await counts(t);
      const res = await create('authority1', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      assert.match(res.body.title, title);
      assert.equal(res.body.errors[0].field, field);
      assert.deepEqual(await counts(t), before, `${JSON.stringify(body)} changed something`);
    }
    assert.equal((await view(t, ticket.no)).supervised, false);
    assert.equal((await (await t.as('zjj.staff')).post('/api/v1/supervision/items', { kind: 'special', ticketNo: ticket.no, matter: 'x' })).status, 403);
    assert.equal((await (await t.as('admin')).get('/api/v1/supervision/items/999999')).status, 404);
  });
});
