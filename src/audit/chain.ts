// The audit log's keyed hash chain. Every event stores `hash` = HMAC-SHA-256, under a key kept outside
// the database (src/store/audit-keys.ts), of the previous event's hash and the event's canonical
// content (its id, time, user, role, unit, ticket, article, action, states, detail and outcome), the
// id of that key `chain_key`, `prev_hash`, and its position `chain_seq` (1, 2, 3, … without gaps).
// Editing an event breaks its own hash, and recomputing it and every later one needs the key;
// deleting one leaves a gap in `chain_seq` and a `prev_hash` that points to nothing; moving one
// breaks the link to the event before it; deleting the newest events shows against a head recorded
// elsewhere (`verifyChain(db, { expectHead })`, published by src/outbox/audit-head-job.ts). Triggers make the table
// append-only (src/store/migrations/2026-12-08-audit-chain.ts); this chain shows whatever a trigger could not stop (an
// owner who disabled it, a file edited by hand). After 6 months a prefix of the chain may be moved
// to a file (./archive.ts): the online chain then starts after it, from the last archived hash that
// `audit_archives` records (./archive-records.ts). Events chained before the key existed (archived
// ones: `chain_key` null) keep their unkeyed SHA-256; the migration to the keyed chain re-chained
// every online event under the key (src/store/migrations/2026-12-27-audit-chain-keyed.ts).
//
// Where the chain is extended:
// - SQLite: writers are serialized (one connection, one transaction at a time), so an event is
//   chained as it is inserted: the head is the last row, the new row gets id and position after it.
// - PostgreSQL: the events a transaction writes are kept aside and inserted, chained, just before
//   it commits: `beforeCommit` (src/store/db.ts) writes them, each with its canonical content, as
//   one row of `audit_pending`, and a deferred trigger on that table chains them inside the COMMIT
//   (src/store/migrations/2026-12-18-audit-chain-at-commit.ts): it takes an advisory transaction lock, reads
//   the head, draws the ids and inserts (audit_chain_append). The lock is the last lock the
//   transaction takes and is held only within the server's commit, so it never waits while holding
//   it (no deadlock with row locks), and no round trip to this process happens under it: a busy
//   event loop cannot keep every other writer waiting. Chain order is commit order; `chain_seq`
//   numbers it. (A transaction does not read back its own events; the use-cases never do.) The key
//   reaches the server only as a transaction-local setting of the writing transaction, never a row.
import { sql } from 'kysely';
import type { Db, Tx } from '../store/db.ts';
import { beforeCommit, isManagedTransaction } from '../store/db.ts';
import { auditKeyringOf, sha256Link, type AuditKeyring } from '../store/audit-keys.ts';
import { capabilitiesFor, capabilitiesOf } from '../store/capabilities.ts';
import { chainAnchor, GENESIS } from './archive-records.ts';

export { GENESIS };

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
 * append function (src/store/migrations/2026-12-16-audit-chain-append.ts) draws the id and completes it.
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

/** The unkeyed SHA-256 link of the chain before its key: events archived before the keyed chain. */
export function legacyChainHash(prevHash: string, e: ChainContent): string {
  return sha256Link(prevHash, canonical(e));
}

/** HMAC-SHA-256 under key `keyId` of `prev + "\n" + canonical content`; null when the key is unknown. */
export function chainHash(prevHash: string, e: ChainContent, keys: AuditKeyring, keyId: string): string | null {
  return keys.mac(keyId, prevHash, canonical(e));
}

/**
 * The hash a stored event (an events row or an archived line) should carry: keyed under its
 * `chain_key`, or unkeyed when it has none. Null when its key is not in the keyring.
 */
export function storedEventHash(e: ChainContent & { prev_hash: string | null; chain_key?: string | null }, keys: AuditKeyring): string | null {
  const prev = e.prev_hash ?? '';
  return e.chain_key ? chainHash(prev, e, keys, e.chain_key) : legacyChainHash(prev, e);
}

export type EventValues = Omit<ChainContent, 'id'>;

const pending = new WeakMap<Tx, EventValues[]>();
/** SQLite: the head of the chain after the last event a transaction inserted. */
const sqliteHeads = new WeakMap<Tx, { id: number; chain_seq: number; hash: string | null }>();

