// Refused attempts in the audit log (GB/T 22239-2019 8.1.4.3: 事件是否成功): a ticket read refused
// because the ticket does not exist or is outside the user's units, and a ticket action refused for
// the user's role, the ticket's state or its units. The event names the ticket number asked for
// (only when it looks like one) and the reason, never the ticket's content; it has no ticket_id, so
// it stays out of the ticket's timeline and the change feed.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import { notFound, Problem } from '../server/problem.ts';
import { writeEvent } from './events.ts';

/** Audits the refused read and returns the 404 to throw (the same whether the ticket exists or not). */
export async function refusedTicketRead(ctx: AppContext, actor: Actor, no: string, exists: boolean, view: 'ticket' | 'events' | 'attachment' = 'ticket'): Promise<Problem> {
  const now = ctx.clock.now();
  const shown = /^[A-Za-z0-9-]{1,40}$/.test(no) ? no : null;
  await inTransaction(ctx.store.db, (tx) =>
    writeEvent(tx, actor, now, { action: 'ticket_read', outcome: 'failure', detail: { no: shown, view, reason: exists ? 'not_visible' : 'not_found' } }),
  );
  return notFound(`工单 ${no} 不存在`);
}

/** Refusals of a ticket action that are audited: not found or not visible, not allowed, wrong state, over a limit. */
const AUDITED_ACTION_REFUSALS = new Set([403, 404, 409, 429]);

/**
 * Audits a ticket action refused with `err` (its own transaction has rolled back, so nothing else is
 * written) and returns the error to rethrow. Bad input (400) is not an attempt on the ticket.
 */
export async function refusedTicketAction(ctx: AppContext, actor: Actor, no: string, action: string, err: unknown): Promise<unknown> {
  if (!(err instanceof Problem) || !AUDITED_ACTION_REFUSALS.has(err.status)) return err;
  const shown = /^[A-Za-z0-9-]{1,40}$/.test(no) ? no : null;
  await inTransaction(ctx.store.db, (tx) =>
    writeEvent(tx, actor, ctx.clock.now(), { action: 'ticket_action', outcome: 'failure', detail: { no: shown, action, status: err.status, reason: err.type } }),
  );
  return err;
}
