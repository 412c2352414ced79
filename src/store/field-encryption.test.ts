// Personal data at rest, through the HTTP API on every engine: tickets taken by every channel
// (intake, Open311, provincial transfer, portal, the demo loader, the history generator) leave no
// plaintext name, phone, ID number or address in the table; the console still shows them in full or
// masked by role; screen-pop history, the duplicate guard, requester history, portal tracking and the
// change feed still work; after a key rotation and a re-encryption every value is under the new key.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeEachEngine, intakeBody, startTestApp, storeLocation, type Client, type TestApp } from '../../test/support/app.ts';
import { bootstrap } from '../app/bootstrap.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { loadDemo } from '../demo/load.ts';
import { generateHistory } from '../scale/generate.ts';
import { looksSealed } from './field-crypto.ts';
import { readKeyFile, rotateKeyFile } from './field-keys.ts';
import { SEALED_TICKET_COLUMNS } from './field-crypto-plugin.ts';
import { keyCensus, reencryptFields, sealAllRows } from './field-reencrypt.ts';

// On PostgreSQL the key file lives in the data directory: keep this suite's out of ./data.
const dataDir = mkdtempSync(join(tmpdir(), 'hotline-fieldkeys-'));
process.env.HOTLINE_DATA_DIR = dataDir;
delete process.env.HOTLINE_FIELD_KEYS;
delete process.env.HOTLINE_LOOKUP_KEY;

const PERSON = { name: '欧阳明远', phone: '13712340001', idNumber: '230102199001011234', address: '东安区新安街道光华小区17号楼' };
const OPEN311 = { first_name: '建国', last_name: '司马', phone: '13712340002', address: '爱民区向阳街道和平里8号' };
const TRANSFER = { name: '诸葛文博', phone: '13712340003', address: '西安区先锋街道红旗小区2号楼' };
const PORTAL = { name: '上官秀英', phone: '13712340004', address: '阳明区前进街道幸福家园9号楼' };
const PLAINTEXTS = [PERSON.name, PERSON.phone, PERSON.idNumber, PERSON.address, OPEN311.phone, OPEN311.address, TRANSFER.name, TRANSFER.phone, TRANSFER.address, PORTAL.name, PORTAL.phone, PORTAL.address];

function solve(question: string): number {
  const m = /^(\d+) ([+−×]) (\d+) = \?$/.exec(question)!;
  const [a, b] = [Number(m[1]), Number(m[3])];
  return m[2] === '+' ? a + b : m[2] === '−' ? a - b : a * b;
}

after(() => rmSync(dataDir, { recursive: true, force: true }));

