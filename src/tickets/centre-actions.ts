// What the hotline centre and the authority do with a ticket: dispatch, decide returns, extensions and
// disputes, review replies, call back, audit closures (第二十六条), archive, flag specials, merge.
import type { AppContext } from '../server/context.ts';
import type { Db, Tx } from '../store/db.ts';
import { computeDeadline, formatShanghai } from '../domain/deadline.ts';
import { isSatisfied, SATISFACTION_LEVELS, SPECIAL_LEVELS, type Satisfaction, type TicketType } from '../domain/ticket-types.ts';
import { OPEN_STATUSES, type TicketStatus } from '../domain/ticket-states.ts';
import { describeLimit, replyLimit, type LimitKey, type LimitUnit } from '../domain/time-limits.ts';
import { conflict, invalid } from '../server/problem.ts';
import { writeEvent } from '../audit/events.ts';
import { enqueue } from '../outbox/outbox.ts';
import type { ActionCall, ActionDefinition } from './action-runner.ts';
import { cancelOpenDuties, completeDuty, openDuty, refreshTicketDue } from './duties.ts';
import { dispatchTo, openSpecialDuties, reportSpecial, resolveTarget, type DispatchRequest } from './dispatch.ts';
import { guardAgainstDuplicates, linkDistinct } from './duplicates.ts';
import { categoryLimit, categoryOf, openDutiesOf, ticketNumbered, type TicketRow } from './model.ts';
import { codes, obj, PHONE_SCHEMA, text } from '../server/schemas.ts';
import { openReview } from '../ratings/reviews.ts';
import { issueItem } from './supervision-item.ts';
import { satisfactionExemption } from '../domain/evaluation.ts';
import { notifyMergedCallers } from './cross-caller.ts';

const dispatchFields = { leadUnitCode: text(40), coUnitCodes: codes(), note: text(1000, 0) };

async function pendingRequest(tx: Tx, ticketId: number, kind: string) {
  const row = await tx
    .selectFrom('unit_requests')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .where('kind', '=', kind)
    .where('status', '=', 'pending')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!row) throw conflict('没有待处理的申请');
  return row;
}

async function decide(call: ActionCall<{ note?: string }>, id: number, status: 'approved' | 'refused', extra: { designated_unit_id?: number; improper?: number } = {}) {
  await call.tx
    .updateTable('unit_requests')
    .set({ status, decided_by: call.actor.userId, decided_at: call.now, decision_note: call.body.note ?? null, ...extra })
    .where('id', '=', id)
    .execute();
}

/** Where a ticket stands while its lead unit still handles it: signed or not. */
async function handlingStatus(tx: Tx, ticket: TicketRow): Promise<TicketStatus> {
  const unsigned = await openDutiesOf(tx, ticket.id, { kind: 'sign', party: 'lead' });
  return unsigned.length ? 'dispatched' : 'in_progress';
}

/** 再次办理: the same lead unit gets a new round with a fresh reply limit (第十二条(四), 第二十六条). */
async function reopenForRework(ctx: AppContext, tx: Tx, ticket: TicketRow, now: string): Promise<void> {
  const category = await categoryOf(tx, ticket.category_id);
  const catLimit = categoryLimit(category);
  const round = ticket.round + 1;
  await openDuty(ctx, tx, {
    ticketId: ticket.id,
    unitId: ticket.lead_unit_id,
    party: 'lead',
    kind: 'reply',
    round,
    limitKey: catLimit ? `category:${category!.code}` : (`reply.${ticket.type}` as LimitKey),
    limit: replyLimit(ctx.city.limits, ticket.type as TicketType, catLimit),
    startedAt: now,
  });
  await tx.updateTable('tickets').set({ round, closed_at: null }).where('id', '=', ticket.id).execute();
  const unit = ctx.org.get(ticket.lead_unit_id);
  if (unit?.smsPhone) await enqueue(tx, 'sms', { to: unit.smsPhone, template: 'dispatch_notice', params: { ticketNo: ticket.no, signLimit: describeLimit(ctx.city.limits.sign), role: '再次办理' } }, now);
}

