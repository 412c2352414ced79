// Side effects (SMS, reports, pushes) are written to the outbox in the transaction that causes
// them, and delivered afterwards by the relays: nothing is sent for a change that did not commit.
// Topics: 'sms' and 'report' leave through the SMS gateway (./relay.ts); 'webhook' rows are signed
// POSTs to a subscription, and 'provincial.sync' rows (written by the provincial transfer) are handed
// to the subscriptions that asked for them (src/interop/webhooks-relay.ts). 'audit.head' rows are the
// audit chain's published heads (src/outbox/audit-head-job.ts), kept for a system outside the database.
import type { Tx } from '../store/db.ts';

export type OutboxTopic = 'sms' | 'report' | 'webhook' | 'provincial.sync' | 'audit.head';

/** The topics the SMS relay delivers. */
export const SMS_TOPICS = ['sms', 'report'] as const;

export interface SmsMessage {
  /** Recipient number (a unit's duty phone, or a requester's for callback notices). */
  to: string;
  template: 'dispatch_notice' | 'deadline_warning' | 'callback_request' | 'supervision' | 'special_report' | 'emergency_report' | 'kb_notice' | 'spike_alert' | 'portal_code' | 'merge_notice' | 'merged_reply';
  /** Values for the template; never the requester's name or number. */
  params: Record<string, string>;
}

/**
 * Parameters only the recipient may read (the portal's 好差评 code): the relay sends them and then
 * overwrites them in the stored message, so no view of the outbox or the SMS log shows them.
 */
export const SECRET_PARAMS: Partial<Record<SmsMessage['template'], readonly string[]>> = { portal_code: ['code'] };

/** The message with its secret parameters masked, as it stays in the outbox once delivered. */
export function withoutSecrets(message: SmsMessage): SmsMessage {
  const secret = SECRET_PARAMS[message.template];
  if (!secret) return message;
  const params = { ...message.params };
  for (const name of secret) if (name in params) params[name] = '******';
  return { ...message, params };
}

export async function enqueue(tx: Tx, topic: OutboxTopic, payload: SmsMessage | Record<string, unknown>, at: string, orderingKey: string | null = null): Promise<void> {
  await tx
    .insertInto('outbox')
    .values({ topic, payload: JSON.stringify(payload), created_at: at, available_at: at, attempts: 0, ordering_key: orderingKey })
    .execute();
}
