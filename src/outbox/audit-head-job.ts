// The audit chain's head published outside the database: every `security.auditHeadIntervalMinutes`
// (city config, default 60) the server writes the head, position and hash, to its log and to the
// outbox (topic `audit.head`), once per new head. A system that keeps these records can later run
// `hotline audit verify --expect-head N:HASH`: whoever rewrites the chain with the key, or deletes
// its newest events, cannot also change what was published. The publication is not an audit event
// itself (that would move the head it publishes).
import type { AppContext } from '../server/context.ts';
import { inTransaction } from '../store/db.ts';
import { enqueue } from './outbox.ts';
import { startPeriodicJob } from '../server/periodic-job.ts';
import { chainHead, type ChainHead } from '../audit/chain.ts';

export const AUDIT_HEAD_TOPIC = 'audit.head' as const;
export const DEFAULT_AUDIT_HEAD_MINUTES = 60;

export interface PublishedHead extends ChainHead {
  /** When it was read. */
  at: string;
  /** The `--expect-head` argument that checks it. */
  expectHead: string;
}

/** Publishes the head unless it is the one last published (`last`); returns what it published, or null. */
export async function publishChainHead(ctx: AppContext, last: ChainHead | null, log: (line: string, head: PublishedHead) => void): Promise<PublishedHead | null> {
  const head = await chainHead(ctx.store.db);
  if (!head || (last && last.seq === head.seq && last.hash === head.hash)) return null;
  const at = ctx.clock.now();
  const published: PublishedHead = { ...head, at, expectHead: `${head.seq}:${head.hash}` };
  await inTransaction(ctx.store.db, (tx) => enqueue(tx, AUDIT_HEAD_TOPIC, published as unknown as Record<string, unknown>, at, AUDIT_HEAD_TOPIC));
  log(`审计链头：第 ${head.seq} 条（事件 #${head.eventId}）${head.hash}`, published);
  return published;
}

export function auditHeadIntervalMs(ctx: AppContext, env: NodeJS.ProcessEnv = process.env): number {
  if (env.HOTLINE_AUDIT_HEAD_INTERVAL_MS) return Number(env.HOTLINE_AUDIT_HEAD_INTERVAL_MS);
  return (ctx.city.security?.auditHeadIntervalMinutes ?? DEFAULT_AUDIT_HEAD_MINUTES) * 60_000;
}

/** The periodic job; `log` receives each published head (the server's logger). */
export function startAuditHeadJob(ctx: AppContext, intervalMs: number, log: (line: string, head: PublishedHead) => void, onError: (err: unknown) => void): () => Promise<void> {
  let last: ChainHead | null = null;
  return startPeriodicJob(async () => {
    last = (await publishChainHead(ctx, last, log)) ?? last;
  }, intervalMs, onError);
}
