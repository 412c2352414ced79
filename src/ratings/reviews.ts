// 差评 handling (好差评): every 不满意/非常不满意 — the requester's rating on the portal or the rating
// the centre records at callback — opens a review. The centre verifies and classifies it; for the
// unit's fault or a policy limit the unit rectifies or explains; the centre calls the rater back. The
// unit may appeal a mistaken or malicious rating, and the authority decides. Each stage's deadline
// comes from computeDeadline with the city's `rating.*` limits; lights are derived when read.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Db, Tx } from '../store/db.ts';
import { inTransaction } from '../store/db.ts';
import type { RatingReviewTable } from '../store/schema-portal.ts';
import type { Selectable } from 'kysely';
import { computeDeadline, lightAt, type Light } from '../domain/deadline.ts';
import { isUnitRole, seesRequesterContact } from '../domain/roles.ts';
import { SATISFACTION_LABELS, type Satisfaction } from '../domain/ticket-types.ts';
import {
  CLASSIFICATIONS,
  CLASSIFICATION_LABELS,
  RECTIFY_OUTCOMES,
  RECTIFY_OUTCOME_LABELS,
  REVIEW_ACTIONS,
  REVIEW_ACTION_RULES,
  REVIEW_STATUS_LABELS,
  UNIT_CLASSIFICATIONS,
  reviewRefusal,
  type Classification,
  type RectifyOutcome,
  type ReviewAction,
  type ReviewStatus,
} from '../domain/ratings.ts';
import { forbidden, invalid, notFound, Problem } from '../server/problem.ts';
import { writeEvent } from '../audit/events.ts';
import { at, unitRef } from '../server/view-refs.ts';

export type ReviewRow = Selectable<RatingReviewTable>;
export const REVIEW_SOURCES = ['portal', 'callback'] as const;
export type ReviewSource = (typeof REVIEW_SOURCES)[number];
const SOURCE_LABELS: Record<ReviewSource, string> = { portal: '网站评价', callback: '回访评价' };

function deadline(ctx: AppContext, key: keyof AppContext['city']['limits'], from: string) {
  return computeDeadline(from, ctx.city.limits[key], ctx.calendar.current());
}

