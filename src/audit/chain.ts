// The audit log's hash chain. Every event stores `hash` = SHA-256 of the previous event's hash and
// the event's canonical content (its id, time, user, role, unit, ticket, article, action, states,
// detail and outcome), `prev_hash`, and its position `chain_seq` (1, 2, 3, … without gaps). Editing
// an event breaks its own hash; deleting one leaves a gap in `chain_seq` and a `prev_hash` that
// points to nothing; moving one breaks the link to the event before it. Triggers make the table
// append-only (migration-audit-chain.ts); this chain shows whatever a trigger could not stop (an
// owner who disabled it, a file edited by hand). After 6 months a prefix of the chain may be moved
// to a file (./archive.ts): the online chain then starts after it, from the last archived hash that
// `audit_archives` records (./archive-records.ts).
//
// Where the chain is extended:
// - SQLite: writers are serialized (one connection, one transaction at a time), so an event is
//   chained as it is inserted: the head is the last row, the new row gets id and position after it.
// - PostgreSQL: the events a transaction writes are kept aside and inserted, chained, just before
//   it commits: `beforeCommit` (src/store/db.ts) writes them, each with its canonical content, as
//   one row of `audit_pending`, and a deferred trigger on that table chains them inside the COMMIT
//   (src/store/migration-audit-chain-at-commit.ts): it takes an advisory transaction lock, reads
//   the head, draws the ids and inserts (audit_chain_append). The lock is the last lock the
//   transaction takes and is held only within the server's commit, so it never waits while holding
//   it (no deadlock with row locks), and no round trip to this process happens under it: a busy
//   event loop cannot keep every other writer waiting. Chain order is commit order; `chain_seq`
//   numbers it. (A transaction does not read back its own events; the use-cases never do.)
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../store/db.ts';
import { beforeCommit, isManagedTransaction } from '../store/db.ts';
import { chainAnchor } from './archive-records.ts';

export const GENESIS = '0'.repeat(64);

/** The columns of an event that its hash covers. */
export interface ChainContent {
  id: number;
  at: string;
  user_id: number | null;
  role: string | null;
  unit_id: number | null;
  ticket_id: number | null;
  article_id: number | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  detail: string | null;
  outcome: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
/** Instants as the engines give them back (PostgreSQL normalizes to UTC milliseconds). */
function instant(v: unknown): string {
  const s = v instanceof Date ? v.toISOString() : String(v);
  const t = Date.parse(s);
  return Number.isNaN(t) ? s : new Date(t).toISOString();
}

export function canonical(e: ChainContent): string {
  return `[1,${JSON.stringify(num(e.id))},${canonicalTail(e)}`;
}

/**
 * The canonical content after its id: `[1,<id>,` + this is what the hash covers. PostgreSQL's
 * append function (src/store/migration-audit-chain-append.ts) draws the id and completes it.
 */
function canonicalTail(e: EventValues): string {
  return JSON.stringify([
    instant(e.at),
    num(e.user_id),
    e.role ?? null,
    num(e.unit_id),
    num(e.ticket_id),
    num(e.article_id),
    e.action,
    e.from_status ?? null,
    e.to_status ?? null,
    e.detail ?? null,
    e.outcome,
  ]).slice(1);
}

export function chainHash(prevHash: string, e: ChainContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical(e)).digest('hex');
}

export type EventValues = Omit<ChainContent, 'id'>;

const pending = new WeakMap<Tx, EventValues[]>();

async function isPostgres(db: Db | Tx): Promise<boolean> {
  return db.getExecutor().adapter.constructor.name.startsWith('Postgres');
}

