import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, intakeBody, startTestApp, type TestApp } from '../../test/support/app.ts';
import { backoffMs, isPermanentRefusal, WEBHOOK_BACKOFF } from '../outbox/backoff.ts';
import { enqueue } from '../outbox/outbox.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { signWebhook, verifyWebhook } from './webhooks.ts';
import { relayWebhooksOnce } from './webhooks-relay.ts';
import { TestReceiver } from './webhooks-receiver.test-support.ts';
import { publishChainHead } from '../outbox/audit-head-job.ts';

const SECRET = 'test-secret-0123456789';

let serial = 0;
/** An intake body with its own requester, so the duplicate check never merges two test tickets. */
function distinctIntake(overrides: Record<string, unknown> = {}, confidential = false): Record<string, unknown> {
  serial++;
  return intakeBody({ requester: { kind: 'person', name: '张三丰', phone: `1381234${String(5000 + serial).padStart(4, '0')}`, confidential }, dispatch: { leadUnitCode: 'ZJJ' }, ...overrides });
}

describe('webhook signature and backoff', () => {
  it('verifies the HMAC over timestamp and raw body, and refuses tampering and replays', () => {
    const body = '{"id":"evt-1","type":"ticket.intake"}';
    const now = Date.parse('2026-03-02T01:00:00Z');
    const ts = Math.floor(now / 1000);
    const signature = signWebhook(SECRET, ts, body);
    assert.match(signature, /^sha256=[0-9a-f]{64}$/);
    assert.ok(verifyWebhook(SECRET, { signature, timestamp: String(ts) }, body, now));
    assert.ok(!verifyWebhook(SECRET, { signature, timestamp: String(ts) }, body.replace('intake', 'dispatch'), now), 'changed body');
    assert.ok(!verifyWebhook('another-secret-0123456', { signature, timestamp: String(ts) }, body, now), 'wrong secret');
    assert.ok(!verifyWebhook(SECRET, { signature, timestamp: String(ts + 1) }, body, now), 'timestamp is signed');
    assert.ok(!verifyWebhook(SECRET, { signature, timestamp: String(ts) }, body, now + 301_000), 'a replay after 5 minutes is refused');
    assert.ok(!verifyWebhook(SECRET, { signature: null, timestamp: String(ts) }, body, now));
  });

  it('4xx but 408/429 is final; 5xx, 408, 429 and network errors are retried', () => {
    const cases: Array<[number | undefined, boolean]> = [[400, true], [401, true], [404, true], [410, true], [422, true], [408, false], [429, false], [500, false], [502, false], [503, false], [undefined, false]];
    for (const [status, final] of cases) assert.equal(isPermanentRefusal(status), final, String(status));
  });

  it('backs off exponentially, with jitter in the upper half, up to the cap', () => {
    const low = (n: number) => backoffMs(n, WEBHOOK_BACKOFF, () => 0);
    const high = (n: number) => backoffMs(n, WEBHOOK_BACKOFF, () => 1);
    assert.deepEqual([0, 1, 2, 3].map(high), [2_000, 4_000, 8_000, 16_000]);
    assert.deepEqual([0, 1, 2, 3].map(low), [1_000, 2_000, 4_000, 8_000]);
    assert.equal(high(20), WEBHOOK_BACKOFF.capMs);
    assert.equal(high(1000), WEBHOOK_BACKOFF.capMs, 'no overflow after many attempts');
    assert.equal(low(20), WEBHOOK_BACKOFF.capMs / 2);
    for (let i = 0; i < 50; i++) {
      const d = backoffMs(3, WEBHOOK_BACKOFF);
      assert.ok(d >= 8_000 && d <= 16_000);
    }
  });
});

