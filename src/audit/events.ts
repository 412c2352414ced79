// The audit log: every state change writes one event in the same transaction (who, role, unit,
// when, what, before/after). Details carry field names and codes, never a requester's personal data.
import type { Tx } from '../store/db.ts';
import type { Actor } from '../auth/actor.ts';

export interface AuditEvent {
  ticketId?: number | null;
  /** The knowledge-base article the event concerns. */
  articleId?: number | null;
  action: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  detail?: Record<string, unknown>;
}

export async function writeEvent(tx: Tx, actor: Actor | null, at: string, event: AuditEvent): Promise<void> {
  await tx
    .insertInto('events')
    .values({
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
    })
    .execute();
}
