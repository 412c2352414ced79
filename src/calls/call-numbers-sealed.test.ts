// Call handling's numbers at rest, through the HTTP API on every engine: after CTI ingestion, a
// restriction asked and approved, a missed call and an SMS opt-out, no number is stored in clear in
// calls, call_events, missed_calls, call_restrictions or sms_opt_outs, and each hash column holds
// the keyed hash of its number; restriction matching, the missed call closed when the caller gets
// through, the list filter by number and the opt-out still work, by any spelling; the views mask by
// role; rotate + reencrypt re-seals these tables too; the migration seals rows stored in clear.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { describeEachEngine, startTestApp, type Client, type TestApp } from '../../test/support/app.ts';
import { freshDatabase } from '../../test/support/databases.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { inTransaction, openStore } from '../store/db.ts';
import { auditKeyringOf } from '../store/audit-keys.ts';
import { looksSealed } from '../store/field-crypto.ts';
import { readKeyFile, rotateKeyFile } from '../store/field-keys.ts';
import { SEALED_TABLES } from '../store/field-crypto-plugin.ts';
import { keyCensus, reencryptFields } from '../store/field-reencrypt.ts';
import { migration as callsMigration } from '../store/migrations/2026-12-06-calls.ts';
import { migration as callNumbersSealedMigration } from '../store/migrations/2026-12-15-call-numbers-sealed.ts';
import { enqueue, type SmsMessage } from '../outbox/outbox.ts';
import { relayOnce } from '../outbox/relay.ts';
import type { SmsGateway } from '../outbox/sms-gateway.ts';

// On PostgreSQL the key file lives in the data directory: keep this suite's out of ./data.
const dataDir = mkdtempSync(join(tmpdir(), 'hotline-callkeys-'));
process.env.HOTLINE_DATA_DIR = dataDir;
delete process.env.HOTLINE_FIELD_KEYS;
delete process.env.HOTLINE_LOOKUP_KEY;
after(() => rmSync(dataDir, { recursive: true, force: true }));

const MONDAY_9AM = '2026-03-02T01:00:00.000Z';
const T = (s: number) => new Date(Date.parse(MONDAY_9AM) + s * 1000).toISOString();

/** Numbers of this suite, each given once with spaces or dashes somewhere. */
const MISSED = '13911110001';
const RESTRICTED = '13911110002';
const OPTED_OUT = '13911110003';
const ANSWERED = '13911110004';
const NUMBERS = [MISSED, RESTRICTED, OPTED_OUT, ANSWERED];
const CALL_TABLES = ['calls', 'call_events', 'missed_calls', 'call_restrictions', 'sms_opt_outs'] as const;
type CallTable = (typeof CALL_TABLES)[number];

