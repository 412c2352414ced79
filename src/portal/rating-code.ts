// The requester's credential for 好差评 on the portal: a one-time code sent by SMS (through the outbox)
// to the phone on the ticket. Unit users see that phone as 139****5603, so the last four digits,
// which still open tracking, never rate. The code is kept only as a salted HMAC (./security.ts),
// counts for a few minutes and a few tries, and only the newest code of a ticket counts. The limits
// are the city's (CityConfig.portalCode; rules in src/domain/portal-code.ts). Wrong codes count
// against the client address like wrong tracking digits do.
import { randomBytes, randomInt } from 'node:crypto';
import type { AppContext } from '../server/context.ts';
import type { Tx } from '../store/db.ts';
import { inTransaction } from '../store/db.ts';
import { enqueue } from '../outbox/outbox.ts';
import { isOptedOut } from '../outbox/sms-opt-out.ts';
import { writeEvent } from '../audit/events.ts';
import { conflict, invalid, Problem } from '../server/problem.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { canReceiveSms, codeState, DEFAULT_PORTAL_CODE, mayIssue, triesLeft, type PortalCodeConfig } from '../domain/portal-code.ts';
import type { Actor } from '../domain/actor.ts';
import type { PortalState } from './security.ts';

export const codeConfigOf = (ctx: AppContext): PortalCodeConfig => ctx.city.portalCode ?? DEFAULT_PORTAL_CODE;

/** The audit log's name for the portal's citizen (the same as PORTAL_ACTOR in ./service.ts, kept here to avoid an import cycle). */
const PORTAL: Actor = { userId: 0, username: 'portal', displayName: '网站诉求人', role: 'agent', unitId: null, unitScope: null };

/** The reply a rating would be given on: the newest final answer the centre accepted in review. */
export async function acceptedAnswer(db: AppContext['store']['db'] | Tx, ticketId: number) {
  return db
    .selectFrom('submissions')
    .select(['id', 'kind', 'content', 'created_at', 'unit_id'])
    .where('ticket_id', '=', ticketId)
    .where('kind', 'in', ['reply', 'decline', 'direct_answer'])
    .where('approval', 'in', ['none', 'approved'])
    .where('review', '=', 'accepted')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** Why this ticket cannot be rated now, or null (checked before a code is sent and again on rating). */
export async function ratingClosed(db: AppContext['store']['db'] | Tx, ticketId: number): Promise<Problem | null> {
  if (!(await acceptedAnswer(db, ticketId))) return conflict('该工单的答复尚未经热线审核通过，审核通过后才能评价');
  const rated = await db.selectFrom('portal_ratings').select('id').where('ticket_id', '=', ticketId).executeTakeFirst();
  if (rated) return conflict('该工单已评价，每件诉求只能评价一次（一事一评）');
  return null;
}

type TicketRow = { id: number; no: string; status: string; requester_phone: string | null };

/** Sends a new code to the ticket's phone: refuses a ticket that cannot be rated or reached, and a resend too soon. */
export async function sendRatingCode(ctx: AppContext, state: PortalState, ticket: TicketRow): Promise<{ sentTo: string; expiresAt: string; ttlMinutes: number; resendAfterSeconds: number }> {
  const config = codeConfigOf(ctx);
  const closed = await ratingClosed(ctx.store.db, ticket.id);
  if (closed) throw closed;
  const phone = ticket.requester_phone ?? '';
  if (!canReceiveSms(phone)) throw conflict('该工单登记的电话不能接收短信验证码，请拨打 12345 热线评价');
  if (await isOptedOut(ctx, phone)) throw conflict('该号码已设置拒收热线短信，请拨打 12345 热线评价');
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const nowMs = Date.parse(now);
    const hourAgo = new Date(nowMs - 3_600_000).toISOString();
    const recent = await tx.selectFrom('portal_codes').select('sent_at').where('ticket_id', '=', ticket.id).where('sent_at', '>', hourAgo).execute();
    const decision = mayIssue(recent.map((r) => Date.parse(r.sent_at)), nowMs, config);
    if (!decision.ok) {
      const title = decision.reason === 'resend_wait' ? `验证码已发送，请 ${decision.retryAfterSeconds} 秒后再获取` : `该工单获取验证码过于频繁，请 ${Math.ceil(decision.retryAfterSeconds / 60)} 分钟后再试`;
      throw new Problem(429, 'too-many-requests', title, { retryAfterSeconds: decision.retryAfterSeconds });
    }
    const code = String(randomInt(0, 10 ** config.digits)).padStart(config.digits, '0');
    const salt = randomBytes(16).toString('hex');
    const expiresAt = new Date(nowMs + config.ttlMinutes * 60_000).toISOString();
    await tx
      .insertInto('portal_codes')
      .values({ ticket_id: ticket.id, salt, code_hash: state.signer.codeDigest(ticket.id, salt, code), attempts: 0, sent_at: now, expires_at: expiresAt, used_at: null })
      .execute();
    await enqueue(tx, 'sms', { to: phone, template: 'portal_code', params: { ticketNo: ticket.no, code, minutes: String(config.ttlMinutes) } }, now);
    // The event says a code went out and until when; never the code or the number.
    await writeEvent(tx, PORTAL, now, { ticketId: ticket.id, action: 'portal_code_sent', fromStatus: ticket.status, toStatus: ticket.status, detail: { expiresAt: formatShanghai(expiresAt) } });
    return { sentTo: `尾号 ${phone.replace(/\D/g, '').slice(-4)} 的手机`, expiresAt: formatShanghai(expiresAt), ttlMinutes: config.ttlMinutes, resendAfterSeconds: config.resendSeconds };
  });
}