const dispatch: ActionDefinition<DispatchRequest & { distinctFrom?: string[]; requesterPhone?: string }> = {
  body: obj({ ...dispatchFields, distinctFrom: codes(20), requesterPhone: PHONE_SCHEMA }),
  async run(call) {
    const { ctx, tx, ticket, now, body } = call;
    // 第二条: a dispatched ticket holds the requester's phone. Requests that came without one (Open311
    // with an e-mail or no contact) wait in 待派单 until the agent adds it here.
    let contactCompleted = false;
    if (!ticket.requester_phone) {
      const phone = body.requesterPhone?.replace(/[\s-]/g, '');
      if (!phone) {
        const email = await tx.selectFrom('requester_emails').select('id').where('ticket_id', '=', ticket.id).executeTakeFirst();
        throw invalid('requesterPhone', `派单前须补全诉求人联系电话（第二条）：该诉求未留电话${email ? '，可先发邮件联系诉求人' : ''}，请填写 requesterPhone`);
      }
      await tx.updateTable('tickets').set({ requester_phone: phone }).where('id', '=', ticket.id).execute();
      ticket.requester_phone = phone;
      contactCompleted = true;
    }
    await guardAgainstDuplicates(ctx, tx, { phone: ticket.requester_phone, facts: ticket.facts, categoryId: ticket.category_id, address: ticket.address, excludeId: ticket.id }, body.distinctFrom);
    await linkDistinct(tx, ticket.id, body.distinctFrom ?? [], now);
    const target = await resolveTarget(ctx, tx, ticket, body);
    await dispatchTo(ctx, tx, ticket, target, now);
    return { toStatus: 'dispatched', detail: { lead: target.lead.code, co: target.co.map((u) => u.code), ...(contactCompleted ? { contactCompleted } : {}) } };
  },
};

const decideReturn: ActionDefinition<DispatchRequest & { accept: boolean; improper?: boolean; note?: string }> = {
  body: obj({ accept: { type: 'boolean' }, improper: { type: 'boolean' }, ...dispatchFields }, ['accept']),
  async run(call) {
    const { ctx, tx, ticket, now, body } = call;
    const request = await pendingRequest(tx, ticket.id, 'return');
    if (!body.accept) {
      // 不当退单: the unit keeps the ticket and its running deadlines (第三十一条(二)6 counts these).
      await decide(call, request.id, 'refused', { improper: body.improper === false ? 0 : 1 });
      return { toStatus: await handlingStatus(tx, ticket), detail: { accept: false } };
    }
    const suggested = ctx.org.get(request.suggested_unit_id);
    const target = await resolveTarget(ctx, tx, ticket, { ...body, leadUnitCode: body.leadUnitCode ?? suggested?.code });
    if (target.lead.id === request.unit_id) throw invalid('leadUnitCode', '改派单位不能是退单单位本身');
    await decide(call, request.id, 'approved', { designated_unit_id: target.lead.id });
    await cancelOpenDuties(tx, ticket.id, now);
    await dispatchTo(ctx, tx, ticket, target, now);
    return { toStatus: 'dispatched', detail: { accept: true, lead: target.lead.code, co: target.co.map((u) => u.code) } };
  },
};

const settleDispute: ActionDefinition<DispatchRequest & { note: string }> = {
  body: obj({ ...dispatchFields, note: text(2000) }, ['leadUnitCode', 'note']),
  async run(call) {
    const { ctx, tx, ticket, now, body } = call;
    const request = await pendingRequest(tx, ticket.id, 'dispute');
    const [settle] = await openDutiesOf(tx, ticket.id, { kind: 'settle_dispute' });
    if (settle) await completeDuty(tx, settle, now);
    const target = await resolveTarget(ctx, tx, ticket, body);
    if (target.lead.id === ticket.lead_unit_id && !target.co.length) {
      // The objection is not upheld: the unit goes on handling under its running deadlines.
      await decide(call, request.id, 'refused', { designated_unit_id: target.lead.id });
      return { toStatus: await handlingStatus(tx, ticket), detail: { upheld: false, lead: target.lead.code } };
    }
    await decide(call, request.id, 'approved', { designated_unit_id: target.lead.id });
    await cancelOpenDuties(tx, ticket.id, now, ['lead', 'co']);
    await dispatchTo(ctx, tx, ticket, target, now);
    return { toStatus: 'dispatched', detail: { upheld: true, lead: target.lead.code, co: target.co.map((u) => u.code) } };
  },
};

