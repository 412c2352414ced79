// The public portal's use-cases: submit a request (through the intake use-case, channel 网站, into the
// centre's 待派单 queue), track it with the ticket number and the phone's last four digits, and rate
// it once (一事一评) with a code sent by SMS to the ticket's phone (./rating-code.ts), only on a reply
// the centre accepted in review; only such replies are published. A 差评 opens a review (src/ratings).
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import { createTicket } from '../tickets/intake.ts';
import { SATISFACTION_LABELS, TICKET_TYPE_LABELS, type Satisfaction, type TicketType } from '../domain/ticket-types.ts';
import { isBadRating } from '../domain/ratings.ts';
import { conflict, invalid, notFound } from '../server/problem.ts';
import { writeEvent } from '../audit/events.ts';
import { openReview } from '../ratings/reviews.ts';
import { formatShanghai } from '../domain/deadline.ts';
import type { PortalState } from './security.ts';
import type { TicketStatus } from '../domain/ticket-states.ts';
import { ticketNumbered } from '../tickets/model.ts';
import { acceptedAnswer, checkRatingCode, ratingClosed, sendRatingCode, useRatingCode } from './rating-code.ts';

/** Who the audit log names for what a citizen does on the portal (no user account). */
export const PORTAL_ACTOR: Actor = { userId: 0, username: 'portal', displayName: '网站诉求人', role: 'agent', unitId: null, unitScope: null };

