// 质效审核 and 归档 (第十二条(五), 第二十六条), the whole journey of one ticket with its timeline, the
// actions a viewer is offered, and the 红黄灯 lights (第十五条) through the HTTP API.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { act, closedTicket, duty, dutiesOf, events, newTicket, ok, refused, setClock, shown, view } from '../../test/support/handling.ts';

describeEachEngine('质效审核与归档 (quality audit, archive)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('send back a closed ticket: in_progress, supervised, a new round for the same unit', async () => {
    setClock(t, '2026-03-02T09:00');
    const closed = await closedTicket(t);
    assert.equal(closed.supervised, false);
    await refused(t, closed.no, () => act(t, 'centre1', closed.no, 'quality_send_back', {}), 400, /说明/);
    await refused(t, closed.no, () => act(t, 'zjj.head', closed.no, 'quality_send_back', { note: '敷衍办理' }), 403, /质效审核退回/);
    setClock(t, '2026-03-04T09:00');
    const back = await ok(t, 'centre1', closed.no, 'quality_send_back', { note: '答复敷衍，未实际解决' });
    assert.equal(back.status, 'in_progress');
    assert.equal(back.supervised, true);
    assert.equal(back.round, 2);
    assert.equal(back.closedAt, null);
    assert.equal(back.leadUnit.code, 'ZJJ');
    const reply = duty(back, { kind: 'reply', round: 2 });
    assert.deepEqual([reply.unit.code, reply.status, reply.startedAt], ['ZJJ', 'open', shown('2026-03-04T09:00')]);
    const last = (await events(t, closed.no)).at(-1)!;
    assert.deepEqual([last.action, last.fromStatus, last.toStatus], ['quality_send_back', 'closed', 'in_progress']);
    // The unit handles it again.
    assert.equal((await ok(t, 'zjj.staff', closed.no, 'reply', { content: '已彻底整改' })).status, 'replied');
  });

  it('redispatch a closed ticket to another unit: dispatched there; to the same unit: 400', async () => {
    setClock(t, '2026-03-02T09:00');
    const closed = await closedTicket(t);
    const same = await refused(t, closed.no, () => act(t, 'centre1', closed.no, 'quality_redispatch', { leadUnitCode: 'ZJJ', note: '改派' }), 400);
    assert.equal(same.body.errors[0].field, 'leadUnitCode');
    await refused(t, closed.no, () => act(t, 'agent1', closed.no, 'quality_redispatch', { leadUnitCode: 'DAQ', note: '改派' }), 403);

    setClock(t, '2026-03-04T09:00');
    const moved = await ok(t, 'centre1', closed.no, 'quality_redispatch', { leadUnitCode: 'DAQ', note: '应由属地办理' });
    assert.equal(moved.status, 'dispatched');
    assert.equal(moved.leadUnit.code, 'DAQ');
    assert.equal(moved.supervised, true);
    assert.equal(moved.round, 2);
    assert.equal(moved.closedAt, null);
    assert.equal(duty(moved, { unit: 'DAQ', kind: 'sign' }).status, 'open');
    assert.equal(duty(moved, { unit: 'DAQ', kind: 'reply' }).startedAt, shown('2026-03-04T09:00'));
    assert.equal(dutiesOf(moved, { unit: 'ZJJ', status: 'open' }).length, 0);
    assert.equal((await ok(t, 'daq.staff', closed.no, 'sign')).status, 'in_progress');
  });

  it('archive a closed ticket; an open one cannot be archived (409); an agent may not archive (403)', async () => {
    setClock(t, '2026-03-02T09:00');
    const open = await newTicket(t);
    await ok(t, 'zjj.staff', open.no, 'sign');
    await refused(t, open.no, () => act(t, 'centre1', open.no, 'archive', {}), 409, /办理中/);

    const closed = await closedTicket(t);
    await refused(t, closed.no, () => act(t, 'agent1', closed.no, 'archive', {}), 403, /归档/);
    await refused(t, closed.no, () => act(t, 'zjj.head', closed.no, 'archive', {}), 403);
    setClock(t, '2026-03-05T09:00');
    const archived = await ok(t, 'centre1', closed.no, 'archive', { note: '资料齐全' });
    assert.equal(archived.status, 'archived');
    // Archived is final: the closing time stays, nothing more can be done.
    assert.equal(archived.closedAt, closed.closedAt);
    await refused(t, closed.no, () => act(t, 'centre1', closed.no, 'archive', {}), 409);
    await refused(t, closed.no, () => act(t, 'centre1', closed.no, 'quality_send_back', { note: '重办' }), 409, /已归档/);
  });
});

