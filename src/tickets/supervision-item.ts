// A 督办 item written inside the caller's transaction: what the supervision desk's createItem
// (src/supervision/items.ts) and the quality review's send-back of a ticket (第二十六条,
// ./centre-actions.ts) both issue through. Here, below both, so the ticket's actions need not
// import the supervision desk that itself works on tickets.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Tx } from '../store/db.ts';
import type { Unit } from '../domain/units.ts';
import { formatForPeople, formatShanghai } from '../domain/deadline.ts';
import { SUPERVISION_RULES, supervisionDeadlines, type SupervisionKind } from '../domain/supervision.ts';
import { writeEvent } from '../audit/events.ts';
import { enqueue } from '../outbox/outbox.ts';
import { notify } from '../notifications/notifications.ts';
import type { TicketRow } from './model.ts';

const short = formatForPeople;

export interface IssueArgs {
  kind: SupervisionKind;
  ticket: TicketRow | null;
  unit: Unit;
  matter: string;
  now: string;
  /** The ticket's status before and after the change that issues the item, for the audit event. */
  fromStatus: string | null;
  toStatus: string | null;
}

/**
 * Writes a 督办 item inside the caller's transaction: its deadline and light from the city's limit
 * table, the audit event, the unit's notification and its SMS through the outbox. createItem and the
 * quality review's send-back (第二十六条) both issue through here; the caller updates the ticket.
 */
export async function issueItem(ctx: AppContext, tx: Tx, actor: Actor, args: IssueArgs): Promise<number> {
  const rule = SUPERVISION_RULES[args.kind];
  const { ticket, unit, now, fromStatus, toStatus } = args;
  const deadlines = supervisionDeadlines(args.kind, now, ctx.city.limits, ctx.calendar.current());
  const row = await tx
    .insertInto('supervision_items')
    .values({
      kind: args.kind,
      ticket_id: ticket?.id ?? null,
      unit_id: unit.id,
      status: rule.recordOnly ? 'recorded' : 'open',
      matter: args.matter,
      limit_key: rule.limitKey,
      issued_by: actor.userId,
      issued_role: actor.role,
      issuer_unit_id: actor.unitId,
      issued_at: now,
      due_at: deadlines.reply?.dueAt ?? null,
      yellow_at: deadlines.reply?.yellowAt ?? null,
      plan_due_at: deadlines.plan?.dueAt ?? null,
      provisional: deadlines.reply?.provisional || deadlines.plan?.provisional ? 1 : 0,
      reply_outcome: null,
      reply_content: null,
      plan_end_date: null,
      replied_by: null,
      replied_at: null,
      reply_late: 0,
      closed_by: null,
      closed_at: null,
      close_note: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const itemId = Number(row.id);

  const due = deadlines.reply ? formatShanghai(deadlines.reply.dueAt) : null;
  await writeEvent(tx, actor, now, {
    ticketId: ticket?.id ?? null,
    action: 'supervise',
    fromStatus,
    toStatus,
    detail: { itemId, kind: args.kind, unit: unit.code, dueAt: due, ...(deadlines.plan ? { planDueAt: formatShanghai(deadlines.plan.dueAt) } : {}) },
  });

  const subject = ticket ? `工单 ${ticket.no}` : `督办事项 ${itemId}`;
  const ask = rule.recordOnly
    ? '已电话督办，请及时签收办理'
    : rule.redispatch
      ? '经协商督办指定贵单位承办，请及时签收办理'
      : deadlines.plan
        ? `请于 ${short(deadlines.reply!.dueAt)} 前办结或有效回复；无法办结的，请于 ${short(deadlines.plan.dueAt)} 前提出处理办法及办结时限`
        : `请于 ${short(deadlines.reply!.dueAt)} 前书面回复`;
  if (unit.smsPhone) await enqueue(tx, 'sms', { to: unit.smsPhone, template: 'supervision', params: { ticketNo: ticket?.no ?? `督办事项${itemId}`, matter: `${rule.label}，${ask}` } }, now);
  await notify(tx, { unitId: unit.id, kind: 'supervision', ticketId: ticket?.id ?? null, itemId, title: `${rule.label}：${subject}`, body: `${args.matter.slice(0, 200)}（${ask}）`, link: `/supervision/items?item=${itemId}` }, now);
  return itemId;
}
