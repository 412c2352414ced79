// 督办 items (第二十七条, and 第二十六条's 质效督办 issued by the quality review's send-back): issue, list,
// read, the unit's written reply, the issuer's acceptance. Each
// use-case is one transaction writing the change, its audit event, the unit's notification and its
// SMS through the outbox. 协商督办 re-dispatches the ticket to the designated unit through the
// dispatch use-case, so that unit gets fresh sign and reply duties.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction, type Tx } from '../store/db.ts';
import type { Selectable } from 'kysely';
import type { SupervisionItemTable } from '../store/schema.ts';
import { formatShanghai, lightAt, shanghaiDate, type Light } from '../domain/deadline.ts';
import { isUnitRole } from '../domain/roles.ts';
import {
  describeRemaining,
  maySupervise,
  SUPERVISION_RULES,
  SUPERVISION_STATUS_LABELS,
  type ReplyOutcome,
  type SupervisionKind,
  type SupervisionStatus,
} from '../domain/supervision.ts';
import { STATUS_LABELS, type TicketStatus } from '../domain/ticket-states.ts';
import { conflict, forbidden, invalid, notFound } from '../server/problem.ts';
import { writeEvent } from '../audit/events.ts';
import { enqueue } from '../outbox/outbox.ts';
import { HANDLING_UNIT_KINDS } from '../org/seed.ts';
import { lockTicket } from '../tickets/model.ts';
import { cancelOpenDuties, completeDuty, refreshTicketDue } from '../tickets/duties.ts';
import { dispatchTo, resolveTarget } from '../tickets/dispatch.ts';
import { notify } from '../notifications/notifications.ts';
import { issueItem } from '../tickets/supervision-item.ts';
import { freeTextFor } from '../tickets/view.ts';

export { issueItem, type IssueArgs } from '../tickets/supervision-item.ts';
import type { SupervisionItem } from './contract.ts';

type ItemRow = Selectable<SupervisionItemTable>;

export interface CreateItemRequest {
  kind: SupervisionKind;
  ticketNo?: string;
  unitCode?: string;
  coUnitCodes?: string[];
  matter: string;
}

export interface ReplyRequest {
  content: string;
  outcome?: ReplyOutcome;
  planEndDate?: string;
}

export interface CloseRequest {
  accept: boolean;
  note?: string;
}

/** 协商督办 settles who handles a ticket that is waiting for a unit, or that units pass between them. */
const CONSULT_FROM: TicketStatus[] = ['pending_dispatch', 'dispatched', 'in_progress', 'returned', 'disputed'];

function handlingUnit(ctx: AppContext, code: string) {
  const unit = ctx.org.byCodeOrUndefined(code);
  if (!unit) throw invalid('unitCode', `承办单位「${code}」不存在`);
  if (!HANDLING_UNIT_KINDS.has(unit.kind)) throw invalid('unitCode', `「${unit.name}」不是承办单位`);
  return unit;
}

