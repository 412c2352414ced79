// 受理 (第十条–第十二条): an agent records the request with every 第二条 field and disposes of it at
// once: dispatch to a unit, save for later dispatch, answer directly from the knowledge base,
// refuse with a 第十一条 reason, transfer to an emergency line, or merge into an open ticket.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import {
  CHANNELS,
  EMERGENCY_LINES,
  REJECT_REASONS,
  REQUESTER_KINDS,
  SPECIAL_LEVELS,
  TICKET_TYPES,
  type Channel,
  type EmergencyLine,
  type Origin,
  type RejectReason,
  type RequesterKind,
  type SpecialLevel,
  type TicketType,
} from '../domain/ticket-types.ts';
import type { TicketStatus } from '../domain/ticket-states.ts';
import { invalid } from '../server/problem.ts';
import { writeEvent } from '../audit/events.ts';
import { enqueue } from '../outbox/outbox.ts';
import { nextTicketNo, takeTicketNo } from './numbers.ts';
import type { TicketPart } from './queries.ts';
import { dispatchTo, reportSpecial, resolveTarget, type DispatchRequest, type DispatchTarget } from './dispatch.ts';
import { guardAgainstDuplicates, linkDistinct } from './duplicates.ts';
import { mergeInto, mergeTarget } from './centre-actions.ts';
import { codes, obj, PHONE_SCHEMA, text } from '../server/schemas.ts';
import { directAnswerArticle, useInDirectAnswer } from '../knowledge/articles.ts';
import { callExists, linkCallToTicket, ticketOfCall } from '../calls/records.ts';
import { conflict } from '../server/problem.ts';

import { DISPOSITIONS, type Disposition } from './contract.ts';

export { DISPOSITIONS, type Disposition };

export interface IntakeRequest {
  channel: Channel;
  type: TicketType;
  categoryCode?: string;
  requester: { kind?: RequesterKind; name?: string; phone?: string; idNumber?: string; confidential?: boolean; email?: string };
  facts: string;
  address?: string;
  districtCode?: string;
  special?: SpecialLevel;
  callId?: string;
  /** The call was already registered as a ticket and this is a second, different matter of the same call. */
  secondMatter?: boolean;
  /** Where and what, from systems that send it (Open311): not part of the intake form's schema. */
  location?: { lat: number | null; long: number | null; addressId?: string | null; mediaUrl?: string | null };
  externalId?: string;
  /**
   * Saved for later dispatch without a phone (Open311 requests with an e-mail or no contact): the
   * agent completes the 第二条 contact before dispatching (the dispatch action refuses until then).
   */
  contactLater?: boolean;
  disposition: Disposition;
  dispatch?: DispatchRequest;
  distinctFrom?: string[];
  answer?: { content: string; articleId?: string };
  reject?: { reasonCode: RejectReason; basis?: string; referral?: string };
  emergency?: { line: EmergencyLine; note?: string };
  mergeInto?: string;
  /** Photos sent with the request (portal, Open311), already checked; stored with the ticket, in its transaction. */
  photos?: ReadonlyArray<{ buf: Buffer; mime: string; ext: string }>;
}

export { PHONE_SCHEMA };

export const intakeSchema = obj(
  {
    channel: { type: 'string', enum: [...CHANNELS] },
    type: { type: 'string', enum: [...TICKET_TYPES] },
    categoryCode: text(40),
    requester: obj({
      kind: { type: 'string', enum: [...REQUESTER_KINDS] },
      name: text(100, 0),
      // Digits with +, - or spaces; at least five digits, so a phone of separators alone is refused.
      phone: PHONE_SCHEMA,
      idNumber: { type: 'string', pattern: '^[0-9A-Za-z]{6,30}$' },
      confidential: { type: 'boolean' },
    }),
    facts: text(4000),
    address: text(300, 0),
    districtCode: text(40),
    special: { type: 'string', enum: [...SPECIAL_LEVELS] },
    callId: text(64),
    secondMatter: { type: 'boolean' },
    externalId: text(64),
    disposition: { type: 'string', enum: [...DISPOSITIONS] },
    dispatch: obj({ leadUnitCode: text(40), coUnitCodes: codes() }),
    distinctFrom: codes(20),
    answer: obj({ content: text(4000), articleId: text(64) }, ['content']),
    reject: obj({ reasonCode: { type: 'string', enum: Object.keys(REJECT_REASONS) }, basis: text(1000, 0), referral: text(300, 0) }, ['reasonCode']),
    emergency: obj({ line: { type: 'string', enum: [...EMERGENCY_LINES] }, note: text(1000, 0) }, ['line']),
    mergeInto: text(40),
  },
  ['channel', 'type', 'requester', 'facts', 'disposition'],
);

function callTaken(callId: string, no: string) {
  return conflict(`来电 ${callId} 已登记为工单 ${no}；如是同一来电的另一诉求，请勾选「同一来电的另一诉求」后再提交`, { type: 'urn:hotline:problem:call-registered', ticketNo: no, callId });
}

