// 异议 (第十四条) and 延期 (第十五条) through the HTTP API.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { act, duty, events, lastOutboxId, newTicket, ok, outboxSince, refused, setClock, shown, view } from '../../test/support/handling.ts';

const DISPUTE = { reason: '涉事楼栋为开发商未移交的在建工程，不属于本单位监管', signedBy: '马建华' };
const SETTLE_NOTE = '经协调编制、司法行政部门，明确责任主体';

describeEachEngine('异议 (dispute)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('only the unit head raises it (unit_staff 403, another unit 404, an agent 403)', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'dispute', DISPUTE), 403, /提出异议/);
    await refused(t, created.no, () => act(t, 'scjgj.head', created.no, 'dispute', DISPUTE), 404);
    await refused(t, created.no, () => act(t, 'agent1', created.no, 'dispute', DISPUTE), 403);
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'dispute', { signedBy: '马建华' }), 400, /理由/);
  });

  it('within 3 calendar days: disputed, the authority owes a settle_dispute due 5 days later, deadlines keep running', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    const replyBefore = duty(await view(t, created.no), { kind: 'reply' });

    setClock(t, '2026-03-05T23:59');
    const mark = await lastOutboxId(t);
    const disputed = await ok(t, 'zjj.head', created.no, 'dispute', DISPUTE);
    assert.equal(disputed.status, 'disputed');
    const r = disputed.requests[0];
    assert.equal(r.kind, 'dispute');
    assert.equal(r.status, 'pending');
    assert.equal(r.signedBy, '马建华');
    assert.equal(r.reason, DISPUTE.reason);
    const settle = duty(disputed, { kind: 'settle_dispute' });
    assert.equal(settle.party, 'authority');
    assert.equal(settle.unit.code, 'YSJ');
    assert.equal(settle.status, 'open');
    assert.equal(settle.startedAt, shown('2026-03-05T23:59'));
    // 5 日 are calendar days: Fri, Sat, Sun, Mon, Tue.
    assert.equal(settle.dueAt, shown('2026-03-10T23:59:59'));
    // The implementation keeps the unit's reply deadline running during the dispute.
    const reply = duty(disputed, { kind: 'reply' });
    assert.equal(reply.status, 'open');
    assert.equal(reply.dueAt, replyBefore.dueAt);
    const sms = await outboxSince(t, mark);
    assert.deepEqual(sms.map((m) => [m.topic, m.payload.to, m.payload.template]), [['sms', '13948610001', 'supervision']]);
    const last = (await events(t, created.no)).at(-1)!;
    assert.deepEqual([last.action, last.fromStatus, last.toStatus, last.actor.role], ['dispute', 'in_progress', 'disputed', 'unit_head']);
    // While disputed the unit cannot reply, nor dispute again.
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'reply', { content: '答复' }), 409);
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'dispute', DISPUTE), 409);
  });

  it('after 3 calendar days it is refused (409 citing 第十四条), weekends included', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    setClock(t, '2026-03-06T00:00:01');
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'dispute', DISPUTE), 409, /第十四条/);

    // Dispatched on a Friday: the window ends on Monday, not after three working days.
    setClock(t, '2026-03-06T10:00');
    const friday = await newTicket(t);
    setClock(t, '2026-03-10T09:00');
    await refused(t, friday.no, () => act(t, 'zjj.head', friday.no, 'dispute', DISPUTE), 409, /第十四条/);
  });

  it('the authority settles to another unit: dispatched there, the objecting unit\'s duties cancelled', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    setClock(t, '2026-03-03T09:00');
    await ok(t, 'zjj.head', created.no, 'dispute', DISPUTE);
    // The centre and the units cannot settle.
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'settle_dispute', { leadUnitCode: 'DAQ', note: SETTLE_NOTE }), 403, /异议裁定/);
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'settle_dispute', { leadUnitCode: 'DAQ', note: SETTLE_NOTE }), 403);
    await refused(t, created.no, () => act(t, 'authority1', created.no, 'settle_dispute', { leadUnitCode: 'DAQ' }), 400, /说明/);

    setClock(t, '2026-03-05T14:00');
    const settled = await ok(t, 'authority1', created.no, 'settle_dispute', { leadUnitCode: 'DAQ', note: SETTLE_NOTE });
    assert.equal(settled.status, 'dispatched');
    assert.equal(settled.leadUnit.code, 'DAQ');
    assert.equal(settled.round, 2);
    const settle = duty(settled, { kind: 'settle_dispute' });
    assert.equal(settle.status, 'done');
    assert.equal(settle.late, false);
    for (const d of [duty(settled, { unit: 'ZJJ', kind: 'sign' }), duty(settled, { unit: 'ZJJ', kind: 'reply' })]) assert.equal(d.status, 'cancelled');
    const sign = duty(settled, { unit: 'DAQ', kind: 'sign' });
    assert.equal(sign.status, 'open');
    assert.equal(sign.startedAt, shown('2026-03-05T14:00'));
    assert.equal(sign.dueAt, shown('2026-03-06T23:59:59'));
    assert.equal(settled.requests[0].status, 'approved');
    assert.equal(settled.requests[0].designatedUnit.code, 'DAQ');
    assert.equal((await events(t, created.no)).at(-1)!.detail.upheld, true);
    assert.equal((await ok(t, 'daq.staff', created.no, 'sign')).status, 'in_progress');
  });

  it('the authority settles to the same unit: objection not upheld, back to handling under the running deadlines', async () => {
    setClock(t, '2026-03-02T09:00');
    const signed = await newTicket(t);
    const unsigned = await newTicket(t);
    await ok(t, 'zjj.staff', signed.no, 'sign');
    const before = await view(t, signed.no);
    setClock(t, '2026-03-03T09:00');
    await ok(t, 'zjj.head', signed.no, 'dispute', DISPUTE);
    await ok(t, 'zjj.head', unsigned.no, 'dispute', DISPUTE);

    setClock(t, '2026-03-12T09:00'); // after the 5 日: the settlement is late
    const back = await ok(t, 'authority1', signed.no, 'settle_dispute', { leadUnitCode: 'ZJJ', note: '物业服务监管属住建部门职责' });
    assert.equal(back.status, 'in_progress');
    assert.equal(back.leadUnit.code, 'ZJJ');
    assert.equal(back.round, 1);
    assert.equal(back.requests[0].status, 'refused');
    assert.equal(back.requests[0].designatedUnit.code, 'ZJJ');
    const settle = duty(back, { kind: 'settle_dispute' });
    assert.equal(settle.status, 'done');
    assert.equal(settle.late, true);
    const reply = duty(back, { kind: 'reply' });
    assert.equal(reply.status, 'open');
    assert.equal(reply.dueAt, duty(before, { kind: 'reply' }).dueAt);
    assert.equal((await events(t, signed.no)).at(-1)!.detail.upheld, false);

    const back2 = await ok(t, 'authority1', unsigned.no, 'settle_dispute', { leadUnitCode: 'ZJJ', note: '维持原派单' });
    assert.equal(back2.status, 'dispatched');
    assert.equal(duty(back2, { kind: 'sign' }).status, 'open');
  });
});

