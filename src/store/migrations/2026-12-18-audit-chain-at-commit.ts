// PostgreSQL: a transaction's audit events are chained inside its COMMIT. The transaction writes
// its events, with their canonical content, as one row of `audit_pending`; a deferred constraint
// trigger on that table runs at commit, appends them to the chain (audit_chain_append, from
// ./2026-12-16-audit-chain-append.ts) and deletes the row. The chain's lock is then taken and
// released within the server's own commit processing: no round trip to the application happens
// while it is held, so a busy application process no longer stalls every other writer.
import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

/** Key of the chain's advisory lock (a constant unique in this database). */
const CHAIN_LOCK_KEY = 12_345_008;

export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      if (engine !== 'postgres') return;
      await sql`create table audit_pending (id bigserial primary key, batch jsonb not null)`.execute(db);
      await sql`create function audit_pending_seal() returns trigger language plpgsql as $$
        begin
          perform audit_chain_append(${sql.lit(CHAIN_LOCK_KEY)}, new.batch);
          delete from audit_pending where id = new.id;
          return null;
        end $$`.execute(db);
      await sql`create constraint trigger audit_pending_seal after insert on audit_pending
                deferrable initially deferred for each row execute function audit_pending_seal()`.execute(db);
    },
  };
}