describeEachEngine('call handling numbers at rest', (engine) => {
  let t: TestApp;
  let agent: Client;
  let lead: Client;
  let centre: Client;
  let authority: Client;
  let ctiKey: string;
  let restrictionId: number;

  const cti = async (body: unknown) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/cti/events', headers: { 'x-api-key': ctiKey }, payload: body as object });
    assert.ok(res.statusCode < 300, res.body);
    return JSON.parse(res.body);
  };
  const raw = (table: CallTable) => t.ctx.store.db.withoutPlugins().selectFrom(table).selectAll().orderBy('id').execute() as Promise<Array<Record<string, any>>>;
  const sealedColumns = (table: CallTable): readonly string[] => SEALED_TABLES[table].columns;

  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    agent = await t.as('agent1');
    lead = await t.as('lead1');
    centre = await t.as('centre1');
    authority = await t.as('authority1');
    ctiKey = (await createApiKey(t.ctx, null, { name: '交换机', scopes: ['cti:events'], ratePerMinute: 10000 })).key;

    // A call abandoned after 30 s: a missed call to call back.
    await cti({ events: [{ callId: 'S-1', seq: 1, type: 'offered', at: T(0), caller: '139 1111 0001', queue: 'general' }, { callId: 'S-1', seq: 2, type: 'abandoned', at: T(30) }] });
    // An answered call, upserted again by a later event of the same call.
    await cti({ events: [{ callId: 'S-2', seq: 1, type: 'offered', at: T(40), caller: ANSWERED }, { callId: 'S-2', seq: 2, type: 'answered', at: T(45), agent: 'agent1' }] });
    await cti({ callId: 'S-2', seq: 3, type: 'ended', at: T(100) });
    // A restriction asked by a team lead (with dashes) and approved by the centre.
    const req = await lead.post('/api/v1/restrictions', { phone: '139-1111-0002', reason: 'harassment', days: 7, note: '多次辱骂话务员' });
    assert.equal(req.status, 201, JSON.stringify(req.body));
    restrictionId = req.body.id;
    const ok = await centre.post(`/api/v1/restrictions/${restrictionId}/approve`, {});
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    // An SMS opt-out, spelt with the country code.
    const out = await centre.put('/api/v1/sms/opt-outs', { phone: '+86 139 1111 0003', optedOut: true, note: '本人要求' });
    assert.equal(out.status, 200, JSON.stringify(out.body));
  });
  after(() => t.close());

  const assertSealed = async (keyPrefix = 'enc:') => {
    const crypto = t.ctx.store.crypto;
    for (const table of CALL_TABLES) {
      const rows = await raw(table);
      assert.ok(rows.length > 0, `${table} has rows`);
      const dump = JSON.stringify(rows);
      for (const n of NUMBERS) assert.ok(!dump.includes(n), `${table} stores ${n.slice(0, 3)}… in clear`);
      const hash = SEALED_TABLES[table] as { hash?: { of: string; column: string } };
      for (const row of rows) {
        for (const c of sealedColumns(table)) assert.ok(row[c] === null || (looksSealed(row[c]) && row[c].startsWith(keyPrefix)), `${table} #${row.id} ${c} is not sealed under ${keyPrefix}`);
        if (hash.hash) {
          const plain = row[hash.hash.of] === null ? null : crypto.open(row[hash.hash.of]);
          assert.equal(row[hash.hash.column], crypto.phoneLookupHash(plain), `${table} #${row.id} ${hash.hash.column}`);
        }
      }
    }
  };

  it('stores no number in clear in any call-handling table, and the keyed hash of each number', async () => {
    await assertSealed();
    // Through the store the same rows read in clear.
    const calls = await t.ctx.store.db.selectFrom('calls').select(['switch_call_id', 'caller']).orderBy('id').execute();
    assert.deepEqual(calls.map((c) => [c.switch_call_id, c.caller]), [['S-1', MISSED], ['S-2', ANSWERED]]);
    const events = await t.ctx.store.db.selectFrom('call_events').select('payload').where('switch_call_id', '=', 'S-1').orderBy('seq').execute();
    assert.equal(JSON.parse(events[0]!.payload).caller, MISSED);
    const optOut = await t.ctx.store.db.selectFrom('sms_opt_outs').select('phone').executeTakeFirstOrThrow();
    assert.equal(optOut.phone, OPTED_OUT);
  });

  it('an upsert of a call keeps its caller sealed and its hash right, and a sealed column takes no SQL expression', async () => {
    const before = (await raw('calls')).find((r) => r.switch_call_id === 'S-2')!;
    await cti({ callId: 'S-2', seq: 4, type: 'recording', at: T(101), recordingUrl: 'https://rec.example/S-2.wav' });
    const after = (await raw('calls')).find((r) => r.switch_call_id === 'S-2')!;
    assert.equal(after.event_count, before.event_count + 1, 'the call was written again');
    assert.ok(looksSealed(after.caller));
    assert.equal(after.caller_hash, t.ctx.store.crypto.phoneLookupHash(ANSWERED));
    // A call whose offer (with the caller) arrives after its end: the upsert brings the number and its hash.
    await cti({ callId: 'S-9', seq: 2, type: 'ended', at: T(111) });
    assert.deepEqual([(await raw('calls')).find((r) => r.switch_call_id === 'S-9')!.caller_hash], [null]);
    await cti({ callId: 'S-9', seq: 1, type: 'offered', at: T(110), caller: '139-1111-0004' });
    const late = (await raw('calls')).find((r) => r.switch_call_id === 'S-9')!;
    assert.ok(looksSealed(late.caller));
    assert.equal(t.ctx.store.crypto.open(late.caller), ANSWERED);
    assert.equal(late.caller_hash, t.ctx.store.crypto.phoneLookupHash(ANSWERED));
    await assert.rejects(t.ctx.store.db.updateTable('calls').set({ caller: sql<string>`upper(caller)` }).execute(), /calls\.caller 只能写入普通值/);
  });

  it('an offer from a restricted number is refused, whatever the restriction was spelt with', async () => {
    t.clock.set(T(200));
    const blocked = await cti({ events: [{ callId: 'S-3', seq: 1, type: 'offered', at: T(200), caller: RESTRICTED }, { callId: 'S-3', seq: 2, type: 'ended', at: T(201) }] });
    assert.deepEqual(blocked.restrictions.map((r: any) => r.callId), ['S-3']);
    const row = await t.ctx.store.db.selectFrom('calls').select(['restricted', 'restriction_id', 'outcome']).where('switch_call_id', '=', 'S-3').executeTakeFirstOrThrow();
    assert.deepEqual([row.restricted, row.restriction_id, row.outcome], [1, restrictionId, 'restricted']);
    // The duplicate guard and the list filter find it by any spelling; another number finds nothing.
    const again = await lead.post('/api/v1/restrictions', { phone: '139 1111 0002', reason: 'harassment', days: 3 });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    for (const spelling of ['13911110002', '139-1111-0002', '139 1111 0002']) {
      const list = await centre.get(`/api/v1/restrictions?phone=${encodeURIComponent(spelling)}`);
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.deepEqual(list.body.items.map((i: any) => [i.id, i.phone]), [[restrictionId, RESTRICTED]], spelling);
    }
    assert.equal((await centre.get(`/api/v1/restrictions?phone=${MISSED}`)).body.total, 0);
  });

  it('a missed call waits for a call back and is closed when the caller gets through later', async () => {
    const open = await agent.get('/api/v1/missed-calls');
    assert.deepEqual(open.body.items.map((i: any) => i.caller), [MISSED]);
    await cti({ events: [{ callId: 'S-4', seq: 1, type: 'offered', at: T(300), caller: MISSED }, { callId: 'S-4', seq: 2, type: 'answered', at: T(305), agent: 'agent1' }] });
    assert.deepEqual((await agent.get('/api/v1/missed-calls')).body.items, []);
    const done = await agent.get('/api/v1/missed-calls?status=done');
    assert.deepEqual(done.body.items.map((i: any) => [i.caller, i.lastOutcome]), [[MISSED, 'called_again']]);
  });

  it('an opted-out number gets no SMS, by any spelling, until it opts back in', async () => {
    for (const spelling of ['13911110003', '139 1111 0003', '+8613911110003']) {
      const s = await centre.get(`/api/v1/sms/opt-outs/status?phone=${encodeURIComponent(spelling)}`);
      assert.equal(s.body.optedOut, true, spelling);
    }
    assert.equal((await centre.get(`/api/v1/sms/opt-outs/status?phone=${MISSED}`)).body.optedOut, false);
    const sent: SmsMessage[] = [];
    const recording: SmsGateway = { send: async (m) => void sent.push(m) };
    const send = (message: SmsMessage) => inTransaction(t.ctx.store.db, (tx) => enqueue(tx, 'sms', message, t.clock.now()));
    await send({ to: OPTED_OUT, template: 'callback_request', params: { ticketNo: 'MDJ1' } });
    await send({ to: MISSED, template: 'callback_request', params: { ticketNo: 'MDJ2' } });
    const r = await relayOnce(t.ctx, recording);
    assert.deepEqual([r.delivered, r.optedOut], [1, 1]);
    assert.deepEqual(sent.map((m) => m.to), [MISSED]);
    // Setting it again changes nothing; the list shows it masked.
    assert.equal((await centre.put('/api/v1/sms/opt-outs', { phone: OPTED_OUT, optedOut: true })).status, 200);
    const list = await centre.get('/api/v1/sms/opt-outs');
    assert.deepEqual(list.body.items.map((i: any) => i.phone), ['139****0003']);
    // Back in, and out again for the suites below.
    assert.equal((await centre.put('/api/v1/sms/opt-outs', { phone: '139-1111-0003', optedOut: false })).status, 200);
    assert.equal((await centre.get(`/api/v1/sms/opt-outs/status?phone=${OPTED_OUT}`)).body.optedOut, false);
    assert.equal((await raw('sms_opt_outs')).length, 0);
    assert.equal((await centre.put('/api/v1/sms/opt-outs', { phone: OPTED_OUT, optedOut: true })).status, 200);
  });

  it('the views show numbers in full to the centre\'s seats and masked to the authority, never ciphertext', async () => {
    const day = '2026-03-02';
    const full = await agent.get(`/api/v1/calls?day=${day}`);
    const masked = await authority.get(`/api/v1/calls?day=${day}`);
    assert.equal(full.status, 200, JSON.stringify(full.body));
    assert.equal(masked.status, 200, JSON.stringify(masked.body));
    const s1 = full.body.items.find((i: any) => i.caller === MISSED);
    assert.ok(s1, JSON.stringify(full.body.items));
    assert.ok(masked.body.items.some((i: any) => i.caller === '139****0001'), JSON.stringify(masked.body.items));
    const detailFull = await agent.get(`/api/v1/calls/${s1.id}`);
    const detailMasked = await authority.get(`/api/v1/calls/${s1.id}`);
    assert.equal(detailFull.body.events[0].caller, MISSED);
    assert.equal(detailMasked.body.events[0].caller, '139****0001');
    // The restriction list and the opt-out list are the centre's only: the authority is refused them.
    assert.equal((await authority.get('/api/v1/restrictions')).status, 403);
    assert.equal((await authority.get('/api/v1/sms/opt-outs')).status, 403);
    const restrictions = await centre.get('/api/v1/restrictions');
    assert.deepEqual(restrictions.body.items.map((i: any) => i.phone), [RESTRICTED]);
    for (const body of [full.body, masked.body, detailFull.body, detailMasked.body, restrictions.body]) {
      assert.ok(!JSON.stringify(body).includes('enc:'), 'ciphertext in a view');
    }
    for (const body of [masked.body, detailMasked.body]) {
      for (const n of NUMBERS) assert.ok(!JSON.stringify(body).includes(n), `the authority sees ${n.slice(0, 3)}…`);
    }
  });

  it('after rotate and reencrypt (in batches, resumed) every call-handling number is under the new key and still found', async () => {
    const path = (t.ctx.store.keySource as { path: string }).path;
    const before = await keyCensus(t.ctx.store.db, t.ctx.store.crypto);
    for (const table of CALL_TABLES) assert.deepEqual([Object.keys(before.tables[table].byKey), before.tables[table].plaintext, before.tables[table].badHash], [['1'], 0, 0], table);
    assert.equal(rotateKeyFile(path), '2');
    t.ctx.store.crypto.replaceKeys(readKeyFile(path));

    // Two rows a batch, one batch a run: every run goes on where the last one stopped, table after table.
    const runs: Array<Awaited<ReturnType<typeof reencryptFields>>> = [];
    for (let i = 0; i < 200; i++) {
      const r = await reencryptFields(t.ctx.store.db, t.ctx.store.crypto, { batchSize: 2, maxBatches: 1 });
      runs.push(r);
      if (r.done) break;
    }
    assert.equal(runs.at(-1)!.done, true);
    assert.ok(runs.length > CALL_TABLES.length, `${runs.length} runs`);
    assert.ok(runs.some((r) => r.resumedIn === 'call_events' && r.resumedAfter > 0), 'a run resumed inside call_events');
    const rewritten = Object.fromEntries(CALL_TABLES.map((table) => [table, runs.reduce((a, r) => a + r.tables[table].rewritten, 0)]));
    for (const table of CALL_TABLES) assert.equal(rewritten[table], before.tables[table].rows, `${table}: every row rewritten once`);

    await assertSealed('enc:v1:2:');
    const census = await keyCensus(t.ctx.store.db, t.ctx.store.crypto);
    assert.deepEqual(Object.keys(census.byKey), ['2']);
    assert.deepEqual([census.plaintext, census.badHash], [0, 0]);
    const again = await reencryptFields(t.ctx.store.db, t.ctx.store.crypto, { batchSize: 2 });
    assert.deepEqual([again.done, again.resumedAfter, ...CALL_TABLES.map((table) => again.tables[table].rewritten)], [true, 0, 0, 0, 0, 0, 0]);

    // The lookups still find the numbers.
    t.clock.set(T(400));
    const blocked = await cti({ callId: 'S-5', seq: 1, type: 'offered', at: T(400), caller: RESTRICTED });
    assert.deepEqual(blocked.restrictions.map((r: any) => r.callId), ['S-5']);
    assert.equal((await centre.get(`/api/v1/restrictions?phone=${RESTRICTED}`)).body.total, 1);
    assert.equal((await centre.get(`/api/v1/sms/opt-outs/status?phone=${OPTED_OUT}`)).body.optedOut, true);
    const missed = await agent.get('/api/v1/missed-calls?status=done');
    assert.deepEqual(missed.body.items.map((i: any) => i.caller), [MISSED]);
  });

  it('the migration seals the numbers stored in clear before it, moves the indexes to the hashes and keys the opt-outs by hash', async () => {
    const database = await freshDatabase(engine);
    const store = openStore({ url: database.url, sqliteFile: database.sqliteFile, dataDir: mkdtempSync(join(dataDir, 'migration-')) });
    try {
      const db = store.db as unknown as Kysely<any>;
      const plain = db.withoutPlugins();
      // The schema before: call handling's tables and the opt-out list keyed by the number.
      await db.schema.createTable('users').addColumn('id', 'integer', (c) => c.primaryKey()).execute();
      const ctx = { engine, fieldCrypto: () => store.crypto, auditKeys: () => auditKeyringOf(db) };
      await callsMigration(ctx).up(db);
      await db.schema.createTable('sms_opt_outs').addColumn('phone', 'text', (c) => c.primaryKey()).addColumn('note', 'text').addColumn('created_by', 'integer', (c) => c.references('users.id')).addColumn('created_at', engine === 'postgres' ? 'timestamptz' : 'text', (c) => c.notNull()).execute();
      await plain.insertInto('users').values({ id: 1 }).execute();
      const call = { switch_id: 1, queue: 'general', offered_at: T(0), status: 'ended', local_day: '2026-03-02', last_seq: 2, event_count: 2, updated_at: T(0) };
      await plain.insertInto('calls').values([{ ...call, switch_call_id: 'P-1', caller: MISSED }, { ...call, switch_call_id: 'P-2', caller: null }, { ...call, switch_call_id: 'P-3', caller: ANSWERED }]).execute();
      await plain.insertInto('call_events').values({ switch_id: 1, switch_call_id: 'P-1', seq: 1, type: 'offered', at: T(0), received_at: T(0), payload: JSON.stringify({ callId: 'P-1', seq: 1, type: 'offered', caller: MISSED }) }).execute();
      await plain.insertInto('missed_calls').values({ call_id: 1, caller: MISSED, queue: 'general', missed_at: T(30), status: 'open', attempts: 0, created_at: T(30) }).execute();
      await plain.insertInto('call_restrictions').values({ phone: RESTRICTED, reason: 'harassment', days: 7, status: 'active', requested_by: 1, requested_at: T(0), approved_at: T(1), expires_at: T(86400 * 7) }).execute();
      await plain.insertInto('sms_opt_outs').values([{ phone: OPTED_OUT, note: '本人要求', created_by: 1, created_at: T(0) }, { phone: ANSWERED, note: null, created_by: null, created_at: T(5) }]).execute();

      await callNumbersSealedMigration(ctx).up(db);

      const crypto = store.crypto;
      for (const table of CALL_TABLES) {
        const rows = (await plain.selectFrom(table).selectAll().orderBy('id').execute()) as Array<Record<string, any>>;
        const dump = JSON.stringify(rows);
        for (const n of NUMBERS) assert.ok(!dump.includes(n), `${table} keeps ${n.slice(0, 3)}… in clear`);
        const spec = SEALED_TABLES[table] as { columns: readonly string[]; hash?: { of: string; column: string } };
        for (const row of rows) {
          for (const c of spec.columns) assert.ok(row[c] === null || looksSealed(row[c]), `${table} ${c}`);
          if (spec.hash) assert.equal(row[spec.hash.column], crypto.phoneLookupHash(row[spec.hash.of] === null ? null : crypto.open(row[spec.hash.of])));
        }
      }
      const optOuts = await db.selectFrom('sms_opt_outs').select(['id', 'phone', 'note', 'created_by', 'created_at']).orderBy('id').execute();
      assert.deepEqual(optOuts.map((o) => [o.id, o.phone, o.note, o.created_by]), [[1, OPTED_OUT, '本人要求', 1], [2, ANSWERED, null, null]]);
      const payload = await db.selectFrom('call_events').select('payload').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(payload.payload).caller, MISSED);
      // One entry per number: a second row with the same hash is refused by the index.
      await assert.rejects(db.insertInto('sms_opt_outs').values({ phone: OPTED_OUT, note: null, created_by: null, created_at: T(9) }).execute());

      const indexes = engine === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(plain)).rows.map((r) => r.name)
        : (await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`.execute(plain)).rows.map((r) => r.name);
      for (const name of ['calls_caller_hash', 'missed_calls_caller_hash', 'call_restrictions_phone_hash', 'sms_opt_outs_phone_hash']) assert.ok(indexes.includes(name), name);
      for (const name of ['calls_caller', 'missed_calls_caller', 'call_restrictions_phone']) assert.ok(!indexes.includes(name), name);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