const decideExtension: ActionDefinition<{ approve: boolean; note?: string }> = {
  body: obj({ approve: { type: 'boolean' }, note: text(1000, 0) }, ['approve']),
  async run(call) {
    const { ctx, tx, now, body } = call;
    const request = await pendingRequest(tx, call.ticket.id, 'extension');
    if (!body.approve) {
      await decide(call, request.id, 'refused');
      return { detail: { approve: false } };
    }
    const duty = await tx.selectFrom('duties').selectAll().where('id', '=', request.duty_id!).executeTakeFirstOrThrow();
    if (duty.status !== 'open') throw conflict('该办理事项已完成，无需延期');
    const d = computeDeadline(duty.due_at, { unit: duty.limit_unit as LimitUnit, amount: request.amount! }, ctx.calendar.current());
    await tx
      .updateTable('duties')
      .set({ due_at: d.dueAt, yellow_at: d.yellowAt, provisional: d.provisional || duty.provisional ? 1 : 0 })
      .where('id', '=', duty.id)
      .execute();
    await decide(call, request.id, 'approved');
    const unit = ctx.org.get(duty.unit_id);
    if (unit?.smsPhone) await enqueue(tx, 'sms', { to: unit.smsPhone, template: 'supervision', params: { ticketNo: call.ticket.no, matter: '延期申请已同意' } }, now);
    return { detail: { approve: true, amount: request.amount, dueAt: formatShanghai(d.dueAt) } };
  },
};

const review: ActionDefinition<{ pass: boolean; note?: string }> = {
  body: obj({ pass: { type: 'boolean' }, note: text(1000, 0) }, ['pass']),
  async run(call) {
    const { tx, ticket, body } = call;
    if (!body.pass && !body.note) throw invalid('note', '审核不通过时须说明理由');
    // The verdict is the reply's: the portal publishes it, and opens 好差评 on it, only once accepted.
    const answer = await tx
      .selectFrom('submissions')
      .select(['id', 'content'])
      .where('ticket_id', '=', ticket.id)
      .where('kind', 'in', ['reply', 'decline'])
      .where('approval', 'in', ['none', 'approved'])
      .where('review', '=', 'pending')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (answer) {
      await tx
        .updateTable('submissions')
        .set({ review: body.pass ? 'accepted' : 'rejected', reviewed_by: call.actor.userId, reviewed_at: call.now })
        .where('id', '=', answer.id)
        .execute();
    }
    if (body.pass) {
      // 并单: every caller whose ticket was merged into this one hears the result too.
      const told = await notifyMergedCallers(tx, ticket, answer?.content ?? null, call.now);
      return { toStatus: 'callback', detail: { pass: true, ...(told ? { mergedCallersNotified: told } : {}) } };
    }
    // The reply goes back under the unit's original deadline: reopen the round's reply duty.
    const last = await tx
      .selectFrom('duties')
      .select('id')
      .where('ticket_id', '=', ticket.id)
      .where('kind', '=', 'reply')
      .where('party', '=', 'lead')
      .where('round', '=', ticket.round)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (last) await tx.updateTable('duties').set({ status: 'open', completed_at: null, late: 0 }).where('id', '=', last.id).execute();
    return { toStatus: 'in_progress', detail: { pass: false } };
  },
};

