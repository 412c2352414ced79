// The audit log: every state change writes one event in the same transaction (who, role, unit,
// when, what, before/after, outcome). Details carry field names and codes, never a requester's
// personal data. Events are append-only and hash-chained (./chain.ts).
import type { Tx } from '../store/db.ts';
import type { Actor } from '../domain/actor.ts';
import { appendEvent } from './chain.ts';

export interface AuditEvent {
  ticketId?: number | null;
  /** The knowledge-base article the event concerns. */
  articleId?: number | null;
  action: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  detail?: Record<string, unknown>;
  /** `failure` for a refused attempt (GB/T 22239-2019 8.1.4.3: 事件是否成功); default `success`. */
  outcome?: 'success' | 'failure';
}

export async function writeEvent(tx: Tx, actor: Actor | null, at: string, event: AuditEvent): Promise<void> {
  await appendEvent(tx, {
    ticket_id: event.ticketId ?? null,
    at,
    user_id: actor?.userId ?? null,
    role: actor?.role ?? null,
    unit_id: actor?.unitId ?? null,
    action: event.action,
    from_status: event.fromStatus ?? null,
    to_status: event.toStatus ?? null,
    detail: event.detail ? JSON.stringify(event.detail) : null,
    article_id: event.articleId ?? null,
    outcome: event.outcome ?? 'success',
  });
}
