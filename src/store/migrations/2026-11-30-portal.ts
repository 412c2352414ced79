// Schema of the public portal and 好差评 handling: the portal's signing secret, photos attached to a
// request, the requester's one rating per ticket (一事一评), and the review of every 差评 (verify →
// rectify or explain → call back, with the unit's appeal decided by the authority).
import type { Kysely, Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('portal_secrets')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('portal_photos')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('file', 'text', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('portal_photos_ticket').on('portal_photos').column('ticket_id').execute();

      await db.schema
        .createTable('portal_ratings')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().unique().references('tickets.id'))
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('comment', 'text')
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('rating_reviews')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('comment', 'text')
        .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('classification', 'text')
        .addColumn('verify_note', 'text')
        .addColumn('verify_due_at', h.instant, (c) => c.notNull())
        .addColumn('verify_yellow_at', h.instant, (c) => c.notNull())
        .addColumn('verified_by', 'integer', (c) => c.references('users.id'))
        .addColumn('verified_at', h.instant)
        .addColumn('rectify_due_at', h.instant)
        .addColumn('rectify_yellow_at', h.instant)
        .addColumn('rectify_outcome', 'text')
        .addColumn('rectify_content', 'text')
        .addColumn('rectified_by', 'integer', (c) => c.references('users.id'))
        .addColumn('rectified_at', h.instant)
        .addColumn('appeal_reason', 'text')
        .addColumn('appeal_due_at', h.instant)
        .addColumn('appeal_yellow_at', h.instant)
        .addColumn('appealed_by', 'integer', (c) => c.references('users.id'))
        .addColumn('appealed_at', h.instant)
        .addColumn('appeal_decision', 'text')
        .addColumn('appeal_note', 'text')
        .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
        .addColumn('decided_at', h.instant)
        .addColumn('callback_due_at', h.instant)
        .addColumn('callback_yellow_at', h.instant)
        .addColumn('callback_result', 'text')
        .addColumn('callback_note', 'text')
        .addColumn('called_by', 'integer', (c) => c.references('users.id'))
        .addColumn('called_at', h.instant)
        .addColumn('provisional', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rating_reviews_status').on('rating_reviews').columns(['status', 'id']).execute();
      await db.schema.createIndex('rating_reviews_unit').on('rating_reviews').columns(['unit_id', 'status']).execute();
      await db.schema.createIndex('rating_reviews_ticket').on('rating_reviews').column('ticket_id').execute();
    },
  };
}
