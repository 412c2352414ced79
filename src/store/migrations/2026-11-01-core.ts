// The first schema: units, users and sessions, categories, tickets with their duties, requests,
// submissions, callbacks and links, the audit events, the outbox and the working-day calendar.
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

type AnyDb = Kysely<any>;

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('units')
        .addColumn('id', ...h.id())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'integer', (c) => c.references('units.id'))
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('sms_phone', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('units_path').on('units').column('path').execute();

      await db.schema
        .createTable('users')
        .addColumn('id', ...h.id())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('expires_at', h.instant, (c) => c.notNull())
        .addColumn('revoked_at', h.instant)
        .execute();

      await db.schema
        .createTable('categories')
        .addColumn('id', ...h.id())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'integer', (c) => c.references('categories.id'))
        .addColumn('default_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('reply_limit_unit', 'text')
        .addColumn('reply_limit_amount', 'integer')
        .addColumn('legal_basis', 'text')
        .addColumn('keywords', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();

      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('tickets')
        .addColumn('id', ...h.id(true))
        .addColumn('no', 'text', (c) => c.notNull().unique())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('category_id', 'integer', (c) => c.references('categories.id'))
        .addColumn('requester_kind', 'text', (c) => c.notNull())
        .addColumn('requester_name', 'text')
        .addColumn('requester_phone', 'text')
        .addColumn('requester_id_no', 'text')
        .addColumn('confidential', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('facts', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('district_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('special', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('lead_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('round', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_due_at', h.instant)
        .addColumn('provisional', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('supervised', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('satisfaction', 'text')
        .addColumn('resolution', 'text')
        .addColumn('resolution_note', 'text')
        .addColumn('merged_into_id', 'bigint')
        .addColumn('repeat_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('call_id', 'text')
        .addColumn('created_by', 'integer', (c) => c.references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .addColumn('closed_at', h.instant)
        .execute();
      await db.schema.createIndex('tickets_status_due').on('tickets').columns(['status', 'next_due_at']).execute();
      await db.schema.createIndex('tickets_created').on('tickets').column('created_at').execute();
      await db.schema.createIndex('tickets_lead_unit').on('tickets').columns(['lead_unit_id', 'status']).execute();
      await db.schema.createIndex('tickets_requester').on('tickets').columns(['requester_phone', 'created_at']).execute();
      await db.schema.createIndex('tickets_external').on('tickets').columns(['origin', 'external_id']).execute();

      await db.schema
        .createTable('duties')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('handler_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('party', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('limit_key', 'text', (c) => c.notNull())
        .addColumn('limit_unit', 'text', (c) => c.notNull())
        .addColumn('limit_amount', 'integer', (c) => c.notNull())
        .addColumn('started_at', h.instant, (c) => c.notNull())
        .addColumn('due_at', h.instant, (c) => c.notNull())
        .addColumn('yellow_at', h.instant, (c) => c.notNull())
        .addColumn('provisional', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('completed_at', h.instant)
        .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('extensions', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('duties_ticket').on('duties').column('ticket_id').execute();
      await db.schema.createIndex('duties_unit_open').on('duties').columns(['unit_id', 'status', 'due_at']).execute();
      await db.schema.createIndex('duties_open_due').on('duties').columns(['status', 'due_at']).execute();

      await db.schema
        .createTable('unit_requests')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('duty_id', 'bigint')
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('basis', 'text')
        .addColumn('suggested_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('amount', 'integer')
        .addColumn('signed_by', 'text')
        .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('requested_at', h.instant, (c) => c.notNull())
        .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
        .addColumn('decided_at', h.instant)
        .addColumn('decision_note', 'text')
        .addColumn('designated_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('improper', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('unit_requests_ticket').on('unit_requests').column('ticket_id').execute();
      await db.schema.createIndex('unit_requests_pending').on('unit_requests').columns(['status', 'kind']).execute();

      await db.schema
        .createTable('submissions')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('reason_code', 'text')
        .addColumn('approval', 'text', (c) => c.notNull())
        .addColumn('approved_by', 'integer', (c) => c.references('users.id'))
        .addColumn('approved_at', h.instant)
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('submissions_ticket').on('submissions').column('ticket_id').execute();

      await db.schema
        .createTable('callbacks')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('reached', 'integer', (c) => c.notNull())
        .addColumn('satisfaction', 'text')
        .addColumn('requester_words', 'text')
        .addColumn('reasonable', 'integer')
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('callbacks_ticket').on('callbacks').column('ticket_id').execute();

      await db.schema
        .createTable('ticket_links')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('other_ticket_id', 'bigint', (c) => c.notNull().references('tickets.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ticket_links_ticket').on('ticket_links').column('ticket_id').execute();
      await db.schema.createIndex('ticket_links_other').on('ticket_links').column('other_ticket_id').execute();

      await db.schema
        .createTable('events')
        .addColumn('id', ...h.id(true))
        .addColumn('ticket_id', 'bigint')
        .addColumn('at', h.instant, (c) => c.notNull())
        .addColumn('user_id', 'integer')
        .addColumn('role', 'text')
        .addColumn('unit_id', 'integer')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('events_ticket').on('events').columns(['ticket_id', 'id']).execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', ...h.id(true))
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('available_at', h.instant, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('delivered_at', h.instant)
        .addColumn('last_error', 'text')
        .execute();
      await db.schema
        .createIndex('outbox_pending')
        .on('outbox')
        .column('available_at')
        .where(sql.ref('delivered_at'), 'is', null)
        .execute();

      await db.schema
        .createTable('calendar_days')
        .addColumn('date', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('calendar_years')
        .addColumn('year', 'integer', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('imported_at', h.instant, (c) => c.notNull())
        .addColumn('note', 'text')
        .execute();
    },
  };
}
