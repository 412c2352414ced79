// Side effects (SMS, reports, pushes) are written to the outbox in the transaction that causes
// them, and delivered afterwards by the relay: nothing is sent for a change that did not commit.
import type { Tx } from '../store/db.ts';

export type OutboxTopic = 'sms' | 'report';

export interface SmsMessage {
  /** Recipient number (a unit's duty phone, or a requester's for callback notices). */
  to: string;
  template: 'dispatch_notice' | 'deadline_warning' | 'callback_request' | 'supervision' | 'special_report' | 'emergency_report' | 'kb_notice' | 'spike_alert';
  /** Values for the template; never the requester's name or number. */
  params: Record<string, string>;
}

export async function enqueue(tx: Tx, topic: OutboxTopic, payload: SmsMessage, at: string): Promise<void> {
  await tx
    .insertInto('outbox')
    .values({ topic, payload: JSON.stringify(payload), created_at: at, available_at: at, attempts: 0 })
    .execute();
}
