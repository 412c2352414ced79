// Delivers 'webhook' outbox rows: each tick numbers new events into the feed, fans them out to the
// subscriptions, then claims the due rows that are first in line for their ordering key (no earlier
// undelivered row with the same subscription and ticket), posts them with a short lease and no
// transaction open, and marks them delivered on a 2xx or reschedules them with capped, jittered
// exponential backoff. At least once: a process killed after the POST and before the mark posts the
// same body with the same event id again after the lease; receivers drop repeats by event id.
// Fail safe: a 4xx other than 408/429 is final at once, and 5xx or network errors end after
// WEBHOOK_MAX_ATTEMPTS; either way the row moves to webhook_dead_letters (for the admin to replay),
// so one event a receiver never takes does not hold up the ticket's later events for good.
import type { AppContext } from '../server/context.ts';
import { inTransaction } from '../store/db.ts';
import { sql } from 'kysely';
import { startPeriodicJob } from '../server/periodic-job.ts';
import { backoffMs, isPermanentRefusal, WEBHOOK_BACKOFF, WEBHOOK_MAX_ATTEMPTS, type BackoffPolicy } from '../outbox/backoff.ts';
import { sequenceEvents } from './feed.ts';
import { AUDIT_HEAD, fanOut, fanOutTopic, PROVINCIAL_SYNC, signWebhook, type WebhookDelivery } from './webhooks.ts';

export interface WebhookRelayOptions {
  backoff?: BackoffPolicy;
  /** Failed attempts after which a delivery becomes a dead letter (WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts?: number;
  /** How long a claimed row is held; longer than timeoutMs. */
  leaseMs?: number;
  timeoutMs?: number;
  batch?: number;
  concurrency?: number;
  /** Wall clock for the signature timestamp (the receiver compares it with its own clock). */
  wallClockMs?: () => number;
}

export interface WebhookRelayResult {
  sequenced: number;
  queued: number;
  delivered: number;
  failed: number;
  deadLettered: number;
}