/** Opens the review of a 差评, inside the caller's transaction. */
export async function openReview(
  ctx: AppContext,
  tx: Tx,
  actor: Actor | null,
  input: { ticketId: number; source: ReviewSource; level: Satisfaction; comment: string | null; unitId: number | null; now: string },
): Promise<number> {
  const d = deadline(ctx, 'rating.verify', input.now);
  const row = await tx
    .insertInto('rating_reviews')
    .values({
      ticket_id: input.ticketId,
      source: input.source,
      level: input.level,
      comment: input.comment,
      unit_id: input.unitId,
      status: 'verifying',
      classification: null,
      verify_note: null,
      verify_due_at: d.dueAt,
      verify_yellow_at: d.yellowAt,
      verified_by: null,
      verified_at: null,
      rectify_due_at: null,
      rectify_yellow_at: null,
      rectify_outcome: null,
      rectify_content: null,
      rectified_by: null,
      rectified_at: null,
      appeal_reason: null,
      appeal_due_at: null,
      appeal_yellow_at: null,
      appealed_by: null,
      appealed_at: null,
      appeal_decision: null,
      appeal_note: null,
      decided_by: null,
      decided_at: null,
      callback_due_at: null,
      callback_yellow_at: null,
      callback_result: null,
      callback_note: null,
      called_by: null,
      called_at: null,
      provisional: d.provisional ? 1 : 0,
      created_at: input.now,
      updated_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  await writeEvent(tx, actor, input.now, { ticketId: input.ticketId, action: 'rating_bad', fromStatus: null, toStatus: 'verifying', detail: { reviewId: id, source: input.source, level: input.level } });
  return id;
}

/** The stage's deadline pair of a review in an open state. */
function stageDeadline(r: ReviewRow): { dueAt: string; yellowAt: string } | null {
  switch (r.status as ReviewStatus) {
    case 'verifying':
      return { dueAt: r.verify_due_at, yellowAt: r.verify_yellow_at };
    case 'rectifying':
    case 'appealing':
      // While the authority decides, the unit's own rectification deadline keeps running (as with 异议).
      return r.status === 'appealing' && r.appeal_due_at ? { dueAt: r.appeal_due_at, yellowAt: r.appeal_yellow_at! } : { dueAt: r.rectify_due_at!, yellowAt: r.rectify_yellow_at! };
    case 'callback':
      return { dueAt: r.callback_due_at!, yellowAt: r.callback_yellow_at! };
    default:
      return null;
  }
}

const late = (doneAt: string | null, dueAt: string | null) => (doneAt && dueAt ? Date.parse(doneAt) > Date.parse(dueAt) : false);

/** Phone-like digit runs in free text, masked for roles that must not learn the rater's identity. */
export function maskDigits(text: string | null): string | null {
  return text ? text.replace(/\d[\d\s-]{5,}\d/g, (m) => { const d = m.replace(/\D/g, ''); return d.length >= 7 ? `${d.slice(0, 3)}****${d.slice(-2)}` : m; }) : text;
}

function scopeCheck(actor: Actor, r: Pick<ReviewRow, 'unit_id'>): boolean {
  if (!isUnitRole(actor.role)) return true;
  return r.unit_id != null && (actor.unitScope ?? []).includes(r.unit_id);
}

function actionsFor(actor: Actor, r: ReviewRow): ReviewAction[] {
  return REVIEW_ACTIONS.filter((a) => !reviewRefusal(a, r.status as ReviewStatus, actor.role) && (!REVIEW_ACTION_RULES[a].unit || scopeCheck(actor, r)));
}

type TicketBits = { no: string; type: string; facts: string; requester_name: string | null; requester_phone: string | null; confidential: number };

export function reviewView(ctx: AppContext, actor: Actor, r: ReviewRow, t: TicketBits, now: string) {
  const due = stageDeadline(r);
  const seesRater = seesRequesterContact(actor.role);
  return {
    id: Number(r.id),
    ticketNo: t.no,
    ticketType: t.type,
    source: r.source,
    sourceLabel: SOURCE_LABELS[r.source as ReviewSource] ?? r.source,
    level: r.level,
    levelLabel: SATISFACTION_LABELS[r.level as Satisfaction] ?? r.level,
    // The rater's words; digit runs masked for everyone who must not identify the rater.
    comment: seesRater ? r.comment : maskDigits(r.comment),
    // Only the centre (who calls back) sees who rated; units and the authority never do.
    ...(seesRater ? { rater: { name: t.confidential ? '（保密）' : t.requester_name, phone: t.requester_phone } } : {}),
    unit: unitRef(ctx, r.unit_id),
    status: r.status,
    statusLabel: REVIEW_STATUS_LABELS[r.status as ReviewStatus] ?? r.status,
    classification: r.classification,
    classificationLabel: r.classification ? CLASSIFICATION_LABELS[r.classification as Classification] : null,
    dueAt: at(due?.dueAt),
    light: due ? lightAt(due, now) : (null as Light | null),
    provisional: !!r.provisional,
    verify: { dueAt: at(r.verify_due_at), at: at(r.verified_at), late: late(r.verified_at, r.verify_due_at), note: r.verify_note },
    rectify: r.rectify_due_at
      ? {
          dueAt: at(r.rectify_due_at),
          at: at(r.rectified_at),
          late: late(r.rectified_at, r.rectify_due_at),
          outcome: r.rectify_outcome,
          outcomeLabel: r.rectify_outcome ? RECTIFY_OUTCOME_LABELS[r.rectify_outcome as RectifyOutcome] : null,
          content: r.rectify_content,
        }
      : null,
    appeal: r.appealed_at
      ? { reason: r.appeal_reason, at: at(r.appealed_at), dueAt: at(r.appeal_due_at), decision: r.appeal_decision, note: r.appeal_note, decidedAt: at(r.decided_at), late: late(r.decided_at, r.appeal_due_at) }
      : null,
    callback: r.callback_due_at ? { dueAt: at(r.callback_due_at), at: at(r.called_at), late: late(r.called_at, r.callback_due_at), result: r.callback_result, note: r.callback_note } : null,
    createdAt: at(r.created_at),
    actions: actionsFor(actor, r),
  };
}

function baseQuery(db: Db | Tx) {
  return db
    .selectFrom('rating_reviews as r')
    .innerJoin('tickets as t', 't.id', 'r.ticket_id')
    .selectAll('r')
    .select(['t.no', 't.type', 't.facts', 't.requester_name', 't.requester_phone', 't.confidential']);
}

export async function listReviews(ctx: AppContext, actor: Actor, q: { status?: string; ticketNo?: string; page?: number; pageSize?: number }) {
  const statuses = q.status ? q.status.split(',').filter(Boolean) : [];
  for (const s of statuses) if (!(s in REVIEW_STATUS_LABELS)) throw invalid('status', `差评状态「${s}」不存在`);
  if (isUnitRole(actor.role) && !actor.unitScope?.length) return { items: [], total: 0 };
  let query = baseQuery(ctx.store.db);
  if (statuses.length) query = query.where('r.status', 'in', statuses);
  if (q.ticketNo) query = query.where('t.no', '=', q.ticketNo);
  if (isUnitRole(actor.role)) query = query.where('r.unit_id', 'in', actor.unitScope!);
  const pageSize = Math.min(q.pageSize ?? 50, 200);
  const page = Math.max(q.page ?? 1, 1);
  const rows = await query.orderBy('r.id', 'desc').limit(pageSize + 1).offset((page - 1) * pageSize).execute();
  const now = ctx.clock.now();
  return { items: rows.slice(0, pageSize).map((r) => reviewView(ctx, actor, r, r, now)), hasMore: rows.length > pageSize, page, pageSize };
}

async function loadReview(ctx: AppContext, db: Db | Tx, actor: Actor, id: number, lock = false) {
  const row = await baseQuery(db)
    .where('r.id', '=', id)
    .$if(lock, ctx.store.capabilities.lockRows)
    .executeTakeFirst();
  // A unit never learns that another unit's 差评 exists.
  if (!row || !scopeCheck(actor, row)) throw notFound(`差评记录 ${id} 不存在`);
  return row;
}

export async function getReview(ctx: AppContext, actor: Actor, id: number) {
  const row = await loadReview(ctx, ctx.store.db, actor, id);
  return reviewView(ctx, actor, row, row, ctx.clock.now());
}

export interface ReviewActionBody {
  classification?: Classification;
  note?: string;
  outcome?: RectifyOutcome;
  content?: string;
  reason?: string;
  upheld?: boolean;
  reached?: boolean;
  accepted?: boolean;
}

const str = (max: number, min = 1) => ({ type: 'string', minLength: min, maxLength: max });
export const reviewActionSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    classification: { type: 'string', enum: [...CLASSIFICATIONS] },
    note: str(2000, 0),
    outcome: { type: 'string', enum: [...RECTIFY_OUTCOMES] },
    content: str(4000),
    reason: str(2000),
    upheld: { type: 'boolean' },
    reached: { type: 'boolean' },
    accepted: { type: 'boolean' },
  },
};

