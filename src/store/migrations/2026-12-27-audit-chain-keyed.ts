// The audit chain keyed: each event records the id of the audit key its hash is
// an HMAC under (`chain_key`); PostgreSQL's append computes the HMAC at commit from the key the
// writing transaction hands it as a transaction-local setting (built-in sha256(), no extension);
// and every online event of an existing store is re-chained under the current key, from the last
// archived hash (archived events keep their unkeyed SHA-256: their files and records hold those).
// The unkeyed chain is checked first and its head, with the result, goes into the keyed chain as
// this migration's own audit event `audit.chain.keyed`, so an outside record of the old head can
// still be matched. The append-only triggers are lifted for the re-chaining only.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine, MigrationAuditKeys, MigrationContext } from './_helpers-2026.ts';
import { canonical, canonicalTail, GENESIS, legacyChainHash, type ChainContent } from './_audit-chain-2026.ts';

// The audit keyring comes from the open store (ctx.auditKeys): a runtime service holding keys kept
// outside the database, not code to freeze; how links are computed is frozen in ./_audit-chain-2026.ts.
export function migration({ engine, auditKeys }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('events').addColumn('chain_key', 'text').execute();
      if (engine === 'postgres') {
        await sql`
          create or replace function audit_chain_append(lock_key bigint, batch jsonb) returns void
          language plpgsql as $$
          declare
            head_seq bigint;
            head_hash text;
            e jsonb;
            new_id bigint;
            new_hash text;
            k text := current_setting('hotline.audit_key', true);
            key_id text;
            ipad bytea;
            opad bytea;
          begin
            if k is null or k = '' then
              raise exception '审计链密钥未提供：审计事件只能经审计模块写入' using errcode = 'insufficient_privilege';
            end if;
            key_id := split_part(k, ':', 1);
            ipad := decode(split_part(k, ':', 2), 'hex');
            opad := decode(split_part(k, ':', 3), 'hex');
            perform pg_advisory_xact_lock(lock_key);
            select chain_seq, hash into head_seq, head_hash from events
              where chain_seq is not null order by chain_seq desc limit 1;
            head_seq := coalesce(head_seq, 0);
            head_hash := coalesce(head_hash, repeat('0', 64));
            for e in select value from jsonb_array_elements(batch) loop
              new_id := nextval(pg_get_serial_sequence('events', 'id'));
              -- HMAC-SHA-256(K, m) = SHA-256((K ^ opad) || SHA-256((K ^ ipad) || m))
              new_hash := encode(sha256(opad || sha256(ipad || convert_to(head_hash || E'\n' || '[1,' || new_id || ',' || (e->>'tail'), 'UTF8'))), 'hex');
              head_seq := head_seq + 1;
              insert into events
                select * from jsonb_populate_record(null::events, (e->'row') || jsonb_build_object(
                  'id', new_id, 'chain_seq', head_seq, 'prev_hash', head_hash, 'hash', new_hash, 'chain_key', key_id));
              head_hash := new_hash;
            end loop;
          end $$`.execute(db);
      }
      const any = await db.selectFrom('events').select('id').where('chain_seq', 'is not', null).limit(1).executeTakeFirst();
      if (!any) return;
      const work = async (tx: Kysely<any>) => {
        const keys = auditKeys();
        const restoreTriggers = await liftTriggers(tx, engine);
        const r = await rechainUnderKey(tx, engine, keys);
        await restoreTriggers();
        const detail = { keyId: keys.currentKeyId, rechained: r.events, legacyHead: r.legacyHead, legacyVerified: r.legacyVerified, ...(r.legacyProblem ? { legacyProblem: r.legacyProblem } : {}) };
        await appendOwnEvent(tx, engine, keys, {
          ticket_id: null,
          at: new Date().toISOString(),
          user_id: null,
          role: null,
          unit_id: null,
          action: 'audit.chain.keyed',
          from_status: null,
          to_status: null,
          detail: JSON.stringify(detail),
          article_id: null,
          outcome: 'success',
        });
      };
      // SQLite runs migrations outside a transaction: the re-chaining is one, so a crash leaves the
      // old chain whole; PostgreSQL's migrations already run in one.
      if (engine === 'sqlite') await db.transaction().execute(work);
      else await work(db);
    },
  };
}

