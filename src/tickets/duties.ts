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

function dutyRow(ctx: AppContext, duty: OpenDuty) {
  const d = computeDeadline(duty.startedAt, duty.limit, ctx.calendar.current());
  const row = {
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
    status: 'open' as const,
    completed_at: null,
    late: 0,
    extensions: 0,
  };
  return { row, dueAt: d.dueAt, provisional: d.provisional };
}

export async function openDuty(ctx: AppContext, tx: Tx, duty: OpenDuty): Promise<{ id: number; dueAt: string; provisional: boolean }> {
  const { row: values, dueAt, provisional } = dutyRow(ctx, duty);
  const row = await tx.insertInto('duties').values(values).returning('id').executeTakeFirstOrThrow();
  return { id: Number(row.id), dueAt, provisional };
}

/** Opens several duties in one statement (a dispatch opens at least two); their ids are not needed. */
export async function openDuties(ctx: AppContext, tx: Tx, duties: OpenDuty[]): Promise<Array<{ dueAt: string; provisional: boolean }>> {
  if (!duties.length) return [];
  const rows = duties.map((duty) => dutyRow(ctx, duty));
  await tx.insertInto('duties').values(rows.map((r) => r.row)).execute();
  return rows.map(({ dueAt, provisional }) => ({ dueAt, provisional }));
}

/**
 * An extension asked for a duty that is no longer open has nothing left to extend: it lapses, so it
 * neither blocks a later request (one pending at a time) nor waits for a decision that cannot apply.
 */
async function lapsePendingExtensions(tx: Tx, dutyIds: number[], at: string): Promise<void> {
  if (!dutyIds.length) return;
  await tx
    .updateTable('unit_requests')
    .set({ status: 'lapsed', decided_at: at })
    .where('kind', '=', 'extension')
    .where('status', '=', 'pending')
    .where('duty_id', 'in', dutyIds)
    .execute();
}

/** Marks a duty done at `at`; late when after its deadline. Returns whether it was late. */
export async function completeDuty(tx: Tx, duty: { id: number; due_at: string }, at: string): Promise<boolean> {
  const late = Date.parse(at) > Date.parse(duty.due_at);
  await tx
    .updateTable('duties')
    .set({ status: 'done', completed_at: at, late: late ? 1 : 0 })
    .where('id', '=', duty.id)
    .execute();
  await lapsePendingExtensions(tx, [duty.id], at);
  return late;
}

/** Cancels every open duty of a ticket (or of some parties): the work moved elsewhere. */
export async function cancelOpenDuties(tx: Tx, ticketId: number, at: string, parties?: Party[]): Promise<void> {
  let open = tx.selectFrom('duties').select('id').where('ticket_id', '=', ticketId).where('status', '=', 'open');
  if (parties) open = open.where('party', 'in', parties);
  const ids = (await open.execute()).map((d) => Number(d.id));
  if (!ids.length) return;
  await tx.updateTable('duties').set({ status: 'cancelled', completed_at: at }).where('id', 'in', ids).execute();
  await lapsePendingExtensions(tx, ids, at);
}

export { refreshTicketDue };
