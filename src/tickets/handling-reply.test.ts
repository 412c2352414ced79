// 结果反馈, 负责人审定, 不再办理, 反馈审核 and 回访 (第十二条(三)(四), 第十五条, 第十七条) through the HTTP API.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { act, duty, dutiesOf, events, newTicket, ok, refused, setClock, shown, signAndReply, ticketInCallback, view } from '../../test/support/handling.ts';

const REPLY = { content: '已到现场核实，督促物业公司完成楼道清理，诉求人已认可。' };

describeEachEngine('省/国家平台工单的负责人审定 (approve_reply)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('a provincial ticket: staff reply waits for the head; refusal needs a note; approval makes it replied', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t, { channel: 'provincial', externalId: 'HLJ2026030200017' });
    assert.equal(created.origin, 'provincial');
    await ok(t, 'zjj.staff', created.no, 'sign');

    setClock(t, '2026-03-04T10:00');
    const waiting = await ok(t, 'zjj.staff', created.no, 'reply', REPLY);
    assert.equal(waiting.status, 'awaiting_approval');
    const reply = duty(waiting, { kind: 'reply' });
    assert.equal(reply.status, 'open');
    assert.equal(reply.completedAt, null);
    assert.equal(waiting.submissions.at(-1).approval, 'pending');

    // Only the lead unit's head approves.
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'approve_reply', { approve: true }), 403, /负责人审定/);
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'approve_reply', { approve: true }), 403);
    await refused(t, created.no, () => act(t, 'scjgj.head', created.no, 'approve_reply', { approve: true }), 404);
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'review', { pass: true }), 409);
    // Sending it back needs a note.
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'approve_reply', { approve: false }), 400, /理由/);

    setClock(t, '2026-03-04T11:00');
    const back = await ok(t, 'zjj.head', created.no, 'approve_reply', { approve: false, note: '答复未说明整改期限' });
    assert.equal(back.status, 'in_progress');
    assert.equal(duty(back, { kind: 'reply' }).status, 'open');
    assert.equal(back.submissions.at(-1).approval, 'rejected');

    setClock(t, '2026-03-04T15:00');
    const again = await ok(t, 'zjj.staff', created.no, 'reply', { content: `${REPLY.content}整改期限为3日。` });
    assert.equal(again.status, 'awaiting_approval');
    setClock(t, '2026-03-04T16:00');
    const approved = await ok(t, 'zjj.head', created.no, 'approve_reply', { approve: true });
    assert.equal(approved.status, 'replied');
    const done = duty(approved, { kind: 'reply' });
    assert.deepEqual([done.status, done.completedAt, done.late], ['done', shown('2026-03-04T16:00'), false]);
    assert.deepEqual(approved.submissions.map((s: any) => [s.kind, s.approval]), [['reply', 'rejected'], ['reply', 'approved']]);
    const trail = (await events(t, created.no)).slice(-4).map((e) => [e.action, e.fromStatus, e.toStatus, e.actor.role]);
    assert.deepEqual(trail, [
      ['reply', 'in_progress', 'awaiting_approval', 'unit_staff'],
      ['approve_reply', 'awaiting_approval', 'in_progress', 'unit_head'],
      ['reply', 'in_progress', 'awaiting_approval', 'unit_staff'],
      ['approve_reply', 'awaiting_approval', 'replied', 'unit_head'],
    ]);
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'approve_reply', { approve: true }), 409);
  });

  it('a national ticket replied by the head itself needs no second approval', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t, { channel: 'national' });
    assert.equal(created.origin, 'national');
    await ok(t, 'zjj.head', created.no, 'sign');
    const replied = await ok(t, 'zjj.head', created.no, 'reply', REPLY);
    assert.equal(replied.status, 'replied');
    assert.equal(replied.submissions.at(-1).approval, 'approved');
  });

  it('a local ticket replied by staff goes straight to replied', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    assert.equal(created.origin, 'local');
    await ok(t, 'zjj.staff', created.no, 'sign');
    const replied = await ok(t, 'zjj.staff', created.no, 'reply', REPLY);
    assert.equal(replied.status, 'replied');
    assert.equal(replied.resolution, 'replied');
    assert.equal(duty(replied, { kind: 'reply' }).status, 'done');
    assert.equal(replied.submissions.at(-1).approval, 'none');
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'approve_reply', { approve: true }), 409);
  });

  it('a reply needs content, the ticket in progress, and the lead unit', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'reply', REPLY), 409, /待签收/);
    await ok(t, 'zjj.staff', created.no, 'sign');
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'reply', {}), 400, /内容/);
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'reply', { content: '' }), 400, /内容/);
    await refused(t, created.no, () => act(t, 'agent1', created.no, 'reply', REPLY), 403);
    await refused(t, created.no, () => act(t, 'daq.staff', created.no, 'reply', REPLY), 404);
  });

  it('a late reply is allowed and marked late', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t, { type: 'consultation' });
    await ok(t, 'zjj.staff', created.no, 'sign');
    setClock(t, '2026-03-05T00:00:01');
    const replied = await ok(t, 'zjj.staff', created.no, 'reply', REPLY);
    assert.equal(replied.status, 'replied');
    assert.equal(duty(replied, { kind: 'reply' }).late, true);
  });
});

