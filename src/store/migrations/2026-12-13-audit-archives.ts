// The audit log's archive (src/audit/archive.ts): after 6 months online (网络安全法 第二十一条) a
// prefix of the chain may move to a file. `audit_archives` records each archived prefix (its range,
// the hashes at its ends, the file's SHA-256) and is itself append-only. The events table stays
// append-only except for one path: deleting rows that an archive row already covers, from inside
// the archiving transaction —
// - PostgreSQL: the transaction sets `hotline.audit_archive` to 'on' with `set local`;
// - SQLite: the transaction inserts the archive's id into `audit_archive_gate` and removes it again
//   before committing (a trigger cannot read a session setting there).
// UPDATE and TRUNCATE stay refused, and so does any DELETE of a row no archive row covers.
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('audit_archives')
        .addColumn('id', ...h.id())
        .addColumn('before_month', 'text', (c) => c.notNull())
        .addColumn('first_seq', 'bigint', (c) => c.notNull().unique())
        .addColumn('last_seq', 'bigint', (c) => c.notNull().unique())
        .addColumn('first_event_id', 'bigint', (c) => c.notNull())
        .addColumn('last_event_id', 'bigint', (c) => c.notNull())
        .addColumn('first_prev_hash', 'text', (c) => c.notNull())
        .addColumn('last_hash', 'text', (c) => c.notNull())
        .addColumn('event_count', 'bigint', (c) => c.notNull())
        .addColumn('first_at', h.instant, (c) => c.notNull())
        .addColumn('last_at', h.instant, (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('file_sha256', 'text', (c) => c.notNull())
        .addColumn('file_bytes', 'bigint', (c) => c.notNull())
        .addColumn('admin_edits', 'text', (c) => c.notNull())
        .addColumn('archived_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_archive_tickets')
        .addColumn('archive_id', 'integer', (c) => c.notNull().references('audit_archives.id'))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_archive_tickets_pk', ['ticket_id', 'archive_id'])
        .execute();

      if (engine === 'sqlite') {
        await db.schema.createTable('audit_archive_gate').addColumn('archive_id', 'integer', (c) => c.primaryKey()).execute();
        await sql`drop trigger events_no_delete`.execute(db);
        await sql`create trigger events_no_delete before delete on events
                  when not exists (select 1 from audit_archive_gate g join audit_archives a on a.id = g.archive_id
                                   where old.chain_seq is not null and old.chain_seq <= a.last_seq)
                  begin select raise(abort, '审计日志只可追加，不可删除'); end`.execute(db);
        await sql`create trigger audit_archives_no_update before update on audit_archives
                  begin select raise(abort, '审计归档记录只可追加，不可修改'); end`.execute(db);
        await sql`create trigger audit_archives_no_delete before delete on audit_archives
                  begin select raise(abort, '审计归档记录只可追加，不可删除'); end`.execute(db);
        return;
      }
      // The same function serves the row trigger (UPDATE, DELETE) and the TRUNCATE trigger.
      await sql`create or replace function events_append_only() returns trigger language plpgsql as $$
        begin
          if tg_op = 'DELETE' then
            if current_setting('hotline.audit_archive', true) = 'on' and old.chain_seq is not null
               and old.chain_seq <= (select coalesce(max(last_seq), 0) from audit_archives) then
              return old;
            end if;
          end if;
          raise exception '审计日志只可追加，不可修改或删除' using errcode = 'insufficient_privilege';
        end $$`.execute(db);
      await sql`create function audit_archives_append_only() returns trigger language plpgsql as $$
        begin
          raise exception '审计归档记录只可追加，不可修改或删除' using errcode = 'insufficient_privilege';
        end $$`.execute(db);
      await sql`create trigger audit_archives_append_only before update or delete on audit_archives
                for each row execute function audit_archives_append_only()`.execute(db);
      await sql`create trigger audit_archives_no_truncate before truncate on audit_archives
                for each statement execute function audit_archives_append_only()`.execute(db);
    },
  };
}
