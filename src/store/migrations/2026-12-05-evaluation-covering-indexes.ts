import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

/**
 * Covering indexes for the month's duty counts: the evaluation reads a month's sign duties by
 * start and its reply/opinion duties by deadline, and every column it counts is in the index, so
 * PostgreSQL answers from the index alone (index-only scans) and SQLite never visits the table.
 */
export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      await sql`drop index duties_kind_started`.execute(db);
      await sql`drop index duties_kind_due`.execute(db);
      if (engine === 'postgres') {
        await sql`create index duties_kind_started on duties (kind, started_at) include (unit_id, party, status, late, due_at)`.execute(db);
        await sql`create index duties_kind_due on duties (kind, due_at) include (unit_id, party, status, late, id)`.execute(db);
      } else {
        await sql`create index duties_kind_started on duties (kind, started_at, unit_id, party, status, late, due_at)`.execute(db);
        await sql`create index duties_kind_due on duties (kind, due_at, unit_id, party, status, late)`.execute(db);
      }
    },
  };
}