export async function relayWebhooksOnce(ctx: AppContext, options: WebhookRelayOptions = {}): Promise<WebhookRelayResult> {
  const sequenced = await sequenceEvents(ctx);
  const queued = (await fanOut(ctx)) + (await fanOutTopic(ctx, PROVINCIAL_SYNC)) + (await fanOutTopic(ctx, AUDIT_HEAD));
  const now = ctx.clock.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leaseUntil = new Date(Date.parse(now) + (options.leaseMs ?? Math.max(60_000, timeoutMs * 2))).toISOString();
  const batch = await inTransaction(ctx.store.db, async (tx) => {
    const due = await tx
      .selectFrom('outbox as o')
      .selectAll('o')
      .where('o.topic', '=', 'webhook')
      .where('o.delivered_at', 'is', null)
      .where('o.available_at', '<=', now)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('outbox as p')
              .select(sql.lit(1).as('one'))
              .whereRef('p.ordering_key', '=', 'o.ordering_key')
              .where('p.delivered_at', 'is', null)
              .whereRef('p.id', '<', 'o.id'),
          ),
        ),
      )
      .orderBy('o.id')
      .limit(options.batch ?? 100)
      .$call(ctx.store.capabilities.claimRows)
      .execute();
    if (due.length) await tx.updateTable('outbox').set({ available_at: leaseUntil }).where('id', 'in', due.map((m) => m.id)).execute();
    return due;
  });
  if (!batch.length) return { sequenced, queued, delivered: 0, failed: 0, deadLettered: 0 };

  const subs = new Map(
    (await ctx.store.db.selectFrom('webhook_subscriptions').select(['id', 'url', 'secret', 'active']).execute()).map((s) => [s.id, s]),
  );
  const wall = options.wallClockMs ?? Date.now;
  const results: Array<{ id: number; attempts: number; ok: boolean; error?: string; pause?: boolean; status?: number }> = [];
  const send = async (msg: (typeof batch)[number]) => {
    const delivery = JSON.parse(msg.payload) as WebhookDelivery;
    const sub = subs.get(delivery.subscriptionId);
    if (!sub || sub.active !== 1) {
      // Paused subscription: the row waits, without counting an attempt.
      results.push({ id: msg.id, attempts: msg.attempts, ok: false, error: '订阅已停用', pause: true });
      return;
    }
    const timestamp = Math.floor(wall() / 1000);
    try {
      const res = await fetch(sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'hotline12345-webhooks/1',
          'x-hotline-event-id': delivery.eventId,
          'x-hotline-timestamp': String(timestamp),
          'x-hotline-signature': signWebhook(sub.secret, timestamp, delivery.body),
        },
        body: delivery.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      results.push(res.ok ? { id: msg.id, attempts: msg.attempts, ok: true } : { id: msg.id, attempts: msg.attempts, ok: false, error: `HTTP ${res.status}`, status: res.status });
    } catch (err) {
      results.push({ id: msg.id, attempts: msg.attempts, ok: false, error: String((err as Error).message).slice(0, 500) });
    }
  };
  const queue = [...batch];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, async () => {
    for (let m = queue.shift(); m; m = queue.shift()) await send(m);
  });
  await Promise.all(workers);

  const done = ctx.clock.now();
  const maxAttempts = options.maxAttempts ?? WEBHOOK_MAX_ATTEMPTS;
  const byId = new Map(batch.map((m) => [m.id, m]));
  let deadLettered = 0;
  await inTransaction(ctx.store.db, async (tx) => {
    const ok = results.filter((r) => r.ok).map((r) => r.id);
    if (ok.length) await tx.updateTable('outbox').set((eb) => ({ delivered_at: done, attempts: eb('attempts', '+', 1), last_error: null })).where('id', 'in', ok).execute();
    for (const r of results.filter((x) => !x.ok)) {
      const rejected = !r.pause && isPermanentRefusal(r.status);
      if (rejected || (!r.pause && r.attempts + 1 >= maxAttempts)) {
        const msg = byId.get(r.id)!;
        const delivery = JSON.parse(msg.payload) as WebhookDelivery;
        await tx
          .insertInto('webhook_dead_letters')
          .values({ subscription_id: delivery.subscriptionId, outbox_id: msg.id, event_id: delivery.eventId, payload: msg.payload, ordering_key: msg.ordering_key, attempts: r.attempts + 1, last_error: r.error ?? null, reason: rejected ? 'rejected' : 'exhausted', created_at: msg.created_at, dead_at: done })
          .execute();
        await tx.deleteFrom('outbox').where('id', '=', r.id).execute();
        deadLettered++;
        continue;
      }
      const delay = r.pause ? 60_000 : backoffMs(r.attempts, options.backoff ?? WEBHOOK_BACKOFF);
      await tx
        .updateTable('outbox')
        .set({ attempts: r.pause ? r.attempts : r.attempts + 1, last_error: r.error ?? null, available_at: new Date(Date.parse(done) + delay).toISOString() })
        .where('id', '=', r.id)
        .execute();
    }
  });
  const delivered = results.filter((r) => r.ok).length;
  return { sequenced, queued, delivered, failed: results.length - delivered, deadLettered };
}

/** Runs the webhook relay every `intervalMs` (draining while there is more), until stopped. */
export function startWebhookRelay(ctx: AppContext, intervalMs = 1000, options: WebhookRelayOptions = {}, onError: (err: unknown) => void = () => undefined): () => Promise<void> {
  const drain = async () => {
    for (let i = 0; i < 20; i++) {
      const r = await relayWebhooksOnce(ctx, options);
      if (r.delivered + r.failed < (options.batch ?? 100)) return;
    }
  };
  return startPeriodicJob(drain, intervalMs, onError, Math.min(intervalMs, 2_000));
}
