// Schema of call handling (话务管理): calls folded from the switches' events, the raw events
// (unique per switch, call and sequence number, so a repeat is ignored), seats and their history,
// the 第三十二条 restriction list, the 漏接回拨 queue and the SMS/online message queue.
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('calls')
        .addColumn('id', ...h.id(true))
        // The API key the switch presents is its identity; the switch's own call id is unique per switch.
        .addColumn('switch_id', 'integer', (c) => c.notNull())
        .addColumn('switch_call_id', 'text', (c) => c.notNull())
        .addColumn('caller', 'text')
        .addColumn('trunk', 'text')
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('agent', 'text')
        .addColumn('ringing_agent', 'text')
        .addColumn('offered_at', h.instant, (c) => c.notNull())
        .addColumn('queued_at', h.instant)
        .addColumn('ringing_at', h.instant)
        .addColumn('answered_at', h.instant)
        .addColumn('abandoned_at', h.instant)
        .addColumn('ended_at', h.instant)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text')
        .addColumn('transfer', 'text')
        .addColumn('recording_url', 'text')
        .addColumn('transcript', 'text')
        .addColumn('ticket_id', 'bigint')
        .addColumn('restricted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('restriction_id', 'integer')
        .addColumn('wrap_up_seconds', 'integer')
        // The Shanghai day of the offer: the daily figures and the call list read one day by index.
        .addColumn('local_day', 'text', (c) => c.notNull())
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .addUniqueConstraint('calls_switch_call_unique', ['switch_id', 'switch_call_id'])
        .execute();
      await db.schema.createIndex('calls_day_queue').on('calls').columns(['local_day', 'queue', 'offered_at']).execute();
      await db.schema.createIndex('calls_offered').on('calls').column('offered_at').execute();
      await db.schema.createIndex('calls_agent').on('calls').columns(['agent', 'offered_at']).execute();
      await db.schema.createIndex('calls_caller').on('calls').columns(['caller', 'offered_at']).execute();
      await db.schema.createIndex('calls_ticket').on('calls').column('ticket_id').where(sql.ref('ticket_id'), 'is not', null).execute();

      await db.schema
        .createTable('call_events')
        .addColumn('id', ...h.id(true))
        .addColumn('switch_id', 'integer', (c) => c.notNull())
        .addColumn('switch_call_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('at', h.instant, (c) => c.notNull())
        .addColumn('received_at', h.instant, (c) => c.notNull())
        // The event as the switch sent it.
        .addColumn('payload', 'text', (c) => c.notNull())
        .addUniqueConstraint('call_events_unique', ['switch_id', 'switch_call_id', 'seq'])
        .execute();

      await db.schema
        .createTable('seats')
        .addColumn('agent', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('since', h.instant, (c) => c.notNull())
        .addColumn('call_id', 'bigint')
        .addColumn('message_id', 'bigint')
        .addColumn('wrap_up_until', h.instant)
        .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('seats_wrap_up').on('seats').columns(['state', 'wrap_up_until']).execute();

      // Closed stretches only, each within one Shanghai day; the current one is the seat row.
      await db.schema
        .createTable('seat_intervals')
        .addColumn('id', ...h.id(true))
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('call_id', 'bigint')
        .addColumn('from_at', h.instant, (c) => c.notNull())
        .addColumn('to_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('seat_intervals_from').on('seat_intervals').column('from_at').execute();
      await db.schema.createIndex('seat_intervals_agent').on('seat_intervals').columns(['agent', 'from_at']).execute();

      await db.schema
        .createTable('call_restrictions')
        .addColumn('id', ...h.id())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('days', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('requested_at', h.instant, (c) => c.notNull())
        .addColumn('approved_by', 'integer', (c) => c.references('users.id'))
        .addColumn('approved_at', h.instant)
        .addColumn('expires_at', h.instant)
        .addColumn('revoked_by', 'integer', (c) => c.references('users.id'))
        .addColumn('revoked_at', h.instant)
        .addColumn('revoke_reason', 'text')
        .execute();
      await db.schema.createIndex('call_restrictions_phone').on('call_restrictions').columns(['phone', 'status', 'expires_at']).execute();

      await db.schema
        .createTable('missed_calls')
        .addColumn('id', ...h.id(true))
        .addColumn('call_id', 'bigint', (c) => c.notNull().unique())
        .addColumn('caller', 'text')
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('missed_at', h.instant, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_at', h.instant)
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_outcome', 'text')
        .addColumn('done_at', h.instant)
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('missed_calls_status').on('missed_calls').columns(['status', 'missed_at']).execute();
      await db.schema.createIndex('missed_calls_caller').on('missed_calls').columns(['caller', 'status']).execute();

      await db.schema
        .createTable('missed_call_attempts')
        .addColumn('id', ...h.id(true))
        .addColumn('missed_call_id', 'bigint', (c) => c.notNull().references('missed_calls.id'))
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('missed_call_attempts_call').on('missed_call_attempts').column('missed_call_id').execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', ...h.id(true))
        .addColumn('source_key_id', 'integer', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('received_at', h.instant, (c) => c.notNull())
        .addColumn('local_day', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('agent', 'text')
        .addColumn('assigned_at', h.instant)
        .addColumn('first_reply_at', h.instant)
        .addColumn('reply_seconds', 'integer')
        .execute();
      await db.schema.createIndex('messages_status').on('messages').columns(['status', 'received_at']).execute();
      await db.schema.createIndex('messages_day').on('messages').column('local_day').execute();
      await db.schema
        .createIndex('messages_external_unique')
        .on('messages')
        .columns(['source_key_id', 'external_id'])
        .unique()
        .where(sql.ref('external_id'), 'is not', null)
        .execute();

      await db.schema
        .createTable('message_replies')
        .addColumn('id', ...h.id(true))
        .addColumn('message_id', 'bigint', (c) => c.notNull().references('messages.id'))
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('message_replies_message').on('message_replies').column('message_id').execute();
    },
  };
}
