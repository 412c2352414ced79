// 签收 and 退单 through the HTTP API (第十五条): who may sign, the 1-working-day limit, returns within
// 2 working days with reason and basis, and the centre's decision on a return.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { act, duty, dutiesOf, events, lastOutboxId, newTicket, ok, outboxSince, refused, setClock, shown, view } from '../../test/support/handling.ts';

const RETURN_BODY = { reason: '该小区为单位自管房，不属于物业服务监管范围', basis: '《牡丹江市物业管理条例》第二条', suggestedUnitCode: 'DAQ' };

describeEachEngine('签收 (sign)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('the lead unit signs within 1 working day: in_progress, sign duty done on time, event recorded', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    assert.equal(created.status, 'dispatched');
    assert.equal(created.leadUnit.code, 'ZJJ');
    const sign = duty(created, { kind: 'sign', party: 'lead', unit: 'ZJJ' });
    assert.equal(sign.dueAt, shown('2026-03-03T23:59:59'));
    assert.equal(sign.status, 'open');

    setClock(t, '2026-03-03T16:20');
    const signed = await ok(t, 'zjj.staff', created.no, 'sign');
    assert.equal(signed.status, 'in_progress');
    const done = duty(signed, { kind: 'sign', party: 'lead' });
    assert.equal(done.status, 'done');
    assert.equal(done.late, false);
    assert.equal(done.completedAt, shown('2026-03-03T16:20'));
    assert.equal(done.light, null);
    // The reply duty is untouched by signing.
    assert.equal(duty(signed, { kind: 'reply', party: 'lead' }).status, 'open');

    const last = (await events(t, created.no)).at(-1)!;
    assert.equal(last.action, 'sign');
    assert.equal(last.fromStatus, 'dispatched');
    assert.equal(last.toStatus, 'in_progress');
    assert.equal(last.actor.role, 'unit_staff');
    assert.equal(last.actor.unit.code, 'ZJJ');
    assert.equal(last.at, shown('2026-03-03T16:20'));
  });

  it('the unit head may sign as well', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    const signed = await ok(t, 'zjj.head', created.no, 'sign');
    assert.equal(signed.status, 'in_progress');
  });

  it('signing after the working-day deadline is allowed but the duty is late', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    setClock(t, '2026-03-04T00:00:01');
    const signed = await ok(t, 'zjj.staff', created.no, 'sign');
    assert.equal(signed.status, 'in_progress');
    const d = duty(signed, { kind: 'sign', party: 'lead' });
    assert.equal(d.status, 'done');
    assert.equal(d.late, true);
    const last = (await events(t, created.no)).at(-1)!;
    assert.equal(last.detail.late, true);
  });

  it('the sign limit skips weekends and holidays (国庆 2026, 调休 10-10)', async () => {
    setClock(t, '2026-09-30T16:00');
    const created = await newTicket(t);
    assert.equal(duty(created, { kind: 'sign' }).dueAt, shown('2026-10-08T23:59:59'));
    setClock(t, '2026-10-08T22:00');
    const signed = await ok(t, 'zjj.staff', created.no, 'sign');
    assert.equal(duty(signed, { kind: 'sign' }).late, false);

    // Dispatched on a Friday evening: the 调休 Saturday 10-10 is the working day that counts.
    setClock(t, '2026-10-09T18:00');
    const friday = await newTicket(t);
    assert.equal(duty(friday, { kind: 'sign' }).dueAt, shown('2026-10-10T23:59:59'));
    setClock(t, '2026-10-11T09:00');
    const lateSigned = await ok(t, 'zjj.staff', friday.no, 'sign');
    assert.equal(duty(lateSigned, { kind: 'sign' }).late, true);
  });

  it('signing twice is refused with 409 and changes nothing', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    setClock(t, '2026-03-02T10:00');
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'sign'), 409);
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'sign'), 409);
  });

  it('another unit cannot see the ticket (404), an agent may not sign (403)', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await refused(t, created.no, () => act(t, 'scjgj.staff', created.no, 'sign'), 404);
    const get = await (await t.as('scjgj.staff')).get(`/api/v1/tickets/${created.no}`);
    assert.equal(get.status, 404);
    // A sub-unit of another district sees nothing either.
    await refused(t, created.no, () => act(t, 'xajd.staff', created.no, 'sign'), 404);
    await refused(t, created.no, () => act(t, 'agent1', created.no, 'sign'), 403, /签收/);
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'sign'), 403);
    assert.equal((await view(t, created.no)).status, 'dispatched');
  });

  it('signing a ticket that is no longer being handled is refused (409)', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    await ok(t, 'zjj.staff', created.no, 'reply', { content: '已督促物业清运垃圾。' });
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'sign'), 409, /待审核/);
  });
});

