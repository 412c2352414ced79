// Work queues: what each role has to do next, as named filters the list understands
// (`GET /api/v1/tickets?queue=overdue`) and counts for the workbenches (`GET /api/v1/workbench`).
import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { StoreCapabilities } from '../store/capabilities.ts';
import type { Actor } from '../domain/actor.ts';
import { isUnitRole, type Role } from '../domain/roles.ts';
import type { TicketStatus } from '../domain/ticket-states.ts';

export { QUEUES, type Queue } from '../domain/queues.ts';
import { type Queue } from '../domain/queues.ts';

/** The queues of each role's workbench, in the order they are shown. */
export const WORKBENCH: Record<Role, Queue[]> = {
  unit_staff: ['mine', 'to_sign', 'handling', 'due_soon', 'overdue', 'extension_pending'],
  unit_head: ['mine', 'to_sign', 'handling', 'due_soon', 'overdue', 'to_approve', 'extension_pending'],
  centre: ['pending_dispatch', 'returned', 'extension_pending', 'to_review', 'callback', 'to_archive', 'overdue'],
  team_lead: ['pending_dispatch', 'returned', 'extension_pending', 'to_review', 'callback', 'to_archive', 'overdue'],
  admin: ['pending_dispatch', 'returned', 'disputed', 'extension_pending', 'to_review', 'callback', 'to_archive', 'overdue'],
  authority: ['disputed', 'overdue', 'due_soon'],
  agent: ['pending_dispatch', 'callback'],
};

/** The queues that are simply the tickets in one state. */
const STATE_OF_QUEUE = {
  pending_dispatch: 'pending_dispatch',
  returned: 'returned',
  disputed: 'disputed',
  to_review: 'replied',
  callback: 'callback',
  to_archive: 'closed',
} as const satisfies Partial<Record<Queue, TicketStatus>>;

type Eb = ExpressionBuilder<Database & { t: Database['tickets'] }, 't'>;

/** A duty (`d`) that one of the units holds, or handles for the unit above it. */
export function heldOrHandledBy(e: ExpressionBuilder<any, any>, units: readonly number[]): Expression<SqlBool> {
  return e.or([e('d.unit_id', 'in', units), e('d.handler_unit_id', 'in', units)]);
}

/**
 * The tickets with an open duty that `narrow` selects (of the given units' when `units` is set),
 * gathered from the open duties (the work in hand, few beside the history) rather than probed ticket
 * by ticket: a queue or light without a status, such as 超期, would otherwise visit every ticket.
 */
export function withOpenDuty(eb: Eb, can: StoreCapabilities, narrow: (q: any) => any, units: number[] | null = null): Expression<SqlBool> {
  return can.amongFew(
    't.id',
    narrow(
      eb
        .selectFrom('duties as d')
        .select('d.ticket_id')
        .where('d.status', '=', 'open')
        .$if(!!units, (q) => q.where((e) => heldOrHandledBy(e, units!))),
    ),
  );
}

/**
 * The ids of the tickets on which one of `units` holds or handles a duty, now or before (an id may
 * come more than once). On SQLite a UNION of the two covering indexes (duties_unit_ticket,
 * duties_handler_ticket): for the OR, its planner read another index, twenty times slower. On
 * PostgreSQL the OR, which the planner turns into a semi-join it may probe ticket by ticket (when
 * few are wanted) or hash; it cannot probe into a UNION, and hashed a unit's whole history for a
 * page of twenty.
 */
export function unitTicketIds(eb: ExpressionBuilder<Database, never>, can: StoreCapabilities, units: readonly number[]) {
  const ids = units.length ? [...units] : [-1];
  if (can.orAsUnion) {
    return eb
      .selectFrom('duties as d')
      .select('d.ticket_id')
      .where('d.unit_id', 'in', ids)
      .union(eb.selectFrom('duties as hd').select('hd.ticket_id').where('hd.handler_unit_id', 'in', ids));
  }
  return eb
    .selectFrom('duties as d')
    .select('d.ticket_id')
    .where((e) => heldOrHandledBy(e, ids));
}

/**
 * The tickets of `units` (see unitTicketIds), gathered from the duties' unit indexes, so a unit's
 * list costs what the unit has rather than what the city has: probed ticket by ticket, a unit's
 * list, tabs and workbench visited every ticket of every year. Where another condition of the
 * query gathers fewer tickets (a state, a queue, a light), pass `checked`: the unit's tickets are
 * then the test applied to those, not where the query starts.
 */
export function withDutyOf(eb: Eb, can: StoreCapabilities, units: readonly number[], how: 'gathered' | 'checked' = 'gathered'): Expression<SqlBool> {
  const ids = unitTicketIds(eb as unknown as ExpressionBuilder<Database, never>, can, units);
  return how === 'checked' ? sql<SqlBool>`${can.checkedOnly('t.id')} in (${ids})` : eb('t.id', 'in', ids);
}

/** The units whose tickets the viewer is limited to: a unit user's subtree (no unit at all if it has none), or null for the city. */
export function unitLimit(actor: Actor): number[] | null {
  if (!isUnitRole(actor.role)) return null;
  return actor.unitScope?.length ? actor.unitScope : [-1];
}

/**
 * The condition a ticket meets to be in the queue, for this viewer at this instant. For a unit user
 * every queue is limited to the unit's own duties or requests, so a count needs no other scope.
 */
export function queueCondition(eb: Eb, can: StoreCapabilities, queue: Queue, actor: Actor, now: string): Expression<SqlBool> {
  const scope = unitLimit(actor);
  const openDuty = (narrow: (q: any) => any) => withOpenDuty(eb, can, narrow, scope);
  switch (queue) {
    case 'mine':
      // 我的待办: named 承办人 for one of the viewer's units, which still owes work on the ticket.
      return eb.and([
        can.amongFew(
          't.id',
          eb
            .selectFrom('ticket_assignees as a')
            .select('a.ticket_id')
            .where('a.user_id', '=', actor.userId)
            .$if(!!scope, (q) => q.where('a.unit_id', 'in', scope!)),
        ),
        openDuty((q) => q),
      ]);
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
      // Gathered from the pending requests (few), as the open duties are.
      return can.amongFew(
        't.id',
        eb
          .selectFrom('unit_requests as r')
          .select('r.ticket_id')
          .where('r.status', '=', 'pending')
          .where('r.kind', '=', 'extension')
          .$if(!!scope, (q) => q.where('r.unit_id', 'in', scope!)),
      );
    default: {
      // The centre's queues are tickets in a state; a unit user's are those among its own duties.
      const inState = eb('t.status', '=', STATE_OF_QUEUE[queue]);
      return scope ? eb.and([inState, withDutyOf(eb, can, scope, 'checked')]) : inState;
    }
  }
}
