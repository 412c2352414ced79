// Work queues: what each role has to do next, as named filters the list understands
// (`GET /api/v1/tickets?queue=overdue`) and counts for the workbenches (`GET /api/v1/workbench`).
import type { ExpressionBuilder, Expression, SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Engine } from '../store/db.ts';
import { amongFew } from '../store/planner-hints.ts';
import type { Actor } from '../auth/actor.ts';
import type { Role } from '../domain/roles.ts';

export { QUEUES, type Queue } from '../domain/queues.ts';
import { QUEUES, type Queue } from '../domain/queues.ts';

/** The queues of each role's workbench, in the order they are shown. */
export const WORKBENCH: Record<Role, Queue[]> = {
  unit_staff: ['to_sign', 'handling', 'due_soon', 'overdue', 'extension_pending'],
  unit_head: ['to_sign', 'handling', 'due_soon', 'overdue', 'to_approve', 'extension_pending'],
  centre: ['pending_dispatch', 'returned', 'extension_pending', 'to_review', 'callback', 'to_archive', 'overdue'],
  team_lead: ['pending_dispatch', 'returned', 'extension_pending', 'to_review', 'callback', 'to_archive', 'overdue'],
  admin: ['pending_dispatch', 'returned', 'disputed', 'extension_pending', 'to_review', 'callback', 'to_archive', 'overdue'],
  authority: ['disputed', 'overdue', 'due_soon'],
  agent: ['pending_dispatch', 'callback'],
};

type Eb = ExpressionBuilder<Database & { t: Database['tickets'] }, 't'>;

/**
 * The tickets with an open duty that `narrow` selects (of the given units' when `units` is set),
 * gathered from the open duties (the work in hand, few beside the history) rather than probed ticket
 * by ticket: a queue or light without a status, such as 超期, would otherwise visit every ticket.
 */
export function withOpenDuty(eb: Eb, engine: Engine, narrow: (q: any) => any, units: number[] | null = null): Expression<SqlBool> {
  return amongFew(
    engine,
    't.id',
    narrow(
      eb
        .selectFrom('duties as d')
        .select('d.ticket_id')
        .where('d.status', '=', 'open')
        .$if(!!units, (q) => q.where((e) => e.or([e('d.unit_id', 'in', units!), e('d.handler_unit_id', 'in', units!)]))),
    ),
  );
}

/** The condition a ticket meets to be in the queue, for this viewer at this instant. */
export function queueCondition(eb: Eb, engine: Engine, queue: Queue, actor: Actor, now: string): Expression<SqlBool> {
  const scope = actor.unitScope?.length ? actor.unitScope : null;
  const openDuty = (narrow: (q: any) => any) => withOpenDuty(eb, engine, narrow, scope);
  switch (queue) {
    case 'to_sign':
      // A returned or disputed ticket keeps its sign duty running but cannot be signed meanwhile.
      return eb.and([eb('t.status', 'in', ['dispatched', 'in_progress']), openDuty((q) => q.where('d.kind', '=', 'sign'))]);
    case 'handling':
      return eb.and([eb('t.status', 'in', ['dispatched', 'in_progress']), openDuty((q) => q.where('d.kind', 'in', ['reply', 'opinion', 'first_response', 'progress']))]);
    case 'due_soon':
      return openDuty((q) => q.where('d.yellow_at', '<=', now).where('d.due_at', '>=', now));
    case 'overdue':
      return openDuty((q) => q.where('d.due_at', '<', now));
    case 'to_approve':
      return eb.and([eb('t.status', '=', 'awaiting_approval'), openDuty((q) => q.where('d.party', '=', 'lead'))]);
    case 'extension_pending':
      return eb.exists(
        eb
          .selectFrom('unit_requests as r')
          .select('r.id')
          .whereRef('r.ticket_id', '=', 't.id')
          .where('r.kind', '=', 'extension')
          .where('r.status', '=', 'pending')
          .$if(!!scope, (q) => q.where('r.unit_id', 'in', scope!)),
      );
    case 'pending_dispatch':
      return eb('t.status', '=', 'pending_dispatch');
    case 'returned':
      return eb('t.status', '=', 'returned');
    case 'disputed':
      return eb('t.status', '=', 'disputed');
    case 'to_review':
      return eb('t.status', '=', 'replied');
    case 'callback':
      return eb('t.status', '=', 'callback');
    case 'to_archive':
      return eb('t.status', '=', 'closed');
  }
}
