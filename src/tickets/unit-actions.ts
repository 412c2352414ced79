// What a handling unit does with a ticket (第十三条–第十七条): sign, delegate, return, dispute,
// ask for an extension, give a co-handling opinion, respond, report progress, reply or decline.
import { computeDeadline } from '../domain/deadline.ts';
import { DECLINE_REASONS } from '../domain/ticket-types.ts';
import { describeLimit, type LimitUnit } from '../domain/time-limits.ts';
import { conflict, forbidden, invalid } from '../server/problem.ts';
import { enqueue } from '../outbox/outbox.ts';
import type { ActionCall, ActionDefinition, ActionOutcome } from './action-runner.ts';
import { cancelOpenDuties, completeDuty, openDuty } from './duties.ts';
import { openDutiesOf, type DutyRow } from './model.ts';
import { text, obj } from '../server/schemas.ts';
import { recordReveal, requireOpenDuty } from './reveals.ts';
import { storeAttachments } from './attachments.ts';

/** The caller's open duty of a kind, or a 409 saying it is already done. */
function myOpenDuty(call: ActionCall<unknown>, kind: string, party?: string): DutyRow | undefined {
  return call.myDuties.find((d) => d.kind === kind && d.status === 'open' && (!party || d.party === party));
}

function leadDuty(call: ActionCall<unknown>, kind: string): DutyRow | undefined {
  return call.myDuties.find((d) => d.party === 'lead' && d.kind === kind);
}

/** When the round's work reached the lead unit: the windows for returns and disputes run from here. */
function dispatchedAt(call: ActionCall<unknown>): string {
  const starts = call.myDuties.filter((d) => d.party === 'lead').map((d) => d.started_at);
  return starts.sort()[0] ?? call.now;
}

/** Signing is implied by any later step of the same unit: complete an open sign duty if there is one. */
async function ensureSigned(call: ActionCall<unknown>, party: 'lead' | 'co'): Promise<ActionOutcome> {
  const sign = myOpenDuty(call, 'sign', party);
  if (!sign) return {};
  const late = await completeDuty(call.tx, sign, call.now);
  return { toStatus: party === 'lead' && call.ticket.status === 'dispatched' ? 'in_progress' : undefined, detail: { signLate: late } };
}