export async function createItem(ctx: AppContext, actor: Actor, body: CreateItemRequest) {
  const rule = SUPERVISION_RULES[body.kind];
  if (!maySupervise(body.kind, actor.role)) throw forbidden(`当前角色无权发起${rule.label}`);
  if (rule.automatic) throw invalid('kind', `${rule.label}由质效审核退回工单时生成（${rule.article}），不能直接发起`);
  if (rule.ticket === 'required' && !body.ticketNo) throw invalid('ticketNo', `${rule.label}须指定工单编号`);
  if (rule.redispatch && !body.unitCode) throw invalid('unitCode', `${rule.label}须指定承办单位`);

  const id = await inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const ticket = body.ticketNo ? await lockTicket(ctx, tx, body.ticketNo) : null;
    const unit = body.unitCode ? handlingUnit(ctx, body.unitCode) : ctx.org.get(ticket?.lead_unit_id);
    if (!unit) throw invalid('unitCode', '须指定被督办的承办单位');
    const fromStatus: string | null = ticket?.status ?? null;
    let toStatus = fromStatus;

    if (rule.recordOnly && ticket) {
      // 电话督办 follows the platform's warning or a missed deadline of that unit on this ticket.
      const warned = await tx
        .selectFrom('duties')
        .select('id')
        .where('ticket_id', '=', ticket.id)
        .where('status', '=', 'open')
        .where('unit_id', '=', unit.id)
        .where('yellow_at', '<=', now)
        .limit(1)
        .executeTakeFirst();
      if (!warned) throw conflict(`该工单在「${unit.name}」的办理期限尚未预警或超期，无需电话督办`);
    }

    if (rule.redispatch && ticket) {
      if (!CONSULT_FROM.includes(ticket.status as TicketStatus)) {
        throw conflict(`工单当前状态为「${STATUS_LABELS[ticket.status as TicketStatus] ?? ticket.status}」，不能协商指定承办单位`);
      }
      const target = await resolveTarget(ctx, tx, ticket, { leadUnitCode: unit.code, coUnitCodes: body.coUnitCodes });
      // The designation settles any return or dispute still waiting for a decision.
      await tx
        .updateTable('unit_requests')
        .set({ status: 'approved', decided_by: actor.userId, decided_at: now, decision_note: '协商督办指定承办单位', designated_unit_id: unit.id })
        .where('ticket_id', '=', ticket.id)
        .where('status', '=', 'pending')
        .where('kind', 'in', ['return', 'dispute'])
        .execute();
      const settle = await tx.selectFrom('duties').select(['id', 'due_at']).where('ticket_id', '=', ticket.id).where('status', '=', 'open').where('kind', '=', 'settle_dispute').execute();
      for (const d of settle) await completeDuty(tx, d, now);
      await cancelOpenDuties(tx, ticket.id, now, ['lead', 'co']);
      await dispatchTo(ctx, tx, ticket, target, now);
      toStatus = 'dispatched';
    }

    const itemId = await issueItem(ctx, tx, actor, { kind: body.kind, ticket, unit, matter: body.matter, now, fromStatus, toStatus });
    if (ticket) {
      await tx.updateTable('tickets').set({ supervised: 1, updated_at: now, ...(toStatus !== fromStatus ? { status: toStatus! } : {}) }).where('id', '=', ticket.id).execute();
      await refreshTicketDue(tx, ticket.id);
    }
    return itemId;
  });
  return getItem(ctx, actor, id);
}


async function lockItem(ctx: AppContext, tx: Tx, id: number): Promise<ItemRow> {
  const row = await tx
    .selectFrom('supervision_items')
    .selectAll()
    .where('id', '=', id)
    .$call(ctx.store.capabilities.lockRows)
    .executeTakeFirst();
  if (!row) throw notFound(`督办事项 ${id} 不存在`);
  return row;
}

function canSee(actor: Actor, row: Pick<ItemRow, 'unit_id'>): boolean {
  if (isUnitRole(actor.role)) return !!actor.unitScope?.includes(row.unit_id);
  return actor.role !== 'agent';
}

function ticketNoOf(tx: Tx, ticketId: number | null) {
  return ticketId == null ? Promise.resolve(null) : tx.selectFrom('tickets').select('no').where('id', '=', ticketId).executeTakeFirst().then((t) => t?.no ?? null);
}

export async function replyItem(ctx: AppContext, actor: Actor, id: number, body: ReplyRequest) {
  await inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const item = await lockItem(ctx, tx, id);
    if (!canSee(actor, item)) throw notFound(`督办事项 ${id} 不存在`);
    if (!isUnitRole(actor.role)) throw forbidden('只有被督办单位可以回复');
    const rule = SUPERVISION_RULES[item.kind as SupervisionKind];
    if (rule.recordOnly) throw conflict(`${rule.label}无需书面回复`);
    if (item.status !== 'open') throw conflict(`督办事项当前为「${SUPERVISION_STATUS_LABELS[item.status as SupervisionStatus]}」，不能回复`);
    const outcome: ReplyOutcome = body.outcome ?? 'done';
    if (outcome === 'plan' && !rule.planLimitKey) throw invalid('outcome', `${rule.label}的回复不能是处理办法，请填写办理结果`);
    if (outcome === 'plan') {
      if (!body.planEndDate) throw invalid('planEndDate', '提出处理办法时须写明办结时限');
      if (body.planEndDate < shanghaiDate(now)) throw invalid('planEndDate', '办结时限不能早于今天');
    } else if (body.planEndDate) {
      throw invalid('planEndDate', '只有提出处理办法时才填写办结时限');
    }
    const deadline = outcome === 'plan' ? item.plan_due_at : item.due_at;
    const late = !!deadline && Date.parse(now) > Date.parse(deadline);
    await tx
      .updateTable('supervision_items')
      .set({ status: 'replied', reply_outcome: outcome, reply_content: body.content, plan_end_date: body.planEndDate ?? null, replied_by: actor.userId, replied_at: now, reply_late: late ? 1 : 0 })
      .where('id', '=', id)
      .execute();
    await writeEvent(tx, actor, now, { ticketId: item.ticket_id, action: 'supervision_reply', fromStatus: null, toStatus: null, detail: { itemId: id, kind: item.kind, outcome, late } });
    const no = await ticketNoOf(tx, item.ticket_id);
    const issuerUnit = item.issuer_unit_id ?? ctx.org.firstOfKind(item.issued_role === 'authority' ? 'authority' : 'centre')?.id;
    if (issuerUnit != null) {
      const unit = ctx.org.get(item.unit_id);
      await notify(
        tx,
        { unitId: issuerUnit, kind: 'supervision_reply', ticketId: item.ticket_id, itemId: id, title: `${unit?.name ?? '承办单位'}已回复${rule.label}${no ? `（${no}）` : ''}`, body: body.content.slice(0, 200), link: `/supervision/items?item=${id}` },
        now,
      );
    }
  });
  return getItem(ctx, actor, id);
}

