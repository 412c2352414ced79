// 协办 (第十三条) and 特殊事项 / 特殊紧急事项 (第十六条) through the HTTP API.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { act, duty, dutiesOf, events, lastOutboxId, newTicket, ok, outboxSince, refused, setClock, shown, view } from '../../test/support/handling.ts';

describeEachEngine('协办 (co-handling)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('a co unit signs and gives its opinion; it cannot reply; the lead sees the opinion', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t, { dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['SCJGJ'] } });
    assert.equal(created.leadUnit.code, 'ZJJ');
    const coSign = duty(created, { unit: 'SCJGJ', kind: 'sign' });
    const coOpinion = duty(created, { unit: 'SCJGJ', kind: 'opinion' });
    assert.equal(coSign.party, 'co');
    assert.equal(coOpinion.party, 'co');
    // The opinion runs on the ticket's reply limit.
    assert.equal(coOpinion.dueAt, duty(created, { unit: 'ZJJ', kind: 'reply' }).dueAt);

    setClock(t, '2026-03-02T10:00');
    const coSigned = await ok(t, 'scjgj.staff', created.no, 'sign');
    // The co unit's signature does not start the lead's handling.
    assert.equal(coSigned.status, 'dispatched');
    assert.equal(duty(coSigned, { unit: 'SCJGJ', kind: 'sign' }).status, 'done');
    assert.equal(duty(coSigned, { unit: 'ZJJ', kind: 'sign' }).status, 'open');
    // Co-handlers cannot act for the lead, nor the lead for them.
    await refused(t, created.no, () => act(t, 'scjgj.staff', created.no, 'sign'), 409);
    await refused(t, created.no, () => act(t, 'scjgj.staff', created.no, 'return', { reason: '非本单位职责', basis: '三定方案' }), 403, /本单位不是该工单的主办单位/);
    await refused(t, created.no, () => act(t, 'scjgj.head', created.no, 'dispute', { reason: '非本单位职责' }), 403, /本单位不是该工单的主办单位/);

    await ok(t, 'zjj.staff', created.no, 'sign');
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'opinion', { content: '意见' }), 403, /协办单位/);
    await refused(t, created.no, () => act(t, 'scjgj.staff', created.no, 'reply', { content: '已处理' }), 403, /本单位不是该工单的主办单位/);
    await refused(t, created.no, () => act(t, 'scjgj.staff', created.no, 'request_extension', { amount: 2, reason: '需协调' }), 403, /主办单位/);

    setClock(t, '2026-03-03T11:00');
    const opinion = '经查，该物业公司存在未按合同约定提供保洁服务的情况，建议责令整改。';
    const given = await ok(t, 'scjgj.staff', created.no, 'opinion', { content: opinion });
    assert.equal(given.status, 'in_progress');
    const done = duty(given, { unit: 'SCJGJ', kind: 'opinion' });
    assert.equal(done.status, 'done');
    assert.equal(done.late, false);
    await refused(t, created.no, () => act(t, 'scjgj.staff', created.no, 'opinion', { content: opinion }), 409);

    const asLead = await view(t, created.no, 'zjj.staff');
    assert.equal(asLead.submissions.length, 1);
    const s = asLead.submissions[0];
    assert.deepEqual([s.kind, s.unit.code, s.content, s.round, s.createdAt], ['opinion', 'SCJGJ', opinion, 1, shown('2026-03-03T11:00')]);

    const replied = await ok(t, 'zjj.staff', created.no, 'reply', { content: '已会同市场监管部门责令物业整改' });
    assert.equal(replied.status, 'replied');
  });

  it('the lead\'s reply cancels what co units still owe; an opinion without signing signs as well', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t, { dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['SCJGJ', 'DAQ'] } });
    setClock(t, '2026-03-02T15:00');
    const opined = await ok(t, 'scjgj.staff', created.no, 'opinion', { content: '建议约谈物业' });
    assert.equal(duty(opined, { unit: 'SCJGJ', kind: 'sign' }).status, 'done');
    assert.equal(duty(opined, { unit: 'SCJGJ', kind: 'opinion' }).status, 'done');
    assert.equal(opined.status, 'dispatched');

    await ok(t, 'zjj.staff', created.no, 'sign');
    setClock(t, '2026-03-04T09:00');
    const replied = await ok(t, 'zjj.staff', created.no, 'reply', { content: '已约谈物业并整改' });
    assert.equal(replied.status, 'replied');
    for (const kind of ['sign', 'opinion']) {
      const d = duty(replied, { unit: 'DAQ', kind });
      assert.equal(d.status, 'cancelled');
      assert.equal(d.completedAt, shown('2026-03-04T09:00'));
      assert.equal(d.light, null);
    }
    assert.equal(duty(replied, { unit: 'SCJGJ', kind: 'opinion' }).status, 'done');
    assert.equal(dutiesOf(replied, { status: 'open' }).length, 0);
    assert.equal(replied.light, null);
    assert.equal((await events(t, created.no)).at(-1)!.detail.missingOpinions, 1);
    // Nothing is left for the co unit to do.
    await refused(t, created.no, () => act(t, 'daq.staff', created.no, 'opinion', { content: '迟到的意见' }), 409);
  });

  it('a co unit must be another unit than the lead (400)', async () => {
    setClock(t, '2026-03-02T09:00');
    const res = await (await t.as('agent1')).post('/api/v1/tickets', {
      channel: 'phone',
      type: 'complaint',
      categoryCode: 'ZFWY-WY',
      requester: { kind: 'person', name: '赵一', phone: '13700000001' },
      facts: '小区电梯长期停运无人维修',
      address: '东安区',
      disposition: 'dispatch',
      dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['ZJJ'] },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'coUnitCodes');
  });
});