async function submit(call: ActionCall<unknown>, unitId: number, kind: string, content: string, extra: { reason_code?: string; approval?: string } = {}) {
  const { id } = await call.tx
    .insertInto('submissions')
    .values({
      ticket_id: call.ticket.id,
      unit_id: unitId,
      kind,
      round: call.ticket.round,
      content,
      reason_code: extra.reason_code ?? null,
      approval: extra.approval ?? 'none',
      approved_by: extra.approval === 'approved' ? call.actor.userId : null,
      approved_at: extra.approval === 'approved' ? call.now : null,
      created_by: call.actor.userId,
      created_at: call.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (call.files.length) await storeAttachments(call.tx, call.files, { ticketId: call.ticket.id, submissionId: Number(id), userId: call.actor.userId, now: call.now });
}

/** Files a unit's request (return, dispute, extension) for the centre or the authority to decide. */
async function fileRequest(
  call: ActionCall<unknown>,
  request: { kind: 'return' | 'dispute' | 'extension'; unit_id: number; reason: string } & Partial<{ duty_id: number; basis: string; suggested_unit_id: number | null; amount: number; signed_by: string; late: number }>,
) {
  await call.tx
    .insertInto('unit_requests')
    .values({
      ticket_id: call.ticket.id,
      duty_id: null,
      basis: null,
      suggested_unit_id: null,
      amount: null,
      signed_by: null,
      late: 0,
      ...request,
      status: 'pending',
      requested_by: call.actor.userId,
      requested_at: call.now,
      decided_by: null,
      decided_at: null,
      decision_note: null,
      designated_unit_id: null,
      improper: 0,
    })
    .execute();
}

/** The lead unit's reply duty, looked up for roles (admin) that have no duties of their own. */
async function leadReplyDuty(call: ActionCall<unknown>): Promise<DutyRow | undefined> {
  const mine = call.myDuties.find((d) => d.party === 'lead' && d.kind === 'reply' && d.status === 'open');
  if (mine) return mine;
  const [duty] = await openDutiesOf(call.tx, call.ticket.id, { kind: 'reply', party: 'lead' });
  return duty;
}

const sign: ActionDefinition<Record<string, never>> = {
  body: obj({}),
  async run(call) {
    const duty = myOpenDuty(call, 'sign');
    if (!duty) throw conflict('本单位已签收该工单');
    const late = await completeDuty(call.tx, duty, call.now);
    return { toStatus: duty.party === 'lead' ? 'in_progress' : undefined, detail: { party: duty.party, late } };
  },
};

const delegate: ActionDefinition<{ unitCode: string; note?: string }> = {
  body: obj({ unitCode: text(40), note: text(500, 0) }, ['unitCode']),
  async run(call) {
    const target = call.ctx.org.byCodeOrUndefined(call.body.unitCode);
    const own = leadDuty(call, 'reply');
    if (!target) throw invalid('unitCode', `承办单位「${call.body.unitCode}」不存在`);
    // 第九条: a unit delegates to its own 下级/内设 units and stays responsible. The delegating unit is
    // the user's: a sub-unit handling a delegated ticket may pass it further down, never to a sibling
    // or back up (the lead unit itself re-delegates among its sub-units).
    const from = call.actor.unitId;
    const down = (unitId: number | null | undefined) => unitId != null && target.id !== unitId && call.ctx.org.isWithin(target.id, unitId);
    if (!own?.unit_id || !down(own.unit_id) || !down(from)) {
      throw invalid('unitCode', '字段「unitCode」：只能转交本单位的下级或内设承办单位（第九条）');
    }
    await call.tx
      .updateTable('duties')
      .set({ handler_unit_id: target.id })
      .where('ticket_id', '=', call.ticket.id)
      .where('party', '=', 'lead')
      .where('status', '=', 'open')
      .execute();
    return { detail: { to: target.code } };
  },
};

const returnTicket: ActionDefinition<{ reason: string; basis: string; suggestedUnitCode?: string }> = {
  body: obj({ reason: text(1000), basis: text(1000), suggestedUnitCode: text(40, 0) }, ['reason', 'basis']),
  async run(call) {
    const { ctx, tx, ticket, now, body } = call;
    const suggested = body.suggestedUnitCode ? ctx.org.byCodeOrUndefined(body.suggestedUnitCode) : undefined;
    if (body.suggestedUnitCode && !suggested) throw invalid('suggestedUnitCode', `建议承办单位「${body.suggestedUnitCode}」不存在`);
    const window = computeDeadline(dispatchedAt(call), ctx.city.limits.return, ctx.calendar.current());
    // 超期退回的视为超期办理件 (第十五条): a late return is allowed but counted as overdue.
    const late = Date.parse(now) > Date.parse(window.dueAt);
    await fileRequest(call, { kind: 'return', unit_id: ticket.lead_unit_id!, reason: body.reason, basis: body.basis, suggested_unit_id: suggested?.id ?? null, late: late ? 1 : 0 });
    return { toStatus: 'returned', detail: { late, suggested: suggested?.code ?? null } };
  },
};

const dispute: ActionDefinition<{ reason: string; signedBy?: string }> = {
  body: obj({ reason: text(2000), signedBy: text(40, 0) }, ['reason']),
  async run(call) {
    const { ctx, tx, ticket, now, body } = call;
    const window = computeDeadline(dispatchedAt(call), ctx.city.limits['dispute.raise'], ctx.calendar.current());
    if (Date.parse(now) > Date.parse(window.dueAt)) {
      throw conflict(`异议须在派单后${describeLimit(ctx.city.limits['dispute.raise'])}内提出（第十四条）`);
    }
    const authority = ctx.org.firstOfKind('authority');
    await fileRequest(call, { kind: 'dispute', unit_id: ticket.lead_unit_id!, reason: body.reason, signed_by: body.signedBy || call.actor.displayName });
    await openDuty(ctx, tx, {
      ticketId: ticket.id,
      unitId: authority?.id ?? null,
      party: 'authority',
      kind: 'settle_dispute',
      round: ticket.round,
      limitKey: 'dispute.settle',
      limit: ctx.city.limits['dispute.settle'],
      startedAt: now,
    });
    if (authority?.smsPhone) {
      await enqueue(tx, 'sms', { to: authority.smsPhone, template: 'supervision', params: { ticketNo: ticket.no, matter: '工单异议待裁定' } }, now);
    }
    return { toStatus: 'disputed' };
  },
};

const requestExtension: ActionDefinition<{ amount: number; reason: string; override?: boolean }> = {
  body: obj(
    { amount: { type: 'integer', minimum: 1, maximum: 60 }, reason: text(1000), override: { type: 'boolean' } },
    ['amount', 'reason'],
  ),
  async run(call) {
    const { ctx, tx, ticket, now, body, actor } = call;
    const duty = await leadReplyDuty(call);
    if (!duty) throw conflict('该工单没有待办的办理时限，无需延期');
    if (ticket.type === 'consultation' && !(actor.role === 'admin' && body.override)) {
      throw conflict('咨询类工单原则上不予延期（第十五条）；确需延期的须由管理员特批');
    }
    if (Date.parse(now) > Date.parse(duty.due_at)) throw conflict('已超过办理时限，延期须在时限到期前申请（第十五条）');
    if (duty.extensions >= ctx.city.maxExtensions) throw conflict(`延期申请最多可提出${ctx.city.maxExtensions}次（第十五条）`);
    if (body.amount > duty.limit_amount) {
      throw invalid('amount', `延期工作日数每次不得超过原办理时限（${describeLimit({ unit: duty.limit_unit as LimitUnit, amount: duty.limit_amount })}）`);
    }
    const pending = await tx
      .selectFrom('unit_requests')
      .select('id')
      .where('ticket_id', '=', ticket.id)
      .where('kind', '=', 'extension')
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (pending) throw conflict('已有待审批的延期申请');
    await tx.updateTable('duties').set({ extensions: duty.extensions + 1 }).where('id', '=', duty.id).execute();
    await fileRequest(call, { kind: 'extension', unit_id: duty.unit_id ?? ticket.lead_unit_id!, reason: body.reason, duty_id: duty.id, amount: body.amount });
    return { detail: { amount: body.amount, request: duty.extensions + 1, override: !!body.override } };
  },
};

const opinion: ActionDefinition<{ content: string }> = {
  body: obj({ content: text(4000) }, ['content']),
  async run(call) {
    const duty = myOpenDuty(call, 'opinion', 'co');
    if (!duty) throw conflict('本单位已提交协办意见');
    const signed = await ensureSigned(call, 'co');
    const late = await completeDuty(call.tx, duty, call.now);
    await submit(call, duty.unit_id!, 'opinion', call.body.content);
    return { detail: { late, ...signed.detail } };
  },
};

function specialReport(kind: 'first_response' | 'progress'): ActionDefinition<{ content: string }> {
  return {
    body: obj({ content: text(4000) }, ['content']),
    async run(call) {
      const duty = myOpenDuty(call, kind, 'lead');
      if (!duty) throw conflict(kind === 'first_response' ? '该工单无需初步响应或已响应' : '该工单无需进度反馈或已反馈');
      const signed = await ensureSigned(call, 'lead');
      const late = await completeDuty(call.tx, duty, call.now);
      await submit(call, duty.unit_id!, kind, call.body.content);
      return { toStatus: signed.toStatus, detail: { late } };
    },
  };
}

/** Final reply or decline: done now, or waiting for the head's approval on provincial/national tickets. */
async function finalAnswer(call: ActionCall<{ content: string; reasonCode?: string }>, kind: 'reply' | 'decline'): Promise<ActionOutcome> {
  const { tx, ticket, now, actor, body } = call;
  const duty = await leadReplyDuty(call);
  if (!duty) throw conflict('该工单没有待反馈的办理事项');
  const needsApproval = ticket.origin !== 'local' && actor.role !== 'unit_head';
  const missingOpinions = await openDutiesOf(tx, ticket.id, { kind: 'opinion' });
  await submit(call, duty.unit_id!, kind, body.content, { reason_code: body.reasonCode, approval: needsApproval ? 'pending' : ticket.origin !== 'local' ? 'approved' : 'none' });
  await tx
    .updateTable('tickets')
    .set({ resolution: kind === 'reply' ? 'replied' : 'declined', resolution_note: body.reasonCode ?? null })
    .where('id', '=', ticket.id)
    .execute();
  if (needsApproval) return { toStatus: 'awaiting_approval', detail: { needsApproval } };
  const late = await completeDuty(tx, duty, now);
  // A final answer supersedes what co-handlers and special reports still owe on this round.
  await cancelOpenDuties(tx, ticket.id, now, ['lead', 'co']);
  return { toStatus: 'replied', detail: { late, missingOpinions: missingOpinions.length, reasonCode: body.reasonCode ?? null } };
}

const reply: ActionDefinition<{ content: string }> = {
  body: obj({ content: text(4000) }, ['content']),
  run: (call) => finalAnswer(call, 'reply'),
};

const decline: ActionDefinition<{ content: string; reasonCode: keyof typeof DECLINE_REASONS }> = {
  body: obj({ content: text(4000), reasonCode: { type: 'string', enum: Object.keys(DECLINE_REASONS) } }, ['content', 'reasonCode']),
  run: (call) => finalAnswer(call, 'decline'),
};

const approveReply: ActionDefinition<{ approve: boolean; note?: string }> = {
  body: obj({ approve: { type: 'boolean' }, note: text(1000, 0) }, ['approve']),
  async run(call) {
    const { tx, ticket, now, body, actor } = call;
    const pending = await tx
      .selectFrom('submissions')
      .selectAll()
      .where('ticket_id', '=', ticket.id)
      .where('approval', '=', 'pending')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (!pending) throw conflict('没有待审定的答复');
    await tx
      .updateTable('submissions')
      .set({ approval: body.approve ? 'approved' : 'rejected', approved_by: actor.userId, approved_at: now })
      .where('id', '=', pending.id)
      .execute();
    if (!body.approve) {
      if (!body.note) throw invalid('note', '退回答复时须说明理由');
      return { toStatus: 'in_progress', detail: { approve: false } };
    }
    const duty = await leadReplyDuty(call);
    const late = duty ? await completeDuty(tx, duty, now) : false;
    await cancelOpenDuties(tx, ticket.id, now, ['lead', 'co']);
    return { toStatus: 'replied', detail: { approve: true, late } };
  },
};

const revealContact: ActionDefinition<{ reason: string }> = {
  body: obj({ reason: text(500) }, ['reason']),
  async run(call) {
    const { ticket } = call;
    if (ticket.confidential) throw forbidden('诉求人要求保密，承办单位不能查看其身份信息');
    requireOpenDuty(call);
    const { inHour, alerted } = await recordReveal(call.ctx, call.tx, call);
    // The view itself is the event: the ticket's history shows who saw the full contact and why.
    return {
      detail: { reason: call.body.reason, inHour, ...(alerted ? { alerted: true } : {}) },
      response: { revealedContact: { name: ticket.requester_name, phone: ticket.requester_phone, idNumber: ticket.requester_id_no } },
    };
  },
};

export const unitActions = {
  sign,
  delegate,
  return: returnTicket,
  dispute,
  request_extension: requestExtension,
  opinion,
  first_response: specialReport('first_response'),
  progress: specialReport('progress'),
  reply,
  decline,
  approve_reply: approveReply,
  reveal_contact: revealContact,
};
