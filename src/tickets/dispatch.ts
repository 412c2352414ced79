// 派单: choosing the lead and co-handling units (第十三条, 第十四条 县（市）区兜底) and opening their duties.
import type { AppContext } from '../server/context.ts';
import type { Db, Tx } from '../store/db.ts';
import type { Unit } from '../org/directory.ts';
import { invalid } from '../server/problem.ts';
import { describeLimit, replyLimit, type LimitKey } from '../domain/time-limits.ts';
import type { TicketType } from '../domain/ticket-types.ts';
import { categoryLimit, categoryOf, type CategoryRow, type TicketRow } from './model.ts';
import { openDuties, openDuty, type OpenDuty } from './duties.ts';
import { enqueue } from '../outbox/outbox.ts';
import { notify } from '../notifications/notifications.ts';
import { formatForPeople } from '../domain/deadline.ts';
import { TICKET_TYPE_LABELS } from '../domain/ticket-types.ts';
import { HANDLING_UNIT_KINDS } from '../org/seed.ts';

export interface DispatchRequest {
  leadUnitCode?: string;
  coUnitCodes?: string[];
}

export interface DispatchTarget {
  lead: Unit;
  co: Unit[];
  /** The ticket's category, read once here and reused for the reply limit. */
  category?: CategoryRow;
}


function handlingUnit(ctx: AppContext, code: string, field: string): Unit {
  const unit = ctx.org.byCodeOrUndefined(code);
  if (!unit) throw invalid(field, `承办单位「${code}」不存在`);
  if (!HANDLING_UNIT_KINDS.has(unit.kind)) throw invalid(field, `「${unit.name}」不是承办单位`);
  return unit;
}

/** The units a ticket goes to: as chosen, else the category's default unit, else the district of the matter. */
export async function resolveTarget(ctx: AppContext, db: Db | Tx, ticket: Pick<TicketRow, 'category_id' | 'district_unit_id'>, req: DispatchRequest): Promise<DispatchTarget> {
  let lead: Unit | undefined;
  const category = await categoryOf(db, ticket.category_id);
  if (req.leadUnitCode) lead = handlingUnit(ctx, req.leadUnitCode, 'leadUnitCode');
  lead ??= ctx.org.get(category?.default_unit_id ?? null) ?? ctx.org.get(ticket.district_unit_id);
  if (!lead) throw invalid('leadUnitCode', '无法确定主办单位：请选择承办单位，或填写诉求分类或所属县（市）区');
  const co: Unit[] = [];
  for (const code of req.coUnitCodes ?? []) {
    const unit = handlingUnit(ctx, code, 'coUnitCodes');
    if (unit.id === lead.id) throw invalid('coUnitCodes', '协办单位不能与主办单位相同');
    if (!co.some((u) => u.id === unit.id)) co.push(unit);
  }
  return { lead, co, category };
}