export async function closeItem(ctx: AppContext, actor: Actor, id: number, body: CloseRequest) {
  await inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const item = await lockItem(ctx, tx, id);
    if (!canSee(actor, item)) throw notFound(`督办事项 ${id} 不存在`);
    const rule = SUPERVISION_RULES[item.kind as SupervisionKind];
    if (!maySupervise(item.kind as SupervisionKind, actor.role)) throw forbidden(`只有${rule.label}的发起方可以验收办结`);
    if (rule.recordOnly) throw conflict(`${rule.label}仅作记录，无需验收`);
    // 协商督办 needs no written reply (the designated unit's duties carry the work): it may be closed while open.
    const closable = item.status === 'replied' || (item.status === 'open' && !!rule.redispatch && body.accept);
    if (!closable) throw conflict(`督办事项当前为「${SUPERVISION_STATUS_LABELS[item.status as SupervisionStatus]}」，${item.status === 'open' ? '被督办单位尚未回复' : '不能再验收'}`);
    if (!body.accept && !body.note) throw invalid('note', '回复未通过验收时须说明理由');
    const status: SupervisionStatus = body.accept ? 'closed' : 'open';
    await tx
      .updateTable('supervision_items')
      .set(body.accept ? { status, closed_by: actor.userId, closed_at: now, close_note: body.note ?? null } : { status, close_note: body.note ?? null })
      .where('id', '=', id)
      .execute();
    await writeEvent(tx, actor, now, { ticketId: item.ticket_id, action: body.accept ? 'supervision_close' : 'supervision_send_back', detail: { itemId: id, kind: item.kind } });
    const unit = ctx.org.get(item.unit_id);
    const no = await ticketNoOf(tx, item.ticket_id);
    const matter = body.accept ? `${rule.label}已验收办结` : `${rule.label}回复未通过验收，请重新回复：${body.note}`;
    if (!body.accept && unit?.smsPhone) await enqueue(tx, 'sms', { to: unit.smsPhone, template: 'supervision', params: { ticketNo: no ?? `督办事项${id}`, matter } }, now);
    if (unit) await notify(tx, { unitId: unit.id, kind: 'supervision_closed', ticketId: item.ticket_id, itemId: id, title: `${matter.slice(0, 60)}${no ? `（${no}）` : ''}`, body: body.note ?? '', link: `/supervision/items?item=${id}` }, now);
  });
  return getItem(ctx, actor, id);
}

export interface ItemQuery {
  status?: string;
  kind?: SupervisionKind;
  unit?: string;
  light?: Light;
  ticketNo?: string;
  page?: number;
  pageSize?: number;
}

function baseQuery(ctx: AppContext) {
  return ctx.store.db
    .selectFrom('supervision_items as s')
    .leftJoin('tickets as t', 't.id', 's.ticket_id')
    .leftJoin('users as iu', 'iu.id', 's.issued_by')
    .leftJoin('users as ru', 'ru.id', 's.replied_by')
    .leftJoin('users as cu', 'cu.id', 's.closed_by')
    .selectAll('s')
    .select(['t.no as ticket_no', 't.status as ticket_status', 'iu.display_name as issuer_name', 'ru.display_name as replier_name', 'cu.display_name as closer_name'])
    // The requester's data, so the item's texts are read through the viewer's masker as the ticket's are.
    .select(['t.requester_kind', 't.requester_name', 't.requester_phone', 't.requester_id_no', 't.confidential']);
}

type ItemViewRow = ItemRow & {
  ticket_no: string | null;
  ticket_status: string | null;
  issuer_name: string | null;
  replier_name: string | null;
  closer_name: string | null;
  requester_kind: string | null;
  requester_name: string | null;
  requester_phone: string | null;
  requester_id_no: string | null;
  confidential: number | null;
};

