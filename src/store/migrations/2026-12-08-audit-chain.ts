// The audit log made tamper-evident: each event's outcome (success / failure, GB/T 22239-2019
// 8.1.4.3), its place in the hash chain (./_audit-chain-2026.ts), the events already written chained in
// id order, and triggers that refuse every UPDATE and DELETE (and TRUNCATE on PostgreSQL).
import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';
import { GENESIS, legacyChainHash, type ChainContent } from './_audit-chain-2026.ts';

/** Chains every event not yet chained, in id order, unkeyed: there was no audit key yet. */
async function chainUnsealed(db: Kysely<any>, engine: MigrationContext['engine']): Promise<void> {
  const head = await db.selectFrom('events').select(['chain_seq', 'hash']).where('chain_seq', 'is not', null).orderBy('chain_seq', 'desc').limit(1).executeTakeFirst();
  let prev: string = head?.hash ?? GENESIS;
  let seq = Number(head?.chain_seq ?? 0);
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('events').selectAll().where('chain_seq', 'is', null).where('id', '>', after).orderBy('id').limit(2000).execute();
    if (!rows.length) return;
    const sealed = rows.map((r) => {
      const hash = legacyChainHash(prev, { ...r, id: Number(r.id) } as ChainContent);
      const s = { id: Number(r.id), seq: ++seq, prev, hash };
      prev = hash;
      return s;
    });
    if (engine === 'postgres') {
      const values = sql.join(sealed.map((s) => sql`(${s.id}::bigint, ${s.seq}::bigint, ${s.prev}, ${s.hash})`));
      await sql`update events as e set chain_seq = v.seq, prev_hash = v.prev, hash = v.hash
                from (values ${values}) as v(id, seq, prev, hash) where e.id = v.id`.execute(db);
    } else {
      for (const s of sealed) await db.updateTable('events').set({ chain_seq: s.seq, prev_hash: s.prev, hash: s.hash }).where('id', '=', s.id).execute();
    }
    after = sealed[sealed.length - 1]!.id;
  }
}

export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('events').addColumn('outcome', 'text', (c) => c.notNull().defaultTo('success')).execute();
      await db.schema.alterTable('events').addColumn('chain_seq', 'bigint').execute();
      await db.schema.alterTable('events').addColumn('prev_hash', 'text').execute();
      await db.schema.alterTable('events').addColumn('hash', 'text').execute();
      await db.schema.createIndex('events_chain_seq').on('events').column('chain_seq').unique().execute();
      // Unkeyed, as this migration chained before there was a key (2026-12-27 re-chains under it).
      await chainUnsealed(db, engine);
      if (engine === 'sqlite') {
        await sql`create trigger events_no_update before update on events
                  begin select raise(abort, '审计日志只可追加，不可修改'); end`.execute(db);
        await sql`create trigger events_no_delete before delete on events
                  begin select raise(abort, '审计日志只可追加，不可删除'); end`.execute(db);
        return;
      }
      await sql`create function events_append_only() returns trigger language plpgsql as $$
        begin
          raise exception '审计日志只可追加，不可修改或删除' using errcode = 'insufficient_privilege';
        end $$`.execute(db);
      await sql`create trigger events_append_only before update or delete on events
                for each row execute function events_append_only()`.execute(db);
      await sql`create trigger events_no_truncate before truncate on events
                for each statement execute function events_append_only()`.execute(db);
    },
  };
}
