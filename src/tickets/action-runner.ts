// Runs one ticket action as one transaction: lock the ticket, check visibility, role, state and the
// unit's duty, apply the change, write the audit event, refresh the ticket's next deadline.
import type { AppContext } from '../server/context.ts';
import type { Tx } from '../store/db.ts';
import { inTransaction } from '../store/db.ts';
import type { Actor } from '../domain/actor.ts';
import { ACTION_RULES, FINISHED_STATUSES, refusal, type Action, type TicketStatus } from '../domain/ticket-states.ts';
import { isUnitRole } from '../domain/roles.ts';
import { forbidden, notFound, Problem } from '../server/problem.ts';
import { writeEvent } from '../audit/events.ts';
import { refusedTicketAction } from '../audit/refusals.ts';
import { dutiesOfActor, lockTicket, unitCanSee, type DutyRow, type TicketRow } from './model.ts';
import { refreshTicketDue } from './duties.ts';
import type { UploadedFile } from './attachments.ts';

export interface ActionCall<B> {
  ctx: AppContext;
  tx: Tx;
  actor: Actor;
  ticket: TicketRow;
  body: B;
  now: string;
  /** For unit roles: the caller's duties in the ticket's current round. */
  myDuties: DutyRow[];
  /** Files sent with the action (multipart), already checked; kept with the action's submission. */
  files: readonly UploadedFile[];
}

export interface ActionOutcome {
  toStatus?: TicketStatus;
  /** Extra audit detail (codes and ids, never personal data). */
  detail?: Record<string, unknown>;
  /** Extra fields for the API answer. */
  response?: Record<string, unknown>;
}

export interface ActionDefinition<B = any> {
  /** JSON schema of the request body. */
  body: Record<string, unknown>;
  run(call: ActionCall<B>): Promise<ActionOutcome>;
}

type ActionRun = (
  ctx: AppContext,
  definitions: Record<Action, ActionDefinition>,
  actor: Actor,
  no: string,
  action: Action,
  body: unknown,
  files?: readonly UploadedFile[],
) => Promise<{ ticketNo: string; status: TicketStatus; response?: Record<string, unknown> }>;

/** Applies the action; a refusal (its transaction rolled back) is audited on its own before it is thrown. */
export const runAction: ActionRun = async (ctx, definitions, actor, no, action, body, files) => {
  try {
    return await applyAction(ctx, definitions, actor, no, action, body, files);
  } catch (err) {
    throw await refusedTicketAction(ctx, actor, no, action, err);
  }
};

const applyAction: ActionRun = (ctx, definitions, actor, no, action, body, files = []) => {
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const ticket = await lockTicket(ctx, tx, no);
    // A unit never learns that another unit's ticket exists.
    if (!(await unitCanSee(tx, actor, ticket.id))) throw notFound(`工单 ${no} 不存在`);
    const from = ticket.status as TicketStatus;
    const refused = refusal(action, from, actor.role);
    if (refused) throw new Problem(refused.status, refused.status === 403 ? 'forbidden' : 'invalid-state', refused.title);

    const rule = ACTION_RULES[action];
    let myDuties: DutyRow[] = [];
    if (isUnitRole(actor.role) && rule.unitDuty) {
      myDuties = await dutiesOfActor(tx, actor, ticket);
      const wanted = rule.unitDuty;
      const ok = myDuties.some((d) => wanted === 'any' || d.party === wanted);
      if (!ok && action !== 'reveal_contact') {
        throw forbidden(wanted === 'co' ? '本单位不是该工单的协办单位' : '本单位不是该工单的主办单位');
      }
    }

    const outcome = await definitions[action].run({ ctx, tx, actor, ticket, body: body ?? {}, now, myDuties, files });
    // Counted, never named: file names stay out of the audit trail.
    if (files.length) outcome.detail = { ...outcome.detail, attachments: files.length };
    const to = outcome.toStatus ?? from;
    await tx
      .updateTable('tickets')
      .set({
        status: to,
        updated_at: now,
        ...(FINISHED_STATUSES.includes(to) && !FINISHED_STATUSES.includes(from) ? { closed_at: now } : {}),
      })
      .where('id', '=', ticket.id)
      .execute();
    await writeEvent(tx, actor, now, { ticketId: ticket.id, action, fromStatus: from, toStatus: to, detail: outcome.detail });
    await refreshTicketDue(tx, ticket.id);
    return { ticketNo: ticket.no, status: to, response: outcome.response };
  });
};