describeEachEngine('不再办理 (decline, 第十七条)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('the reason code must be one of 17.1–17.4 (400), and the decline goes to replied as declined', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    const content = '该诉求已于2026年1月依法答复，诉求人以同一事实和理由重复反映。';
    const wrong = await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'decline', { content, reasonCode: '17.5' }), 400, /理由条款/);
    assert.equal(wrong.body.errors[0].field, 'reasonCode');
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'decline', { content, reasonCode: '11.1' }), 400, /理由条款/);
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'decline', { content }), 400, /理由条款/);
    await refused(t, created.no, () => act(t, 'zjj.staff', created.no, 'decline', { reasonCode: '17.3' }), 400, /内容/);

    setClock(t, '2026-03-03T10:00');
    const declined = await ok(t, 'zjj.staff', created.no, 'decline', { content, reasonCode: '17.3' });
    assert.equal(declined.status, 'replied');
    assert.equal(declined.resolution, 'declined');
    assert.equal(declined.resolutionNote, '17.3');
    const s = declined.submissions.at(-1);
    assert.deepEqual([s.kind, s.reasonCode, s.content, s.unit.code], ['decline', '17.3', content, 'ZJJ']);
    assert.equal(duty(declined, { kind: 'reply' }).status, 'done');
    const last = (await events(t, created.no)).at(-1)!;
    assert.deepEqual([last.action, last.fromStatus, last.toStatus, last.detail.reasonCode], ['decline', 'in_progress', 'replied', '17.3']);
    // The centre reviews it like any reply.
    assert.equal((await ok(t, 'centre1', created.no, 'review', { pass: true })).status, 'callback');
  });

  it('every 第十七条 item is accepted', async () => {
    for (const reasonCode of ['17.1', '17.2', '17.4']) {
      setClock(t, '2026-03-02T09:00');
      const created = await newTicket(t);
      await ok(t, 'zjj.staff', created.no, 'sign');
      const declined = await ok(t, 'zjj.staff', created.no, 'decline', { content: '依法不再办理', reasonCode });
      assert.equal(declined.resolution, 'declined');
      assert.equal(declined.resolutionNote, reasonCode);
    }
  });

  it('a provincial ticket\'s decline by staff waits for the head as well', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t, { channel: 'provincial' });
    await ok(t, 'zjj.staff', created.no, 'sign');
    const waiting = await ok(t, 'zjj.staff', created.no, 'decline', { content: '已进入行政复议程序', reasonCode: '17.1' });
    assert.equal(waiting.status, 'awaiting_approval');
    const approved = await ok(t, 'zjj.head', created.no, 'approve_reply', { approve: true });
    assert.equal(approved.status, 'replied');
    assert.equal(approved.resolution, 'declined');
  });
});

