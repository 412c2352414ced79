// The audit log made tamper-evident: each event's outcome (success / failure, GB/T 22239-2019
// 8.1.4.3), its place in the hash chain (src/audit/chain.ts), the events already written chained in
// id order, and triggers that refuse every UPDATE and DELETE (and TRUNCATE on PostgreSQL). Also the
// record of failed logins the lockout counts (src/auth/lockout.ts).
import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from './db.ts';
import { dialectHelpers } from './dialect.ts';
import { chainUnsealed } from '../audit/chain.ts';

export function auditChainMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('events').addColumn('outcome', 'text', (c) => c.notNull().defaultTo('success')).execute();
      await db.schema.alterTable('events').addColumn('chain_seq', 'bigint').execute();
      await db.schema.alterTable('events').addColumn('prev_hash', 'text').execute();
      await db.schema.alterTable('events').addColumn('hash', 'text').execute();
      await db.schema.createIndex('events_chain_seq').on('events').column('chain_seq').unique().execute();
      // Unkeyed, as this migration chained before there was a key (2026-12-27 re-chains under it).
      await chainUnsealed(db, { unkeyed: true });
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

export function loginLockoutMigration(engine: Engine): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('login_failures')
        .addColumn('id', ...h.id(true))
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_failures_username').on('login_failures').columns(['username', 'at']).execute();
    },
  };
}
