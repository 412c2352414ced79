import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { enqueue, type SmsMessage } from './outbox.ts';
import { inTransaction } from '../store/db.ts';
import { relayOnce } from './relay.ts';
import { HttpSmsGateway, type SmsGateway } from './sms-gateway.ts';

describeEachEngine('SMS relay', (engine) => {
  let t: TestApp;
  let server: Server;
  let url = '';
  const requests: any[] = [];
  let failNext = 0;
  before(async () => {
    t = await startTestApp(engine);
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        requests.push({ headers: req.headers, body: JSON.parse(raw) });
        if (failNext > 0) {
          failNext--;
          res.writeHead(500).end('busy');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: `P${requests.length}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sms`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await t.close();
  });

  const send = (message: SmsMessage) => inTransaction(t.ctx.store.db, (tx) => enqueue(tx, 'sms', message, t.clock.now()));
  const gateway = () => new HttpSmsGateway({ url, apiKey: 'k-123', signName: '牡丹江12345', templateIds: t.ctx.city.sms!.templateIds });

  it('posts the template id, signature and parameters; retries an error; logs the provider id', async () => {
    await send({ to: '13900001111', template: 'callback_request', params: { ticketNo: 'MDJ20260302000009' } });
    failNext = 1;
    const first = await relayOnce(t.ctx, gateway());
    assert.equal(first.failed, 1);
    let log = await t.ctx.store.db.selectFrom('sms_deliveries').selectAll().executeTakeFirstOrThrow();
    assert.equal(log.status, 'failed');
    assert.match(log.error!, /HTTP 500/);
    assert.equal(log.to_masked, '139****1111');
    t.clock.advance(60_000);
    const second = await relayOnce(t.ctx, gateway());
    assert.equal(second.delivered, 1);
    log = await t.ctx.store.db.selectFrom('sms_deliveries').selectAll().executeTakeFirstOrThrow();
    assert.equal(log.status, 'sent');
    assert.equal(log.attempts, 2);
    assert.equal(log.provider_message_id, 'P2');
    assert.equal(requests.length, 2);
    const body = requests[1].body;
    assert.deepEqual(body, { requestId: requests[0].body.requestId, to: '13900001111', signName: '牡丹江12345', templateId: 'MDJ_12345_CALLBACK', template: 'callback_request', params: { ticketNo: 'MDJ20260302000009' } });
    assert.match(body.requestId, /^outbox-\d+$/, 'the same request id on the retry, for the provider to drop repeats');
    assert.equal(requests[1].headers.authorization, 'Bearer k-123');
  });

  it('skips numbers that opted out, with status opted_out, and sends again after opting back in', async () => {
    const centre = await t.as('centre1');
    const set = await centre.put('/api/v1/sms/opt-outs', { phone: '139 0000 2222', optedOut: true, note: '本人要求' });
    assert.equal(set.status, 200);
    assert.equal(set.body.phone, '139****2222');
    assert.equal((await centre.get('/api/v1/sms/opt-outs/status?phone=%2B8613900002222')).body.optedOut, true);
    const sent: SmsMessage[] = [];
    const recording: SmsGateway = { send: async (m) => void sent.push(m) };
    await send({ to: '13900002222', template: 'callback_request', params: { ticketNo: 'MDJ1' } });
    await send({ to: '13900003333', template: 'callback_request', params: { ticketNo: 'MDJ2' } });
    const r = await relayOnce(t.ctx, recording);
    assert.deepEqual([r.delivered, r.optedOut], [1, 1]);
    assert.deepEqual(sent.map((m) => m.to), ['13900003333']);
    const logs = await centre.get('/api/v1/sms/deliveries');
    assert.ok(logs.body.items.some((l: any) => l.to === '139****2222' && l.status === 'opted_out'));
    assert.equal((await (await t.as('zjj.staff')).put('/api/v1/sms/opt-outs', { phone: '13900002222', optedOut: false })).status, 403);
    assert.equal((await centre.put('/api/v1/sms/opt-outs', { phone: '13900002222', optedOut: false })).status, 200);
    await send({ to: '13900002222', template: 'callback_request', params: { ticketNo: 'MDJ3' } });
    assert.equal((await relayOnce(t.ctx, recording)).delivered, 1);
  });

  it('removes an opt-out by the id the masked list gives, audited, and refuses an unknown id or a unit user', async () => {
    const admin = await t.as('admin');
    assert.equal((await admin.put('/api/v1/sms/opt-outs', { phone: '13900004444', optedOut: true, note: '来电要求' })).status, 200);
    const listed = (await admin.get('/api/v1/sms/opt-outs')).body.items.find((r: any) => r.phone === '139****4444');
    assert.ok(Number.isInteger(listed.id), 'each entry carries an id');
    assert.ok(!JSON.stringify((await admin.get('/api/v1/sms/opt-outs')).body).includes('13900004444'), 'the list shows numbers masked');
    assert.equal((await (await t.as('zjj.staff')).post(`/api/v1/sms/opt-outs/${listed.id}/remove`, {})).status, 403);
    const missing = await admin.post('/api/v1/sms/opt-outs/999999/remove', {});
    assert.equal(missing.status, 404);
    const removed = await admin.post(`/api/v1/sms/opt-outs/${listed.id}/remove`, {});
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body, { id: listed.id, phone: '139****4444', optedOut: false });
    assert.equal((await admin.get('/api/v1/sms/opt-outs/status?phone=13900004444')).body.optedOut, false);
    const audit = await t.ctx.store.db.selectFrom('events').select(['action', 'detail']).where('action', '=', 'sms_opt_in').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.ok(audit.detail?.includes('139****4444') && !audit.detail.includes('13900004444'), 'audited without the number itself');
    assert.equal((await admin.post(`/api/v1/sms/opt-outs/${listed.id}/remove`, {})).status, 404, 'removed once');
  });

  it('closes a message to a number that is no mobile (a landline) with a recorded reason instead of retrying it', async () => {
    const sent: SmsMessage[] = [];
    const recording: SmsGateway = { send: async (m) => void sent.push(m) };
    await send({ to: '0453-8621001', template: 'deadline_warning', params: { ticketNo: 'MDJ4', dueAt: '2026-03-03 09:00' } });
    await send({ to: '+86 139 4862 1001', template: 'deadline_warning', params: { ticketNo: 'MDJ5', dueAt: '2026-03-03 09:00' } });
    const r = await relayOnce(t.ctx, recording);
    assert.deepEqual([r.delivered, r.failed, r.notMobile], [1, 0, 1]);
    assert.deepEqual(sent.map((m) => m.params.ticketNo), ['MDJ5']);
    const row = await t.ctx.store.db.selectFrom('outbox').selectAll().where('payload', 'like', '%MDJ4%').executeTakeFirstOrThrow();
    assert.ok(row.delivered_at, 'closed, not left for another attempt');
    assert.match(row.last_error ?? '', /not_mobile/);
    const log = (await (await t.as('centre1')).get('/api/v1/sms/deliveries')).body.items.find((l: any) => l.outboxId === Number(row.id));
    assert.equal(log.status, 'not_mobile');
    assert.match(log.error, /不是手机号码/);
    t.clock.advance(3_600_000);
    assert.equal((await relayOnce(t.ctx, recording)).notMobile, 0, 'never tried again');
  });

  it('leaves other topics (webhooks, provincial sync) to their own relay', async () => {
    await inTransaction(t.ctx.store.db, (tx) => enqueue(tx, 'provincial.sync', { ticketNo: 'X' }, t.clock.now()));
    const r = await relayOnce(t.ctx, { send: async () => assert.fail('not an SMS') });
    assert.equal(r.delivered + r.failed, 0);
  });
});