describeEachEngine('反馈审核 (review)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('the centre passes a clear reply: callback', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await signAndReply(t, created.no);
    await refused(t, created.no, () => act(t, 'zjj.head', created.no, 'review', { pass: true }), 403, /反馈审核/);
    await refused(t, created.no, () => act(t, 'agent1', created.no, 'review', { pass: true }), 403);
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'review', {}), 400, /审核结论/);
    setClock(t, '2026-03-02T15:00');
    const passed = await ok(t, 'centre1', created.no, 'review', { pass: true });
    assert.equal(passed.status, 'callback');
    const last = (await events(t, created.no)).at(-1)!;
    assert.deepEqual([last.action, last.fromStatus, last.toStatus, last.actor.role, last.at], ['review', 'replied', 'callback', 'centre', shown('2026-03-02T15:00')]);
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'review', { pass: true }), 409);
  });

  it('a failed review needs a note and reopens the reply duty with its original deadline', async () => {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    setClock(t, '2026-03-05T10:00');
    const replied = await ok(t, 'zjj.staff', created.no, 'reply', REPLY);
    const original = duty(replied, { kind: 'reply' });
    assert.equal(original.status, 'done');

    setClock(t, '2026-03-05T14:00');
    await refused(t, created.no, () => act(t, 'centre1', created.no, 'review', { pass: false }), 400, /理由/);
    const failed = await ok(t, 'centre1', created.no, 'review', { pass: false, note: '答复未说明处理结果' });
    assert.equal(failed.status, 'in_progress');
    assert.equal(failed.round, 1);
    const reopened = duty(failed, { kind: 'reply' });
    assert.equal(reopened.id, original.id);
    assert.equal(reopened.status, 'open');
    assert.equal(reopened.completedAt, null);
    assert.equal(reopened.dueAt, shown('2026-03-23T23:59:59'));
    assert.equal(reopened.startedAt, original.startedAt);
    assert.equal(failed.nextDueAt, shown('2026-03-23T23:59:59'));
    assert.equal(failed.light, 'green');

    // The unit answers again; the second answer counts against the same deadline.
    setClock(t, '2026-03-24T09:00');
    const again = await ok(t, 'zjj.staff', created.no, 'reply', { content: `${REPLY.content}处理结果：已清理完毕。` });
    assert.equal(again.status, 'replied');
    assert.equal(duty(again, { kind: 'reply' }).late, true);
  });
});

