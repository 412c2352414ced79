// 第二十六条 列入督办事项 through the HTTP API on both engines: a perfunctory closure the quality review
// sends back becomes a 质效督办 item in the same transaction, with its deadline from the city's limit
// table, its red/yellow light, the unit's written reply and the centre's sign-off; it shows where
// supervision items show (the list, the unit's open items, the bell) and cannot be issued by hand.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { events, lastOutboxId, newTicket, ok, outboxSince, refused, setClock, shown, signAndReply, view } from '../../test/support/handling.ts';

async function closeTicket(t: TestApp) {
  const created = await newTicket(t);
  await signAndReply(t, created.no, 'zjj.staff');
  await ok(t, 'centre1', created.no, 'review', { pass: true });
  await ok(t, 'centre1', created.no, 'callback', { reached: true, satisfaction: 'satisfied' });
  return created.no as string;
}

describeEachEngine('质效督办 (第二十六条 列入督办事项)', (engine) => {
  let t: TestApp;
  const nos: string[] = [];
  let reviews: Map<string, number>;
  before(async () => {
    t = await startTestApp(engine);
    setClock(t, '2026-03-03T10:00');
    for (let i = 0; i < 3; i++) nos.push(await closeTicket(t));
    setClock(t, '2026-03-05T09:00');
    const sample = await (await t.as('centre1')).post('/api/v1/quality/samples', { from: '2026-03-03', to: '2026-03-31', size: 3, seed: 'q' });
    assert.equal(sample.status, 201, JSON.stringify(sample.body));
    reviews = new Map(sample.body.reviews.map((r: any) => [r.ticket.no, r.id]));
  });
  after(() => t.close());

  const items = async (by: string, query: string) => {
    const res = await (await t.as(by)).get(`/api/v1/supervision/items${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  it('a send-back issues a 质效督办 item with the limit table’s deadline, audited, notified and texted in the same transaction', async () => {
    setClock(t, '2026-03-06T10:00'); // Friday: 2 working days → Tuesday 03-10
    const before = await lastOutboxId(t);
    const res = await (await t.as('centre1')).post(`/api/v1/quality/reviews/${reviews.get(nos[0])}`, { outcome: 'perfunctory', note: '答复未提出解决措施，敷衍' });
    assert.equal(res.status, 200, JSON.stringify(res.body));

    const list = await items('centre1', `?ticketNo=${nos[0]}`);
    assert.equal(list.total, 1, 'the send-back lists the ticket as a supervised item');
    const item = list.items[0];
    assert.equal(item.kind, 'quality');
    assert.equal(item.kindLabel, '质效督办');
    assert.equal(item.article, '第二十六条');
    assert.equal(item.status, 'open');
    assert.equal(item.unit.code, 'ZJJ');
    assert.equal(item.limitKey, 'supervision.quality');
    assert.equal(item.dueAt, shown('2026-03-10T23:59:59'));
    assert.equal(item.light, 'green');
    assert.match(item.matter, /敷衍/);
    assert.equal(item.issuedBy.role, 'centre');
    assert.equal((await view(t, nos[0])).status, 'in_progress');

    const audit = (await events(t, nos[0])).filter((e) => e.action === 'supervise' || e.action === 'quality_send_back').map((e) => e.action);
    assert.deepEqual(audit.sort(), ['quality_send_back', 'supervise']);
    const sms = (await outboxSince(t, before)).filter((m) => m.topic === 'sms' && m.payload.template === 'supervision');
    assert.equal(sms.length, 1);
    assert.match(sms[0].payload.params.matter, /质效督办/);
    // The unit's bell and its workbench block (open items) show it.
    const bell = await (await t.as('zjj.staff')).get('/api/v1/supervision/notifications');
    assert.ok(bell.body.items.some((n: any) => n.itemId === item.id || n.link === `/supervision/items?item=${item.id}`), JSON.stringify(bell.body));
    const open = await items('zjj.staff', '?status=open');
    assert.ok(open.items.some((i: any) => i.id === item.id && i.actions.includes('reply')));
    assert.deepEqual((await items('scjgj.staff', '?kind=quality')).items, [], 'another unit does not see it');
  });

  it('its light turns yellow on the last working day and red after it', async () => {
    const id = (await items('centre1', `?ticketNo=${nos[0]}`)).items[0].id;
    const light = async () => (await (await t.as('centre1')).get(`/api/v1/supervision/items/${id}`)).body.light;
    setClock(t, '2026-03-09T18:00');
    assert.equal(await light(), 'green');
    setClock(t, '2026-03-10T08:00');
    assert.equal(await light(), 'yellow');
    assert.deepEqual((await items('centre1', '?light=yellow&kind=quality')).items.map((i: any) => i.id), [id]);
    setClock(t, '2026-03-11T08:00');
    assert.equal(await light(), 'red');
    assert.deepEqual((await items('centre1', '?light=red&kind=quality')).items.map((i: any) => i.id), [id]);
  });

  it('the unit replies (late, recorded as such) and the centre signs it off', async () => {
    const id = (await items('centre1', `?ticketNo=${nos[0]}`)).items[0].id;
    setClock(t, '2026-03-11T09:00');
    await refused(t, null, async () => (await t.as('centre1')).post(`/api/v1/supervision/items/${id}/close`, { accept: true }), 409);
    let res = await (await t.as('zjj.staff')).post(`/api/v1/supervision/items/${id}/reply`, { content: '已重新上门核查，制定清运计划，3月15日前完成' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'replied');
    assert.equal(res.body.reply.late, true);
    await refused(t, null, async () => (await t.as('zjj.head')).post(`/api/v1/supervision/items/${id}/close`, { accept: true }), 403);
    res = await (await t.as('centre1')).post(`/api/v1/supervision/items/${id}/close`, { accept: true, note: '整改措施可行' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'closed');
    assert.ok(res.body.closedAt);
    const audit = (await events(t, nos[0])).map((e) => e.action);
    assert.ok(audit.includes('supervision_reply') && audit.includes('supervision_close'));
  });

  it('the authority may sign one off too; the deadline follows the city’s limit table', async () => {
    const limits = t.ctx.city.limits;
    t.ctx.city.limits = { ...limits, 'supervision.quality': { unit: 'working_days', amount: 4 } };
    try {
      setClock(t, '2026-03-06T10:00');
      const res = await (await t.as('centre1')).post(`/api/v1/quality/reviews/${reviews.get(nos[1])}`, { outcome: 'perfunctory', note: '未联系诉求人' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    } finally {
      t.ctx.city.limits = limits;
    }
    const item = (await items('centre1', `?ticketNo=${nos[1]}`)).items[0];
    assert.equal(item.dueAt, shown('2026-03-12T23:59:59'));
    await (await t.as('zjj.head')).post(`/api/v1/supervision/items/${item.id}/reply`, { content: '已约谈经办人并重新办理' });
    const res = await (await t.as('authority1')).post(`/api/v1/supervision/items/${item.id}/close`, { accept: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'closed');
  });

  it('is issued only by the send-back: a hand-made 质效督办 is refused and changes nothing', async () => {
    const count = async () => Number((await t.ctx.store.db.selectFrom('supervision_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const n = await count();
    const res = await refused(t, nos[2], async () => (await t.as('centre1')).post('/api/v1/supervision/items', { kind: 'quality', ticketNo: nos[2], matter: '手工质效督办' }), 400, /质效督办/);
    assert.equal(res.body.errors[0].field, 'kind');
    assert.equal(await count(), n);
    // A pass issues nothing.
    await (await t.as('centre1')).post(`/api/v1/quality/reviews/${reviews.get(nos[2])}`, { outcome: 'pass' });
    assert.equal(await count(), n);
  });
});
