// The figures' inputs from the store: the calls offered in a period (by the indexed Shanghai day) and
// the seat stretches inside it (stored cut at midnights, so indexed by start; the current stretch of
// each seat is its row). The formulas are src/domain/service-levels.ts's.
import type { AppContext } from '../server/context.ts';
import type { CallRecord, LiveStats, SeatInterval, SeatState } from '../domain/call-contract.ts';
import { callStatsRows, figuresFor, windowOfDates, type StatsInterval } from '../domain/service-levels.ts';
import { shanghaiDay } from '../domain/seat-states.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { invalid } from '../server/problem.ts';
import { settleExpiredSeats } from './seat-store.ts';
import { pageOfRows, pagingOf } from './paging.ts';
import { missedCallFigures, type MissedCallRow } from '../domain/missed-call-figures.ts';

const dayList = (fromDay: string, toDay: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${fromDay}T00:00:00Z`); t <= Date.parse(`${toDay}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

/** Calls offered on these Shanghai days, as the figures see them. */
export async function loadCallRecords(ctx: AppContext, fromDay: string, toDay: string, filter: { queue?: string; agent?: string } = {}): Promise<CallRecord[]> {
  let q = ctx.store.db
    .selectFrom('calls')
    .select(['id', 'queue', 'agent', 'offered_at', 'answered_at', 'abandoned_at', 'ended_at', 'wrap_up_seconds', 'restricted'])
    .where('local_day', 'in', dayList(fromDay, toDay));
  if (filter.queue) q = q.where('queue', '=', filter.queue);
  if (filter.agent) q = q.where('agent', '=', filter.agent);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    queue: r.queue,
    agent: r.agent,
    offeredAt: r.offered_at,
    answeredAt: r.answered_at,
    abandonedAt: r.abandoned_at,
    endedAt: r.ended_at,
    wrapUpSeconds: r.wrap_up_seconds,
    restricted: !!r.restricted,
  }));
}

/** Seat stretches within [from, to) (UTC instants at Shanghai midnights), plus each seat's current one. */
export async function loadSeatIntervals(ctx: AppContext, from: string, to: string, agent?: string): Promise<SeatInterval[]> {
  let closed = ctx.store.db.selectFrom('seat_intervals').select(['agent', 'state', 'from_at', 'to_at']).where('from_at', '>=', from).where('from_at', '<', to).where('state', 'in', ['ready', 'busy', 'wrap_up']);
  let current = ctx.store.db.selectFrom('seats').select(['agent', 'state', 'since']).where('since', '<', to).where('state', 'in', ['ready', 'busy', 'wrap_up']);
  if (agent) {
    closed = closed.where('agent', '=', agent);
    current = current.where('agent', '=', agent);
  }
  const [a, b] = await Promise.all([closed.execute(), current.execute()]);
  return [
    ...a.map((r) => ({ agent: r.agent, state: r.state as SeatState, from: r.from_at, to: r.to_at })),
    ...b.map((r) => ({ agent: r.agent, state: r.state as SeatState, from: r.since, to: null })),
  ];
}

export interface CallStatsParams {
  from?: string;
  to?: string;
  interval?: StatsInterval;
  queue?: string;
  agent?: string;
  by?: 'total' | 'queue' | 'agent';
  /** `exclude` leaves out the intervals without an offered call (most half hours of a night). */
  empty?: string;
  page?: number;
  pageSize?: number;
}

export const EMPTY_ROWS = ['include', 'exclude'] as const;