describeEachEngine('一件工单的全过程 (full journey)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('intake → dispatch → sign → extension → reply → callback unsatisfied → reply again → callback satisfied → archive', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    setClock(t, '2026-03-02T14:30');
    await ok(t, 'zjj.staff', created.no, 'sign');
    setClock(t, '2026-03-10T10:00');
    await ok(t, 'zjj.staff', created.no, 'request_extension', { amount: 5, reason: '需协调开发商' });
    setClock(t, '2026-03-10T15:00');
    const extended = await ok(t, 'centre1', created.no, 'decide_extension', { approve: true });
    assert.equal(duty(extended, { kind: 'reply' }).dueAt, shown('2026-03-30T23:59:59'));
    setClock(t, '2026-03-25T16:00');
    await ok(t, 'zjj.staff', created.no, 'reply', { content: '已协调开发商与物业完成清理' });
    setClock(t, '2026-03-26T09:30');
    await ok(t, 'centre1', created.no, 'review', { pass: true });
    setClock(t, '2026-03-26T10:00');
    await ok(t, 'centre1', created.no, 'callback', { reached: true, satisfaction: 'unsatisfied', reasonable: true });
    setClock(t, '2026-03-31T11:00');
    await ok(t, 'zjj.head', created.no, 'reply', { content: '已建立每日清运制度并回访业主' });
    setClock(t, '2026-04-01T09:00');
    await ok(t, 'centre1', created.no, 'review', { pass: true });
    setClock(t, '2026-04-01T10:00');
    await ok(t, 'centre1', created.no, 'callback', { reached: true, satisfaction: 'satisfied' });
    setClock(t, '2026-04-02T09:00');
    const archived = await ok(t, 'centre1', created.no, 'archive');
    assert.equal(archived.status, 'archived');
    assert.equal(archived.round, 2);
    assert.equal(archived.satisfaction, 'satisfied');
    assert.equal(archived.closedAt, shown('2026-04-01T10:00'));

    const timeline = await events(t, created.no);
    assert.deepEqual(
      timeline.map((e) => [e.action, e.fromStatus, e.toStatus, e.actor.role, e.actor.unit?.code ?? null, e.at]),
      [
        ['intake', null, 'pending_dispatch', 'agent', 'MDJ12345', shown('2026-03-02T09:00')],
        ['dispatch', 'pending_dispatch', 'dispatched', 'agent', 'MDJ12345', shown('2026-03-02T09:00')],
        ['sign', 'dispatched', 'in_progress', 'unit_staff', 'ZJJ', shown('2026-03-02T14:30')],
        ['request_extension', 'in_progress', 'in_progress', 'unit_staff', 'ZJJ', shown('2026-03-10T10:00')],
        ['decide_extension', 'in_progress', 'in_progress', 'centre', 'MDJ12345', shown('2026-03-10T15:00')],
        ['reply', 'in_progress', 'replied', 'unit_staff', 'ZJJ', shown('2026-03-25T16:00')],
        ['review', 'replied', 'callback', 'centre', 'MDJ12345', shown('2026-03-26T09:30')],
        // The unsatisfied rating opens a 差评 review (its own states), written before the callback's event.
        ['rating_bad', null, 'verifying', 'centre', 'MDJ12345', shown('2026-03-26T10:00')],
        ['callback', 'callback', 'in_progress', 'centre', 'MDJ12345', shown('2026-03-26T10:00')],
        ['reply', 'in_progress', 'replied', 'unit_head', 'ZJJ', shown('2026-03-31T11:00')],
        ['review', 'replied', 'callback', 'centre', 'MDJ12345', shown('2026-04-01T09:00')],
        ['callback', 'callback', 'closed', 'centre', 'MDJ12345', shown('2026-04-01T10:00')],
        ['archive', 'closed', 'archived', 'centre', 'MDJ12345', shown('2026-04-02T09:00')],
      ],
    );
    for (const e of timeline) {
      assert.match(e.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      assert.equal(typeof e.actionLabel, 'string');
    }
    assert.equal(timeline[0].actionLabel, '受理');
    assert.equal(timeline[2].actionLabel, '签收');
    // The audit detail carries codes, never the requester's data.
    assert.equal(timeline[1].detail.lead, 'ZJJ');
    assert.equal(timeline[4].detail.amount, 5);
    const raw = JSON.stringify(timeline);
    assert.ok(!raw.includes(created.requester.phone), 'the timeline must not carry the requester\'s phone');

    // The handling unit reads the same timeline; another unit does not see it.
    const asUnit = await (await t.as('zjj.staff')).get(`/api/v1/tickets/${created.no}/events`);
    assert.equal(asUnit.status, 200);
    assert.equal(asUnit.body.items.length, timeline.length);
    const asOther = await (await t.as('scjgj.staff')).get(`/api/v1/tickets/${created.no}/events`);
    assert.equal(asOther.status, 404);
  });
});