/** Lifts the append-only triggers of `events`; the returned function puts them back as they were. */
async function liftTriggers(db: Kysely<any>, engine: Engine): Promise<() => Promise<void>> {
  if (engine === 'postgres') {
    await sql`alter table events disable trigger events_append_only`.execute(db);
    return async () => {
      await sql`alter table events enable trigger events_append_only`.execute(db);
    };
  }
  const triggers = (await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'events' and name = 'events_no_update'`.execute(db)).rows;
  for (const t of triggers) await sql`drop trigger ${sql.id(t.name)}`.execute(db);
  return async () => {
    for (const t of triggers) await sql.raw(t.sql).execute(db);
  };
}

interface ChainHead {
  seq: number;
  eventId: number;
  hash: string;
}

/** Position and hash of the last archived event, or null without archives (or with archive rows that do not form one prefix). */
async function archivedAnchor(db: Kysely<any>): Promise<{ seq: number; hash: string } | null> {
  const records = await db.selectFrom('audit_archives').select(['first_seq', 'last_seq', 'first_prev_hash', 'last_hash', 'event_count']).orderBy('first_seq').execute();
  if (!records.length) return null;
  let seq = 0;
  let hash = GENESIS;
  for (const r of records) {
    if (Number(r.first_seq) !== seq + 1) return null;
    if (r.first_prev_hash !== hash || Number(r.event_count) !== Number(r.last_seq) - Number(r.first_seq) + 1) return null;
    seq = Number(r.last_seq);
    hash = r.last_hash;
  }
  return { seq, hash };
}

/**
 * Every online event after the archived range gets a keyed hash under the current key, linked from
 * the last archived hash, in chain order, after the unkeyed links are checked as they stood. Events
 * still online inside the archived range keep their unkeyed hashes: their archive file and record
 * hold those. The caller lifts the append-only triggers around it.
 */
async function rechainUnderKey(db: Kysely<any>, engine: Engine, keys: MigrationAuditKeys) {
  const key = keys.currentKeyId;
  const anchor = await archivedAnchor(db);
  let oldPrev = anchor?.hash ?? GENESIS;
  let newPrev = oldPrev;
  let expected = (anchor?.seq ?? 0) + 1;
  const out: { events: number; legacyHead: ChainHead | null; legacyVerified: boolean; legacyProblem: string | null } = { events: 0, legacyHead: null, legacyVerified: true, legacyProblem: null };
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
      const hash = keys.mac(key, newPrev, canonical(content))!;
      const s = { id, prev: newPrev, hash };
      newPrev = hash;
      expected = seq + 1;
      return s;
    });
    const cast = (v: number) => (engine === 'postgres' ? sql`${v}::bigint` : sql`${v}`);
    const values = sql.join(sealed.map((s) => sql`(${cast(s.id)}, ${s.prev}, ${s.hash})`));
    await sql`with v(id, prev, hash) as (values ${values})
              update events set prev_hash = v.prev, hash = v.hash, chain_key = ${key} from v where events.id = v.id`.execute(db);
    out.events += sealed.length;
  }
  return out;
}

/**
 * The migration's own event, chained under the key: SQLite inserts it after the head at once;
 * PostgreSQL hands it to audit_pending, whose trigger chains it as the migration commits.
 */
async function appendOwnEvent(tx: Kysely<any>, engine: Engine, keys: MigrationAuditKeys, values: Omit<ChainContent, 'id'>): Promise<void> {
  if (engine === 'sqlite') {
    const head = await tx.selectFrom('events').select(['id', 'chain_seq', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
    const id = Number(head?.id ?? 0) + 1;
    const prev = head?.hash ?? GENESIS;
    const seq = Number(head?.chain_seq ?? 0) + 1;
    const key = keys.currentKeyId;
    const hash = keys.mac(key, prev, canonical({ ...values, id }));
    await tx.insertInto('events').values({ ...values, id, chain_seq: seq, prev_hash: prev, hash, chain_key: key }).execute();
    return;
  }
  const batch = [{ row: values, tail: canonicalTail(values) }];
  await sql`insert into audit_pending (batch) select ${JSON.stringify(batch)}::jsonb from (select set_config('hotline.audit_key', ${keys.currentPads()}, true)) as k`.execute(tx);
}
