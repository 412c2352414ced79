// Delivers SMS outbox messages (topics 'sms' and 'report') after their transaction committed;
// failures are retried with capped, jittered exponential backoff (./backoff.ts). A batch is first
// claimed with a short lease in its own transaction, then sent with no transaction open (a slow
// gateway never holds the store), then marked delivered. Several processes may relay at once: on
// PostgreSQL the claim skips rows another process holds. Delivery is at least once: a process that
// dies between sending and marking sends again after the lease; the gateway gets the outbox id as
// request id to drop repeats. Numbers on the opt-out list are not sent to: the message is closed
// with status 'opted_out'. A number that is no mobile (a landline given as a unit's SMS number) is
// closed at once with status 'not_mobile' and the reason, not retried: no retry would reach it. Every attempt is recorded in sms_deliveries (status, attempts, provider
// message id, error), with the number masked and no message text; a delivered message's secret
// parameters (the portal's 好差评 code) are masked in the outbox row.
import type { AppContext } from '../server/context.ts';
import { inTransaction } from '../store/db.ts';
import type { SmsGateway } from './sms-gateway.ts';
import { SMS_TOPICS, withoutSecrets, type SmsMessage } from './outbox.ts';
import { startPeriodicJob } from '../server/periodic-job.ts';
import { backoffMs, SMS_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { isOptedOut } from './sms-opt-out.ts';
import { maskPhone } from '../domain/masking.ts';
import { mobileNumber } from '../domain/mobile.ts';

const NOT_MOBILE = '短信目标不是手机号码（座机等无法接收短信），未发送';

const BATCH = 200;
const LEASE_MS = 60_000;

export interface SmsRelayOptions {
  backoff?: BackoffPolicy;
  leaseMs?: number;
}

type Outcome = { id: number; attempts: number; message: SmsMessage } & ({ status: 'sent'; providerMessageId: string | null } | { status: 'opted_out' } | { status: 'not_mobile' } | { status: 'failed'; error: string });

export async function relayOnce(ctx: AppContext, gateway: SmsGateway, options: SmsRelayOptions = {}): Promise<{ delivered: number; failed: number; optedOut: number; notMobile: number }> {
  const now = ctx.clock.now();
  const leaseUntil = new Date(Date.parse(now) + (options.leaseMs ?? LEASE_MS)).toISOString();
  const batch = await inTransaction(ctx.store.db, async (tx) => {
    const due = await tx
      .selectFrom('outbox')
      .selectAll()
      .where('delivered_at', 'is', null)
      .where('available_at', '<=', now)
      .where('topic', 'in', [...SMS_TOPICS])
      .orderBy('id')
      .limit(BATCH)
      .$call(ctx.store.capabilities.claimRows)
      .execute();
    if (due.length) {
      await tx
        .updateTable('outbox')
        .set({ available_at: leaseUntil })
        .where('id', 'in', due.map((m) => m.id))
        .execute();
    }
    return due;
  });

  const outcomes: Outcome[] = [];
  for (const msg of batch) {
    const message = JSON.parse(msg.payload) as SmsMessage;
    const base = { id: msg.id, attempts: msg.attempts, message };
    if (!mobileNumber(message.to)) {
      outcomes.push({ ...base, status: 'not_mobile' });
      continue;
    }
    if (await isOptedOut(ctx, message.to)) {
      outcomes.push({ ...base, status: 'opted_out' });
      continue;
    }
    try {
      const result = await gateway.send(message, `outbox-${msg.id}`);
      outcomes.push({ ...base, status: 'sent', providerMessageId: result?.providerMessageId ?? null });
    } catch (err) {
      outcomes.push({ ...base, status: 'failed', error: String((err as Error).message).slice(0, 500) });
    }
  }

  if (outcomes.length) {
    await inTransaction(ctx.store.db, async (tx) => {
      for (const o of outcomes) {
        const closedUnsent = o.status === 'opted_out' || o.status === 'not_mobile';
        const attempts = closedUnsent ? o.attempts : o.attempts + 1;
        const error = o.status === 'failed' ? o.error : o.status === 'not_mobile' ? NOT_MOBILE : null;
        if (o.status === 'failed') {
          const retryAt = new Date(Date.parse(now) + backoffMs(o.attempts, options.backoff ?? SMS_BACKOFF)).toISOString();
          await tx.updateTable('outbox').set({ attempts, last_error: error, available_at: retryAt }).where('id', '=', o.id).execute();
        } else {
          // A delivered (or dropped) message keeps no secret parameter: the code was for the recipient only.
          const kept = withoutSecrets(o.message);
          await tx
            .updateTable('outbox')
            .set({ delivered_at: now, attempts, last_error: closedUnsent ? (o.status === 'not_mobile' ? `not_mobile: ${NOT_MOBILE}` : o.status) : null, ...(kept !== o.message ? { payload: JSON.stringify(kept) } : {}) })
            .where('id', '=', o.id)
            .execute();
        }
        const log = {
          to_masked: maskPhone(o.message.to) ?? '',
          template: o.message.template,
          status: o.status,
          attempts,
          provider_message_id: o.status === 'sent' ? o.providerMessageId : null,
          error,
          updated_at: now,
        };
        await tx
          .insertInto('sms_deliveries')
          .values({ outbox_id: o.id, ...log })
          .onConflict((oc) => oc.column('outbox_id').doUpdateSet(log))
          .execute();
      }
    });
  }
  const count = (s: Outcome['status']) => outcomes.filter((o) => o.status === s).length;
  return { delivered: count('sent'), failed: count('failed'), optedOut: count('opted_out'), notMobile: count('not_mobile') };
}

/** Relays every `intervalMs`, and straight on while full batches keep coming, until stopped. */
export function startRelay(ctx: AppContext, gateway: SmsGateway, intervalMs = 1000, options: SmsRelayOptions = {}): () => Promise<void> {
  // Drains in batches while there is more, so a burst leaves within one tick.
  const drain = async () => {
    for (let i = 0; i < 50; i++) {
      const { delivered, failed, optedOut, notMobile } = await relayOnce(ctx, gateway, options);
      if (delivered + failed + optedOut + notMobile < BATCH) return;
    }
  };
  return startPeriodicJob(drain, intervalMs, () => undefined, intervalMs);
}