describeEachEngine('actions offered in GET /tickets/{no}', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  const actionsOf = async (no: string, by: string) => (await view(t, no, by)).actions as string[];

  it('the lead unit: sign before signing, reply after; the head also may dispute', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    const beforeSign = await actionsOf(created.no, 'zjj.staff');
    assert.ok(beforeSign.includes('sign'));
    assert.ok(!beforeSign.includes('reply'));
    assert.ok(!beforeSign.includes('dispute'));
    await ok(t, 'zjj.staff', created.no, 'sign');
    const staff = await actionsOf(created.no, 'zjj.staff');
    for (const a of ['reply', 'decline', 'return', 'request_extension']) assert.ok(staff.includes(a), `staff should have ${a}: ${staff}`);
    for (const a of ['sign', 'dispute', 'opinion', 'first_response', 'progress', 'approve_reply', 'review', 'archive']) assert.ok(!staff.includes(a), `staff should not have ${a}: ${staff}`);
    const head = await actionsOf(created.no, 'zjj.head');
    assert.ok(head.includes('dispute'));
    assert.ok(head.includes('reply'));
    // The centre has nothing of the unit's to do.
    const centre = await actionsOf(created.no, 'centre1');
    assert.ok(!centre.includes('reply'));
    assert.ok(!centre.includes('review'));
    assert.ok(!centre.includes('decide_extension'));
  });

  it('the centre on a replied ticket: review; on a pending extension: decide_extension', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    await ok(t, 'zjj.staff', created.no, 'request_extension', { amount: 2, reason: '需协调' });
    assert.ok((await actionsOf(created.no, 'centre1')).includes('decide_extension'));
    assert.ok(!(await actionsOf(created.no, 'zjj.staff')).includes('request_extension'));
    await ok(t, 'centre1', created.no, 'decide_extension', { approve: true });
    await ok(t, 'zjj.staff', created.no, 'reply', { content: '已处理' });
    const centre = await actionsOf(created.no, 'centre1');
    assert.ok(centre.includes('review'));
    assert.ok(!centre.includes('callback'));
    assert.ok(!centre.includes('archive'));
    assert.ok(!centre.includes('decide_extension'));
    const unit = await actionsOf(created.no, 'zjj.staff');
    assert.ok(!unit.includes('reply'));
    assert.ok(!unit.includes('sign'));
  });

  it('a unit with no duty does not see the ticket at all (404)', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    for (const user of ['scjgj.staff', 'daq.head', 'rdgs.staff']) {
      const res = await (await t.as(user)).get(`/api/v1/tickets/${created.no}`);
      assert.equal(res.status, 404, user);
      assert.equal(res.body.actions, undefined);
    }
  });

  it('a co unit is offered sign and opinion, never reply', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t, { dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['SCJGJ'] } });
    await ok(t, 'zjj.staff', created.no, 'sign');
    const co = await actionsOf(created.no, 'scjgj.staff');
    assert.ok(co.includes('sign'));
    assert.ok(co.includes('opinion'));
    for (const a of ['reply', 'decline', 'return', 'request_extension', 'delegate']) assert.ok(!co.includes(a), `co should not have ${a}`);
    await ok(t, 'scjgj.staff', created.no, 'opinion', { content: '建议整改' });
    const after = await actionsOf(created.no, 'scjgj.staff');
    assert.ok(!after.includes('sign'));
    assert.ok(!after.includes('opinion'));
  });

  it('viewing the full contact is not offered on a confidential ticket, where it is refused', async () => {
    setClock(t, '2026-03-02T09:00');
    const plain = await newTicket(t);
    assert.ok((await actionsOf(plain.no, 'zjj.staff')).includes('reveal_contact'));
    const revealed = await ok(t, 'zjj.staff', plain.no, 'reveal_contact', { reason: '需电话联系诉求人核实' });
    assert.match(revealed.revealedContact.phone, /^139\d{8}$/);

    const secret = await newTicket(t, { requester: { kind: 'person', name: '王保密', phone: '13600000077', confidential: true } });
    for (const user of ['zjj.staff', 'authority1']) {
      assert.ok(!(await actionsOf(secret.no, user)).includes('reveal_contact'), user);
      // The authority has no reveal at all (docs/security-personal-data.md); the unit is refused for the confidentiality.
      await refused(t, secret.no, () => act(t, user, secret.no, 'reveal_contact', { reason: '核实' }), 403, user === 'authority1' ? /无权/ : /保密/);
    }
  });

  it('a consultation offers no extension to the unit, but to the admin', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t, { type: 'consultation' });
    await ok(t, 'zjj.staff', created.no, 'sign');
    assert.ok(!(await actionsOf(created.no, 'zjj.staff')).includes('request_extension'));
    assert.ok((await actionsOf(created.no, 'admin')).includes('request_extension'));
  });

  it('no extension is offered once two were asked or the deadline passed; no dispute after its window', async () => {
    setClock(t, '2026-03-02T09:00');
    const twice = await newTicket(t);
    const overdue = await newTicket(t);
    await ok(t, 'zjj.staff', twice.no, 'sign');
    await ok(t, 'zjj.staff', overdue.no, 'sign');
    assert.ok((await actionsOf(twice.no, 'zjj.head')).includes('dispute'));
    for (let i = 0; i < 2; i++) {
      await ok(t, 'zjj.staff', twice.no, 'request_extension', { amount: 1, reason: '需协调' });
      await ok(t, 'centre1', twice.no, 'decide_extension', { approve: false });
    }
    assert.ok(!(await actionsOf(twice.no, 'zjj.staff')).includes('request_extension'));
    setClock(t, '2026-03-06T00:00:01');
    assert.ok(!(await actionsOf(twice.no, 'zjj.head')).includes('dispute'));
    setClock(t, '2026-03-24T00:00:01');
    assert.ok(!(await actionsOf(overdue.no, 'zjj.staff')).includes('request_extension'));
    // What is offered still works.
    assert.ok((await actionsOf(overdue.no, 'zjj.staff')).includes('reply'));
    await ok(t, 'zjj.staff', overdue.no, 'reply', { content: '已处理' });
  });
});