/** Inserts one audit event and links it into the chain (now on SQLite, at commit on PostgreSQL). */
export async function appendEvent(tx: Tx, values: EventValues): Promise<void> {
  if (!capabilitiesOf(tx).chainsAuditAtCommit) {
    // The transaction holds SQLite's write lock, so the event it inserted last is still the head:
    // a second event of the same transaction need not read it again.
    const head = sqliteHeads.get(tx) ?? (await tx.selectFrom('events').select(['id', 'chain_seq', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst());
    const id = Number(head?.id ?? 0) + 1;
    const prev = head?.hash ?? GENESIS;
    const seq = Number(head?.chain_seq ?? 0) + 1;
    const keys = auditKeyringOf(tx);
    const key = keys.currentKeyId;
    const hash = chainHash(prev, { ...values, id }, keys, key);
    await tx
      .insertInto('events')
      .values({ ...values, id, chain_seq: seq, prev_hash: prev, hash, chain_key: key })
      .execute();
    sqliteHeads.set(tx, { id, chain_seq: seq, hash });
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
  // The current key's id and HMAC pads, for the append at commit: a setting local to this
  // transaction, gone when it ends; one statement with the insert.
  const pads = auditKeyringOf(tx).currentPads();
  await sql`insert into audit_pending (batch) select ${JSON.stringify(batch)}::jsonb from (select set_config('hotline.audit_key', ${pads}, true)) as k`.execute(tx);
}

/**
 * Chains every event not yet chained, in id order (the migration, for the events written before it):
 * under the current audit key, or `unkeyed` as the chain's first migration did before there was one.
 */
export async function chainUnsealed(db: Db | Tx, options: { unkeyed?: boolean } = {}): Promise<number> {
  const keys = options.unkeyed ? null : auditKeyringOf(db);
  const key = keys?.currentKeyId ?? null;
  const head = await db.selectFrom('events').select(['chain_seq', 'hash']).where('chain_seq', 'is not', null).orderBy('chain_seq', 'desc').limit(1).executeTakeFirst();
  let prev = head?.hash ?? GENESIS;
  let seq = Number(head?.chain_seq ?? 0);
  let after = 0;
  let total = 0;
  const { int8 } = capabilitiesOf(db);
  for (;;) {
    const rows = await db.selectFrom('events').selectAll().where('chain_seq', 'is', null).where('id', '>', after).orderBy('id').limit(2000).execute();
    if (!rows.length) return total;
    const sealed = rows.map((r) => {
      const content = { ...r, id: Number(r.id) } as ChainContent;
      const hash = keys ? chainHash(prev, content, keys, key!)! : legacyChainHash(prev, content);
      const s = { id: Number(r.id), seq: ++seq, prev, hash };
      prev = hash;
      return s;
    });
    const values = sql.join(sealed.map((s) => sql`(${int8(s.id)}, ${int8(s.seq)}, ${s.prev}, ${s.hash})`));
    await sql`with v(id, seq, prev, hash) as (values ${values})
              update events set chain_seq = v.seq, prev_hash = v.prev, hash = v.hash${key ? sql`, chain_key = ${key}` : sql``} from v where events.id = v.id`.execute(db);
    after = sealed[sealed.length - 1]!.id;
    total += sealed.length;
  }
}

export type ChainProblem = 'edited' | 'deleted' | 'reordered' | 'unchained' | 'archive' | 'unkeyed' | 'key' | 'head';

export interface ChainHead {
  seq: number;
  eventId: number;
  hash: string;
}

export interface ChainReport {
  ok: boolean;
  /** Online events checked. */
  events: number;
  head: ChainHead | null;
  /** The archived prefix the online chain continues from (./archive.ts), or null. */
  archived: { archives: number; events: number; lastSeq: number; lastHash: string; before: string } | null;
  /** The head recorded elsewhere that the chain was checked against (`--expect-head`), or null. */
  expected: { seq: number; hash: string } | null;
  /** The first bad event: its id and position, what is wrong, in Chinese. */
  firstBad: { eventId: number | null; seq: number | null; problem: ChainProblem; message: string } | null;
}

export interface VerifyOptions {
  /** A head recorded outside the database: the event at `seq` must carry exactly `hash`. */
  expectHead?: { seq: number; hash: string };
}

/**
 * Walks the online chain in order and stops at the first event that does not verify. With archives
 * it starts after the last archived event, from its hash as recorded in `audit_archives`: an online
 * chain that starts later than that is missing events. While an archive's deletion is still under
 * way (./archive.ts deletes in batches) the chain starts inside the archived range: its first link
 * cannot be checked, but the archived event's recorded hash must come out where the walk meets it.
 * Every online event after the archived range must be keyed (an unkeyed one would be a forgery
 * that needs no key); with `expectHead` the chain must reach that position with that hash.
 */
export async function verifyChain(db: Db | Tx, options: VerifyOptions = {}): Promise<ChainReport> {
  const keys = auditKeyringOf(db);
  const want = options.expectHead ?? null;
  let checked = 0;
  let head: ChainReport['head'] = null;
  let hashAtWanted: string | null = null;
  const { anchor, problem } = await chainAnchor(db);
  const archived = anchor ? { archives: anchor.archives, events: anchor.events, lastSeq: anchor.seq, lastHash: anchor.hash, before: anchor.before } : null;
  const bad = (eventId: number | null, seq: number | null, problem: ChainProblem, message: string): ChainReport => ({
    ok: false,
    events: checked,
    head,
    archived,
    expected: want,
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
      if (!r.chain_key && !(anchor && seq <= anchor.seq)) {
        return bad(id, seq, 'unkeyed', `事件 #${id}（第 ${seq} 条）没有审计链密钥的签名：事件是绕过审计模块写入或被改写的`);
      }
      if (r.chain_key && !keys.has(r.chain_key)) {
        return bad(id, seq, 'key', `事件 #${id}（第 ${seq} 条）使用的审计链密钥「${r.chain_key}」不在密钥表中：请使用写入这些事件时的密钥（原来的 hotline.keys 或 HOTLINE_AUDIT_KEYS）`);
      }
      if (storedEventHash({ ...r, id } as ChainContent & { prev_hash: string | null; chain_key: string | null }, keys) !== r.hash) {
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
      if (want && seq === want.seq) hashAtWanted = r.hash!;
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
  if (want) {
    const last = head?.seq ?? 0;
    if (want.seq > last) {
      return bad(null, last + 1, 'head', `审计链只到第 ${last} 条，而另行记录的链头是第 ${want.seq} 条：第 ${last + 1}–${want.seq} 条（最新的事件）已被删除`);
    }
    if (hashAtWanted === null && anchor && want.seq === anchor.seq) hashAtWanted = anchor.hash;
    if (hashAtWanted === null) {
      return bad(null, want.seq, 'head', `第 ${want.seq} 条已归档、不在在线审计链中，无法与记录的链头比对：请用归档后记录的链头，或用 --archive 校验归档文件`);
    }
    if (hashAtWanted !== want.hash.toLowerCase()) {
      return bad(null, want.seq, 'head', `第 ${want.seq} 条的哈希与另行记录的链头不符（记录 ${want.hash}，库中 ${hashAtWanted}）：审计链已被改写`);
    }
  }
  return { ok: true, events: checked, head, archived, expected: want, firstBad: null };
}

/** The chain's last event: what a backup, a restore or an outside record compares. */
export async function chainHead(db: Db | Tx): Promise<ChainHead | null> {
  const row = await db.selectFrom('events').select(['id', 'chain_seq', 'hash']).where('chain_seq', 'is not', null).orderBy('chain_seq', 'desc').limit(1).executeTakeFirst();
  if (row) return { seq: Number(row.chain_seq), eventId: Number(row.id), hash: row.hash! };
  const { anchor } = await chainAnchor(db);
  return anchor ? { seq: anchor.seq, eventId: anchor.eventId, hash: anchor.hash } : null;
}

export interface Rechained {
  /** Events re-chained under the key. */
  events: number;
  /** The unkeyed chain's head before (what an outside record of it shows), or null when empty. */
  legacyHead: ChainHead | null;
  /** Whether the unkeyed chain verified before it was re-chained, and if not, why (in Chinese). */
  legacyVerified: boolean;
  legacyProblem: string | null;
}

/**
 * The keyed chain's migration: every online event after the archived range (./archive.ts) gets a
 * keyed hash under the current key, linked from the last archived hash, in chain order, after the
 * unkeyed links are checked as they stood (the result is kept in the migration's own audit event).
 * Events still online inside the archived range keep their unkeyed hashes: their archive file and
 * record hold those. The caller lifts the append-only triggers around it.
 */
export async function rechainUnderKey(db: Db | Tx, engine: 'sqlite' | 'postgres'): Promise<Rechained> {
  const keys = auditKeyringOf(db);
  const key = keys.currentKeyId;
  const { anchor } = await chainAnchor(db);
  let oldPrev = anchor?.hash ?? GENESIS;
  let newPrev = oldPrev;
  let expected = (anchor?.seq ?? 0) + 1;
  const out: Rechained = { events: 0, legacyHead: null, legacyVerified: true, legacyProblem: null };
  for (;;) {
    const rows = await db.selectFrom('events').selectAll().where('chain_seq', '>=', expected).orderBy('chain_seq').limit(2000).execute();
    if (!rows.length) break;
    const sealed = rows.map((r) => {
      const id = Number(r.id);
      const seq = Number(r.chain_seq);
      const content = { ...r, id } as ChainContent;
      if (out.legacyVerified) {
        const problem =
          seq !== expected ? `第 ${expected} 条缺失` : legacyChainHash(r.prev_hash ?? '', content) !== r.hash ? `事件 #${id}（第 ${seq} 条）的内容与其哈希不符` : r.prev_hash !== oldPrev ? `事件 #${id}（第 ${seq} 条）与前一条不相连` : null;
        if (problem) Object.assign(out, { legacyVerified: false, legacyProblem: problem });
      }
      oldPrev = r.hash ?? '';
      out.legacyHead = { seq, eventId: id, hash: r.hash ?? '' };
      const hash = chainHash(newPrev, content, keys, key)!;
      const s = { id, prev: newPrev, hash };
      newPrev = hash;
      expected = seq + 1;
      return s;
    });
    const { int8 } = capabilitiesFor(engine);
    const values = sql.join(sealed.map((s) => sql`(${int8(s.id)}, ${s.prev}, ${s.hash})`));
    await sql`with v(id, prev, hash) as (values ${values})
              update events set prev_hash = v.prev, hash = v.hash, chain_key = ${key} from v where events.id = v.id`.execute(db);
    out.events += sealed.length;
  }
  return out;
}
