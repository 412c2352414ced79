// A unit's tickets are gathered from its duties (unitTicketIds in src/tickets/queues.ts): an index
// by the duty's unit and one by the sub-unit handling it, each carrying the ticket id, so the gather
// reads the indexes alone. Few duties are handed to a sub-unit, so that index holds those only.
import { sql, type Kysely, type Migration } from 'kysely';

export function dutiesByUnitMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await sql`create index duties_unit_ticket on duties (unit_id, ticket_id)`.execute(db);
      await sql`create index duties_handler_ticket on duties (handler_unit_id, ticket_id) where handler_unit_id is not null`.execute(db);
    },
  };
}