/** Opens the round's duties for the lead and co-handling units and notifies each unit by SMS (第十三条). */
export async function dispatchTo(ctx: AppContext, tx: Tx, ticket: TicketRow, target: DispatchTarget, now: string): Promise<number> {
  const round = ticket.round + 1;
  const limits = ctx.city.limits;
  const category = target.category ?? (await categoryOf(tx, ticket.category_id));
  const catLimit = categoryLimit(category);
  const reply = replyLimit(limits, ticket.type as TicketType, catLimit);
  const replyKey: LimitKey | `category:${string}` = catLimit ? `category:${category!.code}` : (`reply.${ticket.type}` as LimitKey);
  const base = { ticketId: ticket.id, round, startedAt: now };

  // The round's duties go in as few statements as keep their order (ids): the lead's, a special
  // ticket's, the co-handlers'.
  const leadDuties: OpenDuty[] = [
    { ...base, unitId: target.lead.id, party: 'lead', kind: 'sign', limitKey: 'sign', limit: limits.sign },
    { ...base, unitId: target.lead.id, party: 'lead', kind: 'reply', limitKey: replyKey, limit: reply },
  ];
  const coDuties: OpenDuty[] = target.co.flatMap((unit): OpenDuty[] => [
    { ...base, unitId: unit.id, party: 'co', kind: 'sign', limitKey: 'sign', limit: limits.sign },
    { ...base, unitId: unit.id, party: 'co', kind: 'opinion', limitKey: replyKey, limit: reply },
  ]);
  const opened: Array<{ dueAt: string; provisional: boolean }> = [];
  if (ticket.special === 'none') opened.push(...(await openDuties(ctx, tx, [...leadDuties, ...coDuties])));
  else {
    opened.push(...(await openDuties(ctx, tx, leadDuties)));
    opened.push(...(await openSpecialDuties(ctx, tx, ticket, target.lead.id, round, now)));
    opened.push(...(await openDuties(ctx, tx, coDuties)));
  }
  // Dispatch leaves no other duty open, so the ticket's next deadline is the earliest one opened here.
  const nextDue = opened.map((d) => d.dueAt).sort()[0];
  await tx
    .updateTable('tickets')
    .set({ lead_unit_id: target.lead.id, round, status: 'dispatched', closed_at: null, next_due_at: nextDue, provisional: opened.some((d) => d.provisional) ? 1 : 0 })
    .where('id', '=', ticket.id)
    .execute();
  // Each unit is told in the console (pushed to its open sessions, src/notifications/) as well as by
  // SMS, in this transaction: no notice for a dispatch that did not commit. No personal data in it.
  // Every unit's sign duty runs to the same limit: the lead's, opened first.
  const signBy = formatForPeople(opened[0]!.dueAt);
  for (const unit of [target.lead, ...target.co]) {
    const role = unit === target.lead ? '主办' : '协办';
    await notify(
      tx,
      {
        unitId: unit.id,
        kind: 'dispatch',
        ticketId: ticket.id,
        title: `新派工单（${role}）：${ticket.no}`,
        body: `${TICKET_TYPE_LABELS[ticket.type as TicketType] ?? ''}${category?.name ? ` · ${category.name}` : ''} · 请于 ${signBy} 前签收`,
        link: `/tickets/${ticket.no}`,
      },
      now,
    );
  }
  for (const unit of [target.lead, ...target.co]) {
    if (!unit.smsPhone) continue;
    await enqueue(tx, 'sms', { to: unit.smsPhone, template: 'dispatch_notice', params: { ticketNo: ticket.no, signLimit: describeLimit(ctx.city.limits.sign), role: unit === target.lead ? '主办' : '协办' } }, now);
  }
  return round;
}

/** 特殊事项 / 特殊紧急事项: the first response in hours and the progress report in working days (第十六条). */
export async function openSpecialDuties(ctx: AppContext, tx: Tx, ticket: TicketRow, leadUnitId: number, round: number, now: string) {
  const level = ticket.special as 'special' | 'special_emergency';
  const limits = ctx.city.limits;
  const base = { ticketId: ticket.id, unitId: leadUnitId, party: 'lead' as const, round, startedAt: now };
  return [
    await openDuty(ctx, tx, { ...base, kind: 'first_response', limitKey: `${level}.first_response`, limit: limits[`${level}.first_response`] }),
    await openDuty(ctx, tx, { ...base, kind: 'progress', limitKey: `${level}.progress`, limit: limits[`${level}.progress`] }),
  ];
}

/** Reports a special matter to the city government at once (第十六条), through the outbox. */
export async function reportSpecial(ctx: AppContext, tx: Tx, ticket: Pick<TicketRow, 'no'>, level: string, now: string): Promise<void> {
  const government = ctx.org.firstOfKind('government');
  const authority = ctx.org.firstOfKind('authority');
  for (const unit of [authority, government]) {
    if (!unit?.smsPhone) continue;
    await enqueue(tx, 'report', { to: unit.smsPhone, template: 'special_report', params: { ticketNo: ticket.no, level: level === 'special' ? '特殊事项' : '特殊紧急事项' } }, now);
  }
}
