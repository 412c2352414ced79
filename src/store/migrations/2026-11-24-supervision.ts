// Schema of 效能监察 and 督办 (第二十五条–第二十七条): supervision items, the warnings and escalations
// already sent per duty (one of each, made unique by the key), and in-console notifications.
import { type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const id = (big = false) => (engine === 'postgres' ? (big ? 'bigserial' : 'serial') : 'integer') as 'integer';
  const instant = engine === 'postgres' ? ('timestamptz' as const) : ('text' as const);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('supervision_items')
        .addColumn('id', id(), (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('ticket_id', 'bigint', (c) => c.references('tickets.id'))
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('matter', 'text', (c) => c.notNull())
        .addColumn('limit_key', 'text')
        .addColumn('issued_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('issued_role', 'text', (c) => c.notNull())
        .addColumn('issuer_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('issued_at', instant, (c) => c.notNull())
        .addColumn('due_at', instant)
        .addColumn('yellow_at', instant)
        .addColumn('plan_due_at', instant)
        .addColumn('provisional', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reply_outcome', 'text')
        .addColumn('reply_content', 'text')
        .addColumn('plan_end_date', 'text')
        .addColumn('replied_by', 'integer', (c) => c.references('users.id'))
        .addColumn('replied_at', instant)
        .addColumn('reply_late', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('closed_by', 'integer', (c) => c.references('users.id'))
        .addColumn('closed_at', instant)
        .addColumn('close_note', 'text')
        .execute();
      await db.schema.createIndex('supervision_items_unit').on('supervision_items').columns(['unit_id', 'status']).execute();
      await db.schema.createIndex('supervision_items_status_due').on('supervision_items').columns(['status', 'due_at']).execute();
      await db.schema.createIndex('supervision_items_ticket').on('supervision_items').column('ticket_id').execute();

      await db.schema
        .createTable('supervision_alerts')
        .addColumn('id', id(true), (c) => c.primaryKey())
        .addColumn('duty_id', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull()) // warning | escalation
        .addColumn('ticket_id', 'bigint', (c) => c.notNull())
        .addColumn('unit_id', 'integer')
        .addColumn('created_at', instant, (c) => c.notNull())
        .addUniqueConstraint('supervision_alerts_duty_kind', ['duty_id', 'kind'])
        .execute();

      await db.schema
        .createTable('notifications')
        .addColumn('id', id(true), (c) => c.primaryKey())
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('ticket_id', 'bigint')
        .addColumn('item_id', 'integer')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('link', 'text')
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('read_at', instant)
        .addColumn('read_by', 'integer')
        .execute();
      await db.schema.createIndex('notifications_unit').on('notifications').columns(['unit_id', 'read_at', 'id']).execute();
    },
  };
}
