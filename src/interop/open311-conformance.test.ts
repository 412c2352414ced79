// Open311 GeoReport v2 conformance, through real HTTP on every engine: a client written from the spec
// alone (test/support/open311-client.ts) posts, polls and reads without a key for reads; every
// endpoint in JSON and XML with the exact media types; the spec's error format for bad parameters,
// unknown paths and jurisdictions; repeated parameters and date-only bounds; CORS; multipart photos;
// retried POSTs (sequential and concurrent) making one ticket; phone optional with the contact
// completed before dispatch; FixMyStreet's servicerequestupdates in both directions.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeEachEngine, startTestApp, tableCounts, type Client, type TestApp } from '../../test/support/app.ts';
import { Open311Client, Open311ClientError } from '../../test/support/open311-client.ts';
import { OPEN311_STATUS, statusNotes, listValues, dateParam } from './open311.ts';
import { TICKET_STATUSES, type TicketStatus } from '../domain/ticket-states.ts';

const MONDAY_9AM = '2026-03-02T01:00:00.000Z';
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7), Buffer.from([0xff, 0xd9])]);

async function refused(p: Promise<unknown>, status: number, pattern: RegExp): Promise<Open311ClientError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof Open311ClientError, String(err));
    assert.equal(err.status, status, err.message);
    assert.ok(Array.isArray(err.errors) && err.errors.length >= 1, 'the spec error list');
    assert.equal(String(err.errors[0]!.code), String(status));
    assert.match(err.errors[0]!.description, pattern);
    return err;
  }
  assert.fail(`expected HTTP ${status}`);
}

it('every ticket state maps to open or closed; every closed one says which in status_notes', () => {
  const closed: Array<[TicketStatus, RegExp]> = [
    ['closed', /已办结/],
    ['archived', /已归档/],
    ['answered', /直接解答/],
    ['rejected', /不予受理/],
    ['transferred', /紧急热线/],
    ['merged', /已并单（并入工单 MDJ20260302000001）/],
  ];
  for (const [status, notes] of closed) {
    assert.equal(OPEN311_STATUS[status], 'closed', status);
    assert.match(statusNotes(status, 'MDJ20260302000001'), notes);
  }
  for (const s of TICKET_STATUSES) if (!closed.some(([c]) => c === s)) assert.equal(OPEN311_STATUS[s], 'open', s);
  assert.match(statusNotes('pending_dispatch'), /^待派单/);
});

it('parameters: repeated and comma lists; date-only bounds are Shanghai days', () => {
  assert.deepEqual(listValues({ status: ['open', 'closed'] }, 'status'), ['open', 'closed']);
  assert.deepEqual(listValues({ service_code: ['A,B', ' C ', ''] }, 'service_code'), ['A', 'B', 'C']);
  assert.deepEqual(listValues({}, 'status'), []);
  assert.equal(dateParam('2026-03-02', 'start_date', 'from'), '2026-03-01T16:00:00.000Z');
  assert.equal(dateParam('2026-03-02', 'end_date', 'to'), '2026-03-02T15:59:59.999Z');
  assert.equal(dateParam('2026-03-02T09:00:00+08:00', 'start_date', 'from'), '2026-03-02T01:00:00.000Z');
  assert.throws(() => dateParam('2026-3-2', 'start_date', 'from'), /start_date/);
});

