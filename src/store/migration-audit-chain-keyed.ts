// The audit chain keyed (src/audit/chain.ts): each event records the id of the audit key its hash is
// an HMAC under (`chain_key`); PostgreSQL's append computes the HMAC at commit from the key the
// writing transaction hands it as a transaction-local setting (built-in sha256(), no extension);
// and every online event of an existing store is re-chained under the current key, from the last
// archived hash (archived events keep their unkeyed SHA-256: their files and records hold those).
// The unkeyed chain is checked first and its head, with the result, goes into the keyed chain as
// this migration's own audit event `audit.chain.keyed`, so an outside record of the old head can
// still be matched. The append-only triggers are lifted for the re-chaining only.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine, Tx } from './db.ts';
import { rechainUnderKey } from '../audit/chain.ts';
import { writeEvent } from '../audit/events.ts';
import { auditKeyringOf } from './audit-keys.ts';

export function auditChainKeyedMigration(engine: Engine): Migration {
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
        const restoreTriggers = await liftTriggers(tx, engine);
        const r = await rechainUnderKey(tx as never, engine);
        await restoreTriggers();
        await writeEvent(tx as unknown as Tx, null, new Date().toISOString(), {
          action: 'audit.chain.keyed',
          detail: { keyId: auditKeyringOf(tx).currentKeyId, rechained: r.events, legacyHead: r.legacyHead, legacyVerified: r.legacyVerified, ...(r.legacyProblem ? { legacyProblem: r.legacyProblem } : {}) },
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