const callback: ActionDefinition<{ reached: boolean; satisfaction?: Satisfaction; words?: string; reasonable?: boolean }> = {
  body: obj({
    reached: { type: 'boolean' },
    satisfaction: { type: 'string', enum: [...SATISFACTION_LEVELS] },
    words: text(2000, 0),
    reasonable: { type: 'boolean' },
  }, ['reached']),
  async run(call) {
    const { ctx, tx, ticket, now, body, actor } = call;
    if (body.reached && !body.satisfaction) throw invalid('satisfaction', '联系上诉求人时须记录满意度');
    const unsatisfied = body.reached && body.satisfaction && !isSatisfied(body.satisfaction);
    if (unsatisfied && body.reasonable === undefined) throw invalid('reasonable', '诉求人不满意时须判定诉求是否合理');
    // 第二十五条: whether this rating is exempt from 满意率 is fixed when it is made (src/domain/evaluation.ts).
    const exemptClass = body.reached ? satisfactionExemption(ticket.type, (await categoryOf(tx, ticket.category_id))?.case_class) : null;
    await tx
      .insertInto('callbacks')
      .values({
        ticket_id: ticket.id,
        round: ticket.round,
        reached: body.reached ? 1 : 0,
        satisfaction: body.satisfaction ?? null,
        requester_words: body.words ?? null,
        reasonable: body.reasonable === undefined ? null : body.reasonable ? 1 : 0,
        unit_id: ticket.lead_unit_id,
        exempt_class: exemptClass,
        created_by: actor.userId,
        created_at: now,
      })
      .execute();
    if (!body.reached) return { detail: { reached: false } };
    await tx.updateTable('tickets').set({ satisfaction: body.satisfaction! }).where('id', '=', ticket.id).execute();
    // 好差评: every 差评 opens a review the centre verifies and the unit rectifies (src/ratings).
    if (unsatisfied) await openReview(ctx, tx, actor, { ticketId: ticket.id, source: 'callback', level: body.satisfaction!, comment: body.words ?? null, unitId: ticket.lead_unit_id, now });
    if (unsatisfied && body.reasonable) {
      await reopenForRework(ctx, tx, ticket, now);
      return { toStatus: 'in_progress', detail: { satisfaction: body.satisfaction, reasonable: true } };
    }
    return { toStatus: 'closed', detail: { satisfaction: body.satisfaction, reasonable: body.reasonable ?? null } };
  },
};

/**
 * 第二十六条: a perfunctory closure goes back to its unit for a new round and 列入督办事项 — a 质效督办
 * item with its own deadline (limit `supervision.quality`), reply and sign-off, issued in this
 * transaction so a send-back never stands without its item.
 */
const qualitySendBack: ActionDefinition<{ note: string }> = {
  body: obj({ note: text(2000) }, ['note']),
  async run(call) {
    const { ctx, tx, ticket, now, actor, body } = call;
    const unit = ctx.org.get(ticket.lead_unit_id);
    if (!unit) throw conflict('工单没有承办单位，不能退回重办');
    await reopenForRework(ctx, tx, ticket, now);
    await tx.updateTable('tickets').set({ supervised: 1 }).where('id', '=', ticket.id).execute();
    const itemId = await issueItem(ctx, tx, actor, { kind: 'quality', ticket, unit, matter: `质效审核退回重办：${body.note}`, now, fromStatus: ticket.status, toStatus: 'in_progress' });
    return { toStatus: 'in_progress', detail: { supervised: true, supervisionItem: itemId }, response: { supervisionItemId: itemId } };
  },
};

const qualityRedispatch: ActionDefinition<DispatchRequest & { note: string }> = {
  body: obj({ ...dispatchFields, note: text(2000) }, ['leadUnitCode', 'note']),
  async run(call) {
    const { ctx, tx, ticket, now, body } = call;
    const target = await resolveTarget(ctx, tx, ticket, body);
    if (target.lead.id === ticket.lead_unit_id) throw invalid('leadUnitCode', '改派单位不能是原办结单位；原单位重办请用「质效审核退回」');
    await dispatchTo(ctx, tx, ticket, target, now);
    await tx.updateTable('tickets').set({ supervised: 1 }).where('id', '=', ticket.id).execute();
    return { toStatus: 'dispatched', detail: { lead: target.lead.code } };
  },
};