function itemView(ctx: AppContext, actor: Actor, r: ItemViewRow, now: string): SupervisionItem {
  const rule = SUPERVISION_RULES[r.kind as SupervisionKind];
  const open = r.status === 'open';
  const unit = ctx.org.get(r.unit_id);
  // A 督办函 quotes the matter as the authority wrote it; a unit reads its phone and ID numbers masked.
  const mask = freeTextFor({ ...r, requester_kind: r.requester_kind ?? 'person', confidential: r.confidential ?? 0 }, actor);
  const actions: string[] = [];
  if (open && !rule.recordOnly && isUnitRole(actor.role) && actor.unitScope?.includes(r.unit_id)) actions.push('reply');
  if (maySupervise(r.kind as SupervisionKind, actor.role) && (r.status === 'replied' || (open && rule.redispatch))) actions.push('close');
  return {
    id: Number(r.id),
    kind: r.kind,
    kindLabel: rule.label,
    article: rule.article,
    status: r.status,
    statusLabel: SUPERVISION_STATUS_LABELS[r.status as SupervisionStatus] ?? r.status,
    ticketNo: r.ticket_no,
    ticketStatus: r.ticket_status,
    unit: unit ? { code: unit.code, name: unit.name } : null,
    matter: mask(r.matter) ?? '',
    issuedBy: { name: r.issuer_name, role: r.issued_role, unit: ctx.org.get(r.issuer_unit_id)?.name ?? null },
    issuedAt: formatShanghai(r.issued_at),
    limitKey: r.limit_key,
    dueAt: r.due_at ? formatShanghai(r.due_at) : null,
    planDueAt: r.plan_due_at ? formatShanghai(r.plan_due_at) : null,
    light: open && r.due_at && r.yellow_at ? lightAt({ dueAt: r.due_at, yellowAt: r.yellow_at }, now) : null,
    remaining: open && r.due_at ? describeRemaining(r.due_at, now) : null,
    provisional: !!r.provisional,
    reply: r.replied_at
      ? { outcome: r.reply_outcome, content: mask(r.reply_content), planEndDate: r.plan_end_date, repliedAt: formatShanghai(r.replied_at), repliedBy: r.replier_name, late: !!r.reply_late }
      : null,
    closedAt: r.closed_at ? formatShanghai(r.closed_at) : null,
    closedBy: r.closer_name,
    closeNote: mask(r.close_note),
    actions,
  };
}

export async function getItem(ctx: AppContext, actor: Actor, id: number) {
  const row = (await baseQuery(ctx).where('s.id', '=', id).executeTakeFirst()) as ItemViewRow | undefined;
  if (!row || !canSee(actor, row)) throw notFound(`督办事项 ${id} 不存在`);
  return itemView(ctx, actor, row, ctx.clock.now());
}

export async function listItems(ctx: AppContext, actor: Actor, query: ItemQuery) {
  const now = ctx.clock.now();
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  let scope: number[] | null = isUnitRole(actor.role) ? (actor.unitScope ?? []) : null;
  if (query.unit) {
    const unit = ctx.org.byCodeOrUndefined(query.unit);
    if (!unit) throw invalid('unit', `单位「${query.unit}」不存在`);
    const ids = ctx.org.subtreeIds(unit.id);
    scope = scope ? scope.filter((id) => ids.includes(id)) : ids;
  }
  const statuses = query.status ? query.status.split(',').filter(Boolean) : null;
  const filter = <Q extends ReturnType<typeof baseQuery>>(q: Q): Q => {
    let out = q as ReturnType<typeof baseQuery>;
    if (scope) out = scope.length ? out.where('s.unit_id', 'in', scope) : out.where('s.id', '<', 0);
    if (statuses) out = out.where('s.status', 'in', statuses);
    if (query.kind) out = out.where('s.kind', '=', query.kind);
    if (query.ticketNo) out = out.where('t.no', '=', query.ticketNo);
    if (query.light) {
      out = out.where('s.status', '=', 'open').where('s.due_at', 'is not', null);
      if (query.light === 'red') out = out.where('s.due_at', '<', now);
      if (query.light === 'yellow') out = out.where('s.due_at', '>=', now).where('s.yellow_at', '<=', now);
      if (query.light === 'green') out = out.where('s.yellow_at', '>', now);
    }
    return out as Q;
  };
  const total = await filter(baseQuery(ctx))
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = (await filter(baseQuery(ctx))
    .orderBy((eb) => eb.case().when('s.status', '=', 'open').then(0).when('s.status', '=', 'replied').then(1).else(2).end())
    .orderBy('s.due_at')
    .orderBy('s.id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute()) as ItemViewRow[];
  return { total: Number(total.n), page, pageSize, items: rows.map((r) => itemView(ctx, actor, r, now)) };
}
