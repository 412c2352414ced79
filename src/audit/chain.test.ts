// The audit log's hash chain and its append-only triggers, on every engine: an untouched chain
// verifies; an edited detail, a deleted event and two events swapped each make verify fail naming
// the first bad event; UPDATE and DELETE are refused; concurrent writers leave one gapless chain.
import { after, afterEach, before, beforeEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { describeEachEngine, intakeBody, startTestApp, type TestApp } from '../../test/support/app.ts';
import { inTransaction } from '../store/db.ts';
import { appendEvent, chainHash, chainHead, chainUnsealed, verifyChain, type ChainContent } from './chain.ts';

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
  const triggers = await sql<{ sql: string }>`select sql from sqlite_master where type = 'trigger' and tbl_name = 'events'`.execute(db);
  assert.equal(triggers.rows.length, 2);
  await sql`drop trigger events_no_update`.execute(db);
  await sql`drop trigger events_no_delete`.execute(db);
  try {
    await work();
  } finally {
    for (const r of triggers.rows) await sql.raw(r.sql).execute(db);
  }
}

let serial = 0;
/** An intake that no earlier one makes a duplicate of: its own phone and address. */
function freshIntake(): Record<string, unknown> {
  const n = serial++;
  return intakeBody({ requester: { kind: 'person', name: '李四', phone: `139${String(n).padStart(8, '0')}` }, address: `东安区新安街道光华小区${n}号楼`, facts: `楼道照明损坏第${n}处，晚上出行不便，请尽快维修` });
}

