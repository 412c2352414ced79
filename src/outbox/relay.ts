// Delivers outbox messages after their transaction committed; failures are retried with backoff.
// A batch is first claimed with a short lease in its own transaction, then sent with no transaction
// open (a slow gateway never holds the store), then marked delivered. Several processes may relay at
// once: on PostgreSQL the claim skips rows another process holds. Delivery is at least once: a
// process that dies between sending and marking sends again after the lease; receivers drop repeats
// by message id.
import type { AppContext } from '../server/context.ts';
import { inTransaction } from '../store/db.ts';
import type { SmsGateway } from './sms-gateway.ts';
import type { SmsMessage } from './outbox.ts';
import { startPeriodicJob } from '../server/periodic-job.ts';

const BATCH = 200;
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;

export async function relayOnce(ctx: AppContext, gateway: SmsGateway): Promise<{ delivered: number; failed: number }> {
  const now = ctx.clock.now();
  const leaseUntil = new Date(Date.parse(now) + LEASE_MS).toISOString();
  const batch = await inTransaction(ctx.store.db, async (tx) => {
    const due = await tx
      .selectFrom('outbox')
      .selectAll()
      .where('delivered_at', 'is', null)
      .where('available_at', '<=', now)
      .orderBy('id')
      .limit(BATCH)
      .$if(ctx.store.engine === 'postgres', (q) => q.forUpdate().skipLocked())
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

  const delivered: number[] = [];
  const failures: Array<{ id: number; attempts: number; error: string }> = [];
  for (const msg of batch) {
    try {
      await gateway.send(JSON.parse(msg.payload) as SmsMessage);
      delivered.push(msg.id);
    } catch (err) {
      failures.push({ id: msg.id, attempts: msg.attempts, error: String((err as Error).message).slice(0, 500) });
    }
  }

  if (delivered.length || failures.length) {
    await inTransaction(ctx.store.db, async (tx) => {
      if (delivered.length) {
        await tx
          .updateTable('outbox')
          .set((eb) => ({ delivered_at: now, attempts: eb('attempts', '+', 1), last_error: null }))
          .where('id', 'in', delivered)
          .execute();
      }
      for (const f of failures) {
        const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** f.attempts);
        await tx
          .updateTable('outbox')
          .set({ attempts: f.attempts + 1, last_error: f.error, available_at: new Date(Date.parse(now) + backoff).toISOString() })
          .where('id', '=', f.id)
          .execute();
      }
    });
  }
  return { delivered: delivered.length, failed: failures.length };
}

/** Relays every `intervalMs`, and straight on while full batches keep coming, until stopped. */
export function startRelay(ctx: AppContext, gateway: SmsGateway, intervalMs = 1000): () => Promise<void> {
  // Drains in batches while there is more, so a burst leaves within one tick.
  const drain = async () => {
    for (;;) {
      const { delivered, failed } = await relayOnce(ctx, gateway);
      if (delivered + failed < BATCH) return;
    }
  };
  return startPeriodicJob(drain, intervalMs, () => undefined, intervalMs);
}