describeEachEngine('延期 (extension)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  /** A complaint (15 working days) dispatched Monday 2026-03-02 09:00 and signed: reply due 03-23. */
  async function signedComplaint(overrides: Record<string, unknown> = {}) {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t, overrides);
    const signed = await ok(t, 'zjj.staff', created.no, 'sign');
    return signed;
  }

  it('approved: the reply duty moves by N working days from its deadline', async () => {
    const ticket = await signedComplaint();
    assert.equal(duty(ticket, { kind: 'reply' }).dueAt, shown('2026-03-23T23:59:59'));
    setClock(t, '2026-03-10T10:00');
    const requested = await ok(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 5, reason: '需协调开发商与物业共同整改' });
    assert.equal(requested.status, 'in_progress');
    const r = requested.requests[0];
    assert.deepEqual([r.kind, r.status, r.amount, r.reason], ['extension', 'pending', 5, '需协调开发商与物业共同整改']);
    const pendingDuty = duty(requested, { kind: 'reply' });
    assert.equal(pendingDuty.dueAt, shown('2026-03-23T23:59:59'));
    assert.equal(pendingDuty.extensions, 1);

    // The unit cannot decide its own extension.
    await refused(t, ticket.no, () => act(t, 'zjj.head', ticket.no, 'decide_extension', { approve: true }), 403, /延期审批/);
    await refused(t, ticket.no, () => act(t, 'agent1', ticket.no, 'decide_extension', { approve: true }), 403);

    setClock(t, '2026-03-10T15:00');
    const mark = await lastOutboxId(t);
    const approved = await ok(t, 'centre1', ticket.no, 'decide_extension', { approve: true, note: '同意' });
    // 03-24 … 03-27, 03-30.
    assert.equal(duty(approved, { kind: 'reply' }).dueAt, shown('2026-03-30T23:59:59'));
    assert.equal(duty(approved, { kind: 'reply' }).status, 'open');
    assert.equal(approved.nextDueAt, shown('2026-03-30T23:59:59'));
    assert.equal(approved.requests[0].status, 'approved');
    assert.equal(approved.requests[0].decidedAt, shown('2026-03-10T15:00'));
    const sms = await outboxSince(t, mark);
    assert.deepEqual(sms.map((m) => [m.payload.to, m.payload.template]), [['13948630112', 'supervision']]);
    // The extended deadline is what counts: a reply on 03-27 is on time.
    setClock(t, '2026-03-27T10:00');
    const replied = await ok(t, 'zjj.staff', ticket.no, 'reply', { content: '已整改完毕' });
    assert.equal(duty(replied, { kind: 'reply' }).late, false);
  });

  it('approved across 中秋/国庆: working days skip the holidays and count the 调休 days', async () => {
    setClock(t, '2026-09-14T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    // 15 working days from Monday 09-14: the 调休 Sunday 09-20 counts, 中秋 09-25 and 国庆 10-01…10-07
    // do not, and the 15th is the 调休 Saturday 10-10.
    assert.equal(duty(await view(t, created.no), { kind: 'reply' }).dueAt, shown('2026-10-10T23:59:59'));
    setClock(t, '2026-09-28T10:00');
    await ok(t, 'zjj.staff', created.no, 'request_extension', { amount: 5, reason: '节日期间需协调多方' });
    const approved = await ok(t, 'centre1', created.no, 'decide_extension', { approve: true });
    // Counted from 10-10: Sunday 10-11 is a rest day, then 10-12 … 10-16.
    assert.equal(duty(approved, { kind: 'reply' }).dueAt, shown('2026-10-16T23:59:59'));
  });

  it('refused: the deadline stays, the request still counts', async () => {
    const ticket = await signedComplaint();
    setClock(t, '2026-03-11T10:00');
    await ok(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 3, reason: '需现场核查' });
    const decided = await ok(t, 'centre1', ticket.no, 'decide_extension', { approve: false, note: '时限充足' });
    assert.equal(decided.status, 'in_progress');
    const reply = duty(decided, { kind: 'reply' });
    assert.equal(reply.dueAt, shown('2026-03-23T23:59:59'));
    assert.equal(reply.extensions, 1);
    assert.equal(decided.requests[0].status, 'refused');
    assert.equal(decided.requests[0].decisionNote, '时限充足');
  });

  it('must be asked before the deadline (409 after it)', async () => {
    const ticket = await signedComplaint();
    const inTime = await signedComplaint();
    setClock(t, '2026-03-23T23:59');
    await ok(t, 'zjj.staff', inTime.no, 'request_extension', { amount: 2, reason: '尚需协调' });
    setClock(t, '2026-03-24T00:00:01');
    await refused(t, ticket.no, () => act(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 2, reason: '尚需协调' }), 409, /时限到期前/);
  });

  it('at most 2 requests: the third is refused (409)', async () => {
    const ticket = await signedComplaint();
    setClock(t, '2026-03-05T10:00');
    await ok(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 5, reason: '第一次' });
    await ok(t, 'centre1', ticket.no, 'decide_extension', { approve: true });
    await ok(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 5, reason: '第二次' });
    const second = await ok(t, 'centre1', ticket.no, 'decide_extension', { approve: false });
    assert.equal(duty(second, { kind: 'reply' }).extensions, 2);
    await refused(t, ticket.no, () => act(t, 'zjj.head', ticket.no, 'request_extension', { amount: 1, reason: '第三次' }), 409, /最多可提出2次/);
  });

  it('each extension is at most the original limit (400 naming 延期工作日数)', async () => {
    const ticket = await signedComplaint();
    setClock(t, '2026-03-05T10:00');
    const tooMuch = await refused(t, ticket.no, () => act(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 16, reason: '复杂' }), 400, /延期工作日数/);
    assert.equal(tooMuch.body.errors[0].field, 'amount');
    assert.match(tooMuch.body.title, /15个工作日/);
    await refused(t, ticket.no, () => act(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 0, reason: '复杂' }), 400, /延期工作日数/);
    await refused(t, ticket.no, () => act(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 5 }), 400, /理由/);
    // Exactly the original limit is allowed.
    const okay = await ok(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 15, reason: '复杂' });
    assert.equal(okay.requests[0].amount, 15);

    // A help request (5 working days) allows at most 5.
    const help = await signedComplaint({ type: 'help' });
    await refused(t, help.no, () => act(t, 'zjj.staff', help.no, 'request_extension', { amount: 6, reason: '复杂' }), 400, /5个工作日/);
  });

  it('a consultation is not extended (409) unless an admin overrides', async () => {
    const ticket = await signedComplaint({ type: 'consultation' });
    assert.equal(duty(ticket, { kind: 'reply' }).dueAt, shown('2026-03-04T23:59:59'));
    await refused(t, ticket.no, () => act(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 1, reason: '需查询' }), 409, /咨询类/);
    await refused(t, ticket.no, () => act(t, 'zjj.head', ticket.no, 'request_extension', { amount: 1, reason: '需查询', override: true }), 409, /咨询类/);
    await refused(t, ticket.no, () => act(t, 'admin', ticket.no, 'request_extension', { amount: 1, reason: '需查询' }), 409, /咨询类/);
    const overridden = await ok(t, 'admin', ticket.no, 'request_extension', { amount: 1, reason: '需查询', override: true });
    assert.equal(overridden.requests[0].status, 'pending');
    assert.equal(overridden.requests[0].unit.code, 'ZJJ');
    const approved = await ok(t, 'centre1', ticket.no, 'decide_extension', { approve: true });
    assert.equal(duty(approved, { kind: 'reply' }).dueAt, shown('2026-03-05T23:59:59'));
  });

  it('a second request while one is pending is refused (409); a decision needs a pending request', async () => {
    const ticket = await signedComplaint();
    await refused(t, ticket.no, () => act(t, 'centre1', ticket.no, 'decide_extension', { approve: true }), 409, /没有待处理的申请/);
    await ok(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 3, reason: '需协调' });
    await refused(t, ticket.no, () => act(t, 'zjj.head', ticket.no, 'request_extension', { amount: 3, reason: '需协调' }), 409, /待审批/);
  });

  it('a pending extension lapses when the reply is given; the rework round may ask again', async () => {
    const ticket = await signedComplaint();
    setClock(t, '2026-03-05T10:00');
    await ok(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 5, reason: '需协调' });
    setClock(t, '2026-03-06T10:00');
    const replied = await ok(t, 'zjj.staff', ticket.no, 'reply', { content: '已提前办结' });
    assert.equal(replied.requests[0].status, 'lapsed');
    assert.equal(replied.requests[0].decidedAt, shown('2026-03-06T10:00'));
    await ok(t, 'centre1', ticket.no, 'review', { pass: true });
    setClock(t, '2026-03-09T10:00');
    await ok(t, 'centre1', ticket.no, 'callback', { reached: true, satisfaction: 'unsatisfied', reasonable: true });
    assert.ok(!(await view(t, ticket.no, 'centre1')).actions.includes('decide_extension'));
    assert.ok((await view(t, ticket.no, 'zjj.staff')).actions.includes('request_extension'));
    const asked = await ok(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 2, reason: '整改需要时间' });
    assert.deepEqual(asked.requests.map((r: any) => r.status), ['lapsed', 'pending']);
    const approved = await ok(t, 'centre1', ticket.no, 'decide_extension', { approve: true });
    // Round 2 runs 15 working days from 03-09 (03-30), plus 2.
    assert.equal(duty(approved, { kind: 'reply', round: 2 }).dueAt, shown('2026-04-01T23:59:59'));
  });

  it('a pending extension lapses when the ticket goes to another unit, which may ask for its own', async () => {
    const ticket = await signedComplaint();
    setClock(t, '2026-03-03T10:00');
    await ok(t, 'zjj.staff', ticket.no, 'request_extension', { amount: 5, reason: '需协调' });
    await ok(t, 'zjj.staff', ticket.no, 'return', { reason: '属市场监管职责', basis: '三定方案', suggestedUnitCode: 'SCJGJ' });
    const moved = await ok(t, 'centre1', ticket.no, 'decide_return', { accept: true });
    assert.equal(moved.leadUnit.code, 'SCJGJ');
    assert.deepEqual(moved.requests.filter((r: any) => r.kind === 'extension').map((r: any) => r.status), ['lapsed']);
    await ok(t, 'scjgj.staff', ticket.no, 'sign');
    const asked = await ok(t, 'scjgj.staff', ticket.no, 'request_extension', { amount: 3, reason: '需现场检查' });
    assert.equal(asked.requests.at(-1).status, 'pending');
    assert.equal(asked.requests.at(-1).unit.code, 'SCJGJ');
  });

  it('only the lead unit, and only while handling: before signing 409, another unit 404', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'request_extension', { amount: 3, reason: '需协调' }), 409, /待签收/);
    await refused(t, created.no, () => act(t, 'scjgj.staff', created.no, 'request_extension', { amount: 3, reason: '需协调' }), 404);
  });
});
