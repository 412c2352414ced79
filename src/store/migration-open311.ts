// Schema for Open311 clients that retry and that leave no phone: the e-mail a request came with (a
// 第二条 contact the agent can use until a phone is added; sealed like the other requester fields,
// in a table of its own so the earlier sealing migrations of tickets need not know it),
// and the citizens' comments FixMyStreet pushes (servicerequestupdates), each once per client and
// update id so a re-sent push is one comment.
import type { Kysely, Migration } from 'kysely';
import type { Engine } from './db.ts';
import { dialectHelpers } from './dialect.ts';

export function open311Migration(engine: Engine): Migration {
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
    },
  };
}
