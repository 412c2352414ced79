// Delivers outbox messages after their transaction committed; failures are retried with backoff.
// On PostgreSQL several processes may relay at once: SKIP LOCKED gives each message to one of them.
import type { AppContext } from '../server/context.ts';
import { inTransaction } from '../store/db.ts';
import type { SmsGateway } from './sms-gateway.ts';
import type { SmsMessage } from './outbox.ts';

const BATCH = 50;
const MAX_BACKOFF_MS = 15 * 60_000;

export async function relayOnce(ctx: AppContext, gateway: SmsGateway): Promise<{ delivered: number; failed: number }> {
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const batch = await tx
      .selectFrom('outbox')
      .selectAll()
      .where('delivered_at', 'is', null)
      .where('available_at', '<=', now)
      .orderBy('id')
      .limit(BATCH)
      .$if(ctx.store.engine === 'postgres', (q) => q.forUpdate().skipLocked())
      .execute();
    let delivered = 0;
    let failed = 0;
    for (const msg of batch) {
      try {
        await gateway.send(JSON.parse(msg.payload) as SmsMessage);
        await tx.updateTable('outbox').set({ delivered_at: now, attempts: msg.attempts + 1, last_error: null }).where('id', '=', msg.id).execute();
        delivered++;
      } catch (err) {
        const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** msg.attempts);
        await tx
          .updateTable('outbox')
          .set({ attempts: msg.attempts + 1, last_error: String((err as Error).message).slice(0, 500), available_at: new Date(Date.parse(now) + backoff).toISOString() })
          .where('id', '=', msg.id)
          .execute();
        failed++;
      }
    }
    return { delivered, failed };
  });
}

/** Relays every `intervalMs` until stopped. */
export function startRelay(ctx: AppContext, gateway: SmsGateway, intervalMs = 1000): () => Promise<void> {
  let running = true;
  let current: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (!running) return;
    current = current.then(() => relayOnce(ctx, gateway)).catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return async () => {
    running = false;
    clearInterval(timer);
    await current;
  };
}
