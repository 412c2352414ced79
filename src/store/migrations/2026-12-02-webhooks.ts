// Schema of outbound events, the change feed and SMS delivery (README: "Outbound events, change feed
// and SMS"): webhook subscriptions with a cursor each, the feed's commit-ordered sequence of ticket
// events, per-key ordering of outbox messages, the SMS delivery log and the opted-out numbers.
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('webhook_subscriptions')
        .addColumn('id', ...h.id())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        /** JSON array of event actions ('intake', 'dispatch', 'callback', …, '*') and/or 'provincial.sync'. */
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('cursor_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'integer', (c) => c.references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('event_feed')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('event_id', 'bigint', (c) => c.notNull().unique())
        .addColumn('ticket_id', 'bigint', (c) => c.notNull())
        .execute();
      await db
        .insertInto('counters')
        .values([
          { name: 'event_feed.seq', value: 0 },
          { name: 'event_feed.frontier', value: 0 },
        ])
        .execute();

      await db.schema.alterTable('outbox').addColumn('ordering_key', 'text').execute();
      await db.schema
        .createIndex('outbox_ordering')
        .on('outbox')
        .columns(['ordering_key', 'id'])
        .where(sql.ref('delivered_at'), 'is', null)
        .execute();

      await db.schema
        .createTable('sms_deliveries')
        .addColumn('outbox_id', 'bigint', (c) => c.primaryKey())
        .addColumn('to_masked', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('provider_message_id', 'text')
        .addColumn('error', 'text')
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sms_deliveries_status').on('sms_deliveries').columns(['status', 'updated_at']).execute();

      await db.schema
        .createTable('sms_opt_outs')
        .addColumn('phone', 'text', (c) => c.primaryKey())
        .addColumn('note', 'text')
        .addColumn('created_by', 'integer', (c) => c.references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
    },
  };
}