const archive: ActionDefinition<{ note?: string }> = {
  body: obj({ note: text(1000, 0) }),
  async run() {
    return { toStatus: 'archived' };
  },
};

const flagSpecial: ActionDefinition<{ level: 'special' | 'special_emergency'; note?: string }> = {
  body: obj({ level: { type: 'string', enum: SPECIAL_LEVELS.filter((l) => l !== 'none') }, note: text(1000, 0) }, ['level']),
  async run(call) {
    const { ctx, tx, ticket, now, body } = call;
    if (ticket.special === body.level) throw conflict('该工单已是此特殊事项等级');
    await tx.updateTable('tickets').set({ special: body.level }).where('id', '=', ticket.id).execute();
    await reportSpecial(ctx, tx, ticket, body.level, now);
    if (ticket.lead_unit_id && (ticket.status === 'dispatched' || ticket.status === 'in_progress')) {
      await tx
        .updateTable('duties')
        .set({ status: 'cancelled', completed_at: now })
        .where('ticket_id', '=', ticket.id)
        .where('status', '=', 'open')
        .where('kind', 'in', ['first_response', 'progress'])
        .execute();
      await openSpecialDuties(ctx, tx, { ...ticket, special: body.level }, ticket.lead_unit_id, ticket.round, now);
    }
    return { detail: { level: body.level } };
  },
};

const merge: ActionDefinition<{ intoNo: string; note?: string }> = {
  body: obj({ intoNo: text(40), note: text(1000, 0) }, ['intoNo']),
  async run(call) {
    const { tx, ticket, now, body, actor } = call;
    const target = await mergeTarget(tx, body.intoNo, ticket.id);
    await mergeInto(tx, ticket, target, now, actor);
    return { toStatus: 'merged', detail: { into: target.no } };
  },
};

export async function mergeTarget(db: Db | Tx, no: string, selfId?: number) {
  const target = await ticketNumbered(db, no).select(['id', 'no', 'status']).executeTakeFirst();
  if (!target) throw invalid('mergeInto', `并入的工单 ${no} 不存在`);
  if (target.id === selfId) throw invalid('mergeInto', '不能并入工单本身');
  if (!OPEN_STATUSES.includes(target.status as TicketStatus)) throw invalid('mergeInto', `工单 ${no} 已办结，不能并入；请作为新诉求派单`);
  return target;
}

/** 并单: the repeat request joins the open ticket, which records it as one more call about the same matter. */
export async function mergeInto(tx: Tx, ticket: Pick<TicketRow, 'id' | 'no'>, target: { id: number; no: string; status: string }, now: string, actor: import('../domain/actor.ts').Actor) {
  await tx.updateTable('tickets').set({ merged_into_id: target.id }).where('id', '=', ticket.id).execute();
  await tx
    .updateTable('tickets')
    .set((eb) => ({ repeat_count: eb('repeat_count', '+', 1), updated_at: now }))
    .where('id', '=', target.id)
    .execute();
  await tx.insertInto('ticket_links').values({ ticket_id: ticket.id, other_ticket_id: target.id, kind: 'merged_into', note: null, created_at: now }).execute();
  await writeEvent(tx, actor, now, { ticketId: target.id, action: 'merged_in', fromStatus: target.status, toStatus: target.status, detail: { from: ticket.no } });
}

export const centreActions = {
  dispatch,
  decide_return: decideReturn,
  settle_dispute: settleDispute,
  decide_extension: decideExtension,
  review,
  callback,
  quality_send_back: qualitySendBack,
  quality_redispatch: qualityRedispatch,
  archive,
  flag_special: flagSpecial,
  merge,
};

export { refreshTicketDue };
