// The keyed audit chain, on every engine, tried as someone with write access to the database but
// not the key would: an edited event with every later hash recomputed as unkeyed SHA-256 (what the
// chain was before) fails verify; deleting the newest events passes a plain verify but fails against
// a head recorded elsewhere; a rotated key keeps every event verifying under its own key id; an
// unkeyed chain of an older store verifies again after the migration's re-chaining; the head is
// published to the outbox once per new head.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { describeEachEngine, intakeBody, startTestApp, storeLocation, type TestApp } from '../../test/support/app.ts';
import { inTransaction, openStore, type Db } from '../store/db.ts';
import { rotateKeys } from '../store/field-keys.ts';
import { appendEvent, canonical, chainHead, rechainUnderKey, verifyChain, GENESIS, type ChainContent } from './chain.ts';
import { sha256Link } from '../store/audit-keys.ts';
import { AUDIT_HEAD_TOPIC, publishChainHead } from '../outbox/audit-head-job.ts';

/** Runs `work` with the append-only triggers off, as an owner tampering by hand would. */
async function tamper(t: TestApp, work: () => Promise<unknown>): Promise<void> {
  const db = t.ctx.store.db;
  if (t.engine === 'postgres') {
    await sql`alter table events disable trigger user`.execute(db);
    try {
      await work();
    } finally {
      await sql`alter table events enable trigger user`.execute(db);
    }
    return;
  }
  const triggers = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'events'`.execute(db);
  for (const r of triggers.rows) await sql`drop trigger ${sql.id(r.name)}`.execute(db);
  try {
    await work();
  } finally {
    for (const r of triggers.rows) await sql.raw(r.sql).execute(db);
  }
}

type Row = ChainContent & { chain_seq: number; prev_hash: string | null; hash: string | null; chain_key: string | null };

async function rows(db: Db): Promise<Row[]> {
  return (await db.selectFrom('events').selectAll().orderBy('chain_seq').execute()).map((r) => ({ ...r, id: Number(r.id), chain_seq: Number(r.chain_seq) }) as Row);
}

/** Rewrites every event from position `from` on with unkeyed SHA-256 links, as an attacker without the key can. */
async function recomputeUnkeyed(db: Db, from: number, options: { dropKeyId: boolean }): Promise<void> {
  const all = await rows(db);
  let prev = all.find((r) => r.chain_seq === from - 1)?.hash ?? GENESIS;
  for (const r of all.filter((e) => e.chain_seq >= from)) {
    const hash = sha256Link(prev, canonical(r));
    await db.updateTable('events').set({ prev_hash: prev, hash, ...(options.dropKeyId ? { chain_key: null } : {}) }).where('id', '=', r.id).execute();
    prev = hash;
  }
}

let serial = 0;
async function someTickets(t: TestApp, n: number): Promise<void> {
  const agent = await t.as('agent1');
  for (let i = 0; i < n; i++) {
    const k = serial++;
    const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '王五', phone: `137${String(k).padStart(8, '0')}` }, address: `西安区${k}号`, facts: `第${k}号楼门口积水严重，行人无法通过，请尽快处理` }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
}

describeEachEngine('keyed audit chain', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
    await someTickets(t, 3);
  });
  after(async () => t?.close());

  it('every event is chained under a key id, with an HMAC that PostgreSQL and Node agree on', async () => {
    const all = await rows(t.ctx.store.db);
    assert.ok(all.length >= 3);
    for (const r of all) {
      assert.equal(r.chain_key, t.ctx.store.auditKeys.currentKeyId);
      assert.equal(t.ctx.store.auditKeys.mac(r.chain_key!, r.prev_hash!, canonical(r)), r.hash);
      assert.notEqual(sha256Link(r.prev_hash!, canonical(r)), r.hash, 'an unkeyed SHA-256 link');
    }
    assert.equal((await verifyChain(t.ctx.store.db)).ok, true);
  });

  for (const dropKeyId of [false, true]) {
    it(`an edited event with every later hash recomputed as unkeyed SHA-256${dropKeyId ? ' and the key ids removed' : ''} fails verify`, async () => {
      const db = t.ctx.store.db;
      const before = await rows(db);
      const victim = before[1]!;
      await tamper(t, async () => {
        await db.updateTable('events').set({ detail: '{"tampered":true}' }).where('id', '=', victim.id).execute();
        await recomputeUnkeyed(db, victim.chain_seq, { dropKeyId });
      });
      try {
        const report = await verifyChain(db);
        assert.equal(report.ok, false);
        assert.equal(report.firstBad!.seq, victim.chain_seq);
        assert.equal(report.firstBad!.problem, dropKeyId ? 'unkeyed' : 'edited');
      } finally {
        await tamper(t, async () => {
          for (const r of before) await db.updateTable('events').set({ detail: r.detail, prev_hash: r.prev_hash, hash: r.hash, chain_key: r.chain_key }).where('id', '=', r.id).execute();
        });
      }
      assert.equal((await verifyChain(db)).ok, true);
    });
  }

  it('deleting the newest events passes a plain verify but not one against the head recorded elsewhere', async () => {
    const db = t.ctx.store.db;
    const head = (await chainHead(db))!;
    assert.equal((await verifyChain(db, { expectHead: head })).ok, true);
    const before = await db.selectFrom('events').selectAll().where('chain_seq', '>', head.seq - 2).execute();
    await tamper(t, () => db.deleteFrom('events').where('chain_seq', '>', head.seq - 2).execute());
    try {
      assert.equal((await verifyChain(db)).ok, true, 'a shortened chain is still a chain');
      const report = await verifyChain(db, { expectHead: head });
      assert.equal(report.ok, false);
      assert.equal(report.firstBad!.problem, 'head');
      assert.match(report.firstBad!.message, new RegExp(`只到第 ${head.seq - 2} 条.*第 ${head.seq} 条`));
      // An earlier position with another hash: the chain was rewritten.
      const wrong = await verifyChain(db, { expectHead: { seq: head.seq - 2, hash: 'a'.repeat(64) } });
      assert.equal(wrong.firstBad!.problem, 'head');
      assert.match(wrong.firstBad!.message, /不符/);
    } finally {
      await tamper(t, () => db.insertInto('events').values(before as never).execute());
    }
    assert.equal((await verifyChain(db, { expectHead: head })).ok, true);
  });

  it('after a key rotation new events are chained under the new key and the whole chain still verifies', async () => {
    const source = t.ctx.store.keySource;
    assert.equal(source.kind, 'file');
    const path = (source as { path: string }).path;
    const oldKey = t.ctx.store.auditKeys.currentKeyId;
    const { audit: newKey } = rotateKeys(path);
    assert.notEqual(newKey, oldKey);
    // A process started after the rotation (the restarted server, a CLI) chains under the new key.
    const where = await storeLocation(t);
    const later = openStore({ url: where.url, sqliteFile: where.sqliteFile, dataDir: dirname(path) });
    try {
      assert.equal(later.auditKeys.currentKeyId, newKey);
      await inTransaction(later.db, (tx) => appendEvent(tx, { at: t.clock.now(), user_id: null, role: 'admin', unit_id: null, ticket_id: null, article_id: null, action: 'key_probe', from_status: null, to_status: null, detail: null, outcome: 'success' }));
      const keyIds = new Set((await rows(later.db)).map((r) => r.chain_key));
      assert.deepEqual([...keyIds].sort(), [oldKey, newKey].sort());
      assert.equal((await verifyChain(later.db)).ok, true);
    } finally {
      await later.close();
    }
    // The running one meets the new key id in the chain and re-reads the key file.
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    await someTickets(t, 1);
    assert.equal((await verifyChain(t.ctx.store.db)).ok, true);
  });

  it('an unkeyed chain (a store from before the key) verifies again once the migration re-chains it', async () => {
    const db = t.ctx.store.db;
    await tamper(t, () => recomputeUnkeyed(db, 1, { dropKeyId: true }));
    const legacyHead = (await chainHead(db))!;
    const refused = await verifyChain(db);
    assert.equal(refused.firstBad!.problem, 'unkeyed');
    let result: Awaited<ReturnType<typeof rechainUnderKey>> | undefined;
    await tamper(t, async () => {
      result = await rechainUnderKey(db, engine);
    });
    assert.equal(result!.legacyVerified, true);
    assert.deepEqual(result!.legacyHead, legacyHead);
    const report = await verifyChain(db);
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    assert.equal(report.head!.seq, legacyHead.seq);
    assert.notEqual(report.head!.hash, legacyHead.hash);
  });

  it('the head is published to the outbox (audit.head) once per new head', async () => {
    const db = t.ctx.store.db;
    const lines: string[] = [];
    const first = await publishChainHead(t.ctx, null, (line) => lines.push(line));
    const head = (await chainHead(db))!;
    assert.deepEqual([first!.seq, first!.hash, first!.expectHead], [head.seq, head.hash, `${head.seq}:${head.hash}`]);
    assert.equal(await publishChainHead(t.ctx, first, (line) => lines.push(line)), null);
    await someTickets(t, 1);
    const second = await publishChainHead(t.ctx, first, (line) => lines.push(line));
    assert.ok(second!.seq > first!.seq);
    const outbox = await db.selectFrom('outbox').select(['payload', 'ordering_key']).where('topic', '=', AUDIT_HEAD_TOPIC).orderBy('id').execute();
    assert.deepEqual(outbox.map((o) => JSON.parse(o.payload).hash), [first!.hash, second!.hash]);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, new RegExp(`第 ${second!.seq} 条.*${second!.hash}`));
    assert.equal((await verifyChain(db, { expectHead: second! })).ok, true);
  });
});