describeEachEngine('webhooks', (engine) => {
  let t: TestApp;
  let receiver: TestReceiver;
  before(async () => {
    t = await startTestApp(engine);
    receiver = await new TestReceiver(SECRET).start();
  });
  after(async () => {
    await receiver.stop();
    await t.close();
  });

  const relay = async (rounds = 1) => {
    for (let i = 0; i < rounds; i++) await relayWebhooksOnce(t.ctx, { timeoutMs: 2000 });
  };

  it('only admins manage subscriptions; the secret is shown once', async () => {
    const agent = await t.as('agent1');
    assert.equal((await agent.get('/api/v1/webhooks')).status, 403);
    const admin = await t.as('admin');
    const bad = await admin.post('/api/v1/webhooks', { name: 'x', url: 'ftp://example', events: ['*'] });
    assert.equal(bad.status, 400);
    const created = await admin.post('/api/v1/webhooks', { name: '区政务数据平台', url: receiver.url, secret: SECRET, events: ['*'] });
    assert.equal(created.status, 201);
    assert.equal(created.body.secret, SECRET);
    const list = await admin.get('/api/v1/webhooks');
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].secret, undefined);
  });

  it('pushes each ticket event, masked and signed, in order per ticket while another ticket goes on', async () => {
    const agent = await t.as('agent1');
    const a = (await agent.post('/api/v1/tickets', distinctIntake({ facts: '物业不清理垃圾，联系电话13912345678' }))).body.no as string;
    const b = (await agent.post('/api/v1/tickets', distinctIntake())).body.no as string;
    // Ticket A's first event fails until told otherwise: A's later events must wait for it.
    let failA = true;
    receiver.fail = (body) => failA && body.ticket?.no === a;
    await relay(2);
    const got = () => receiver.events.map((e) => `${e.body.ticket.no}:${e.body.action}`);
    assert.deepEqual(got(), [`${b}:intake`, `${b}:dispatch`], 'B is delivered; A is held behind its first event');
    assert.equal(receiver.refused, 1, 'A’s second event was never sent before its first was acknowledged');

    const zjj = await t.as('zjj.staff');
    assert.equal((await zjj.act(a, 'sign')).status, 200);
    failA = false;
    await relay(1);
    assert.deepEqual(got(), [`${b}:intake`, `${b}:dispatch`], 'A’s first event waits for its backoff');
    t.clock.advance(WEBHOOK_BACKOFF.baseMs);
    await relay(4);
    assert.deepEqual(got().filter((x) => x.startsWith(a)), [`${a}:intake`, `${a}:dispatch`, `${a}:sign`]);
    assert.equal(receiver.badSignatures, 0);

    const intake = receiver.events.find((e) => e.body.ticket.no === a && e.body.action === 'intake')!;
    assert.match(intake.id, /^evt-\d+$/);
    assert.equal(intake.body.id, intake.id);
    assert.match(intake.body.ticket.requester.phone, /^138\*\*\*\*\d{4}$/);
    assert.equal(intake.body.ticket.requester.name, '张**');
    assert.match(intake.body.ticket.facts, /139\*\*\*\*5678/);
    const all = receiver.events.map((e) => e.raw).join('\n');
    assert.ok(!/1381234\d{4}/.test(all) && !all.includes('13912345678') && !all.includes('张三丰'), 'no requester data leaves unmasked');
  });

  it('a confidential ticket carries no requester data; the 好差评 push has its own format', async () => {
    const admin = await t.as('admin');
    const evalReceiver = await new TestReceiver(SECRET).start();
    try {
      const sub = await admin.post('/api/v1/webhooks', { name: '好差评系统', url: evalReceiver.url, secret: SECRET, events: ['callback', 'rating'], format: 'evaluation' });
      assert.equal(sub.status, 201);
      const agent = await t.as('agent1');
      const no = (await agent.post('/api/v1/tickets', distinctIntake({}, true))).body.no as string;
      const ticket = await t.ctx.store.db.selectFrom('tickets').select(['id', 'confidential']).where('no', '=', no).executeTakeFirstOrThrow();
      // A recorded callback (the action's own event, written as runAction writes it).
      await inTransaction(t.ctx.store.db, (tx) => writeEvent(tx, null, t.clock.now(), { ticketId: ticket.id, action: 'callback', fromStatus: 'callback', toStatus: 'closed', detail: { satisfaction: 'unsatisfied', reasonable: true } }));
      await relay(3);
      const confidentialIntake = receiver.events.find((e) => e.body.ticket.no === no && e.body.action === 'intake');
      assert.ok(confidentialIntake);
      assert.equal(ticket.confidential, 1);
      assert.equal(confidentialIntake.body.ticket.requester, null);
      assert.equal(confidentialIntake.body.ticket.facts, undefined);
      assert.equal(evalReceiver.events.length, 1, 'only the rating, not the intake or dispatch');
      const rating = evalReceiver.events[0]!.body;
      assert.equal(rating.type, 'evaluation.rated');
      assert.equal(rating.ticketNo, no);
      assert.equal(rating.level, 'unsatisfied');
      assert.equal(rating.levelName, '不满意');
      assert.equal(rating.bad, true);
      assert.equal(rating.unit.code, 'ZJJ');
      assert.deepEqual(Object.keys(rating).sort(), ['bad', 'id', 'level', 'levelName', 'ratedAt', 'source', 'ticketNo', 'type', 'unit']);
    } finally {
      await evalReceiver.stop();
    }
  });

  it('delivers provincial.sync outbox messages to the provincial subscription, and keeps them while there is none', async () => {
    await inTransaction(t.ctx.store.db, (tx) => enqueue(tx, 'provincial.sync', { ticketNo: 'MDJ-TEST-1', kind: 'transfer' }, t.clock.now()));
    await relay(1);
    const waiting = await t.ctx.store.db.selectFrom('outbox').selectAll().where('topic', '=', 'provincial.sync').executeTakeFirstOrThrow();
    assert.equal(waiting.delivered_at, null, 'not dropped while no subscription takes it');
    const province = await new TestReceiver(SECRET).start();
    try {
      const admin = await t.as('admin');
      assert.equal((await admin.post('/api/v1/webhooks', { name: '省12345平台', url: province.url, secret: SECRET, events: ['provincial.sync'] })).status, 201);
      t.clock.advance(120_000);
      await relay(2);
      assert.equal(province.events.length, 1);
      assert.equal(province.events[0]!.body.type, 'provincial.sync');
      assert.deepEqual(province.events[0]!.body.data, { ticketNo: 'MDJ-TEST-1', kind: 'transfer' });
      const deliveries = await admin.get(`/api/v1/webhooks/${(await admin.get('/api/v1/webhooks')).body.items.at(-1).id}/deliveries`);
      assert.equal(deliveries.body.items[0].status, 'delivered');
    } finally {
      await province.stop();
    }
  });

  it('hands the audit chain head to the subscriptions that list audit.head, and closes a head no one takes', async () => {
    const unclaimed = await publishChainHead(t.ctx, null, () => {});
    assert.ok(unclaimed, 'a head to publish');
    await relay(1);
    const closed = await t.ctx.store.db.selectFrom('outbox').selectAll().where('topic', '=', 'audit.head').executeTakeFirstOrThrow();
    assert.notEqual(closed.delivered_at, null, 'a head with no subscriber does not wait in the outbox');
    const keeper = await new TestReceiver(SECRET).start();
    try {
      const admin = await t.as('admin');
      assert.equal((await admin.post('/api/v1/webhooks', { name: '链头存证', url: keeper.url, secret: SECRET, events: ['audit.head'] })).status, 201);
      const agent = await t.as('agent1');
      await agent.post('/api/v1/tickets', distinctIntake());
      const head = await publishChainHead(t.ctx, unclaimed, () => {});
      assert.ok(head && head.seq > unclaimed!.seq, 'the head moved');
      await relay(3);
      const heads = keeper.events.filter((e) => e.body.type === 'audit.head');
      assert.equal(heads.length, 1);
      assert.equal((heads[0]!.body.data as { expectHead: string }).expectHead, head!.expectHead);
    } finally {
      await keeper.stop();
    }
  });

  it('a paused subscription keeps its place and gets the backlog when resumed', async () => {
    const admin = await t.as('admin');
    const sub = (await admin.get('/api/v1/webhooks')).body.items[0];
    assert.equal((await admin.put(`/api/v1/webhooks/${sub.id}`, { active: false })).status, 200);
    const before = receiver.events.length;
    const agent = await t.as('agent1');
    await agent.post('/api/v1/tickets', distinctIntake());
    await relay(2);
    assert.equal(receiver.events.length, before);
    await admin.put(`/api/v1/webhooks/${sub.id}`, { active: true });
    await relay(2);
    assert.equal(receiver.events.length, before + 2);
  });

  it('fail safe: a 4xx refusal is a dead letter at once, 5xx after the maximum attempts; later events go on; the admin replays', async () => {
    const admin = await t.as('admin');
    const sub = (await admin.get('/api/v1/webhooks')).body.items[0];
    const agent = await t.as('agent1');
    const no = (await agent.post('/api/v1/tickets', distinctIntake())).body.no as string;
    const got = () => receiver.events.filter((e) => e.body.ticket?.no === no).map((e) => e.body.action);
    // The receiver refuses the intake event for good (422): later events of the ticket are not held.
    receiver.failStatus = 422;
    receiver.fail = (body) => body.ticket?.no === no && body.action === 'intake';
    await relayWebhooksOnce(t.ctx, { timeoutMs: 2000, maxAttempts: 3 });
    await relayWebhooksOnce(t.ctx, { timeoutMs: 2000, maxAttempts: 3 });
    assert.deepEqual(got(), ['dispatch'], 'the dispatch event goes on after the intake event was given up');
    let letters = (await admin.get(`/api/v1/webhooks/${sub.id}/dead-letters`)).body.items;
    assert.equal(letters.length, 1);
    assert.equal(letters[0].reason, 'rejected');
    assert.equal(letters[0].attempts, 1, 'no retry of a 4xx');
    assert.equal(letters[0].lastError, 'HTTP 422');

    // 503 on the sign event: retried with backoff up to the maximum (3 here), then a dead letter.
    receiver.failStatus = 503;
    receiver.fail = (body) => body.ticket?.no === no && body.action === 'sign';
    assert.equal((await (await t.as('zjj.staff')).act(no, 'sign')).status, 200);
    for (let i = 0; i < 3; i++) {
      await relayWebhooksOnce(t.ctx, { timeoutMs: 2000, maxAttempts: 3 });
      t.clock.advance(WEBHOOK_BACKOFF.capMs);
    }
    letters = (await admin.get(`/api/v1/webhooks/${sub.id}/dead-letters`)).body.items;
    assert.deepEqual(letters.map((l: any) => [l.reason, l.attempts]), [['exhausted', 3], ['rejected', 1]]);
    const pending = await t.ctx.store.db.selectFrom('outbox').select('id').where('topic', '=', 'webhook').where('delivered_at', 'is', null).execute();
    assert.equal(pending.length, 0, 'nothing left blocking the ticket');

    // The receiver is fixed: the admin replays the intake event, sent with its original id and body.
    receiver.fail = () => false;
    const intakeLetter = letters.find((l: any) => l.reason === 'rejected');
    assert.equal((await agent.post(`/api/v1/webhooks/${sub.id}/dead-letters/${intakeLetter.id}/replay`)).status, 403);
    const replay = await admin.post(`/api/v1/webhooks/${sub.id}/dead-letters/${intakeLetter.id}/replay`);
    assert.equal(replay.status, 200, JSON.stringify(replay.body));
    assert.equal((await admin.post(`/api/v1/webhooks/${sub.id}/dead-letters/${intakeLetter.id}/replay`)).status, 409, 'once');
    assert.equal((await admin.post(`/api/v1/webhooks/${sub.id}/dead-letters/999999/replay`)).status, 404);
    await relayWebhooksOnce(t.ctx, { timeoutMs: 2000 });
    assert.deepEqual(got(), ['dispatch', 'intake']);
    assert.equal(receiver.events.find((e) => e.body.ticket?.no === no && e.body.action === 'intake')!.id, intakeLetter.eventId);
    const audit = await t.ctx.store.db.selectFrom('events').select('detail').where('action', '=', 'webhook_replay').execute();
    assert.equal(audit.length, 1);
  });
  it('a subscription scoped to a unit receives only the events of tickets that unit holds or handles', async () => {
    const admin = await t.as('admin');
    const unknown = await admin.post('/api/v1/webhooks', { name: '某单位', url: 'https://example.gov.cn/x', events: ['*'], unitCode: 'NOPE' });
    assert.equal(unknown.status, 400);
    assert.ok(unknown.body.errors.some((e: any) => e.field === 'unitCode'), JSON.stringify(unknown.body));
    const zjjReceiver = await new TestReceiver(SECRET).start();
    try {
      const sub = await admin.post('/api/v1/webhooks', { name: '住建局业务系统', url: zjjReceiver.url, secret: SECRET, events: ['*'], unitCode: 'ZJJ' });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      assert.deepEqual(sub.body.unit, { code: 'ZJJ', name: '市住房和城乡建设局' });
      assert.deepEqual((await admin.get('/api/v1/webhooks')).body.items.find((s: any) => s.id === sub.body.id).unit.code, 'ZJJ');
      const agent = await t.as('agent1');
      const mine = (await agent.post('/api/v1/tickets', distinctIntake())).body.no as string;
      const other = (await agent.post('/api/v1/tickets', distinctIntake({ dispatch: { leadUnitCode: 'SCJGJ' } }))).body.no as string;
      assert.equal((await (await t.as('zjj.staff')).act(mine, 'sign')).status, 200);
      assert.equal((await (await t.as('scjgj.staff')).act(other, 'sign')).status, 200);
      await relay(4);
      const got = zjjReceiver.events.map((e) => `${e.body.ticket.no}:${e.body.action}`);
      assert.deepEqual(got, [`${mine}:intake`, `${mine}:dispatch`, `${mine}:sign`]);
      assert.ok(receiver.events.some((e) => e.body.ticket.no === other), 'the unscoped subscription still gets every ticket');
      // Unscoping it (unitCode null) lets every ticket through again.
      const cleared = await admin.put(`/api/v1/webhooks/${sub.body.id}`, { unitCode: null });
      assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
      assert.equal(cleared.body.unit, null);
    } finally {
      await zjjReceiver.stop();
    }
  });
});