export async function runReviewAction(ctx: AppContext, actor: Actor, id: number, action: ReviewAction, body: ReviewActionBody) {
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const r = await loadReview(ctx, tx, actor, id, true);
    const from = r.status as ReviewStatus;
    const refused = reviewRefusal(action, from, actor.role);
    if (refused) throw new Problem(refused.status, refused.status === 403 ? 'forbidden' : 'invalid-state', refused.title);
    if (REVIEW_ACTION_RULES[action].unit && !scopeCheck(actor, r)) throw forbidden('该差评不属于本单位');
    const set: Partial<Record<keyof ReviewRow, unknown>> = {};
    let to: ReviewStatus = from;
    const detail: Record<string, unknown> = { reviewId: Number(r.id) };
    let provisional = false;
    switch (action) {
      case 'verify': {
        if (!body.classification) throw invalid('classification', '请选择差评分类');
        Object.assign(set, { classification: body.classification, verify_note: body.note ?? null, verified_by: actor.userId, verified_at: now });
        if (UNIT_CLASSIFICATIONS.includes(body.classification)) {
          if (r.unit_id == null) throw invalid('classification', '该工单没有承办单位，不能交由单位整改');
          const d = deadline(ctx, 'rating.rectify', now);
          provisional = d.provisional;
          Object.assign(set, { rectify_due_at: d.dueAt, rectify_yellow_at: d.yellowAt });
          to = 'rectifying';
        } else {
          // 诉求不合理 / 恶意差评: recorded and closed; the unit owes nothing.
          to = 'closed';
        }
        detail.classification = body.classification;
        break;
      }
      case 'rectify': {
        if (!body.outcome) throw invalid('outcome', '请选择整改结果（已整改或情况说明）');
        if (!body.content) throw invalid('content', '请填写整改情况或说明');
        const d = deadline(ctx, 'rating.callback', now);
        provisional = d.provisional;
        Object.assign(set, { rectify_outcome: body.outcome, rectify_content: body.content, rectified_by: actor.userId, rectified_at: now, callback_due_at: d.dueAt, callback_yellow_at: d.yellowAt });
        to = 'callback';
        detail.outcome = body.outcome;
        detail.late = late(now, r.rectify_due_at);
        break;
      }
      case 'appeal': {
        if (!body.reason) throw invalid('reason', '请填写申诉理由');
        if (r.appealed_at) throw new Problem(409, 'invalid-state', '该差评已申诉过一次，不能再次申诉');
        const d = deadline(ctx, 'rating.appeal_decide', now);
        provisional = d.provisional;
        Object.assign(set, { appeal_reason: body.reason, appealed_by: actor.userId, appealed_at: now, appeal_due_at: d.dueAt, appeal_yellow_at: d.yellowAt });
        to = 'appealing';
        break;
      }
      case 'decide_appeal': {
        if (body.upheld === undefined) throw invalid('upheld', '请选择申诉是否成立');
        if (!body.note) throw invalid('note', '请填写裁定意见');
        Object.assign(set, { appeal_decision: body.upheld ? 'upheld' : 'refused', appeal_note: body.note, decided_by: actor.userId, decided_at: now });
        // Upheld: the 差评 no longer counts against the unit. Refused: the unit rectifies under its running deadline.
        to = body.upheld ? 'void' : 'rectifying';
        detail.upheld = body.upheld;
        detail.late = late(now, r.appeal_due_at);
        break;
      }
      case 'callback': {
        if (body.reached === undefined) throw invalid('reached', '请选择是否联系上评价人');
        Object.assign(set, { called_by: actor.userId, called_at: now, callback_note: body.note ?? null, callback_result: !body.reached ? 'unreached' : body.accepted ? 'accepted' : 'not_accepted' });
        to = 'closed';
        detail.result = set.callback_result;
        break;
      }
    }
    await tx
      .updateTable('rating_reviews')
      .set({ ...(set as object), status: to, updated_at: now, ...(provisional ? { provisional: 1 } : {}) })
      .where('id', '=', r.id)
      .execute();
    await writeEvent(tx, actor, now, { ticketId: Number(r.ticket_id), action: `rating_${action}`, fromStatus: from, toStatus: to, detail });
    const updated = await loadReview(ctx, tx, actor, Number(r.id));
    return reviewView(ctx, actor, updated, updated, now);
  });
}