describeEachEngine('audit chain', (engine) => {
  let t: TestApp;
  let events: { id: number; chain_seq: number }[];

  before(async () => {
    t = await startTestApp(engine);
  });
  after(async () => t?.close());

  beforeEach(async () => {
    // A fresh stretch of chain for each case: three tickets through intake and dispatch, one signed.
    const agent = await t.as('agent1');
    const staff = await t.as('zjj.staff');
    for (let i = 0; i < 3; i++) {
      const res = await agent.post('/api/v1/tickets', freshIntake());
      assert.equal(res.status, 201, JSON.stringify(res.body));
      if (i === 1) assert.equal((await staff.act(res.body.no, 'sign')).status, 200);
    }
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    events = (await t.ctx.store.db.selectFrom('events').select(['id', 'chain_seq']).orderBy('chain_seq', 'desc').limit(6).execute()).reverse().map((r) => ({ id: Number(r.id), chain_seq: Number(r.chain_seq) }));
  });

  // Each case undoes its tampering afterwards, so the next one starts from a chain that verifies.
  let restore: (() => Promise<unknown>) | null = null;
  afterEach(async () => {
    if (restore) await tamper(t, restore);
    restore = null;
  });

  it('an untouched chain verifies, every event chained once, gapless, with its outcome', async () => {
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, true);
    const count = Number((await t.ctx.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    assert.equal(report.events, count);
    assert.ok(count >= 7);
    const head = await chainHead(t.ctx.store.db);
    assert.deepEqual(report.head, head);
    // PostgreSQL chains a transaction's events inside its commit: nothing stays pending after it.
    if (engine === 'postgres') assert.equal(Number((await sql<{ n: number }>`select count(*) as n from audit_pending`.execute(t.ctx.store.db)).rows[0]!.n), 0);
    assert.equal(head!.seq, count);
    const outcomes = await t.ctx.store.db.selectFrom('events').select('outcome').distinct().execute();
    assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ['success'].concat(outcomes.some((o) => o.outcome === 'failure') ? ['failure'] : []).sort());
  });

  it('editing one event’s detail fails verify at that event', async () => {
    const victim = events[2]!;
    const old = await t.ctx.store.db.selectFrom('events').select('detail').where('id', '=', victim.id).executeTakeFirstOrThrow();
    await tamper(t, () => t.ctx.store.db.updateTable('events').set({ detail: '{"lead":"SCJGJ"}' }).where('id', '=', victim.id).execute());
    restore = async () => {
      await t.ctx.store.db.updateTable('events').set({ detail: old.detail }).where('id', '=', victim.id).execute();
    };
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, false);
    assert.equal(report.firstBad!.problem, 'edited');
    assert.equal(report.firstBad!.eventId, victim.id);
    assert.equal(report.firstBad!.seq, victim.chain_seq);
    assert.match(report.firstBad!.message, new RegExp(`#${victim.id}.*已被修改`));
  });

  it('deleting one event fails verify at the gap, naming the missing position', async () => {
    const victim = events[3]!;
    const row = await t.ctx.store.db.selectFrom('events').selectAll().where('id', '=', victim.id).executeTakeFirstOrThrow();
    await tamper(t, () => t.ctx.store.db.deleteFrom('events').where('id', '=', victim.id).execute());
    restore = async () => {
      await t.ctx.store.db.insertInto('events').values(row as any).execute();
    };
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, false);
    assert.equal(report.firstBad!.problem, 'deleted');
    assert.equal(report.firstBad!.seq, victim.chain_seq);
    assert.equal(report.firstBad!.eventId, events[4]!.id);
    assert.match(report.firstBad!.message, new RegExp(`第 ${victim.chain_seq} 条.*已被删除`));
  });

  it('swapping two events’ places in the chain fails verify at the first moved one', async () => {
    const [a, b] = [events[1]!, events[2]!];
    const place = async (first: number, second: number, firstSeq: number, secondSeq: number) => {
      await t.ctx.store.db.updateTable('events').set({ chain_seq: -1 }).where('id', '=', first).execute();
      await t.ctx.store.db.updateTable('events').set({ chain_seq: secondSeq }).where('id', '=', second).execute();
      await t.ctx.store.db.updateTable('events').set({ chain_seq: firstSeq }).where('id', '=', first).execute();
    };
    await tamper(t, () => place(a.id, b.id, b.chain_seq, a.chain_seq));
    restore = () => place(b.id, a.id, b.chain_seq, a.chain_seq);
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, false);
    assert.equal(report.firstBad!.problem, 'reordered');
    assert.equal(report.firstBad!.seq, a.chain_seq);
    assert.equal(report.firstBad!.eventId, b.id);
  });

  it('swapping two rows’ contents fails verify at the first of them', async () => {
    const [a, b] = [events[0]!, events[4]!];
    const cols = ['ticket_id', 'at', 'user_id', 'role', 'unit_id', 'action', 'from_status', 'to_status', 'detail', 'article_id', 'outcome', 'prev_hash', 'hash'] as const;
    const rowA = await t.ctx.store.db.selectFrom('events').select(cols).where('id', '=', a.id).executeTakeFirstOrThrow();
    const rowB = await t.ctx.store.db.selectFrom('events').select(cols).where('id', '=', b.id).executeTakeFirstOrThrow();
    await tamper(t, async () => {
      await t.ctx.store.db.updateTable('events').set(rowB).where('id', '=', a.id).execute();
      await t.ctx.store.db.updateTable('events').set(rowA).where('id', '=', b.id).execute();
    });
    restore = async () => {
      await t.ctx.store.db.updateTable('events').set(rowA).where('id', '=', a.id).execute();
      await t.ctx.store.db.updateTable('events').set(rowB).where('id', '=', b.id).execute();
    };
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, false);
    assert.equal(report.firstBad!.seq, a.chain_seq);
    assert.equal(report.firstBad!.eventId, a.id);
  });

  it('events written before the chain existed are found, and chained in id order as the migration does', async () => {
    const db = t.ctx.store.db;
    const head = (await chainHead(db))!;
    // An event as the table held them before the migration: no chain columns.
    const id = head.eventId + 1000;
    await db.insertInto('events').values({ id, ticket_id: null, at: '2026-03-02T01:00:00.000Z', user_id: null, role: 'admin', unit_id: null, action: 'legacy_event', from_status: null, to_status: null, detail: '{"legacy":true}', article_id: null }).execute();
    const report = await verifyChain(db);
    assert.equal(report.ok, false);
    assert.equal(report.firstBad!.problem, 'unchained');
    assert.equal(report.firstBad!.eventId, id);
    // The migration chains such events before it creates the triggers.
    await tamper(t, () => chainUnsealed(db));
    const after = await verifyChain(db);
    assert.equal(after.ok, true, JSON.stringify(after.firstBad));
    assert.deepEqual(after.head, { seq: head.seq + 1, eventId: id, hash: after.head!.hash });
  });

  it('the triggers refuse UPDATE and DELETE on the audit table', async () => {
    const victim = events[1]!;
    const db = t.ctx.store.db;
    await assert.rejects(db.updateTable('events').set({ detail: '{}' }).where('id', '=', victim.id).execute(), /审计日志只可追加/);
    await assert.rejects(db.updateTable('events').set({ hash: 'f'.repeat(64) }).where('id', '=', victim.id).execute(), /审计日志只可追加/);
    await assert.rejects(db.deleteFrom('events').where('id', '=', victim.id).execute(), /审计日志只可追加/);
    if (engine === 'postgres') await assert.rejects(sql`truncate events`.execute(db), /审计日志只可追加/);
    assert.equal((await verifyChain(db)).ok, true);
  });

  it('events of any text and shape are hashed alike by the writer and by verify', async () => {
    // On PostgreSQL the hash is computed by the append function in SQL, verify recomputes it here:
    // the two must agree on every byte, whatever the detail holds.
    const details = [
      JSON.stringify({ note: '引号"反斜杠\\ 制表\t 换行\n 零宽\u200b 行分隔\u2028 表情😀 ǅ Ω' }),
      JSON.stringify({ html: '<script>alert(1)</script>', sql: "'; drop table events; --" }),
      null,
    ];
    await inTransaction(t.ctx.store.db, async (tx) => {
      for (const [i, detail] of details.entries()) {
        await appendEvent(tx, { at: `2026-11-2${i}T0${i}:00:00.123Z`, user_id: i ? null : 1, role: i === 1 ? null : 'admin', unit_id: null, ticket_id: null, article_id: null, action: 'text_probe', from_status: null, to_status: null, detail, outcome: i === 2 ? 'failure' : 'success' });
      }
    });
    const stored = await t.ctx.store.db.selectFrom('events').selectAll().where('action', '=', 'text_probe').orderBy('chain_seq').execute();
    assert.deepEqual(stored.map((e) => e.detail), details);
    assert.deepEqual(stored.map((e) => Number(e.chain_seq)), [1, 2, 3].map((k) => Number(stored[0]!.chain_seq) + k - 1));
    for (const e of stored) assert.equal(chainHash(e.prev_hash!, { ...e, id: Number(e.id) } as ChainContent, t.ctx.store.auditKeys, e.chain_key!), e.hash);
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    assert.equal(report.head!.eventId, Number(stored[2]!.id));
  });

  it('concurrent writers leave one gapless chain that verifies', async () => {
    const agent = await t.as('agent1');
    const staff = await t.as('zjj.staff');
    const made = await Promise.all(
      Array.from({ length: 16 }, () => agent.post('/api/v1/tickets', freshIntake())),
    );
    assert.ok(made.every((r) => r.status === 201));
    const signed = await Promise.all(made.map((r) => staff.act(r.body.no, 'sign')));
    assert.ok(signed.every((r) => r.status === 200));
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    const seqs = await t.ctx.store.db.selectFrom('events').select('chain_seq').orderBy('chain_seq').execute();
    assert.deepEqual(seqs.map((s) => Number(s.chain_seq)), seqs.map((_, i) => i + 1));
  });
});