export const PHOTO_LIMITS = { maxCount: 3, maxBytes: 2 * 1024 * 1024 } as const;
const PHOTO_TYPES: Array<{ mime: string; ext: string; test: (b: Buffer) => boolean }> = [
  { mime: 'image/jpeg', ext: 'jpg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/png', ext: 'png', test: (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: 'image/webp', ext: 'webp', test: (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
];

export interface PortalSubmission {
  type: TicketType;
  categoryCode?: string;
  facts: string;
  address?: string;
  name?: string;
  phone: string;
  photos?: Array<{ name?: string; data: string }>;
  captcha: { token: string; answer: string | number };
}

function decodePhotos(photos: PortalSubmission['photos']): Array<{ buf: Buffer; mime: string; ext: string }> {
  if (!photos?.length) return [];
  if (photos.length > PHOTO_LIMITS.maxCount) throw invalid('photos', `最多上传 ${PHOTO_LIMITS.maxCount} 张照片`);
  return photos.map((p, i) => {
    const data = p.data.replace(/^data:[\w/+.-]+;base64,/, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw invalid(`photos.${i}`, `第 ${i + 1} 张照片不是有效的图片数据`);
    const buf = Buffer.from(data, 'base64');
    if (buf.length === 0) throw invalid(`photos.${i}`, `第 ${i + 1} 张照片为空`);
    if (buf.length > PHOTO_LIMITS.maxBytes) throw invalid(`photos.${i}`, `第 ${i + 1} 张照片超过 2MB`);
    const kind = PHOTO_TYPES.find((t) => t.test(buf));
    if (!kind) throw invalid(`photos.${i}`, `第 ${i + 1} 张照片格式不支持，仅支持 JPG、PNG、WebP`);
    return { buf, mime: kind.mime, ext: kind.ext };
  });
}

export async function submitRequest(ctx: AppContext, state: PortalState, ip: string, body: PortalSubmission): Promise<{ no: string; status: TicketStatus; photos: number }> {
  const nowMs = Date.parse(ctx.clock.now());
  state.submits.takeOrRefuse(ip, nowMs);
  // Checks that need no database first: the photos, then the captcha (used up once it passes).
  const photos = decodePhotos(body.photos);
  state.signer.verifyCaptcha(body.captcha, nowMs);
  const phone = body.phone.replace(/[\s-]/g, '');
  if (!/^1\d{10}$|^0\d{9,11}$/.test(phone)) throw invalid('phone', '请填写正确的手机号码或固定电话');

  const created = await createTicket(ctx, PORTAL_ACTOR, {
    channel: 'web',
    type: body.type,
    categoryCode: body.categoryCode || undefined,
    requester: { kind: 'person', name: body.name?.trim() || undefined, phone },
    facts: body.facts.trim(),
    address: body.address?.trim() || undefined,
    disposition: 'pending',
    photos,
  });
  return { no: created.no, status: created.status, photos: photos.length };
}

/** The photo's type from its first bytes (JPG, PNG, WebP), or undefined for anything else. */
export function sniffPhoto(buf: Buffer): { mime: string; ext: string } | undefined {
  const kind = PHOTO_TYPES.find((t) => t.test(buf));
  return kind && { mime: kind.mime, ext: kind.ext };
}

const NOT_FOUND = '未找到该工单，请核对工单编号和手机号后四位';

/** The ticket for a number and the phone's last four digits: the same 404 for a wrong number and wrong digits. */
async function lookUp(ctx: AppContext, state: PortalState, ip: string, no: string, last4: string) {
  const nowMs = Date.parse(ctx.clock.now());
  const key = no.toUpperCase();
  state.failuresByIp.refuseIfBlocked(ip, nowMs);
  state.failuresByTicket.refuseIfBlocked(key, nowMs);
  state.lookups.takeOrRefuse(ip, nowMs);
  const t = await ticketNumbered(ctx.store.db, key).selectAll().executeTakeFirst();
  const digits = t?.requester_phone?.replace(/\D/g, '') ?? '';
  if (!t || digits.length < 4 || digits.slice(-4) !== last4) {
    state.failuresByIp.take(ip, nowMs);
    state.failuresByTicket.take(key, nowMs);
    throw notFound(NOT_FOUND);
  }
  return t;
}

/** 工单状态 in words a citizen understands. */
export const PUBLIC_STATUS: Record<string, string> = {
  pending_dispatch: '已受理，正在分派承办单位',
  dispatched: '已转交承办单位，等待签收',
  in_progress: '承办单位正在办理',
  awaiting_approval: '承办单位已答复，正在审定',
  replied: '承办单位已答复，热线正在审核',
  callback: '已答复，等待回访',
  returned: '正在重新确定承办单位',
  disputed: '正在重新确定承办单位',
  closed: '已办结',
  archived: '已办结',
  answered: '已直接解答',
  rejected: '不予受理',
  transferred: '已转紧急热线处理',
  merged: '已与相同诉求合并办理',
};

/** The replies the portal publishes: final answers the centre accepted in review (反馈审核), none before. */
async function repliesOf(ctx: AppContext, ticketId: number) {
  return ctx.store.db
    .selectFrom('submissions')
    .select(['kind', 'content', 'created_at', 'unit_id'])
    .where('ticket_id', '=', ticketId)
    .where('kind', 'in', ['reply', 'decline', 'direct_answer'])
    .where('approval', 'in', ['none', 'approved'])
    .where('review', '=', 'accepted')
    .orderBy('id')
    .execute();
}

export async function trackRequest(ctx: AppContext, state: PortalState, ip: string, no: string, last4: string) {
  const t = await lookUp(ctx, state, ip, no, last4);
  const [replies, rating, category, photos] = await Promise.all([
    repliesOf(ctx, t.id),
    ctx.store.db.selectFrom('portal_ratings').selectAll().where('ticket_id', '=', t.id).executeTakeFirst(),
    t.category_id ? ctx.store.db.selectFrom('categories').select('name').where('id', '=', t.category_id).executeTakeFirst() : undefined,
    ctx.store.db.selectFrom('portal_photos').select(['id']).where('ticket_id', '=', t.id).orderBy('id').execute(),
  ]);
  const nowMs = Date.parse(ctx.clock.now());
  return {
    no: t.no,
    status: t.status,
    statusText: PUBLIC_STATUS[t.status] ?? '处理中',
    type: t.type,
    typeLabel: TICKET_TYPE_LABELS[t.type as TicketType] ?? t.type,
    category: category?.name ?? null,
    submittedAt: formatShanghai(t.created_at),
    unit: ctx.org.get(t.lead_unit_id)?.name ?? null,
    replies: replies.map((r) => ({ content: r.content, unit: ctx.org.get(r.unit_id)?.name ?? null, at: formatShanghai(r.created_at) })),
    rating: rating ? { level: rating.level, levelLabel: SATISFACTION_LABELS[rating.level as Satisfaction], comment: rating.comment, at: formatShanghai(rating.created_at) } : null,
    canRate: !rating && replies.length > 0,
    photos: photos.map((p) => ({ id: Number(p.id), url: `/api/v1/public/portal/photos/${p.id}?t=${state.signer.photoToken(Number(p.id), nowMs)}` })),
  };
}

/** Sends the 好差评 code to the ticket's phone; the caller proves the ticket as for tracking. */
export async function requestRatingCode(ctx: AppContext, state: PortalState, ip: string, body: { no: string; phoneLast4: string }) {
  state.codeRequests.takeOrRefuse(ip, Date.parse(ctx.clock.now()));
  const t = await lookUp(ctx, state, ip, body.no, body.phoneLast4);
  return sendRatingCode(ctx, state, t);
}

/** The requester's rating, with the SMS code: on the reply the centre accepted, once per ticket. */
export async function rateRequest(ctx: AppContext, state: PortalState, ip: string, body: { no: string; code: string; level: Satisfaction; comment?: string }) {
  const nowMs = Date.parse(ctx.clock.now());
  state.failuresByIp.refuseIfBlocked(ip, nowMs);
  state.lookups.takeOrRefuse(ip, nowMs);
  const t = await ticketNumbered(ctx.store.db, body.no.toUpperCase()).selectAll().executeTakeFirst();
  if (!t) {
    state.failuresByIp.take(ip, nowMs);
    throw notFound('未找到该工单，请核对工单编号');
  }
  const bad = isBadRating(body.level);
  if (bad && !body.comment?.trim()) throw invalid('comment', '差评请填写评价内容，以便核实整改');
  const codeId = await checkRatingCode(ctx, state, t, body.code, ip);
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const closed = await ratingClosed(tx, t.id);
    if (closed) throw closed;
    const answer = (await acceptedAnswer(tx, t.id))!;
    await useRatingCode(ctx, tx, codeId);
    const inserted = await tx
      .insertInto('portal_ratings')
      .values({ ticket_id: t.id, level: body.level, comment: body.comment?.trim() || null, submission_id: Number(answer.id), created_at: now })
      .onConflict((oc) => oc.column('ticket_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw conflict('该工单已评价，每件诉求只能评价一次（一事一评）');
    await writeEvent(tx, PORTAL_ACTOR, now, { ticketId: t.id, action: 'rating', fromStatus: t.status, toStatus: t.status, detail: { source: 'portal', level: body.level, credential: 'sms_code' } });
    const reviewId = bad ? await openReview(ctx, tx, PORTAL_ACTOR, { ticketId: t.id, source: 'portal', level: body.level, comment: body.comment?.trim() || null, unitId: t.lead_unit_id, now }) : null;
    return { no: t.no, level: body.level, levelLabel: SATISFACTION_LABELS[body.level], bad, reviewOpened: reviewId !== null };
  });
}

/** Active categories for the portal's form, leaves under their parent's name. */
export async function portalCategories(ctx: AppContext) {
  const rows = await ctx.store.db.selectFrom('categories').select(['id', 'code', 'name', 'parent_id']).where('active', '=', 1).orderBy('code').execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const parents = new Set(rows.map((r) => r.parent_id).filter((id) => id != null));
  return rows.filter((r) => !parents.has(r.id)).map((r) => ({ code: r.code, name: r.name, group: r.parent_id ? (byId.get(r.parent_id)?.name ?? null) : null }));
}
