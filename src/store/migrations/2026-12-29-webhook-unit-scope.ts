// A webhook subscription may be scoped to one unit (a unit's own business system): it then receives
// only the events of tickets that unit (or a unit under it) holds or handles. Null = every ticket.
import type { Kysely, Migration } from 'kysely';

export function migration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('webhook_subscriptions').addColumn('unit_id', 'integer').execute();
    },
  };
}
