// The reports over a large history: each ticket's keywords kept once segmented (a ticket's facts never
// change, and segmenting a month of facts is most of a 月报's work), and the index that finds the
// duties a period's 超期 counts can concern without reading every duty ever opened: those completed
// from the period's start on, and those not completed (src/reports/queries.ts, overdueDuties). It
// holds every column that count reads, so the count is answered from the index.
import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('ticket_keywords')
        .addColumn('ticket_id', engine === 'postgres' ? 'bigint' : 'integer', (c) => c.primaryKey())
        .addColumn('words', 'text', (c) => c.notNull())
        .execute();
      await sql`create index duties_completed on duties (completed_at, due_at, started_at, status, late, unit_id, kind)`.execute(db);
    },
  };
}
