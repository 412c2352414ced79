// Schema of the files a unit's reply carries (src/tickets/attachments.ts): the bytes in the store
// itself, beside the submission they back, so one transaction writes both, every API process reads
// them without a shared disk, and a backup of the store (SQLite's backup API, pg_dump) holds them.
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const pg = engine === 'postgres';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('reply_attachments')
        .addColumn('id', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
        // No key to tickets: on PostgreSQL they are partitioned by month (see the history partitions).
        .addColumn('ticket_id', 'bigint', (c) => c.notNull())
        .addColumn('submission_id', 'bigint', (c) => c.notNull().references('submissions.id'))
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', pg ? 'timestamptz' : 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('reply_attachments_ticket').on('reply_attachments').columns(['ticket_id', 'id']).execute();
      await db.schema.createIndex('reply_attachments_submission').on('reply_attachments').column('submission_id').execute();
    },
  };
}