describeEachEngine('红黄灯 (lights)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  const lightsAt = async (no: string, local: string) => {
    setClock(t, local);
    const ticket = await view(t, no);
    return { ticket: ticket.light, sign: duty(ticket, { kind: 'sign' }).light, reply: duty(ticket, { kind: 'reply' }).light };
  };

  it('green, yellow from 00:00 of the last working day, red after 23:59:59; the ticket shows the worst open duty', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    assert.deepEqual(await lightsAt(created.no, '2026-03-02T23:59:59'), { ticket: 'green', sign: 'green', reply: 'green' });
    assert.deepEqual(await lightsAt(created.no, '2026-03-03T00:00'), { ticket: 'yellow', sign: 'yellow', reply: 'green' });
    assert.deepEqual(await lightsAt(created.no, '2026-03-03T23:59:59'), { ticket: 'yellow', sign: 'yellow', reply: 'green' });
    assert.deepEqual(await lightsAt(created.no, '2026-03-04T00:00'), { ticket: 'red', sign: 'red', reply: 'green' });

    // The list agrees with the detail.
    const red = await (await t.as('centre1')).get('/api/v1/tickets?light=red&pageSize=100');
    assert.ok(red.body.items.some((i: any) => i.no === created.no && i.light === 'red'));
    const green = await (await t.as('centre1')).get('/api/v1/tickets?light=green&pageSize=100');
    assert.ok(!green.body.items.some((i: any) => i.no === created.no));

    // Signed (late): the sign duty has no light any more, the ticket shows the reply's.
    await ok(t, 'zjj.staff', created.no, 'sign');
    assert.deepEqual(await lightsAt(created.no, '2026-03-04T00:00'), { ticket: 'green', sign: null, reply: 'green' });
    // The weekend before the last working day (Monday 03-23) is still green.
    assert.deepEqual(await lightsAt(created.no, '2026-03-22T23:59:59'), { ticket: 'green', sign: null, reply: 'green' });
    assert.deepEqual(await lightsAt(created.no, '2026-03-23T00:00'), { ticket: 'yellow', sign: null, reply: 'yellow' });
    assert.deepEqual(await lightsAt(created.no, '2026-03-23T23:59:59'), { ticket: 'yellow', sign: null, reply: 'yellow' });
    assert.deepEqual(await lightsAt(created.no, '2026-03-24T00:00'), { ticket: 'red', sign: null, reply: 'red' });

    // Replied: nothing is owed, no light.
    await ok(t, 'zjj.staff', created.no, 'reply', { content: '已处理' });
    assert.deepEqual(await lightsAt(created.no, '2026-03-24T00:00'), { ticket: null, sign: null, reply: null });
  });

  it('the yellow day is the last working day, after a holiday', async () => {
    setClock(t, '2026-09-30T16:00');
    const created = await newTicket(t);
    assert.equal((await lightsAt(created.no, '2026-10-07T23:59:59')).sign, 'green');
    assert.equal((await lightsAt(created.no, '2026-10-08T00:00')).sign, 'yellow');
    assert.equal((await lightsAt(created.no, '2026-10-09T00:00')).sign, 'red');
  });

  it('an hour limit turns yellow in its last quarter; the ticket takes the worst of its duties', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t, { special: 'special' });
    const at = async (local: string) => {
      setClock(t, local);
      const ticket = await view(t, created.no);
      return [ticket.light, duty(ticket, { kind: 'first_response' }).light, duty(ticket, { kind: 'progress' }).light];
    };
    assert.deepEqual(await at('2026-03-02T11:59:59'), ['green', 'green', 'green']);
    assert.deepEqual(await at('2026-03-02T12:00'), ['yellow', 'yellow', 'green']);
    assert.deepEqual(await at('2026-03-02T13:00'), ['yellow', 'yellow', 'green']);
    assert.deepEqual(await at('2026-03-02T13:00:01'), ['red', 'red', 'green']);
    await ok(t, 'zjj.staff', created.no, 'first_response', { content: '已到场' });
    const after = await view(t, created.no);
    assert.equal(duty(after, { kind: 'first_response' }).light, null);
    assert.equal(after.light, 'green');
    // Completed duties carry no light, open ones always do.
    for (const d of after.duties) assert.equal(d.light === null, d.status !== 'open', JSON.stringify(d));
  });
});
