// 承办人 and 内部备注: who inside a unit owns its part of a ticket (one row per ticket and unit,
// replaced on reassignment; the events keep the history), the staff's internal notes on a ticket
// (never sent to the portal, Open311, SMS or webhooks), and notices addressed to one user of a unit.
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const instant = engine === 'postgres' ? 'timestamptz' : 'text';
  const bigId = engine === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('ticket_assignees')
        .addColumn('ticket_id', 'bigint', (c) => c.notNull())
        .addColumn('unit_id', 'integer', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('assigned_by', 'integer', (c) => c.notNull())
        .addColumn('assigned_at', instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('ticket_assignees_pk', ['ticket_id', 'unit_id'])
        .execute();
      // 我的待办: one user's assignments, read as one index range.
      await db.schema.createIndex('ticket_assignees_user').on('ticket_assignees').columns(['user_id', 'ticket_id']).execute();
      await db.schema
        .createTable('ticket_notes')
        .addColumn('id', bigId, (c) => c.primaryKey())
        .addColumn('ticket_id', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'integer', (c) => c.notNull())
        .addColumn('unit_id', 'integer')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ticket_notes_ticket').on('ticket_notes').columns(['ticket_id', 'id']).execute();
      // A notice for one user of the unit (null: for everyone of it, as before).
      await db.schema.alterTable('notifications').addColumn('user_id', 'integer').execute();
    },
  };
}