describeEachEngine('特殊事项 (special matters)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  const reportsOf = (msgs: Awaited<ReturnType<typeof outboxSince>>) =>
    msgs.filter((m) => m.topic === 'report').map((m) => [m.payload.to, m.payload.template, m.payload.params.level, m.payload.params.ticketNo]);

  it('特殊事项 at intake: reported to the authority and the city government at once; 4 hours and 3 working days', async () => {
    setClock(t, '2026-03-02T09:00');
    const mark = await lastOutboxId(t);
    const created = await newTicket(t, { special: 'special', facts: '光华小区整栋楼停水已超过24小时' });
    assert.equal(created.special, 'special');
    const msgs = await outboxSince(t, mark);
    assert.deepEqual(reportsOf(msgs), [
      ['13948610001', 'special_report', '特殊事项', created.no],
      ['13948610002', 'special_report', '特殊事项', created.no],
    ]);
    for (const m of msgs) assert.equal(m.created_at, new Date(Date.parse('2026-03-02T01:00:00Z')).toISOString());
    const first = duty(created, { kind: 'first_response' });
    const progress = duty(created, { kind: 'progress' });
    assert.deepEqual([first.party, first.unit.code, first.status], ['lead', 'ZJJ', 'open']);
    assert.equal(first.dueAt, shown('2026-03-02T13:00'));
    assert.equal(progress.dueAt, shown('2026-03-05T23:59:59'));
    assert.equal(created.nextDueAt, shown('2026-03-02T13:00'));
    // The ordinary duties are there as well.
    assert.equal(duty(created, { kind: 'reply' }).dueAt, shown('2026-03-23T23:59:59'));
  });

  it('特殊紧急事项 at intake: 2 hours and 2 working days', async () => {
    setClock(t, '2026-03-06T16:30'); // Friday
    const mark = await lastOutboxId(t);
    const created = await newTicket(t, { special: 'special_emergency', facts: '小区燃气管道泄漏，气味很大' });
    assert.deepEqual(reportsOf(await outboxSince(t, mark)).map((r) => [r[0], r[2]]), [
      ['13948610001', '特殊紧急事项'],
      ['13948610002', '特殊紧急事项'],
    ]);
    assert.equal(duty(created, { kind: 'first_response' }).dueAt, shown('2026-03-06T18:30'));
    // Hours are natural hours; working days skip the weekend.
    assert.equal(duty(created, { kind: 'progress' }).dueAt, shown('2026-03-10T23:59:59'));
  });

  it('an ordinary ticket is not reported and owes no first response', async () => {
    setClock(t, '2026-03-02T09:00');
    const mark = await lastOutboxId(t);
    const created = await newTicket(t);
    assert.deepEqual(reportsOf(await outboxSince(t, mark)), []);
    assert.equal(dutiesOf(created, { kind: 'first_response' }).length, 0);
    assert.equal(dutiesOf(created, { kind: 'progress' }).length, 0);
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'first_response', { content: '已响应' }), 409, /初步响应/);
  });

  it('the first response completes its duty (and signs); after 4 hours it is late; progress completes its duty', async () => {
    setClock(t, '2026-03-02T09:00');
    const onTime = await newTicket(t, { special: 'special' });
    const late = await newTicket(t, { special: 'special' });
    setClock(t, '2026-03-02T12:59');
    const responded = await ok(t, 'zjj.staff', onTime.no, 'first_response', { content: '已派人赶赴现场' });
    assert.equal(responded.status, 'in_progress');
    assert.equal(duty(responded, { kind: 'sign' }).status, 'done');
    const first = duty(responded, { kind: 'first_response' });
    assert.deepEqual([first.status, first.late, first.completedAt], ['done', false, shown('2026-03-02T12:59')]);
    assert.equal(responded.submissions.at(-1).kind, 'first_response');
    await refused(t, onTime.no, () => act(t, 'zjj.staff', onTime.no, 'first_response', { content: '再次响应' }), 409);

    setClock(t, '2026-03-02T13:00:01');
    const lateResponse = await ok(t, 'zjj.staff', late.no, 'first_response', { content: '已派人赶赴现场' });
    assert.equal(duty(lateResponse, { kind: 'first_response' }).late, true);
    assert.equal((await events(t, late.no)).at(-1)!.detail.late, true);

    setClock(t, '2026-03-04T10:00');
    const progressed = await ok(t, 'zjj.staff', onTime.no, 'progress', { content: '抢修已完成70%' });
    const p = duty(progressed, { kind: 'progress' });
    assert.deepEqual([p.status, p.late], ['done', false]);
    // Only the lead unit responds.
    await refused(t, late.no, () => act(t, 'scjgj.staff', late.no, 'first_response', { content: '响应' }), 404);
  });

  it('flag_special by the centre on an open ticket adds the duties and reports; the same level twice is refused', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    // A unit cannot flag.
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'flag_special', { level: 'special' }), 403, /标记特殊事项/);
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'flag_special', { level: 'urgent' }), 400, /特殊事项等级/);

    setClock(t, '2026-03-03T10:15');
    const mark = await lastOutboxId(t);
    const flagged = await ok(t, 'centre1', created.no, 'flag_special', { level: 'special', note: '涉及整栋楼停水' });
    assert.equal(flagged.special, 'special');
    assert.equal(flagged.status, 'in_progress');
    assert.deepEqual(reportsOf(await outboxSince(t, mark)).map((r) => [r[0], r[2]]), [
      ['13948610001', '特殊事项'],
      ['13948610002', '特殊事项'],
    ]);
    const first = duty(flagged, { kind: 'first_response' });
    assert.equal(first.startedAt, shown('2026-03-03T10:15'));
    assert.equal(first.dueAt, shown('2026-03-03T14:15'));
    assert.equal(duty(flagged, { kind: 'progress' }).dueAt, shown('2026-03-06T23:59:59'));
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'flag_special', { level: 'special' }), 409);

    // Raised to 特殊紧急事项: the earlier special duties give way to the shorter ones.
    setClock(t, '2026-03-03T11:00');
    const raised = await ok(t, 'agent1', created.no, 'flag_special', { level: 'special_emergency' });
    assert.equal(raised.special, 'special_emergency');
    assert.equal(duty(raised, { kind: 'first_response', status: 'cancelled' }).dueAt, shown('2026-03-03T14:15'));
    const urgent = duty(raised, { kind: 'first_response', status: 'open' });
    assert.equal(urgent.dueAt, shown('2026-03-03T13:00'));
    assert.equal(duty(raised, { kind: 'progress', status: 'open' }).dueAt, shown('2026-03-05T23:59:59'));
  });

  it('flagging a closed ticket is refused (409)', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    await ok(t, 'zjj.staff', created.no, 'reply', { content: '已处理' });
    await ok(t, 'centre1', created.no, 'review', { pass: true });
    await ok(t, 'centre1', created.no, 'callback', { reached: true, satisfaction: 'satisfied' });
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'flag_special', { level: 'special' }), 409, /已办结/);
  });
});
