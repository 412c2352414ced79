// The indexes a unit's lists read (docs/operations/scale.md, "A unit's lists"). A unit's tickets are gathered from its
// duties (unitTicketIds in src/tickets/queues.ts): an index by the duty's unit and one by the
// sub-unit handling it, each carrying the ticket id, so the gather reads the indexes alone; few
// duties are handed to a sub-unit, so that index holds those only. On PostgreSQL the list's status
// tabs count the unit's tickets by state with a hash join over every ticket: `tickets (id) include
// (status)` lets that join read the index instead of the rows (470 → 175 ms for the largest unit at
// 1,000,000 tickets). SQLite looks each ticket up by its rowid and has no use for it.
import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      await sql`create index duties_unit_ticket on duties (unit_id, ticket_id)`.execute(db);
      await sql`create index duties_handler_ticket on duties (handler_unit_id, ticket_id) where handler_unit_id is not null`.execute(db);
      if (engine === 'postgres') await sql`create index tickets_id_status on tickets (id) include (status)`.execute(db);
    },
  };
}