describeEachEngine('退单 (return)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('a return within 2 working days: status returned, request pending and on time', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    setClock(t, '2026-03-04T23:59');
    const returned = await ok(t, 'zjj.staff', created.no, 'return', RETURN_BODY);
    assert.equal(returned.status, 'returned');
    assert.equal(returned.requests.length, 1);
    const r = returned.requests[0];
    assert.equal(r.kind, 'return');
    assert.equal(r.status, 'pending');
    assert.equal(r.late, false);
    assert.equal(r.reason, RETURN_BODY.reason);
    assert.equal(r.basis, RETURN_BODY.basis);
    assert.equal(r.suggestedUnit.code, 'DAQ');
    assert.equal(r.unit.code, 'ZJJ');
    assert.equal(r.requestedAt, shown('2026-03-04T23:59'));
    const last = (await events(t, created.no)).at(-1)!;
    assert.deepEqual([last.action, last.fromStatus, last.toStatus], ['return', 'in_progress', 'returned']);
    // While the return waits for the centre, the unit cannot reply.
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'reply', { content: '答复' }), 409);
  });

  it('a return after 2 working days is allowed but late (counted as overdue)', async () => {
    // Thursday: the 2 working days are Friday and Monday.
    setClock(t, '2026-03-05T09:00');
    const onTime = await newTicket(t);
    const tooLate = await newTicket(t);
    setClock(t, '2026-03-09T23:59:59');
    const a = await ok(t, 'zjj.staff', onTime.no, 'return', RETURN_BODY);
    assert.equal(a.requests[0].late, false);
    setClock(t, '2026-03-10T00:00:01');
    const b = await ok(t, 'zjj.staff', tooLate.no, 'return', RETURN_BODY);
    assert.equal(b.status, 'returned');
    assert.equal(b.requests[0].late, true);
    assert.equal((await events(t, tooLate.no)).at(-1)!.detail.late, true);
  });

  it('reason and basis are required (400 naming 理由 / 依据), nothing changes', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    const noReason = await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'return', { basis: RETURN_BODY.basis }), 400, /理由/);
    assert.equal(noReason.body.errors[0].field, 'reason');
    const noBasis = await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'return', { reason: RETURN_BODY.reason }), 400, /依据/);
    assert.equal(noBasis.body.errors[0].field, 'basis');
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'return', { reason: RETURN_BODY.reason, basis: '' }), 400, /依据/);
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'return', { ...RETURN_BODY, suggestedUnitCode: 'NOPE' }), 400, /NOPE/);
  });

  it('only the lead unit returns: another unit 404, an agent 403', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await refused(t, created.no, () => act(t, 'scjgj.staff', created.no, 'return', RETURN_BODY), 404);
    await refused(t, created.no, () => act(t, 'agent1', created.no, 'return', RETURN_BODY), 403);
  });

  it('the centre accepts with a new unit: dispatched there with fresh duties, the returning unit\'s open duties cancelled', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    setClock(t, '2026-03-03T10:00');
    await ok(t, 'zjj.staff', created.no, 'return', RETURN_BODY);
    // Only the centre decides.
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'decide_return', { accept: true, leadUnitCode: 'DAQ' }), 403);
    await refused(t, created.no, () => act(t, 'agent1', created.no, 'decide_return', { accept: true, leadUnitCode: 'DAQ' }), 403);

    setClock(t, '2026-03-03T15:00');
    const mark = await lastOutboxId(t);
    const decided = await ok(t, 'centre1', created.no, 'decide_return', { accept: true, leadUnitCode: 'SCJGJ' });
    assert.equal(decided.status, 'dispatched');
    assert.equal(decided.leadUnit.code, 'SCJGJ');
    assert.equal(decided.round, 2);
    // ZJJ: the done sign stays done, the open reply is cancelled.
    assert.equal(duty(decided, { unit: 'ZJJ', kind: 'sign' }).status, 'done');
    const oldReply = duty(decided, { unit: 'ZJJ', kind: 'reply' });
    assert.equal(oldReply.status, 'cancelled');
    assert.equal(oldReply.completedAt, shown('2026-03-03T15:00'));
    // SCJGJ: fresh duties from the decision.
    const sign = duty(decided, { unit: 'SCJGJ', kind: 'sign' });
    const reply = duty(decided, { unit: 'SCJGJ', kind: 'reply' });
    for (const d of [sign, reply]) {
      assert.equal(d.status, 'open');
      assert.equal(d.round, 2);
      assert.equal(d.party, 'lead');
      assert.equal(d.startedAt, shown('2026-03-03T15:00'));
    }
    assert.equal(sign.dueAt, shown('2026-03-04T23:59:59'));
    assert.equal(reply.dueAt, shown('2026-03-24T23:59:59'));
    const r = decided.requests[0];
    assert.equal(r.status, 'approved');
    assert.equal(r.designatedUnit.code, 'SCJGJ');
    // The new unit is told at once by SMS.
    const sms = await outboxSince(t, mark);
    assert.deepEqual(
      sms.map((m) => [m.topic, m.payload.to, m.payload.template, m.payload.params.ticketNo]),
      [['sms', '13948630121', 'dispatch_notice', created.no]],
    );
    // The new unit sees and signs it; the old one has nothing left to do on it.
    const signed = await ok(t, 'scjgj.staff', created.no, 'sign');
    assert.equal(signed.status, 'in_progress');
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'reply', { content: '答复' }), 403, /主办单位/);
  });

  it('accepting without a unit sends the ticket to the suggested unit; naming the returning unit is refused', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'return', RETURN_BODY);
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'decide_return', { accept: true, leadUnitCode: 'ZJJ' }), 400);
    const decided = await ok(t, 'centre1', created.no, 'decide_return', { accept: true });
    assert.equal(decided.status, 'dispatched');
    assert.equal(decided.leadUnit.code, 'DAQ');
    assert.equal(duty(decided, { unit: 'ZJJ', kind: 'sign' }).status, 'cancelled');
    assert.equal(duty(decided, { unit: 'DAQ', kind: 'sign' }).status, 'open');
  });

  it('the centre refuses: back to the previous state, request improper, deadlines unchanged', async () => {
    setClock(t, '2026-03-02T09:00');
    const signedFirst = await newTicket(t);
    const unsigned = await newTicket(t);
    await ok(t, 'zjj.staff', signedFirst.no, 'sign');
    const before = await view(t, signedFirst.no);
    const beforeUnsigned = await view(t, unsigned.no);

    setClock(t, '2026-03-03T11:00');
    await ok(t, 'zjj.staff', signedFirst.no, 'return', RETURN_BODY);
    await ok(t, 'zjj.staff', unsigned.no, 'return', RETURN_BODY);
    setClock(t, '2026-03-04T09:00');
    const back = await ok(t, 'centre1', signedFirst.no, 'decide_return', { accept: false, note: '属于住建部门物业监管职责' });
    assert.equal(back.status, 'in_progress');
    assert.equal(back.leadUnit.code, 'ZJJ');
    assert.equal(back.round, 1);
    assert.equal(back.requests[0].status, 'refused');
    assert.equal(back.requests[0].improper, true);
    const shape = (ticket: any) => ticket.duties.map((d: any) => [d.id, d.unit.code, d.kind, d.status, d.startedAt, d.dueAt, d.late]);
    assert.deepEqual(shape(back), shape(before));
    assert.equal(duty(back, { kind: 'reply' }).dueAt, duty(before, { kind: 'reply' }).dueAt);
    assert.equal(duty(back, { kind: 'reply' }).status, 'open');
    const last = (await events(t, signedFirst.no)).at(-1)!;
    assert.deepEqual([last.action, last.fromStatus, last.toStatus, last.actor.role], ['decide_return', 'returned', 'in_progress', 'centre']);

    // Returned before signing: back to 待签收, the sign limit still running from the dispatch.
    const back2 = await ok(t, 'centre1', unsigned.no, 'decide_return', { accept: false });
    assert.equal(back2.status, 'dispatched');
    assert.equal(back2.requests[0].improper, true);
    assert.equal(duty(back2, { kind: 'sign' }).dueAt, duty(beforeUnsigned, { kind: 'sign' }).dueAt);
    assert.equal(duty(back2, { kind: 'sign' }).status, 'open');
    assert.equal(dutiesOf(back2, { status: 'cancelled' }).length, 0);
    // The unit goes on: it signs (late now) and may reply.
    const signed = await ok(t, 'zjj.staff', unsigned.no, 'sign');
    assert.equal(duty(signed, { kind: 'sign' }).late, true);
  });

  it('a decision without a pending return is refused', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'decide_return', { accept: true }), 409, /退单审核/);
  });
});