describeEachEngine('personal data at rest', (engine) => {
  let t: TestApp;
  let agent: Client;
  let admin: Client;
  const nos: Record<string, string> = {};
  let ctiKey: string;
  let open311Key: string;

  const inject = async (method: 'GET' | 'POST', url: string, payload?: object | string, headers: Record<string, string> = {}) => {
    const res = await t.app.inject({ method, url, headers: typeof payload === 'string' ? { 'content-type': 'application/x-www-form-urlencoded', ...headers } : headers, ...(payload === undefined ? {} : { payload }) });
    let body: any = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body };
  };
  const rawTickets = () => t.ctx.store.db.withoutPlugins().selectFrom('tickets').selectAll().orderBy('id').execute();

  before(async () => {
    t = await startTestApp(engine);
    agent = await t.as('agent1');
    admin = await t.as('admin');

    // The history generator and the demo loader write around the HTTP API: they must seal too.
    const options: Parameters<typeof generateHistory>[1] & { databaseUrl?: string } = { tickets: 12, months: 1, seed: 7, end: '2026-03-01T16:00:00.000Z' };
    if (engine === 'postgres') options.databaseUrl = await postgresUrl(t);
    const generated = await generateHistory(t.ctx, options);
    assert.equal(generated.tickets, 12);
    await loadDemo(t.ctx, { onlyIfEmpty: false, days: 1, ticketsPerDay: 3, seed: 3 });

    const intake = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: PERSON.name, phone: PERSON.phone, idNumber: PERSON.idNumber }, address: PERSON.address, dispatch: { leadUnitCode: 'ZJJ' } }));
    assert.equal(intake.status, 201, JSON.stringify(intake.body));
    nos.intake = intake.body.no;

    const w = await admin.post('/api/v1/apikeys', { name: '市政府网站', scopes: ['open311:read', 'open311:write'], ratePerMinute: 1000 });
    assert.equal(w.status, 201, JSON.stringify(w.body));
    open311Key = w.body.key;
    const form = new URLSearchParams({ api_key: w.body.key, service_code: 'ZFWY-WY', address_string: OPEN311.address, first_name: OPEN311.first_name, last_name: OPEN311.last_name, phone: OPEN311.phone, description: '楼道堆放杂物无人清理', 'attribute[request_type]': 'complaint', 'attribute[district]': 'AMQ' }).toString();
    const o311 = await inject('POST', '/open311/v2/requests.json', form);
    assert.equal(o311.status, 201, JSON.stringify(o311.body));
    nos.open311 = (await t.ctx.store.db.selectFrom('tickets').select('no').where('external_id', '=', o311.body[0].token).executeTakeFirstOrThrow()).no;

    const transferKey = (await createApiKey(t.ctx, null, { name: '黑龙江省12345平台', scopes: ['transfer:write'], ratePerMinute: 1000 })).key;
    const transfer = await inject('POST', '/api/v1/transfer/tickets', { externalId: 'HLJ-ENC-1', origin: 'provincial', type: 'complaint', categoryCode: 'ZFWY-WY', requester: { kind: 'person', name: TRANSFER.name, phone: TRANSFER.phone }, facts: '供暖不热，省平台转办', address: TRANSFER.address, districtCode: 'DAQ' }, { 'x-api-key': transferKey });
    assert.ok([200, 201].includes(transfer.status), JSON.stringify(transfer.body));
    nos.transfer = transfer.body.no;

    const captcha = await inject('GET', '/api/v1/public/portal/captcha');
    const portal = await inject('POST', '/api/v1/public/portal/requests', { type: 'complaint', categoryCode: 'ZFWY-WY', facts: '小区门口路灯坏了一个月', address: PORTAL.address, name: PORTAL.name, phone: PORTAL.phone, captcha: { token: captcha.body.token, answer: String(solve(captcha.body.question)) } });
    assert.equal(portal.status, 201, JSON.stringify(portal.body));
    nos.portal = portal.body.no;

    ctiKey = (await createApiKey(t.ctx, null, { name: '交换机', scopes: ['cti:events'], ratePerMinute: 10000 })).key;
  });
  after(() => t.close());

  it('stores no plaintext name, phone, ID number or address from any channel, and a lookup hash for every phone', async () => {
    const rows = await rawTickets();
    assert.ok(rows.length >= 12 + 3 + 4, `${rows.length} tickets`);
    const channels = new Set(rows.map((r) => r.channel));
    assert.ok(channels.size >= 3, [...channels].join());
    for (const row of rows) {
      for (const c of SEALED_TICKET_COLUMNS) assert.ok(row[c] === null || looksSealed(row[c]), `ticket ${row.no} ${c} is not sealed`);
      assert.ok(row.requester_phone !== null, `ticket ${row.no} has a phone`);
      assert.equal(row.requester_phone_hash, t.ctx.store.crypto.phoneLookupHash(t.ctx.store.crypto.open(row.requester_phone as string)));
    }
    const dump = JSON.stringify(rows);
    for (const p of PLAINTEXTS) assert.ok(!dump.includes(p), `plaintext ${p.slice(0, 3)}… stored`);
    // Through the store the same rows read in clear.
    const opened = await t.ctx.store.db.selectFrom('tickets').select(['no', 'requester_name', 'requester_phone', 'requester_id_no', 'address']).where('no', 'in', Object.values(nos)).execute();
    const byNo = new Map(opened.map((r) => [r.no, r]));
    assert.deepEqual(byNo.get(nos.intake!), { no: nos.intake, requester_name: PERSON.name, requester_phone: PERSON.phone, requester_id_no: PERSON.idNumber, address: PERSON.address });
    assert.equal(byNo.get(nos.open311!)!.requester_phone, OPEN311.phone);
    assert.equal(byNo.get(nos.open311!)!.address, OPEN311.address);
    assert.equal(byNo.get(nos.transfer!)!.requester_name, TRANSFER.name);
    assert.equal(byNo.get(nos.portal!)!.address, PORTAL.address);
  });

  it('the console shows the requester in full to the centre and masked to units; reveal_contact gives it in full', async () => {
    const full = await agent.get(`/api/v1/tickets/${nos.intake}`);
    assert.equal(full.status, 200);
    assert.deepEqual([full.body.requester.name, full.body.requester.phone, full.body.requester.idNumber, full.body.requester.masked], [PERSON.name, PERSON.phone, PERSON.idNumber, false]);
    assert.equal(full.body.address, PERSON.address);
    const staff = await t.as('zjj.staff');
    const masked = await staff.get(`/api/v1/tickets/${nos.intake}`);
    assert.equal(masked.status, 200, JSON.stringify(masked.body));
    assert.equal(masked.body.requester.masked, true);
    assert.equal(masked.body.requester.phone, '137****0001');
    assert.ok(!JSON.stringify(masked.body).includes(PERSON.phone));
    assert.ok(!JSON.stringify(masked.body).includes('enc:'));
    const revealed = await staff.act(nos.intake!, 'reveal_contact', { reason: '需要电话联系诉求人核实现场情况' });
    assert.equal(revealed.status, 200, JSON.stringify(revealed.body));
    assert.deepEqual(revealed.body.revealedContact, { name: PERSON.name, phone: PERSON.phone, idNumber: PERSON.idNumber });
    // The list's search still matches the facts and the number.
    const search = await agent.get(`/api/v1/tickets?q=${encodeURIComponent(nos.intake!)}`);
    assert.deepEqual(search.body.items.map((i: any) => i.no), [nos.intake]);
  });

  const lookups = async () => {
    // Screen-pop: the caller's earlier and open tickets, found through the keyed hash.
    const callId = `ENC-${Math.random().toString(36).slice(2, 8)}`;
    for (const ev of [
      { callId, seq: 1, type: 'offered', at: t.clock.now(), caller: PERSON.phone, queue: 'general' },
      { callId, seq: 2, type: 'answered', at: t.clock.now(), agent: 'agent1' },
    ]) {
      const r = await inject('POST', '/api/v1/cti/events', ev, { 'x-api-key': ctiKey });
      assert.ok(r.status < 300, JSON.stringify(r.body));
    }
    const me = await agent.get('/api/v1/seats/me');
    assert.equal(me.body.call.caller, PERSON.phone);
    assert.equal(me.body.call.history.earlierTickets, 1);
    assert.deepEqual(me.body.call.history.openTickets.map((x: any) => x.no), [nos.intake]);
    await inject('POST', '/api/v1/cti/events', { callId, seq: 3, type: 'ended', at: t.clock.now() }, { 'x-api-key': ctiKey });

    // 避免重复派单: the check, and the guard on a second intake of the same matter.
    const check = await agent.post('/api/v1/tickets/duplicate-check', { phone: PERSON.phone, facts: intakeBody().facts, categoryCode: 'ZFWY-WY', address: PERSON.address });
    assert.equal(check.status, 200, JSON.stringify(check.body));
    assert.deepEqual(check.body.candidates.map((c: any) => c.no), [nos.intake]);
    const again = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: PERSON.name, phone: PERSON.phone }, address: PERSON.address }));
    assert.equal(again.status, 409, JSON.stringify(again.body));

    const history = await agent.post('/api/v1/requesters/history', { phone: PERSON.phone });
    assert.deepEqual(history.body.items.map((i: any) => i.no), [nos.intake]);

    const track = await inject('POST', '/api/v1/public/portal/track', { no: nos.portal, phoneLast4: PORTAL.phone.slice(-4) });
    assert.equal(track.status, 200, JSON.stringify(track.body));
    assert.equal((await inject('POST', '/api/v1/public/portal/track', { no: nos.portal, phoneLast4: '0000' })).status, 404);
  };

  it('screen-pop history, the duplicate guard, requester history and portal tracking find the tickets', lookups);

  it('the change feed and Open311 carry masked or scrubbed values, never ciphertext', async () => {
    const feed = await admin.get('/api/v1/events?limit=500');
    assert.equal(feed.status, 200);
    const intakeEvent = feed.body.events.find((e: any) => e.ticket.no === nos.intake && e.action === 'intake');
    assert.equal(intakeEvent.ticket.requester.phone, '137****0001');
    assert.ok(!JSON.stringify(feed.body).includes('enc:'));
    const list = await inject('GET', `/open311/v2/requests.json?api_key=${encodeURIComponent(open311Key)}&service_request_id=${nos.intake}`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.ok(!JSON.stringify(list.body).includes('enc:'));
    // Open311 lists dispatched tickets: the intake ticket, its address in clear.
    assert.deepEqual(list.body.map((r: any) => r.address), [PERSON.address]);
  });

  it('the migration\'s pass seals rows written in plaintext before encryption, and fills their lookup hash', async () => {
    const raw = t.ctx.store.db.withoutPlugins();
    const id = (await raw.selectFrom('tickets').select('id').where('no', '=', nos.transfer!).executeTakeFirstOrThrow()).id;
    await raw.updateTable('tickets').set({ requester_name: TRANSFER.name, requester_phone: TRANSFER.phone, address: TRANSFER.address, requester_phone_hash: null }).where('id', '=', id).execute();
    const before = await keyCensus(t.ctx.store.db, t.ctx.store.crypto);
    assert.deepEqual([before.plaintext, before.badHash], [3, 1]);
    assert.equal(await sealAllRows(t.ctx.store.db, t.ctx.store.crypto, 'tickets', 4), 1);
    const after = await keyCensus(t.ctx.store.db, t.ctx.store.crypto);
    assert.deepEqual([after.plaintext, after.badHash], [0, 0]);
    const row = await raw.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.ok(looksSealed(row.requester_phone) && looksSealed(row.requester_name) && looksSealed(row.address));
    const view = await agent.get(`/api/v1/tickets/${nos.transfer}`);
    assert.deepEqual([view.body.requester.name, view.body.requester.phone, view.body.address], [TRANSFER.name, TRANSFER.phone, TRANSFER.address]);
  });

  it('after rotate and reencrypt (in batches, resumed) every value is under the new key and still reads', async () => {
    const source = t.ctx.store.keySource;
    assert.equal(source.kind, 'file');
    const path = (source as { path: string }).path;
    assert.equal(path, join(engine === 'sqlite' ? (await sqliteDir(t)) : dataDir, 'hotline.keys'));
    const before = await keyCensus(t.ctx.store.db, t.ctx.store.crypto);
    assert.deepEqual(Object.keys(before.byKey), ['1']);
    assert.equal(before.plaintext, 0);

    // A two-step login secret, sealed under the old key like the tickets.
    const totpUser = await t.ctx.store.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    await t.ctx.store.db.insertInto('user_totp').values({ user_id: totpUser.id, secret: t.ctx.store.crypto.seal('JBSWY3DPEHPK3PXP')!, created_at: t.clock.now(), enabled_at: t.clock.now(), last_step: null }).execute();

    const id = rotateKeyFile(path);
    assert.equal(id, '2');
    // What a restart does: the process takes the new keyring, the new key current.
    t.ctx.store.crypto.replaceKeys(readKeyFile(path));
    const first = await reencryptFields(t.ctx.store.db, t.ctx.store.crypto, { batchSize: 5, maxBatches: 2 });
    assert.deepEqual([first.done, first.scanned, first.resumedAfter], [false, 10, 0]);
    const rest = await reencryptFields(t.ctx.store.db, t.ctx.store.crypto, { batchSize: 5 });
    assert.equal(rest.done, true);
    assert.ok(rest.resumedAfter > 0, 'the second run resumes');
    assert.equal(first.rewritten + rest.rewritten, before.tickets);

    const census = await keyCensus(t.ctx.store.db, t.ctx.store.crypto);
    assert.deepEqual(Object.keys(census.byKey), ['2']);
    assert.deepEqual([census.plaintext, census.badHash, census.tickets], [0, 0, before.tickets]);
    for (const row of await rawTickets()) for (const c of SEALED_TICKET_COLUMNS) assert.ok(row[c] === null || (row[c] as string).startsWith('enc:v1:2:'), `${row.no} ${c}`);
    const totp = await t.ctx.store.db.withoutPlugins().selectFrom('user_totp').select('secret').where('user_id', '=', totpUser.id).executeTakeFirstOrThrow();
    assert.ok(totp.secret.startsWith('enc:v1:2:'), 'the TOTP secret is re-sealed under the new key');
    assert.equal(t.ctx.store.crypto.open(totp.secret), 'JBSWY3DPEHPK3PXP');
    const again = await reencryptFields(t.ctx.store.db, t.ctx.store.crypto, { batchSize: 5 });
    assert.deepEqual([again.rewritten, again.resumedAfter], [0, 0]);

    const full = await agent.get(`/api/v1/tickets/${nos.intake}`);
    assert.deepEqual([full.body.requester.name, full.body.requester.phone, full.body.address], [PERSON.name, PERSON.phone, PERSON.address]);
    await lookups();
  });

  it('refuses to start on keys that do not open the stored data, naming what to do', async () => {
    const target = engine === 'sqlite' ? { sqliteFile: await sqliteFile(t) } : { databaseUrl: await postgresUrl(t) };
    const other = (fill: number) => Buffer.alloc(32, fill).toString('base64');
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['other field keys', { HOTLINE_FIELD_KEYS: `2:${other(5)}`, HOTLINE_LOOKUP_KEY: other(6) }, /无法用现有密钥解密.*HOTLINE_FIELD_KEYS/],
      ['the right field keys and another lookup key', { HOTLINE_FIELD_KEYS: fieldKeysOf(t), HOTLINE_LOOKUP_KEY: other(6) }, /电话查找密钥与数据库不符/],
    ];
    for (const [name, env, message] of cases) {
      Object.assign(process.env, env);
      try {
        await assert.rejects(bootstrap(target), message, name);
      } finally {
        delete process.env.HOTLINE_FIELD_KEYS;
        delete process.env.HOTLINE_LOOKUP_KEY;
      }
    }
    // With the store's own keys given as variables it starts.
    Object.assign(process.env, { HOTLINE_FIELD_KEYS: fieldKeysOf(t), HOTLINE_LOOKUP_KEY: readKeyFile((t.ctx.store.keySource as { path: string }).path).lookupKey.toString('base64') });
    try {
      const ctx = await bootstrap(target);
      assert.equal(ctx.store.keySource.kind, 'env');
      const row = await ctx.store.db.selectFrom('tickets').select('requester_name').where('no', '=', nos.intake!).executeTakeFirstOrThrow();
      assert.equal(row.requester_name, PERSON.name);
      await ctx.store.close();
    } finally {
      delete process.env.HOTLINE_FIELD_KEYS;
      delete process.env.HOTLINE_LOOKUP_KEY;
    }
  });
});

/** The test store's key file as HOTLINE_FIELD_KEYS (current first). */
function fieldKeysOf(t: TestApp): string {
  const k = readKeyFile((t.ctx.store.keySource as { path: string }).path);
  return [k.current, ...[...k.keys.keys()].filter((id) => id !== k.current)].map((id) => `${id}:${k.keys.get(id)!.toString('base64')}`).join(',');
}

async function sqliteFile(t: TestApp): Promise<string> {
  return (await storeLocation(t)).sqliteFile!;
}

async function sqliteDir(t: TestApp): Promise<string> {
  return dirname(await sqliteFile(t));
}

async function postgresUrl(t: TestApp): Promise<string> {
  return (await storeLocation(t)).url!;
}
