// Schema for Open311 clients that retry and that leave no phone: the e-mail a request came with (a
// 第二条 contact the agent can use until a phone is added; sealed like the other requester fields,
// in a table of its own so the earlier sealing migrations of tickets need not know it),
// and the citizens' comments FixMyStreet pushes (servicerequestupdates), each once per client and
// update id so a re-sent push is one comment; and the webhook deliveries given up on (dead letters).
import type { Kysely, Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('requester_emails')
        .addColumn('id', ...h.id())
        .addColumn('ticket_id', 'integer', (c) => c.notNull().unique())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('open311_updates')
        .addColumn('id', ...h.id())
        .addColumn('ticket_id', 'integer', (c) => c.notNull())
        .addColumn('api_key_id', 'integer', (c) => c.notNull())
        .addColumn('client_update_id', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('status', 'text')
        .addColumn('media_url', 'text')
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('open311_updates_client_unique').on('open311_updates').columns(['api_key_id', 'client_update_id']).unique().execute();
      await db.schema.createIndex('open311_updates_ticket').on('open311_updates').columns(['ticket_id', 'id']).execute();
      // Webhook deliveries given up on (a 4xx refusal, or the attempts used up): moved out of the
      // outbox so the ticket's later events go on, kept here for the admin to see and replay.
      await db.schema
        .createTable('webhook_dead_letters')
        .addColumn('id', ...h.id())
        .addColumn('subscription_id', 'integer', (c) => c.notNull())
        .addColumn('outbox_id', 'integer', (c) => c.notNull().unique())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('ordering_key', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('dead_at', h.instant, (c) => c.notNull())
        .addColumn('replayed_at', h.instant)
        .execute();
      await db.schema.createIndex('webhook_dead_letters_sub').on('webhook_dead_letters').columns(['subscription_id', 'id']).execute();
    },
  };
}
