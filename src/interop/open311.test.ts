// Open311 GeoReport v2 as a client uses it, through HTTP on every engine: services → definition →
// POST → token → id → list with filters, in JSON and XML (parsed back), API keys and their errors,
// the rate limit, masking of requesters, and bad input refused with nothing written.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { describeEachEngine, startTestApp, tableCounts, type Client, type TestApp } from '../../test/support/app.ts';

const MONDAY_9AM = '2026-03-02T01:00:00.000Z';
const SHANGHAI = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const LIST_TAGS = new Set(['service', 'request', 'request_update', 'error', 'endpoint', 'format', 'attribute', 'value']);
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => LIST_TAGS.has(name) });

interface Raw {
  status: number;
  body: string;
  type: string;
  json: any;
  xml: any;
}

async function call(t: TestApp, method: 'GET' | 'POST', url: string, payload?: string | object, headers: Record<string, string> = {}): Promise<Raw> {
  const res = await t.app.inject({
    method,
    url,
    headers: typeof payload === 'string' ? { 'content-type': 'application/x-www-form-urlencoded', ...headers } : headers,
    ...(payload === undefined ? {} : { payload }),
  });
  const type = String(res.headers['content-type'] ?? '');
  const isXml = type.startsWith('text/xml');
  return { status: res.statusCode, body: res.body, type, json: isXml ? undefined : JSON.parse(res.body), xml: isXml ? xml.parse(res.body) : undefined };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

function assertSpecError(r: Raw, status: number, pattern: RegExp, format: 'json' | 'xml' = 'json'): void {
  assert.equal(r.status, status, r.body);
  if (format === 'json') {
    assert.match(r.type, /^application\/json/);
    assert.ok(Array.isArray(r.json), r.body);
    assert.equal(r.json[0].code, status);
    assert.match(r.json[0].description, pattern);
    assert.match(r.json[0].description, /[\u4e00-\u9fff]/);
  } else {
    assert.match(r.type, /^text\/xml/);
    assert.match(r.body, /^<\?xml version="1.0" encoding="utf-8"\?>/);
    const e = r.xml.errors.error[0];
    assert.equal(e.code, String(status));
    assert.match(e.description, pattern);
  }
}

describeEachEngine('Open311 GeoReport v2', (engine) => {
  let t: TestApp;
  let admin: Client;
  let agent: Client;
  let writeKey: string;
  let readKey: string;

  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    admin = await t.as('admin');
    agent = await t.as('agent1');
    const w = await admin.post('/api/v1/apikeys', { name: '市政府网站', scopes: ['open311:read', 'open311:write'], ratePerMinute: 1000 });
    assert.equal(w.status, 201, JSON.stringify(w.body));
    writeKey = w.body.key;
    const r = await admin.post('/api/v1/apikeys', { name: '只读看板', scopes: ['open311:read'], ratePerMinute: 1000 });
    readKey = r.body.key;
  });
  after(() => t.close());

  it('API keys: admin only, the key shown once and stored as a hash', async () => {
    assert.equal((await agent.get('/api/v1/apikeys')).status, 403);
    assert.equal((await agent.post('/api/v1/apikeys', { name: 'x', scopes: ['open311:read'] })).status, 403);
    const list = await admin.get('/api/v1/apikeys');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((k: any) => k.name), ['市政府网站', '只读看板']);
    assert.ok(!JSON.stringify(list.body).includes(writeKey), 'the list never holds a key');
    assert.ok(writeKey.startsWith(list.body.items[0].prefix));
    const rows = await t.ctx.store.db.selectFrom('api_keys').selectAll().execute();
    assert.ok(!JSON.stringify(rows).includes(writeKey), 'the store holds only a hash');
    const events = await t.ctx.store.db.selectFrom('events').select('detail').where('action', 'like', 'apikey_%').execute();
    assert.ok(events.length >= 2 && !JSON.stringify(events).includes(writeKey));
    const bad = await admin.post('/api/v1/apikeys', { name: 'y', scopes: ['open311:delete'] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.title, /scopes/);
    const dup = await admin.post('/api/v1/apikeys', { name: '市政府网站', scopes: ['open311:read'] });
    assert.equal(dup.status, 409);
  });

  it('discovery and the service list, in JSON and XML', async () => {
    const d = await call(t, 'GET', '/open311/v2/discovery.json');
    assert.equal(d.status, 200);
    assert.equal(typeof d.json.contact, 'string');
    assert.equal(d.json.endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2');
    assert.deepEqual(d.json.endpoints[0].formats, ['text/xml', 'application/json']);
    assert.equal(d.json.endpoints[0].type, 'production');
    const dx = await call(t, 'GET', '/open311/v2/discovery.xml');
    assert.match(dx.body, /^<\?xml version="1.0" encoding="utf-8"\?>/);
    assert.deepEqual(dx.xml.discovery.endpoints.endpoint[0].formats.format, ['text/xml', 'application/json']);

    const s = await call(t, 'GET', '/open311/v2/services.json');
    assert.equal(s.status, 200);
    assert.match(s.type, /^application\/json/);
    assert.ok(Array.isArray(s.json) && s.json.length > 10);
    const wy = s.json.find((x: any) => x.service_code === 'ZFWY-WY');
    assert.deepEqual(Object.keys(wy).sort(), ['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type'].sort());
    assert.equal(wy.service_name, '物业服务');
    assert.equal(wy.group, '住房和物业');
    assert.equal(wy.metadata, true);
    assert.equal(wy.type, 'realtime');
    assert.match(wy.keywords, /物业费/);
    assert.ok(!s.json.some((x: any) => x.service_code === 'ZFWY'), 'groups are not services');

    const sx = await call(t, 'GET', '/open311/v2/services.xml');
    assert.match(sx.type, /^text\/xml/);
    const wyx = sx.xml.services.service.find((x: any) => x.service_code === 'ZFWY-WY');
    assert.equal(wyx.metadata, 'true');
    assert.equal(wyx.group, '住房和物业');
    assert.equal(sx.xml.services.service.length, s.json.length);
  });

  it('a service definition names its attributes with the spec datatypes', async () => {
    const def = await call(t, 'GET', '/open311/v2/services/ZFWY-WY.json');
    assert.equal(def.status, 200);
    assert.equal(def.json.service_code, 'ZFWY-WY');
    const district = def.json.attributes.find((a: any) => a.code === 'district');
    assert.equal(district.datatype, 'singlevaluelist');
    assert.equal(district.variable, true);
    assert.equal(district.required, false);
    assert.equal(typeof district.order, 'number');
    assert.ok(district.values.some((v: any) => v.key === 'DAQ' && v.name === '东安区人民政府'));
    const type = def.json.attributes.find((a: any) => a.code === 'request_type');
    assert.equal(type.required, true);
    for (const a of def.json.attributes) {
      assert.ok(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'].includes(a.datatype));
      for (const k of ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description']) assert.ok(k in a, `${a.code} has ${k}`);
    }
    const defx = await call(t, 'GET', '/open311/v2/services/ZFWY-WY.xml');
    const dx = defx.xml.service_definition.attributes.attribute.find((a: any) => a.code === 'district');
    assert.ok(dx.values.value.some((v: any) => v.key === 'DAQ'));
    assertSpecError(await call(t, 'GET', '/open311/v2/services/NOPE.json'), 404, /NOPE/);
    assertSpecError(await call(t, 'GET', '/open311/v2/services/NOPE.xml'), 404, /NOPE/, 'xml');
  });

  it('POST → token → accepted by an agent → id → the request in JSON and XML, requester masked', async () => {
    const phone = '13912345678';
    const post = await call(
      t,
      'POST',
      '/open311/v2/requests.json',
      form({
        api_key: writeKey,
        service_code: 'ZFWY-WY',
        lat: '44.5521',
        long: '129.6330',
        address_string: '东安区新安街道光华小区3号楼',
        email: 'li@example.com',
        first_name: '小龙',
        last_name: '李',
        phone,
        description: '小区物业不清理楼道垃圾，我是李小龙，电话13912345678',
        media_url: 'https://example.com/photo.jpg',
        'attribute[request_type]': 'complaint',
        'attribute[district]': 'DAQ',
      }),
    );
    assert.equal(post.status, 201, post.body);
    assert.equal(post.json.length, 1);
    const token = post.json[0].token;
    assert.match(token, /^o311-/);
    // The ticket is numbered on arrival: the id at once (services are realtime), the token as well.
    assert.match(post.json[0].service_request_id, /^MDJ\d{14}$/);
    assert.equal(typeof post.json[0].service_notice, 'string');

    const waiting = await call(t, 'GET', `/open311/v2/tokens/${token}.json`);
    assert.equal(waiting.status, 200);
    assert.deepEqual(waiting.json, [{ service_request_id: post.json[0].service_request_id, token }]);

    const ticket = await t.ctx.store.db.selectFrom('tickets').selectAll().where('external_id', '=', token).executeTakeFirstOrThrow();
    assert.equal(ticket.status, 'pending_dispatch');
    assert.equal(ticket.channel, 'web');
    assert.equal(ticket.origin, 'local');
    assert.equal(ticket.type, 'complaint');
    assert.equal(ticket.requester_name, '李小龙');
    assert.equal(Number(ticket.lat), 44.5521);
    assert.equal(Number(ticket.long), 129.633);
    assert.equal(ticket.media_url, 'https://example.com/photo.jpg');
    assert.equal(ticket.no, post.json[0].service_request_id);
    // Still in intake: open, and says so, to anyone without a key.
    const waitingRequest = await call(t, 'GET', `/open311/v2/requests/${ticket.no}.json`);
    assert.equal(waitingRequest.status, 200, waitingRequest.body);
    assert.equal(waitingRequest.json[0].status, 'open');
    assert.match(waitingRequest.json[0].status_notes, /^待派单/);
    assert.ok(!waitingRequest.body.includes(phone) && !waitingRequest.body.includes('李小龙') && !waitingRequest.body.includes('li@example.com'));

    const dispatched = await agent.act(ticket.no, 'dispatch', {});
    assert.equal(dispatched.status, 200, JSON.stringify(dispatched.body));

    const tokenx = await call(t, 'GET', `/open311/v2/tokens/${token}.xml`);
    assert.equal(tokenx.xml.service_requests.request[0].service_request_id, ticket.no);
    assert.equal(tokenx.xml.service_requests.request[0].token, token);

    const one = await call(t, 'GET', `/open311/v2/requests/${ticket.no}.json`);
    assert.equal(one.status, 200, one.body);
    assert.equal(one.json.length, 1);
    const r = one.json[0];
    assert.deepEqual(Object.keys(r).sort(), [...REQUEST_FIELDS].sort());
    assert.equal(r.service_request_id, ticket.no);
    assert.equal(r.status, 'open');
    assert.equal(r.status_notes, '待签收');
    assert.equal(r.service_code, 'ZFWY-WY');
    assert.equal(r.service_name, '物业服务');
    assert.equal(r.agency_responsible, t.ctx.org.byCodeOrUndefined('ZJJ')!.name);
    assert.match(r.requested_datetime, SHANGHAI);
    assert.match(r.updated_datetime, SHANGHAI);
    assert.match(r.expected_datetime, SHANGHAI);
    assert.equal(r.expected_datetime, '2026-03-23T23:59:59+08:00', 'a complaint: 15 working days');
    assert.equal(r.lat, 44.5521);
    assert.equal(r.long, 129.633);
    assert.equal(typeof r.lat, 'number');
    assert.equal(r.address, '东安区新安街道光华小区3号楼');
    assert.equal(r.media_url, 'https://example.com/photo.jpg');

    const onex = await call(t, 'GET', `/open311/v2/requests/${ticket.no}.xml`);
    assert.match(onex.body, /^<\?xml version="1.0" encoding="utf-8"\?>\n<service_requests>/);
    const rx = onex.xml.service_requests.request[0];
    assert.equal(rx.service_request_id, ticket.no);
    assert.equal(rx.status, 'open');
    assert.equal(rx.lat, '44.5521');
    assert.equal(rx.expected_datetime, r.expected_datetime);
    for (const f of REQUEST_FIELDS) assert.ok(f in rx, `XML has ${f}`);

    for (const body of [one.body, onex.body]) {
      assert.ok(!body.includes(phone), 'no requester phone');
      assert.ok(!body.includes('李小龙'), 'no requester name');
      assert.ok(!body.includes('li@example.com'), 'no e-mail');
    }
    assert.match(r.description, /139\*\*\*\*5678/);
  });

  it('POST as JSON with an attribute object and only an address_id; confidential requests are never listed', async () => {
    const post = await call(t, 'POST', '/open311/v2/requests.xml', {
      api_key: writeKey,
      service_code: 'ZFWY-WY',
      address_id: 'MDJ-ADDR-001',
      phone: '13900000001',
      description: '物业费收取不公示',
      attribute: { request_type: 'suggestion', confidential: 'no' },
    });
    assert.equal(post.status, 201, post.body);
    const token = post.xml.service_requests.request[0].token;
    const ticket = await t.ctx.store.db.selectFrom('tickets').selectAll().where('external_id', '=', token).executeTakeFirstOrThrow();
    assert.equal(ticket.address_id, 'MDJ-ADDR-001');
    assert.equal(ticket.type, 'suggestion');
    assert.equal((await agent.act(ticket.no, 'dispatch', {})).status, 200);

    const secret = await call(
      t,
      'POST',
      '/open311/v2/requests.json',
      form({ api_key: writeKey, service_code: 'ZFWY-WY', address_string: '阳明区', phone: '13900000002', description: '举报物业', 'attribute[request_type]': 'report', 'attribute[confidential]': 'yes' }),
    );
    const secretTicket = await t.ctx.store.db.selectFrom('tickets').selectAll().where('external_id', '=', secret.json[0].token).executeTakeFirstOrThrow();
    assert.equal(secretTicket.confidential, 1);
    assert.equal((await agent.act(secretTicket.no, 'dispatch', {})).status, 200);
    assertSpecError(await call(t, 'GET', `/open311/v2/requests/${secretTicket.no}.json?api_key=${encodeURIComponent(readKey)}`), 404, /不存在/);
    assertSpecError(await call(t, 'GET', `/open311/v2/requests/${secretTicket.no}.json`), 404, /不存在/);
    assert.deepEqual((await call(t, 'GET', `/open311/v2/tokens/${secret.json[0].token}.json`)).json, [{ service_request_id: null, token: secret.json[0].token }]);

    const byId = await call(t, 'GET', `/open311/v2/requests.json?api_key=${encodeURIComponent(readKey)}&service_request_id=${ticket.no},${secretTicket.no}`);
    assert.deepEqual(byId.json.map((x: any) => x.service_request_id), [ticket.no]);
    assert.equal(byId.json[0].address_id, 'MDJ-ADDR-001');
    assert.equal(byId.json[0].lat, null);
  });

  it('lists with filters: service_code, status, dates, updated_after, paging', async () => {
    const q = (params: string, key = readKey) => call(t, 'GET', `/open311/v2/requests.json?api_key=${encodeURIComponent(key)}&${params}`);
    // A closed one: an agent's direct answer (consultation) is 直接解答, closed at once.
    const answered = await agent.post('/api/v1/tickets', {
      channel: 'phone',
      type: 'consultation',
      categoryCode: 'ZFWY-WY',
      requester: { kind: 'person', name: '王五', phone: '13700000009' },
      facts: '物业费标准在哪里查',
      disposition: 'direct_answer',
      answer: { content: '可在住建局网站查询' },
    });
    assert.equal(answered.status, 201, JSON.stringify(answered.body));

    const all = await q('');
    assert.equal(all.status, 200);
    assert.ok(all.json.length >= 3);
    const closed = await q('status=closed');
    assert.deepEqual(closed.json.map((x: any) => x.service_request_id), [answered.body.no]);
    assert.equal(closed.json[0].status_notes, '直接解答');
    assert.equal(closed.json[0].agency_responsible, t.ctx.org.firstOfKind('centre')!.name);
    assert.ok(!JSON.stringify(closed.json).includes('王五') && !closed.body.includes('13700000009'));
    const open = await q('status=open&service_code=ZFWY-WY');
    assert.ok(open.json.length >= 2 && open.json.every((x: any) => x.status === 'open' && x.service_code === 'ZFWY-WY'));
    assert.equal((await q('service_code=SDRQ-TS')).json.length, 0);
    assert.equal((await q('start_date=2026-03-03T00:00:00%2B08:00')).json.length, 0);
    assert.ok((await q('start_date=2026-03-01T00:00:00Z&end_date=2026-03-03T00:00:00Z')).json.length >= 3);
    assertSpecError(await q('start_date=2025-01-01T00:00:00Z&end_date=2026-03-03T00:00:00Z'), 400, /end_date/);
    assertSpecError(await q('start_date=yesterday'), 400, /start_date/);
    assertSpecError(await q('status=pending'), 400, /status/);
    // An empty parameter counts as absent.
    assert.equal((await q('status=&service_code=')).json.length, all.json.length);
    const page = await q('page_size=1&page=2');
    assert.equal(page.json.length, 1);
    assert.equal(page.json[0].service_request_id, all.json[1].service_request_id);

    // Sync: what changed after an instant, oldest change first.
    const before = (await q('')).json;
    t.clock.advance(60 * 60_000);
    const changed = before.find((x: any) => x.status === 'open');
    assert.equal((await (await t.as('zjj.staff')).act(changed.service_request_id, 'sign', {})).status, 200);
    const since = encodeURIComponent(new Date(Date.parse(MONDAY_9AM) + 30 * 60_000).toISOString());
    const sync = await q(`updated_after=${since}`);
    assert.deepEqual(sync.json.map((x: any) => x.service_request_id), [changed.service_request_id]);
    assert.equal(sync.json[0].status_notes, '办理中');
    const syncx = await call(t, 'GET', `/open311/v2/requests.xml?api_key=${encodeURIComponent(readKey)}&updated_after=${since}`);
    assert.equal(syncx.xml.service_requests.request.length, 1);

    // FixMyStreet's servicerequestupdates: the sign is one update, oldest first, in both formats.
    const updates = await call(t, 'GET', `/open311/v2/servicerequestupdates.json?api_key=${encodeURIComponent(readKey)}&start_date=${since}`);
    assert.equal(updates.status, 200);
    assert.deepEqual(Object.keys(updates.json[0]).sort(), ['description', 'media_url', 'service_request_id', 'status', 'update_id', 'updated_datetime']);
    assert.deepEqual(updates.json.map((u: any) => [u.service_request_id, u.status, u.description]), [[changed.service_request_id, 'open', '签收：办理中']]);
    assert.match(updates.json[0].updated_datetime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    assert.equal(typeof updates.json[0].update_id, 'string');
    const updatesx = await call(t, 'GET', `/open311/v2/servicerequestupdates.xml?api_key=${encodeURIComponent(readKey)}&start_date=${since}`);
    assert.equal(updatesx.xml.service_request_updates.request_update[0].update_id, updates.json[0].update_id);
    const all311 = await call(t, 'GET', `/open311/v2/servicerequestupdates.json?api_key=${encodeURIComponent(readKey)}&start_date=2026-03-01T00:00:00Z`);
    assert.ok(all311.json.length > updates.json.length);
    assert.ok(!all311.body.includes('13700000009') && !all311.body.includes('王五'));
    assert.equal((await call(t, 'GET', '/open311/v2/servicerequestupdates.json')).status, 200, 'reads need no key');
    assertSpecError(await call(t, 'GET', `/open311/v2/servicerequestupdates.json?api_key=${encodeURIComponent(readKey)}&start_date=soon`), 400, /start_date/);
  });

  it('api_key missing, wrong, revoked or without the scope: 403 in the spec format', async () => {
    const body = form({ service_code: 'ZFWY-WY', address_string: '东安区', phone: '13900000003', description: '测试', 'attribute[request_type]': 'help' });
    const before = await tableCounts(t.ctx);
    assertSpecError(await call(t, 'POST', '/open311/v2/requests.json', body), 403, /api_key/);
    assertSpecError(await call(t, 'POST', '/open311/v2/requests.xml', body), 403, /api_key/, 'xml');
    assertSpecError(await call(t, 'POST', '/open311/v2/requests.json', `${body}&api_key=mdj_wrong`), 403, /无效/);
    assertSpecError(await call(t, 'POST', '/open311/v2/requests.json', `${body}&api_key=${encodeURIComponent(readKey)}`), 403, /无权/);
    assert.equal((await call(t, 'GET', '/open311/v2/requests.json')).status, 200, 'reads need no key');

    const k = await admin.post('/api/v1/apikeys', { name: '将吊销', scopes: ['open311:write'] });
    assertSpecError(await call(t, 'GET', `/open311/v2/tokens/o311-none.json`), 404, /token/);
    // A good key with a body missing its service_code: past the key, refused for the field.
    assertSpecError(await call(t, 'POST', '/open311/v2/requests.json', form({ api_key: k.body.key })), 400, /service_code/);
    assert.equal((await admin.post(`/api/v1/apikeys/${k.body.id}/revoke`)).status, 200);
    assertSpecError(await call(t, 'POST', '/open311/v2/requests.xml', `${body}&api_key=${encodeURIComponent(k.body.key)}`), 403, /吊销/, 'xml');

    const r = await admin.post('/api/v1/apikeys', { name: '将轮换', scopes: ['open311:write'] });
    const rotated = await admin.post(`/api/v1/apikeys/${r.body.id}/rotate`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.key, r.body.key);
    assertSpecError(await call(t, 'POST', '/open311/v2/requests.json', form({ api_key: r.body.key })), 403, /无效/);
    assertSpecError(await call(t, 'POST', '/open311/v2/requests.json', form({ api_key: rotated.body.key })), 400, /service_code/);
    const after = await tableCounts(t.ctx);
    assert.equal(after.tickets, before.tickets);
  });

  it('over its per-minute rate a key gets 429 until the bucket refills', async () => {
    // The key is checked on POST (reads need none); a body without service_code is refused after it.
    const k = await admin.post('/api/v1/apikeys', { name: '限流测试', scopes: ['open311:write'], ratePerMinute: 3 });
    const post = (key: string, fmt = 'json') => call(t, 'POST', `/open311/v2/requests.${fmt}`, form({ api_key: key }));
    for (let i = 0; i < 3; i++) assertSpecError(await post(k.body.key), 400, /service_code/);
    assertSpecError(await post(k.body.key), 429, /频繁/);
    const raw = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ api_key: k.body.key }) });
    assert.equal(raw.statusCode, 429);
    assert.ok(Number(raw.headers['retry-after']) >= 1);
    // Other keys are not affected.
    assertSpecError(await post(writeKey), 400, /service_code/);
    t.clock.advance(20_000);
    assertSpecError(await post(k.body.key), 400, /service_code/, 'json');
  });

  it('bad input: 400 naming the field in Chinese, and nothing written', async () => {
    const base = { api_key: writeKey, service_code: 'ZFWY-WY', address_string: '东安区', phone: '13900000004', description: '楼道堆物', 'attribute[request_type]': 'help' };
    const cases: Array<[Record<string, string | undefined>, RegExp]> = [
      [{ service_code: undefined }, /^service_code：/],
      [{ service_code: 'NOPE' }, /^service_code：.*NOPE/],
      [{ service_code: 'ZFWY' }, /^service_code：/],
      [{ address_string: undefined }, /address_string/],
      [{ address_string: '' }, /address_string/],
      [{ lat: '44.5' }, /^long：/],
      [{ lat: '99', long: '129' }, /^lat：/],
      [{ description: undefined }, /^description：/],
      [{ description: '长'.repeat(4001) }, /^description：/],
      [{ phone: '--' }, /^phone：/],
      [{ 'attribute[request_type]': undefined }, /^attribute\[request_type\]：/],
      [{ 'attribute[request_type]': 'gossip' }, /^attribute\[request_type\]：.*gossip/],
      [{ 'attribute[district]': 'XX' }, /^attribute\[district\]：/],
      [{ media_url: 'ftp://x' }, /^media_url：/],
    ];
    const before = await tableCounts(t.ctx);
    for (const [change, pattern] of cases) {
      const fields = Object.fromEntries(Object.entries({ ...base, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      assertSpecError(await call(t, 'POST', '/open311/v2/requests.json', form(fields)), 400, pattern);
    }
    assertSpecError(await call(t, 'POST', '/open311/v2/requests.xml', form({ ...base, service_code: 'NOPE' })), 400, /service_code/, 'xml');
    const badJson = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/json' }, payload: '{"api_key":' });
    assert.equal(badJson.statusCode, 400);
    assert.equal(JSON.parse(badJson.body)[0].code, 400);
    assertSpecError(await call(t, 'GET', '/open311/v2/requests.html'), 404, /json/);
    assertSpecError(await call(t, 'GET', '/open311/v2/nothing.json'), 404, /不存在/);
    assert.deepEqual(await tableCounts(t.ctx), before);
  });
});