/** Inserts one audit event and links it into the chain (now on SQLite, at commit on PostgreSQL). */
export async function appendEvent(tx: Tx, values: EventValues): Promise<void> {
  if (!(await isPostgres(tx))) {
    const head = await tx.selectFrom('events').select(['id', 'chain_seq', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
    const id = Number(head?.id ?? 0) + 1;
    const prev = head?.hash ?? GENESIS;
    const seq = Number(head?.chain_seq ?? 0) + 1;
    await tx
      .insertInto('events')
      .values({ ...values, id, chain_seq: seq, prev_hash: prev, hash: chainHash(prev, { ...values, id }) })
      .execute();
    return;
  }
  const mine = pending.get(tx);
  if (mine) {
    mine.push(values);
    return;
  }
  if (isManagedTransaction(tx)) {
    pending.set(tx, [values]);
    beforeCommit(tx, () => insertPending(tx));
    return;
  }
  // A transaction opened outside inTransaction: chain at once.
  await insertChained(tx, [values]);
}

async function insertPending(tx: Tx): Promise<void> {
  const values = pending.get(tx) ?? [];
  pending.delete(tx);
  if (values.length) await insertChained(tx, values);
}

/**
 * PostgreSQL: hands this transaction's events to the chain, which appends them at its commit: under
 * the chain's lock the server draws their ids (so on both engines the chain runs in id order) and
 * hashes each event's canonical content, prepared here, after the previous hash. The events reach
 * the table only then, already chained (no UPDATE ever touches the table).
 */
async function insertChained(tx: Tx, list: EventValues[]): Promise<void> {
  const batch = list.map((row) => ({ row, tail: canonicalTail(row) }));
  await tx.insertInto('audit_pending').values({ batch: JSON.stringify(batch) }).execute();
}

/** Chains every event not yet chained, in id order (the migration, for the events written before it). */
export async function chainUnsealed(db: Db | Tx): Promise<number> {
  const head = await db.selectFrom('events').select(['chain_seq', 'hash']).where('chain_seq', 'is not', null).orderBy('chain_seq', 'desc').limit(1).executeTakeFirst();
  let prev = head?.hash ?? GENESIS;
  let seq = Number(head?.chain_seq ?? 0);
  let after = 0;
  let total = 0;
  const postgres = await isPostgres(db);
  for (;;) {
    const rows = await db.selectFrom('events').selectAll().where('chain_seq', 'is', null).where('id', '>', after).orderBy('id').limit(2000).execute();
    if (!rows.length) return total;
    const sealed = rows.map((r) => {
      const hash = chainHash(prev, { ...r, id: Number(r.id) } as ChainContent);
      const s = { id: Number(r.id), seq: ++seq, prev, hash };
      prev = hash;
      return s;
    });
    if (postgres) {
      const values = sql.join(sealed.map((s) => sql`(${s.id}::bigint, ${s.seq}::bigint, ${s.prev}, ${s.hash})`));
      await sql`update events as e set chain_seq = v.seq, prev_hash = v.prev, hash = v.hash
                from (values ${values}) as v(id, seq, prev, hash) where e.id = v.id`.execute(db);
    } else {
      for (const s of sealed) await db.updateTable('events').set({ chain_seq: s.seq, prev_hash: s.prev, hash: s.hash }).where('id', '=', s.id).execute();
    }
    after = sealed[sealed.length - 1]!.id;
    total += sealed.length;
  }
}

export type ChainProblem = 'edited' | 'deleted' | 'reordered' | 'unchained' | 'archive';

export interface ChainReport {
  ok: boolean;
  /** Online events checked. */
  events: number;
  head: { seq: number; eventId: number; hash: string } | null;
  /** The archived prefix the online chain continues from (./archive.ts), or null. */
  archived: { archives: number; events: number; lastSeq: number; lastHash: string; before: string } | null;
  /** The first bad event: its id and position, what is wrong, in Chinese. */
  firstBad: { eventId: number | null; seq: number | null; problem: ChainProblem; message: string } | null;
}

/**
 * Walks the online chain in order and stops at the first event that does not verify. With archives
 * it starts after the last archived event, from its hash as recorded in `audit_archives`: an online
 * chain that starts later than that is missing events. While an archive's deletion is still under
 * way (./archive.ts deletes in batches) the chain starts inside the archived range: its first link
 * cannot be checked, but the archived event's recorded hash must come out where the walk meets it.
 */
export async function verifyChain(db: Db | Tx): Promise<ChainReport> {
  let checked = 0;
  let head: ChainReport['head'] = null;
  const { anchor, problem } = await chainAnchor(db);
  const archived = anchor ? { archives: anchor.archives, events: anchor.events, lastSeq: anchor.seq, lastHash: anchor.hash, before: anchor.before } : null;
  const bad = (eventId: number | null, seq: number | null, problem: ChainProblem, message: string): ChainReport => ({
    ok: false,
    events: checked,
    head,
    archived,
    firstBad: { eventId, seq, problem, message },
  });
  if (problem) return bad(null, null, 'archive', problem);
  const first = await db.selectFrom('events').select('chain_seq').where('chain_seq', 'is not', null).orderBy('chain_seq').limit(1).executeTakeFirst();
  const firstSeq = first ? Number(first.chain_seq) : null;
  // Null while the first online event's link cannot be checked (its predecessor is in the archive).
  let prev: string | null = anchor?.hash ?? GENESIS;
  let expected = (anchor?.seq ?? 0) + 1;
  const deleting = anchor !== null && firstSeq !== null && firstSeq <= anchor.seq;
  if (deleting) {
    prev = null;
    expected = firstSeq;
  }
  const unchained = await db.selectFrom('events').select('id').where('chain_seq', 'is', null).orderBy('id').limit(1).executeTakeFirst();
  for (;;) {
    const rows = await db.selectFrom('events').selectAll().where('chain_seq', '>=', expected).orderBy('chain_seq').limit(5000).execute();
    for (const r of rows) {
      const id = Number(r.id);
      const seq = Number(r.chain_seq);
      if (seq !== expected) {
        const missing = seq - expected === 1 ? `第 ${expected} 条` : `第 ${expected}–${seq - 1} 条`;
        const where = anchor && expected === anchor.seq + 1 ? '（也不在归档中）' : '';
        return bad(id, expected, 'deleted', `审计链在事件 #${id}（第 ${seq} 条）之前缺少${missing}${where}：事件已被删除`);
      }
      if (chainHash(r.prev_hash ?? '', { ...r, id } as ChainContent) !== r.hash) {
        return bad(id, seq, 'edited', `事件 #${id}（第 ${seq} 条）的内容与其哈希不符：事件已被修改`);
      }
      if (prev !== null && r.prev_hash !== prev) {
        return bad(id, seq, 'reordered', `事件 #${id}（第 ${seq} 条）与前一条事件不相连：事件顺序已被改动或前一条已被删除`);
      }
      if (deleting && seq === anchor.seq && r.hash !== anchor.hash) {
        return bad(id, seq, 'archive', `事件 #${id}（第 ${seq} 条）的哈希与归档记录不符：已归档的事件在库内被改动`);
      }
      prev = r.hash!;
      head = { seq, eventId: id, hash: r.hash! };
      expected++;
      checked++;
    }
    if (rows.length < 5000) break;
  }
  if (deleting && head!.seq < anchor.seq) {
    return bad(null, head!.seq + 1, 'deleted', `审计链在第 ${head!.seq} 条之后缺少第 ${head!.seq + 1}–${anchor.seq} 条：事件已被删除`);
  }
  if (unchained) {
    return bad(Number(unchained.id), null, 'unchained', `事件 #${unchained.id} 不在审计链中：事件是绕过审计模块写入的`);
  }
  if (!head && anchor) head = { seq: anchor.seq, eventId: anchor.eventId, hash: anchor.hash };
  return { ok: true, events: checked, head, archived, firstBad: null };
}

/** The chain's last event: what a backup, a restore or an outside record compares. */
export async function chainHead(db: Db | Tx): Promise<{ seq: number; eventId: number; hash: string } | null> {
  const row = await db.selectFrom('events').select(['id', 'chain_seq', 'hash']).where('chain_seq', 'is not', null).orderBy('chain_seq', 'desc').limit(1).executeTakeFirst();
  if (row) return { seq: Number(row.chain_seq), eventId: Number(row.id), hash: row.hash! };
  const { anchor } = await chainAnchor(db);
  return anchor ? { seq: anchor.seq, eventId: anchor.eventId, hash: anchor.hash } : null;
}