const spentTitle = '验证码错误次数过多，请重新获取验证码';

/**
 * Checks `code` against the ticket's newest code and answers that code's id. A wrong code is
 * counted (its own transaction: the refusal sticks) and answered with a 400 naming `code`.
 */
export async function checkRatingCode(ctx: AppContext, state: PortalState, ticket: TicketRow, code: string, ip: string): Promise<number> {
  const config = codeConfigOf(ctx);
  const now = ctx.clock.now();
  const nowMs = Date.parse(now);
  const row = await ctx.store.db.selectFrom('portal_codes').selectAll().where('ticket_id', '=', ticket.id).orderBy('id', 'desc').executeTakeFirst();
  if (!row) throw invalid('code', '请先获取短信验证码');
  const st = codeState({ sentAtMs: Date.parse(row.sent_at), attempts: row.attempts, used: !!row.used_at }, nowMs, config);
  if (st === 'used') throw invalid('code', '验证码已使用，请重新获取验证码');
  if (st === 'spent') throw invalid('code', spentTitle);
  if (st === 'expired') throw invalid('code', '验证码已过期，请重新获取验证码');
  if (!state.signer.codeMatches(ticket.id, row.salt, code, row.code_hash)) {
    state.failuresByIp.take(ip, nowMs);
    const attempts = row.attempts + 1;
    await inTransaction(ctx.store.db, async (tx) => {
      await tx.updateTable('portal_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', row.id).execute();
      await writeEvent(tx, PORTAL, now, { ticketId: ticket.id, action: 'portal_code_wrong', outcome: 'failure', detail: { attempts } });
    });
    const left = triesLeft(attempts, config);
    throw invalid('code', left > 0 ? `验证码不正确，还可再试 ${left} 次` : spentTitle);
  }
  return Number(row.id);
}

/** Uses the checked code up inside the rating's transaction: once only, even for two requests at the same moment. */
export async function useRatingCode(ctx: AppContext, tx: Tx, codeId: number): Promise<void> {
  const used = await tx
    .updateTable('portal_codes')
    .set({ used_at: ctx.clock.now() })
    .where('id', '=', codeId)
    .where('used_at', 'is', null)
    .where('attempts', '<', codeConfigOf(ctx).maxAttempts)
    .executeTakeFirst();
  if (Number(used.numUpdatedRows ?? 0) !== 1) throw invalid('code', '验证码已使用，请重新获取验证码');
}
