// Seats as people use them: the team lead's live wall, the agent's own seat with the screen-pop of
// the call it is on, the agent's own state changes (the switch's come through ingestion), skills.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { SeatState } from '../domain/call-contract.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { SEAT_STATE_LABELS, type SeatRefusal } from '../domain/seat-states.ts';
import { conflict, invalid, notFound } from '../server/problem.ts';
import { applyInputs, loadSeatsForUpdate, saveSeats, seatOfRow, seatRules, settleExpiredSeats, type SeatChanges, type StoredSeat } from './seat-store.ts';
import { callView, screenPop } from './records.ts';
import { messageView } from './messages.ts';

const REFUSALS: Record<SeatRefusal, string> = {
  reason_required: '示忙须选择原因',
  unknown_reason: '示忙原因不在本市配置的原因中',
  on_call: '通话中不能切换状态，请待通话结束',
  not_logged_on: '请先签入再进入话后处理',
  stale: '坐席状态已有更新的变化，请刷新后重试',
};

function seatView(ctx: AppContext, s: StoredSeat, displayName: string | null) {
  const config = ctx.city.calls;
  return {
    agent: s.agent,
    displayName,
    state: s.state,
    stateLabel: SEAT_STATE_LABELS[s.state],
    reason: s.reason,
    reasonLabel: s.reason ? (config.notReadyReasons[s.reason] ?? s.reason) : null,
    since: formatShanghai(s.since),
    wrapUpUntil: s.wrapUpUntil ? formatShanghai(s.wrapUpUntil) : null,
    wrapUpLimitSeconds: config.wrapUpSeconds,
    skills: s.skills,
    callId: s.callId,
    messageId: s.messageId,
  };
}

async function displayNames(ctx: AppContext, agents: string[]): Promise<Map<string, string>> {
  if (!agents.length) return new Map();
  const rows = await ctx.store.db.selectFrom('users').select(['username', 'display_name']).where('username', 'in', agents).execute();
  return new Map(rows.map((r) => [r.username, r.display_name]));
}

/** The live wall: every seat with its state and the call or message it is on (callers per role). */
export async function listSeats(ctx: AppContext, actor: Actor) {
  await settleExpiredSeats(ctx.store.db, ctx.clock.now());
  const rows = await ctx.store.db.selectFrom('seats').selectAll().orderBy('agent').execute();
  const seats = rows.map(seatOfRow);
  const callIds = seats.map((s) => s.callId).filter((x): x is number => x != null);
  const messageIds = seats.map((s) => s.messageId).filter((x): x is number => x != null);
  const [names, calls, messages] = await Promise.all([
    displayNames(ctx, seats.map((s) => s.agent)),
    callIds.length ? ctx.store.db.selectFrom('calls').selectAll().where('id', 'in', callIds).execute() : [],
    messageIds.length ? ctx.store.db.selectFrom('messages').selectAll().where('id', 'in', messageIds).execute() : [],
  ]);
  const callById = new Map(calls.map((c) => [Number(c.id), c]));
  const messageById = new Map(messages.map((m) => [Number(m.id), m]));
  return {
    items: seats.map((s) => {
      const call = s.callId != null ? callById.get(s.callId) : undefined;
      const message = s.messageId != null ? messageById.get(s.messageId) : undefined;
      return {
        ...seatView(ctx, s, names.get(s.agent) ?? null),
        call: call ? callView(ctx, call, actor, null) : null,
        message: message ? messageView(ctx, { ...message, id: Number(message.id) }, actor) : null,
      };
    }),
  };
}

async function loadSeat(ctx: AppContext, agent: string): Promise<StoredSeat> {
  const row = await ctx.store.db.selectFrom('seats').selectAll().where('agent', '=', agent).executeTakeFirst();
  if (row) return seatOfRow(row);
  return { agent, state: 'logged_off', reason: null, since: ctx.clock.now(), callId: null, wrapUpUntil: null, messageId: null, skills: [], exists: false };
}

/** The agent's own seat with the screen-pop of its call (the caller's number in full: the agent needs it). */
export async function mySeat(ctx: AppContext, actor: Actor) {
  await settleExpiredSeats(ctx.store.db, ctx.clock.now());
  const seat = await loadSeat(ctx, actor.username);
  const [call, message] = await Promise.all([
    seat.callId != null ? screenPop(ctx, actor, seat.callId) : null,
    seat.messageId != null ? ctx.store.db.selectFrom('messages').selectAll().where('id', '=', seat.messageId).executeTakeFirst() : undefined,
  ]);
  return {
    ...seatView(ctx, seat, actor.displayName),
    call,
    message: message ? messageView(ctx, { ...message, id: Number(message.id) }, actor) : null,
    notReadyReasons: ctx.city.calls.notReadyReasons,
    queues: ctx.city.calls.queues.map((q) => ({ code: q.code, name: q.name })),
  };
}

export async function setMyState(ctx: AppContext, actor: Actor, state: Exclude<SeatState, 'busy'>, reason: string | undefined) {
  const now = ctx.clock.now();
  if (state !== 'not_ready' && reason) throw invalid('reason', '只有示忙需要填写原因');
  return inTransaction(ctx.store.db, async (tx) => {
    const seats = await loadSeatsForUpdate(tx, ctx.store, [actor.username], now);
    const before = seats.get(actor.username)!;
    const changes: SeatChanges = { seats, changed: new Set(), closed: [] };
    const refusal = applyInputs(changes, [{ agent: actor.username, input: { source: 'agent', state, reason: reason ?? null, at: now } }], seatRules(ctx.city.calls));
    if (refusal === 'reason_required' || refusal === 'unknown_reason') throw invalid('reason', `${REFUSALS[refusal]}（可选：${Object.keys(ctx.city.calls.notReadyReasons).join('、')}）`);
    if (refusal) throw conflict(REFUSALS[refusal]);
    await saveSeats(tx, changes, now);
    const after = changes.seats.get(actor.username)!;
    if (changes.changed.size) {
      await writeEvent(tx, actor, now, { action: 'seat_state', fromStatus: before.state, toStatus: after.state, detail: { agent: actor.username, reason: after.reason } });
    }
    return seatView(ctx, after, actor.displayName);
  });
}

export async function setSkills(ctx: AppContext, actor: Actor, agent: string, skills: string[]) {
  const codes = new Set(ctx.city.calls.queues.map((q) => q.code));
  for (const s of skills) if (!codes.has(s)) throw invalid('skills', `技能「${s}」不是本市配置的队列，可选：${[...codes].join('、')}`);
  const user = await ctx.store.db.selectFrom('users').select(['username', 'role', 'display_name']).where('username', '=', agent).executeTakeFirst();
  if (!user || (user.role !== 'agent' && user.role !== 'team_lead')) throw notFound(`坐席「${agent}」不存在`);
  const now = ctx.clock.now();
  const unique = [...new Set(skills)];
  return inTransaction(ctx.store.db, async (tx) => {
    await tx
      .insertInto('seats')
      .values({ agent, state: 'logged_off', reason: null, since: now, call_id: null, message_id: null, wrap_up_until: null, skills: JSON.stringify(unique), updated_at: now })
      .onConflict((oc) => oc.column('agent').doUpdateSet({ skills: JSON.stringify(unique), updated_at: now }))
      .execute();
    await writeEvent(tx, actor, now, { action: 'seat_skills', detail: { agent, skills: unique } });
    const row = await tx.selectFrom('seats').selectAll().where('agent', '=', agent).executeTakeFirstOrThrow();
    return seatView(ctx, seatOfRow(row), user.display_name);
  });
}
