import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A callback records the unit whose answer was rated, so the month's satisfaction per unit is a
 * range scan of the month's callbacks, not a join with every ticket; existing rows take the
 * ticket's lead unit.
 */
export function migration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('callbacks').addColumn('unit_id', 'integer', (c) => c.references('units.id')).execute();
      await sql`update callbacks set unit_id = (select lead_unit_id from tickets where tickets.id = callbacks.ticket_id)`.execute(db);
    },
  };
}