export async function callStats(ctx: AppContext, params: CallStatsParams) {
  const now = ctx.clock.now();
  await settleExpiredSeats(ctx.store.db, now);
  const today = shanghaiDay(now);
  const fromDay = params.from ?? today;
  const toDay = params.to ?? fromDay;
  const window = windowOfDates(fromDay, toDay);
  if (!window) throw invalid(params.from && !windowOfDates(fromDay, fromDay) ? 'from' : 'to', '字段「开始时间」「结束时间」应为 YYYY-MM-DD 的日期，且结束不早于开始');
  if ((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / 86_400_000 > 92) throw invalid('to', '统计区间最长 93 天');
  if (params.queue && !ctx.city.calls.queues.some((q) => q.code === params.queue)) throw invalid('queue', `队列「${params.queue}」不存在`);
  if (params.empty !== undefined && !(EMPTY_ROWS as readonly string[]).includes(params.empty)) throw invalid('empty', `字段「无来电时段」取值无效，可选值：${EMPTY_ROWS.join('、')}`);
  const from = new Date(Date.parse(window.from)).toISOString();
  const to = new Date(Date.parse(window.to)).toISOString();
  const [records, seats] = await Promise.all([loadCallRecords(ctx, fromDay, toDay, params), loadSeatIntervals(ctx, from, to, params.agent)]);
  const rules = { answerTargetSeconds: ctx.city.calls.answerTargetSeconds, shortAbandonSeconds: ctx.city.calls.shortAbandonSeconds };
  const rows = callStatsRows(records, seats, { from: window.from, to: window.to, interval: params.interval ?? '1h', by: params.by, queue: params.queue, agent: params.agent, now }, rules);
  return pageOfRows(params.empty === 'exclude' ? rows.filter((r) => r.offered > 0) : rows, pagingOf(params));
}

/** The live wall's numbers: who waits in each queue now, seats by state, today so far. */
export async function liveStats(ctx: AppContext): Promise<LiveStats> {
  const now = ctx.clock.now();
  await settleExpiredSeats(ctx.store.db, now);
  const today = shanghaiDay(now);
  const window = windowOfDates(today, today)!;
  const from = new Date(Date.parse(window.from)).toISOString();
  const [records, seats, waiting, seatRows] = await Promise.all([
    loadCallRecords(ctx, today, today),
    loadSeatIntervals(ctx, from, new Date(Date.parse(window.to)).toISOString()),
    // Calls of today and yesterday still waiting (not answered, not ended): a queue's present.
    ctx.store.db
      .selectFrom('calls')
      .select(['queue', 'offered_at'])
      .where('local_day', 'in', [shanghaiDay(new Date(Date.parse(now) - 86_400_000).toISOString()), today])
      .where('status', 'in', ['offered', 'queued', 'ringing'])
      .where('restricted', '=', 0)
      .execute(),
    ctx.store.db.selectFrom('seats').select(['state', 'skills']).execute(),
  ]);
  const rules = { answerTargetSeconds: ctx.city.calls.answerTargetSeconds, shortAbandonSeconds: ctx.city.calls.shortAbandonSeconds };
  const byState: Partial<Record<SeatState, number>> = {};
  for (const s of seatRows) byState[s.state as SeatState] = (byState[s.state as SeatState] ?? 0) + 1;
  const queues = ctx.city.calls.queues.map((q) => {
    const mine = waiting.filter((w) => w.queue === q.code);
    const oldest = mine.reduce<string | null>((min, w) => (min === null || w.offered_at < min ? w.offered_at : min), null);
    return {
      queue: q.code,
      label: q.name,
      waiting: mine.length,
      longestWaitSeconds: oldest ? Math.max(0, Math.round((Date.parse(now) - Date.parse(oldest)) / 1000)) : null,
      agents: seatRows.filter((s) => s.state !== 'logged_off' && (JSON.parse(s.skills) as string[]).includes(q.code)).length,
    };
  });
  const messages = await ctx.store.db.selectFrom('messages').select(['status', 'reply_seconds', 'received_at']).where('local_day', '=', today).execute();
  const nowIso = new Date(Date.parse(now)).toISOString();
  const missedRows = await loadMissedCallRows(ctx, from, new Date(Date.parse(window.to)).toISOString(), nowIso);
  const replied = messages.filter((m) => m.reply_seconds != null);
  return {
    now: formatShanghai(now),
    queues,
    seats: byState,
    today: figuresFor(records, seats, window, rules, { now }),
    missedCalls: missedCallFigures(missedRows, ctx.city.calls.missedCallback, nowIso),
    messages: {
      received: messages.length,
      waiting: messages.filter((m) => m.status === 'waiting').length,
      answered: replied.length,
      answeredWithinTarget: replied.filter((m) => m.reply_seconds! <= ctx.city.calls.messageResponseSeconds).length,
    },
  };
}

/** The 漏接回拨 entries lost in [from, to) with their attempts before asOf (UTC ISO instants). */
export async function loadMissedCallRows(ctx: AppContext, from: string, to: string, asOf: string): Promise<MissedCallRow[]> {
  const db = ctx.store.db;
  const [entries, attempts] = await Promise.all([
    db.selectFrom('missed_calls').select(['id', 'missed_at', 'done_at', 'last_outcome']).where('missed_at', '>=', from).where('missed_at', '<', to).execute(),
    db
      .selectFrom('missed_call_attempts as a')
      .innerJoin('missed_calls as m', 'm.id', 'a.missed_call_id')
      .select(['a.missed_call_id', 'a.at', 'a.outcome'])
      .where('m.missed_at', '>=', from)
      .where('m.missed_at', '<', to)
      .where('a.at', '<', asOf)
      .execute(),
  ]);
  const byEntry = new Map<number, Array<{ at: string; outcome: string }>>();
  for (const a of attempts) {
    const list = byEntry.get(Number(a.missed_call_id)) ?? [];
    list.push({ at: a.at, outcome: a.outcome });
    byEntry.set(Number(a.missed_call_id), list);
  }
  return entries.map((e) => ({ missedAt: e.missed_at, attempts: byEntry.get(Number(e.id)) ?? [], doneAt: e.done_at, lastOutcome: e.last_outcome }));
}