describeEachEngine('Open311 conformance', (engine) => {
  let t: TestApp;
  let admin: Client;
  let agent: Client;
  let base: string;
  let writeKey: string;
  let otherKey: string;
  let reader: Open311Client;
  let writer: Open311Client;

  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    admin = await t.as('admin');
    agent = await t.as('agent1');
    writeKey = (await admin.post('/api/v1/apikeys', { name: 'FixMyStreet', scopes: ['open311:write'], ratePerMinute: 1000 })).body.key;
    otherKey = (await admin.post('/api/v1/apikeys', { name: '市政府网站', scopes: ['open311:write'], ratePerMinute: 1000 })).body.key;
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `${address}/open311/v2`;
    reader = new Open311Client(base, undefined);
    writer = new Open311Client(base, writeKey);
  });
  after(() => t.close());

  const fields = (over: Record<string, string> = {}) => ({
    service_code: 'ZFWY-WY',
    lat: '44.5521',
    long: '129.6330',
    address_string: '东安区新安街道光华小区3号楼',
    description: '楼道堆满杂物，物业不清理，我的电话13912345678',
    'attribute[request_type]': 'complaint',
    ...over,
  });
  const ticketsWith = (facts: string) => t.ctx.store.db.selectFrom('tickets').select(['no', 'external_id']).where('facts', '=', facts).execute();

  it('a spec client: discovery, services, definition, POST, poll, read — reads without a key, JSON and XML', async () => {
    for (const format of ['json', 'xml'] as const) {
      const r = new Open311Client(base, undefined, format);
      const w = new Open311Client(base, writeKey, format);
      const media = format === 'xml' ? 'text/xml' : 'application/json';
      const d = await r.discovery();
      assert.equal(d.contentType, media, 'exactly the media type discovery lists');
      assert.ok(d.body.endpoints[0].formats.includes(media));
      const services = await r.services();
      assert.equal(services.contentType, media);
      assert.equal(services.headers.get('access-control-allow-origin'), '*');
      const service = services.body.find((s: any) => s.service_code === 'ZFWY-WY');
      assert.equal(service.type, 'realtime');
      const def = await r.serviceDefinition(service.service_code);
      const required = def.body.attributes.filter((a: any) => String(a.required) === 'true');
      assert.deepEqual(required.map((a: any) => a.code), ['request_type']);
      assert.ok(def.body.attributes.some((a: any) => a.code === 'client_request_id'));

      // No phone: the spec makes every contact field optional.
      const description = `路灯不亮（${format}），电话13912345678`;
      const post = await w.postRequest(fields({ description, email: 'citizen@example.com', first_name: '小龙', last_name: '李' }));
      assert.equal(post.status, 201);
      assert.equal(post.contentType, media);
      const id = await r.idOf(post.body[0]);
      assert.match(id!, /^MDJ\d{14}$/);
      assert.ok(post.body[0].token, 'a token as well, for clients that poll');
      assert.equal((await r.token(post.body[0].token)).body[0].service_request_id, id);

      const one = await r.request(id!);
      assert.equal(one.contentType, media);
      assert.equal(one.headers.get('access-control-allow-origin'), '*');
      assert.equal(one.body.length, 1);
      assert.equal(one.body[0].service_request_id, id);
      assert.equal(one.body[0].status, 'open');
      assert.match(one.body[0].status_notes, /待派单/);
      assert.match(one.body[0].description, /139\*\*\*\*5678/);
      const raw = JSON.stringify(one.body);
      for (const secret of ['13912345678', 'citizen@example.com', '李小龙']) assert.ok(!raw.includes(secret), secret);
      const list = await r.requests([['service_request_id', id!]]);
      assert.deepEqual(list.body.map((x: any) => x.service_request_id), [id]);
    }
  });

  it('errors in the spec format: unknown paths, resources, jurisdictions, bad parameters; 403 only for POST', async () => {
    for (const format of ['json', 'xml'] as const) {
      const r = new Open311Client(base, undefined, format);
      const e = await refused(r.get('no/such/thing'), 404, /不存在/);
      assert.equal(e.contentType, format === 'xml' ? 'text/xml' : 'application/json');
      await refused(r.get('nothing'), 404, /不存在/);
      await refused(r.request('MDJ20990101000001'), 404, /MDJ20990101000001/);
      await refused(r.token('o311-nope'), 404, /token/);
      await refused(r.serviceDefinition('NOPE'), 404, /NOPE/);
      await refused(new Open311Client(base, undefined, format, 'harbin.gov.cn').services(), 400, /jurisdiction_id/);
      await refused(r.requests([['start_date', 'yesterday']]), 400, /start_date/);
      await refused(r.requests([['status', 'pending']]), 400, /status/);
      await refused(new Open311Client(base, undefined, format).postRequest(fields()), 403, /api_key/);
      await refused(new Open311Client(base, writeKey, format, 'harbin.gov.cn').postRequest(fields()), 400, /jurisdiction_id/);
    }
    assert.equal((await new Open311Client(base, undefined, 'json', 'mudanjiang.gov.cn').services()).status, 200);
    assert.equal((await new Open311Client(base, undefined, 'json', 'MDJ').services()).status, 200);
    const html = await fetch(`${base}/some/deep/path`);
    assert.equal(html.status, 404);
    assert.equal(html.headers.get('content-type'), 'application/json', 'not the console page');
    const preflight = await fetch(`${base}/requests.json`, { method: 'OPTIONS', headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-methods')!, /GET/);
  });

  it('repeated parameters, comma lists and date-only bounds', async () => {
    const a = await writer.postRequest(fields({ description: '列表测试甲', service_code: 'ZFWY-WY' }));
    const b = await writer.postRequest(fields({ description: '列表测试乙', service_code: 'SDRQ-TS', 'attribute[request_type]': 'help' }));
    const ida = a.body[0].service_request_id;
    const idb = b.body[0].service_request_id;
    const closed = await agent.act(idb, 'merge', { intoNo: ida });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const ids = (r: { body: any[] }) => r.body.map((x) => x.service_request_id);
    const both = await reader.requests([['status', 'open'], ['status', 'closed'], ['service_code', 'ZFWY-WY'], ['service_code', 'SDRQ-TS']]);
    assert.ok(ids(both).includes(ida) && ids(both).includes(idb));
    const merged = both.body.find((x) => x.service_request_id === idb);
    assert.equal(merged.status, 'closed');
    assert.equal(merged.status_notes, `已并单（并入工单 ${ida}）`);
    assert.deepEqual(ids(await reader.requests([['status', 'closed'], ['service_code', 'SDRQ-TS']])), [idb]);
    assert.ok(!ids(await reader.requests([['status', 'open']])).includes(idb));
    const comma = await reader.requests([['service_code', 'SDRQ-TS,ZFWY-WY'], ['start_date', '2026-03-02'], ['end_date', '2026-03-02']]);
    assert.ok(ids(comma).includes(ida) && ids(comma).includes(idb));
    assert.deepEqual(ids(await reader.requests([['start_date', '2026-03-03']])), []);
    assert.deepEqual(ids(await reader.requests([['service_request_id', ida], ['service_request_id', idb]])).sort(), [ida, idb].sort());
  });

  it('a retried POST makes no new ticket: FixMyStreet’s 3 retries, Idempotency-Key, the window, other keys', async () => {
    const description = '小区门口井盖缺失，夜间危险';
    const first = await writer.postRequest(fields({ description, phone: '13912340001' }));
    const id = first.body[0].service_request_id;
    // Re-sent after 5 minutes, then every 30 (the client never saw the answer).
    for (const minutes of [5, 30, 30]) {
      t.clock.advance(minutes * 60_000);
      const again = await writer.postRequest(fields({ description, phone: '139-1234-0001' }));
      assert.equal(again.status, 201);
      assert.equal(again.body[0].service_request_id, id);
      assert.equal(again.body[0].token, first.body[0].token);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
    }
    assert.equal((await ticketsWith(description)).length, 1);
    // Another system with the same words is another request.
    const other = await new Open311Client(base, otherKey).postRequest(fields({ description, phone: '13912340001' }));
    assert.notEqual(other.body[0].service_request_id, id);
    // A changed description is a new request; a day and more later the same words are too.
    const changed = await writer.postRequest(fields({ description: `${description}，已有人受伤`, phone: '13912340001' }));
    assert.notEqual(changed.body[0].service_request_id, id);
    t.clock.advance(2 * 24 * 60 * 60_000 + 60_000);
    const later = await writer.postRequest(fields({ description, phone: '13912340001' }));
    assert.notEqual(later.body[0].service_request_id, id);
    assert.equal((await ticketsWith(description)).length, 3);

    // The client's own request id wins over content: the same id with edited words is the same request.
    const keyed = await writer.postRequest(fields({ description: '路面塌陷' }), { headers: { 'Idempotency-Key': 'fms-4711' } });
    const keyedAgain = await writer.postRequest(fields({ description: '路面塌陷（补充：约一米宽）' }), { headers: { 'Idempotency-Key': 'fms-4711' } });
    assert.equal(keyedAgain.body[0].service_request_id, keyed.body[0].service_request_id);
    const attr = await writer.postRequest(fields({ description: '路灯杆倾斜', 'attribute[client_request_id]': 'fms-4712' }));
    t.clock.advance(3 * 24 * 60 * 60_000);
    const attrAgain = await writer.postRequest(fields({ description: '路灯杆倾斜', 'attribute[client_request_id]': 'fms-4712' }));
    assert.equal(attrAgain.body[0].service_request_id, attr.body[0].service_request_id, 'a client id holds beyond the window');
    assert.equal((await ticketsWith('路灯杆倾斜')).length, 1);
  });

  it('concurrent retries make one ticket (the store’s unique constraint decides)', async () => {
    const description = '暖气不热，室温只有十二度';
    const before = await tableCounts(t.ctx);
    const answers = await Promise.all(Array.from({ length: 6 }, () => writer.postRequest(fields({ description, phone: '13912340002' }))));
    const ids = new Set(answers.map((a) => a.body[0].service_request_id));
    assert.equal(ids.size, 1, [...ids].join(','));
    assert.ok(answers.every((a) => a.status === 201));
    const keyed = await Promise.all(Array.from({ length: 6 }, (_, i) => writer.postRequest(fields({ description: `自来水浑浊 ${i}` }), { headers: { 'Idempotency-Key': 'race-1' } })));
    assert.equal(new Set(keyed.map((a) => a.body[0].service_request_id)).size, 1);
    const after = await tableCounts(t.ctx);
    assert.equal(after.tickets - before.tickets, 2);
    const intakes = await t.ctx.store.db.selectFrom('events').select('id').where('action', '=', 'intake').where('ticket_id', 'in', t.ctx.store.db.selectFrom('tickets').select('id').where('no', 'in', [...ids])).execute();
    assert.equal(intakes.length, 1);
  });

  it('multipart/form-data with a `media` photo: stored like the portal’s; bad files refused, nothing written', async () => {
    const post = await writer.postRequest(fields({ description: '违章搭建，附照片', phone: '13912340003' }), { media: { name: 'photo.jpg', type: 'image/jpeg', data: JPEG } });
    assert.equal(post.status, 201);
    const no = post.body[0].service_request_id;
    const ticket = await t.ctx.store.db.selectFrom('tickets').select(['id', 'requester_phone', 'facts']).where('no', '=', no).executeTakeFirstOrThrow();
    assert.equal(ticket.requester_phone, '13912340003');
    const photos = await t.ctx.store.db.selectFrom('portal_photos').selectAll().where('ticket_id', '=', Number(ticket.id)).execute();
    assert.equal(photos.length, 1);
    assert.equal(photos[0]!.mime, 'image/jpeg');
    assert.equal(photos[0]!.size, JPEG.length);
    // The bytes are in the store (its backup holds them), nothing on disk.
    assert.deepEqual(Buffer.from(photos[0]!.data!), JPEG);
    assert.equal(existsSync(join(t.ctx.dataDir, 'portal-photos')), false);
    const staff = await agent.get(`/api/v1/portal/tickets/${no}/photos`);
    assert.equal(staff.status, 200);
    assert.equal(staff.body.items.length, 1);

    const before = await tableCounts(t.ctx);
    await refused(writer.postRequest(fields({ description: '不是图片', phone: '13912340003' }), { media: { name: 'x.exe', type: 'image/jpeg', data: Buffer.from('MZ not a picture') } }), 400, /^media：/);
    await refused(writer.postRequest(fields({ description: '太大', phone: '13912340003' }), { media: { name: 'big.jpg', type: 'image/jpeg', data: Buffer.concat([JPEG, Buffer.alloc(3 * 1024 * 1024)]) } }), 400, /^media：.*2MB/);
    await refused(writer.postRequest(fields({ description: '过大', phone: '13912340003' }), { media: { name: 'huge.jpg', type: 'image/jpeg', data: Buffer.concat([JPEG, Buffer.alloc(12 * 1024 * 1024)]) } }), 413, /过大/);
    const broken = await fetch(`${base}/requests.json`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=XYZ' }, body: `--XYZ\r\ncontent-disposition: form-data; name="api_key"\r\n\r\n${writeKey}` });
    assert.equal(broken.status, 400);
    assert.match((await broken.json())[0].description, /multipart/);
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('phone optional: e-mail or none; dispatch asks for the phone (第二条), then goes', async () => {
    const post = await writer.postRequest(fields({ description: '噪音扰民，只留邮箱', email: 'quiet@example.com' }));
    const no = post.body[0].service_request_id;
    const view = await agent.get(`/api/v1/tickets/${no}`);
    assert.equal(view.body.requester.phone, null);
    assert.equal(view.body.requester.email, 'quiet@example.com');
    const unit = await (await t.as('zjj.staff')).get(`/api/v1/tickets/${no}`);
    assert.ok(!JSON.stringify(unit.body).includes('quiet@example.com'), 'units never see the e-mail');
    assert.equal(view.body.status, 'pending_dispatch');
    // The e-mail is stored sealed, like the requester's other fields.
    const raw = await t.ctx.store.db.withoutPlugins().selectFrom('requester_emails').select('email').executeTakeFirstOrThrow();
    assert.ok(!String(raw.email).includes('@'), 'sealed at rest');

    const refusedDispatch = await agent.act(no, 'dispatch', {});
    assert.equal(refusedDispatch.status, 400);
    assert.match(refusedDispatch.body.title, /requesterPhone/);
    assert.match(refusedDispatch.body.title, /第二条/);
    assert.equal((await agent.get(`/api/v1/tickets/${no}`)).body.status, 'pending_dispatch');
    const ok = await agent.act(no, 'dispatch', { requesterPhone: '139-0453-1234' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const after = await agent.get(`/api/v1/tickets/${no}`);
    assert.equal(after.body.requester.phone, '13904531234');
    assert.equal(after.body.status, 'dispatched');
    const dispatchEvent = await t.ctx.store.db.selectFrom('events').select('detail').where('action', '=', 'dispatch').where('ticket_id', '=', t.ctx.store.db.selectFrom('tickets').select('id').where('no', '=', no)).executeTakeFirstOrThrow();
    assert.ok(!String(dispatchEvent.detail).includes('13904531234'), 'the phone is not in the audit detail');
    const none = await writer.postRequest(fields({ description: '无任何联系方式的诉求' }));
    assert.equal(none.status, 201);
  });

  it('servicerequestupdates: a pushed comment becomes a ticket event once; updates read with paging, no key', async () => {
    const post = await writer.postRequest(fields({ description: '垃圾清运不及时', phone: '13912340004' }));
    const no = post.body[0].service_request_id;
    const push = (update_id: string, extra: Record<string, string> = {}) =>
      fetch(`${base}/servicerequestupdates.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: writeKey, service_request_id: no, update_id, updated_datetime: '2026-03-05T10:00:00+08:00', status: 'OPEN', description: '还没有清运，今天又堆了很多', first_name: '张', email: 'z@example.com', ...extra }).toString(),
      });
    const first = await push('fms-u-1');
    assert.equal(first.status, 200);
    const firstBody = await first.json();
    const again = await (await push('fms-u-1')).json();
    assert.deepEqual(again, firstBody, 'a re-sent push answers the first record');
    const rows = await t.ctx.store.db.selectFrom('open311_updates').selectAll().execute();
    assert.equal(rows.filter((r) => r.client_update_id === 'fms-u-1').length, 1);
    assert.ok(!JSON.stringify(rows).includes('z@example.com'));
    const view = await agent.get(`/api/v1/tickets/${no}`);
    assert.deepEqual(view.body.comments.map((c: any) => [c.text, c.clientStatus]), [['还没有清运，今天又堆了很多', 'open']]);
    const timeline = await agent.get(`/api/v1/tickets/${no}/events`);
    const comment = timeline.body.items.filter((e: any) => e.action === 'open311_comment');
    assert.equal(comment.length, 1);
    assert.equal(comment[0].actionLabel, '外部系统转来诉求人补充');
    assert.equal((await push('fms-u-2', { api_key: 'mdj_wrong' })).status, 403);
    assert.equal((await push('fms-u-3', { service_request_id: 'MDJ20990101000001' })).status, 404);
    const badStatus = await push('fms-u-4', { status: 'FIXED' });
    assert.equal(badStatus.status, 400);
    assert.match((await badStatus.json())[0].description, /^status：/);

    // Polling: every change of state, oldest first, in pages; the pushed comment is not echoed back.
    const all = await reader.get<any[]>('servicerequestupdates', [['start_date', '2026-03-01'], ['end_date', '2026-03-31']]);
    assert.ok(all.body.length >= 5);
    assert.ok(all.body.every((u) => !/补充/.test(u.description)));
    const page1 = await reader.get<any[]>('servicerequestupdates', [['start_date', '2026-03-01'], ['end_date', '2026-03-31'], ['page_size', '2'], ['page', '1']]);
    const page2 = await reader.get<any[]>('servicerequestupdates', [['start_date', '2026-03-01'], ['end_date', '2026-03-31'], ['page_size', '2'], ['page', '2']]);
    assert.deepEqual([...page1.body, ...page2.body].map((u) => u.update_id), all.body.slice(0, 4).map((u) => u.update_id));
    const after = await reader.get<any[]>('servicerequestupdates', [['updated_after', '2026-03-01T00:00:00Z'], ['updated_before', '2026-03-31T00:00:00Z'], ['service_request_id', no]]);
    assert.ok(after.body.length >= 1 && after.body.every((u) => u.service_request_id === no));
    const xml = await new Open311Client(base, undefined, 'xml').get<any[]>('servicerequestupdates', [['start_date', '2026-03-01'], ['end_date', '2026-03-31']]);
    assert.equal(xml.contentType, 'text/xml');
    assert.equal(xml.body.length, all.body.length);
  });
});
