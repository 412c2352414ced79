// Opening, completing and cancelling duties. A duty's deadline is computed once, when it opens,
// from the city's limit table by the one deadline function; its light is derived from it at read time.
import type { AppContext } from '../server/context.ts';
import type { Tx } from '../store/db.ts';
import { computeDeadline } from '../domain/deadline.ts';
import type { LimitKey, TimeLimit } from '../domain/time-limits.ts';
import { refreshTicketDue } from '../calendar/service.ts';

export type DutyKind = 'sign' | 'reply' | 'opinion' | 'first_response' | 'progress' | 'settle_dispute';
export type Party = 'lead' | 'co' | 'authority';

export interface OpenDuty {
  ticketId: number;
  unitId: number | null;
  party: Party;
  kind: DutyKind;
  round: number;
  limitKey: LimitKey | `category:${string}`;
  limit: TimeLimit;
  startedAt: string;
}

export async function openDuty(ctx: AppContext, tx: Tx, duty: OpenDuty): Promise<{ id: number; dueAt: string; provisional: boolean }> {
  const d = computeDeadline(duty.startedAt, duty.limit, ctx.calendar.current());
  const row = await tx
    .insertInto('duties')
    .values({
      ticket_id: duty.ticketId,
      unit_id: duty.unitId,
      handler_unit_id: null,
      party: duty.party,
      kind: duty.kind,
      round: duty.round,
      limit_key: duty.limitKey,
      limit_unit: duty.limit.unit,
      limit_amount: duty.limit.amount,
      started_at: duty.startedAt,
      due_at: d.dueAt,
      yellow_at: d.yellowAt,
      provisional: d.provisional ? 1 : 0,
      status: 'open',
      completed_at: null,
      late: 0,
      extensions: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), dueAt: d.dueAt, provisional: d.provisional };
}

/** Marks a duty done at `at`; late when after its deadline. Returns whether it was late. */
export async function completeDuty(tx: Tx, duty: { id: number; due_at: string }, at: string): Promise<boolean> {
  const late = Date.parse(at) > Date.parse(duty.due_at);
  await tx
    .updateTable('duties')
    .set({ status: 'done', completed_at: at, late: late ? 1 : 0 })
    .where('id', '=', duty.id)
    .execute();
  return late;
}

/** Cancels every open duty of a ticket (or of some parties): the work moved elsewhere. */
export async function cancelOpenDuties(tx: Tx, ticketId: number, at: string, parties?: Party[]): Promise<void> {
  let q = tx
    .updateTable('duties')
    .set({ status: 'cancelled', completed_at: at })
    .where('ticket_id', '=', ticketId)
    .where('status', '=', 'open');
  if (parties) q = q.where('party', 'in', parties);
  await q.execute();
}

export { refreshTicketDue };