describeEachEngine('回访 (callback)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('not reached: stays in callback and records the attempt', async () => {
    setClock(t, '2026-03-02T09:00');
    const ticket = await ticketInCallback(t);
    setClock(t, '2026-03-03T10:00');
    const first = await ok(t, 'centre1', ticket.no, 'callback', { reached: false });
    assert.equal(first.status, 'callback');
    assert.equal(first.satisfaction, null);
    assert.deepEqual(first.callbacks, [{ round: 1, reached: false, satisfaction: null, words: null, reasonable: null, createdAt: shown('2026-03-03T10:00') }]);
    const second = await ok(t, 'centre1', ticket.no, 'callback', { reached: false });
    assert.equal(second.callbacks.length, 2);
    const last = (await events(t, ticket.no)).at(-1)!;
    assert.deepEqual([last.action, last.fromStatus, last.toStatus], ['callback', 'callback', 'callback']);
  });

  it('reached needs a satisfaction; only the centre calls back', async () => {
    setClock(t, '2026-03-02T09:00');
    const ticket = await ticketInCallback(t);
    await refused(t, ticket.no, () => act(t, 'centre1', ticket.no, 'callback', { reached: true }), 400, /满意度/);
    await refused(t, ticket.no, () => act(t, 'centre1', ticket.no, 'callback', { reached: true, satisfaction: 'ok' }), 400, /满意度/);
    await refused(t, ticket.no, () => act(t, 'zjj.staff', ticket.no, 'callback', { reached: true, satisfaction: 'satisfied' }), 403, /回访/);
    await refused(t, ticket.no, () => act(t, 'agent1', ticket.no, 'callback', { reached: true, satisfaction: 'satisfied' }), 403);
  });

  it('非常满意 / 满意 / 基本满意 close the ticket with the satisfaction', async () => {
    for (const satisfaction of ['very_satisfied', 'satisfied', 'basically_satisfied']) {
      setClock(t, '2026-03-02T09:00');
      const ticket = await ticketInCallback(t);
      setClock(t, '2026-03-03T09:30');
      const closed = await ok(t, 'centre1', ticket.no, 'callback', { reached: true, satisfaction, words: '处理及时' });
      assert.equal(closed.status, 'closed', satisfaction);
      assert.equal(closed.satisfaction, satisfaction);
      assert.equal(closed.closedAt, shown('2026-03-03T09:30'));
      assert.equal(closed.callbacks.at(-1).satisfaction, satisfaction);
      assert.equal(closed.callbacks.at(-1).words, '处理及时');
      assert.equal(closed.light, null);
    }
  });

  it('unsatisfied without a reasonableness judgement is refused (400)', async () => {
    setClock(t, '2026-03-02T09:00');
    const ticket = await ticketInCallback(t);
    await refused(t, ticket.no, () => act(t, 'centre1', ticket.no, 'callback', { reached: true, satisfaction: 'unsatisfied' }), 400, /合理/);
    await refused(t, ticket.no, () => act(t, 'centre1', ticket.no, 'callback', { reached: true, satisfaction: 'very_unsatisfied' }), 400, /合理/);
  });

  it('unsatisfied and reasonable: a new round with a fresh reply duty for the same unit, then closed on satisfaction', async () => {
    setClock(t, '2026-03-02T09:00');
    const ticket = await ticketInCallback(t);
    const firstReply = duty(await view(t, ticket.no), { kind: 'reply' });

    setClock(t, '2026-03-03T10:00');
    const rework = await ok(t, 'centre1', ticket.no, 'callback', { reached: true, satisfaction: 'unsatisfied', reasonable: true, words: '垃圾又堆起来了' });
    assert.equal(rework.status, 'in_progress');
    assert.equal(rework.round, 2);
    assert.equal(rework.leadUnit.code, 'ZJJ');
    assert.equal(rework.satisfaction, 'unsatisfied');
    assert.equal(rework.closedAt, null);
    const fresh = duty(rework, { kind: 'reply', round: 2 });
    assert.deepEqual([fresh.unit.code, fresh.party, fresh.status], ['ZJJ', 'lead', 'open']);
    assert.notEqual(fresh.id, firstReply.id);
    // The implementation gives the new round a fresh full limit from the callback.
    assert.equal(fresh.startedAt, shown('2026-03-03T10:00'));
    assert.equal(fresh.dueAt, shown('2026-03-24T23:59:59'));
    assert.equal(duty(rework, { kind: 'reply', round: 1 }).status, 'done');
    // No new signature is needed in the same unit's second round.
    assert.equal(dutiesOf(rework, { kind: 'sign', round: 2 }).length, 0);

    setClock(t, '2026-03-05T10:00');
    const replied = await ok(t, 'zjj.staff', ticket.no, 'reply', { content: '已再次督促物业，建立每日清运台账。' });
    assert.equal(replied.status, 'replied');
    assert.deepEqual(replied.submissions.map((s: any) => [s.kind, s.round]), [['reply', 1], ['reply', 2]]);
    await ok(t, 'centre1', ticket.no, 'review', { pass: true });
    const closed = await ok(t, 'centre1', ticket.no, 'callback', { reached: true, satisfaction: 'satisfied' });
    assert.equal(closed.status, 'closed');
    assert.equal(closed.satisfaction, 'satisfied');
    assert.deepEqual(closed.callbacks.map((c: any) => [c.round, c.satisfaction, c.reasonable]), [[1, 'unsatisfied', true], [2, 'satisfied', null]]);
  });

  it('unsatisfied but not reasonable: closed with the dissatisfaction recorded', async () => {
    setClock(t, '2026-03-02T09:00');
    const ticket = await ticketInCallback(t);
    const closed = await ok(t, 'centre1', ticket.no, 'callback', { reached: true, satisfaction: 'very_unsatisfied', reasonable: false, words: '要求物业赔偿' });
    assert.equal(closed.status, 'closed');
    assert.equal(closed.round, 1);
    assert.equal(closed.satisfaction, 'very_unsatisfied');
    assert.equal(closed.callbacks.at(-1).reasonable, false);
    assert.equal(dutiesOf(closed, { status: 'open' }).length, 0);
  });
});