const ORIGIN_OF: Partial<Record<Channel, Origin>> = { provincial: 'provincial', national: 'national' };

/**
 * What a ticket just created cannot have yet, so the answer need not read it back: a unit's
 * requests, callbacks, 承办人 and Open311 comments come later; submissions only with a direct answer, links
 * only with a merge or a distinctFrom, an e-mail only when given.
 */
function emptyOnCreate(req: IntakeRequest): TicketPart[] {
  const parts: TicketPart[] = ['requests', 'callbacks', 'comments', 'assignees'];
  if (req.disposition !== 'direct_answer') parts.push('submissions');
  if (req.disposition !== 'merge' && !req.distinctFrom?.length) parts.push('links');
  if (!req.requester.email) parts.push('email');
  return parts;
}

export async function createTicket(ctx: AppContext, actor: Actor, req: IntakeRequest): Promise<{ no: string; status: TicketStatus; empty: TicketPart[] }> {
  // Checks that need no database come first, so bad input changes nothing.
  const d = req.disposition;
  if (d === 'direct_answer' && req.type !== 'consultation') throw invalid('disposition', '直接解答仅适用于咨询类诉求（第十二条）');
  if (d === 'direct_answer' && !req.answer) throw invalid('answer', '直接解答须填写解答内容');
  if (d === 'reject' && !req.reject) throw invalid('reject', '不予受理须选择第十一条的理由');
  if (d === 'emergency_transfer' && !req.emergency) throw invalid('emergency', '紧急转接须选择紧急热线');
  if (d === 'merge' && !req.mergeInto) throw invalid('mergeInto', '并单须填写并入的工单编号');
  if ((d === 'dispatch' || (d === 'pending' && !req.contactLater)) && !req.requester.phone) {
    throw invalid('requester.phone', '转办的工单须填写诉求人联系电话（第二条）');
  }

  // Everything that can refuse the request is read before the ticket takes its number, so that on
  // PostgreSQL (where the number is taken outside the transaction, see takeTicketNo) a refusal
  // seldom leaves a gap in the day's numbers.
  const db = ctx.store.db;
  let categoryId: number | null = null;
  if (req.categoryCode) {
    const cat = await db.selectFrom('categories').select(['id', 'active']).where('code', '=', req.categoryCode).executeTakeFirst();
    if (!cat || !cat.active) throw invalid('categoryCode', `诉求分类「${req.categoryCode}」不存在`);
    categoryId = cat.id;
  }
  // A numeric callId is the platform's call id (from the screen-pop): it must name a call.
  if (req.callId && /^\d{1,15}$/.test(req.callId) && !(await callExists(db, req.callId))) throw invalid('callId', `通话编号「${req.callId}」不存在`);
  // One ticket per call: a second registration (another tab, a double submit) is refused unless the
  // agent states it is a second matter of the same call.
  if (req.callId && !req.secondMatter) {
    const already = await ticketOfCall(db, req.callId);
    if (already) throw callTaken(req.callId, already);
  }
  let districtId: number | null = null;
  if (req.districtCode) {
    const unit = ctx.org.byCodeOrUndefined(req.districtCode);
    if (!unit || unit.kind !== 'district') throw invalid('districtCode', `县（市）区「${req.districtCode}」不存在`);
    districtId = unit.id;
  }
  const requesterPhone = req.requester.phone?.replace(/[\s-]/g, '') || null;
  const now = ctx.clock.now();
  if (d === 'direct_answer' && req.answer!.articleId) await directAnswerArticle(db, req.answer!.articleId, now);
  if (d === 'merge') await mergeTarget(db, req.mergeInto!);
  let target: DispatchTarget | null = null;
  if (d === 'dispatch') {
    target = await resolveTarget(ctx, db, { category_id: categoryId, district_unit_id: districtId }, req.dispatch ?? {});
    await guardAgainstDuplicates(ctx, db, { phone: requesterPhone, facts: req.facts, categoryId, address: req.address || null }, req.distinctFrom);
  }
  const takenNo = await takeTicketNo(ctx.store, ctx.city.code, now);

  const origin = ORIGIN_OF[req.channel] ?? 'local';
  // A ticket with an external id is idempotent by it: when the COMMIT's answer is lost, the id tells
  // whether it committed (then that ticket is the answer) or not (then it is created now).
  const committed = req.externalId
    ? async () => {
        const found = await db.selectFrom('tickets').select(['no', 'status']).where('origin', '=', origin).where('external_id', '=', req.externalId!).executeTakeFirst();
        return found ? { no: found.no, status: found.status as TicketStatus } : undefined;
      }
    : undefined;
  return inTransaction(db, async (tx) => {
    const no = takenNo ?? (await nextTicketNo(tx, ctx.city.code, now));
    const initial: Record<Disposition, TicketStatus> = {
      dispatch: 'pending_dispatch',
      pending: 'pending_dispatch',
      direct_answer: 'answered',
      reject: 'rejected',
      emergency_transfer: 'transferred',
      merge: 'merged',
    };
    const closed = d !== 'dispatch' && d !== 'pending';
    const resolution: Partial<Record<Disposition, [string, string | null]>> = {
      direct_answer: ['direct_answer', req.answer?.articleId ?? null],
      reject: ['rejected', req.reject?.reasonCode ?? null],
      emergency_transfer: ['emergency_transfer', req.emergency?.line ?? null],
    };
    const inserted = await tx
      .insertInto('tickets')
      .values({
        no,
        channel: req.channel,
        origin,
        external_id: req.externalId ?? null,
        type: req.type,
        category_id: categoryId,
        requester_kind: req.requester.kind ?? 'person',
        requester_name: req.requester.name || null,
        requester_phone: requesterPhone,
        requester_id_no: req.requester.idNumber || null,
        confidential: req.requester.confidential ? 1 : 0,
        facts: req.facts,
        address: req.address || null,
        district_unit_id: districtId,
        special: req.special ?? 'none',
        status: initial[d],
        lead_unit_id: null,
        round: 0,
        next_due_at: null,
        provisional: 0,
        supervised: 0,
        satisfaction: null,
        resolution: resolution[d]?.[0] ?? null,
        resolution_note: resolution[d]?.[1] ?? null,
        merged_into_id: null,
        repeat_count: 0,
        call_id: req.callId ?? null,
        lat: req.location?.lat ?? null,
        long: req.location?.long ?? null,
        address_id: req.location?.addressId ?? null,
        media_url: req.location?.mediaUrl ?? null,
        created_by: actor.userId || null,
        created_at: now,
        updated_at: now,
        closed_at: closed ? now : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const ticket = { ...inserted, id: Number(inserted.id) };
    if (!(await linkCallToTicket(tx, req.callId, ticket.id)) && !req.secondMatter) throw callTaken(req.callId!, (await ticketOfCall(tx, req.callId!)) ?? '');
    if (req.requester.email) await tx.insertInto('requester_emails').values({ ticket_id: ticket.id, email: req.requester.email, created_at: now }).execute();
    if (req.photos?.length) {
      await tx
        .insertInto('portal_photos')
        .values(req.photos.map((p, i) => ({ ticket_id: ticket.id, file: `${i + 1}.${p.ext}`, data: p.buf, mime: p.mime, size: p.buf.length, created_at: now })))
        .execute();
    }

    const detail: Record<string, unknown> = { channel: req.channel, type: req.type, category: req.categoryCode ?? null, disposition: d };
    if (d === 'direct_answer') {
      detail.articleId = req.answer!.articleId ?? null;
      await tx
        .insertInto('submissions')
        .values({ ticket_id: ticket.id, unit_id: ctx.org.firstOfKind('centre')!.id, kind: 'direct_answer', round: 0, content: req.answer!.content, reason_code: req.answer!.articleId ?? null, approval: 'none', approved_by: null, approved_at: null, review: 'accepted', reviewed_by: actor.userId || null, reviewed_at: now, created_by: actor.userId, created_at: now })
        .execute();
      // The article answered with must be published and in force; its use is counted.
      if (req.answer!.articleId) await useInDirectAnswer(ctx, tx, actor, req.answer!.articleId, no, now);
    }
    if (d === 'reject') Object.assign(detail, { reasonCode: req.reject!.reasonCode, basis: req.reject!.basis ?? REJECT_REASONS[req.reject!.reasonCode], referral: req.reject!.referral ?? null });
    if (d === 'emergency_transfer') {
      detail.line = req.emergency!.line;
      // 第十条: transfer the caller and report to the supervising authority.
      const authority = ctx.org.firstOfKind('authority');
      if (authority?.smsPhone) await enqueue(tx, 'report', { to: authority.smsPhone, template: 'emergency_report', params: { ticketNo: no, line: req.emergency!.line } }, now);
    }
    await writeEvent(tx, actor, now, { ticketId: ticket.id, action: 'intake', fromStatus: null, toStatus: initial[d], detail });
    if (ticket.special !== 'none') await reportSpecial(ctx, tx, ticket, ticket.special, now);

    if (d === 'merge') {
      const target = await mergeTarget(tx, req.mergeInto!, ticket.id);
      await mergeInto(tx, ticket, target, now, actor);
    }
    if (d === 'dispatch') {
      await linkDistinct(tx, ticket.id, req.distinctFrom ?? [], now);
      await dispatchTo(ctx, tx, ticket, target!, now);
      await writeEvent(tx, actor, now, { ticketId: ticket.id, action: 'dispatch', fromStatus: 'pending_dispatch', toStatus: 'dispatched', detail: { lead: target!.lead.code, co: target!.co.map((u) => u.code) } });
      return { no, status: 'dispatched' as TicketStatus, empty: emptyOnCreate(req) };
    }
    return { no, status: initial[d], empty: emptyOnCreate(req) };
  }, { committed });
}
