// 查看完整联系方式 (reveal_contact) beyond the state table: only the unit that holds open work on the
// ticket now, at most revealsPerHour per user, every reveal recorded, and the centre alerted once an
// hour when one user reveals many (docs/security-personal-data.md).
import type { Tx } from '../store/db.ts';
import type { AppContext } from '../server/context.ts';
import { privacyOf } from '../config/city.ts';
import { forbidden, Problem } from '../server/problem.ts';
import { enqueue } from '../outbox/outbox.ts';
import { notify } from '../notifications/notifications.ts';
import type { ActionCall } from './action-runner.ts';

const HOUR_MS = 3_600_000;

/** Refuses the reveal unless the caller's unit holds an open duty of the ticket's current round. */
export function requireOpenDuty(call: ActionCall<unknown>): void {
  // myDuties are the current round's duties of the caller's units (lead, co-handler or handling
  // sub-unit): a unit re-dispatched away, or done with its part, holds none open.
  if (!call.myDuties.some((d) => d.status === 'open')) {
    throw forbidden('本单位当前没有该工单的待办事项，不能查看诉求人完整联系方式');
  }
}

/**
 * Counts the reveal against the user's hourly limit (429 when over it) and records it; the reveal
 * that reaches revealAlertAt within the hour alerts the centre, once per hour and user. Returns
 * how many reveals the user made in the hour, this one included, and whether it alerted.
 */
export async function recordReveal(ctx: AppContext, tx: Tx, call: ActionCall<unknown>): Promise<{ inHour: number; alerted: boolean }> {
  const limits = privacyOf(ctx.city);
  const { actor, ticket, now } = call;
  const since = new Date(Date.parse(now) - HOUR_MS).toISOString();
  // One user's reveals on different tickets take different ticket locks: the user's row serialises them.
  if (!ctx.store.capabilities.singleWriter) await tx.selectFrom('users').select('id').where('id', '=', actor.userId).forUpdate().execute();
  const rows = await tx
    .selectFrom('contact_reveals')
    .select(['at', 'alerted'])
    .where('user_id', '=', actor.userId)
    .where('at', '>', since)
    .execute();
  if (rows.length >= limits.revealsPerHour) {
    const oldest = Math.min(...rows.map((r) => Date.parse(r.at)));
    const retryAfter = Math.max(1, Math.ceil((oldest + HOUR_MS - Date.parse(now)) / 1000));
    throw new Problem(429, 'too-many-reveals', `查看完整联系方式过于频繁：每人每小时最多 ${limits.revealsPerHour} 次，请稍后再试`, { retryAfter });
  }
  const inHour = rows.length + 1;
  const alerted = inHour >= limits.revealAlertAt && !rows.some((r) => Number(r.alerted) === 1);
  await tx
    .insertInto('contact_reveals')
    .values({ user_id: actor.userId, ticket_id: ticket.id, unit_id: actor.unitId, at: now, alerted: alerted ? 1 : 0 })
    .execute();
  if (alerted) await alertCentre(ctx, tx, call, inHour);
  return { inHour, alerted };
}

/** A console notification to the centre and an SMS to its duty phone (through the outbox). */
async function alertCentre(ctx: AppContext, tx: Tx, call: ActionCall<unknown>, inHour: number): Promise<void> {
  const centre = ctx.org.firstOfKind('centre');
  if (!centre) return;
  const unit = ctx.org.get(call.actor.unitId);
  const who = `${unit?.name ?? '承办单位'}用户 ${call.actor.displayName}（${call.actor.username}）`;
  await notify(
    tx,
    {
      unitId: centre.id,
      kind: 'privacy',
      ticketId: call.ticket.id,
      title: `${who} 一小时内已查看 ${inHour} 位诉求人的完整联系方式`,
      body: `最近一次为工单 ${call.ticket.no}。请核实是否确因办理需要；每人每小时上限 ${privacyOf(ctx.city).revealsPerHour} 次。`,
      link: `/tickets/${call.ticket.no}`,
    },
    call.now,
  );
  if (centre.smsPhone) {
    await enqueue(tx, 'sms', { to: centre.smsPhone, template: 'supervision', params: { ticketNo: call.ticket.no, matter: `${who}一小时内查看诉求人联系方式${inHour}次，请核实` } }, call.now);
  }
}
