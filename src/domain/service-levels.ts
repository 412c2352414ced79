// The service-level figures of call handling (GB/T 33358-2016: answer within 15 s, ≥ 95 % of calls
// connected over 24 h), computed from the call records and seat intervals of a window. Pure: the
// caller loads the calls offered in the period and the seat intervals that overlap it.
//
// Definitions (docs/reference/calls.md, "Service levels: formulas"):
// - A call belongs to the interval in which it was offered (offeredAt ∈ [from, to)), whatever happens
//   to it later. A restricted call (第三十二条) is never offered to the hotline and counts nowhere.
// - wait = (answeredAt or abandonedAt) − offeredAt.
// - answered: answeredAt set. answeredWithin15s: answered with wait ≤ answerTargetSeconds (exactly 15 s is within).
// - lost: not answered and abandonedAt set (the call record sets it for an explicit abandon and for
//   an end without answer or transfer). A call handed on unanswered is offered, neither answered nor lost.
//   shortAbandoned: lost with wait < shortAbandonSeconds (the caller dialled wrong or changed their
//   mind: not held against the hotline; the 漏接回拨 queue draws the same line). abandoned: the other
//   lost calls, from exactly 5 s on.
// - offered: every call of the window, also short abandons and calls still waiting.
// - serviceLevel15s = answeredWithin15s / (answered + abandoned)
// - abandonRate = abandoned / (answered + abandoned); connectRate = answered / (answered + abandoned)
//   (over a day: the standard's ≥ 95 %).
// - asaSeconds = mean wait of answered calls.
// - ahtSeconds = mean of talk (endedAt − answeredAt) + wrapUpSeconds (0 while unknown) over answered
//   calls that have ended.
// - occupancy = (busy + wrap_up) / (ready + busy + wrap_up) seat time, each seat interval clipped to
//   the window (an open interval ends at `now`); not_ready and logged_off time count on neither side.
// Every rate is null when its denominator is 0.
import { DateTime } from 'luxon';
import { ZONE } from './calendar.ts';
import type { CallRecord, CallStatsRow, SeatInterval, ServiceLevelFigures } from './call-contract.ts';

export const STATS_INTERVALS = ['30m', '1h', 'day'] as const;
export type StatsInterval = (typeof STATS_INTERVALS)[number];

export interface ServiceLevelRules {
  /** An answer within this many seconds (inclusive) counts towards the service level: 15 (GB/T 33358). */
  answerTargetSeconds: number;
  /** A caller lost in less than this many seconds is a short abandon, counted apart. */
  shortAbandonSeconds: number;
}

export const SERVICE_LEVEL_RULES: ServiceLevelRules = { answerTargetSeconds: 15, shortAbandonSeconds: 5 };

/** A half-open window [from, to), both as `YYYY-MM-DDTHH:mm:ss+08:00`. */
export interface StatsWindow {
  from: string;
  to: string;
}

const shanghai = (iso: string) => DateTime.fromISO(iso, { setZone: true }).setZone(ZONE);
const format = (dt: DateTime) => dt.setZone(ZONE).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
const ms = (iso: string) => Date.parse(iso);

function floorTo(dt: DateTime, interval: StatsInterval): DateTime {
  const day = dt.startOf('day');
  if (interval === 'day') return day;
  const hour = dt.startOf('hour');
  return interval === '1h' || dt.minute < 30 ? hour : hour.set({ minute: 30 });
}

const STEP: Record<StatsInterval, { minutes?: number; days?: number }> = { '30m': { minutes: 30 }, '1h': { minutes: 60 }, day: { days: 1 } };

/**
 * The Shanghai clock intervals (on the half hour, the hour, or the day) that cover the instants
 * [from, to): the first starts at or before `from`, the last ends at or after `to`. Empty when to ≤ from.
 */
export function intervalsOf(from: string, to: string, interval: StatsInterval): StatsWindow[] {
  const end = ms(to);
  if (!(end > ms(from))) return [];
  const out: StatsWindow[] = [];
  let start = floorTo(shanghai(from), interval);
  while (start.toMillis() < end) {
    const next = start.plus(STEP[interval]);
    out.push({ from: format(start), to: format(next) });
    start = next;
  }
  return out;
}

/** The window of whole Shanghai days fromDate…toDate (YYYY-MM-DD, both inclusive); null when invalid or reversed. */
export function windowOfDates(fromDate: string, toDate: string): StatsWindow | null {
  const a = DateTime.fromISO(fromDate, { zone: ZONE });
  const b = DateTime.fromISO(toDate, { zone: ZONE });
  if (!a.isValid || !b.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(fromDate) || !/^\d{4}-\d{2}-\d{2}$/.test(toDate) || b < a) return null;
  return { from: format(a.startOf('day')), to: format(b.startOf('day').plus({ days: 1 })) };
}

/** Running sums of one window; figuresOf turns them into rates. */
interface Tally {
  offered: number;
  answered: number;
  answeredWithin: number;
  abandoned: number;
  shortAbandoned: number;
  waitSumMs: number;
  handledCalls: number;
  handleSumMs: number;
  workMs: number;
  availableMs: number;
}

const emptyTally = (): Tally => ({ offered: 0, answered: 0, answeredWithin: 0, abandoned: 0, shortAbandoned: 0, waitSumMs: 0, handledCalls: 0, handleSumMs: 0, workMs: 0, availableMs: 0 });

function addCall(t: Tally, call: CallRecord, rules: ServiceLevelRules): void {
  t.offered++;
  const offered = ms(call.offeredAt);
  if (call.answeredAt) {
    const wait = ms(call.answeredAt) - offered;
    t.answered++;
    t.waitSumMs += wait;
    if (wait <= rules.answerTargetSeconds * 1000) t.answeredWithin++;
    if (call.endedAt) {
      t.handledCalls++;
      t.handleSumMs += ms(call.endedAt) - ms(call.answeredAt) + (call.wrapUpSeconds ?? 0) * 1000;
    }
    return;
  }
  const lostAt = call.abandonedAt;
  if (!lostAt) return; // still waiting, or handed on unanswered: offered only
  if (ms(lostAt) - offered < rules.shortAbandonSeconds * 1000) t.shortAbandoned++;
  else t.abandoned++;
}

const WORK_STATES = new Set(['busy', 'wrap_up']);
const AVAILABLE_STATES = new Set(['ready', 'busy', 'wrap_up']);

function addSeatTime(t: Tally, seat: SeatInterval, windowFrom: number, windowTo: number, nowMs: number): void {
  if (!AVAILABLE_STATES.has(seat.state)) return;
  const from = Math.max(ms(seat.from), windowFrom);
  const to = Math.min(seat.to === null ? nowMs : ms(seat.to), windowTo);
  if (to <= from) return;
  t.availableMs += to - from;
  if (WORK_STATES.has(seat.state)) t.workMs += to - from;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

function figuresOf(t: Tally): ServiceLevelFigures {
  const connected = t.answered + t.abandoned;
  return {
    offered: t.offered,
    answered: t.answered,
    answeredWithin15s: t.answeredWithin,
    abandoned: t.abandoned,
    shortAbandoned: t.shortAbandoned,
    serviceLevel15s: ratio(t.answeredWithin, connected),
    abandonRate: ratio(t.abandoned, connected),
    connectRate: ratio(t.answered, connected),
    asaSeconds: t.answered ? t.waitSumMs / t.answered / 1000 : null,
    ahtSeconds: t.handledCalls ? t.handleSumMs / t.handledCalls / 1000 : null,
    occupancy: ratio(t.workMs, t.availableMs),
  };
}

export interface FigureOptions {
  /** Where open seat intervals (to: null) end; the window's end by default. */
  now?: string;
}

/** The figures of one window: the calls offered in it, the seat time inside it. */
export function figuresFor(records: readonly CallRecord[], seats: readonly SeatInterval[], window: StatsWindow, rules: ServiceLevelRules = SERVICE_LEVEL_RULES, options: FigureOptions = {}): ServiceLevelFigures {
  const from = ms(window.from);
  const to = ms(window.to);
  const t = emptyTally();
  for (const call of records) {
    if (call.restricted) continue;
    const at = ms(call.offeredAt);
    if (at >= from && at < to) addCall(t, call, rules);
  }
  const nowMs = options.now ? ms(options.now) : to;
  for (const seat of seats) addSeatTime(t, seat, from, to, nowMs);
  return figuresOf(t);
}

export interface CallStatsQuery {
  /** Instants (any offset) or whole days via windowOfDates. */
  from: string;
  to: string;
  interval: StatsInterval;
  /**
   * `total`: one row per interval (queue and agent null). `queue`: one per interval and queue,
   * occupancy null (a seat serves several queues). `agent`: one per interval and agent that had a call
   * or seat time in the period, with that seat's occupancy.
   */
  by?: 'total' | 'queue' | 'agent';
  /** Only this queue's calls (occupancy then null, as for `by: queue`). */
  queue?: string;
  /** Only this agent's calls and seat. */
  agent?: string;
  now?: string;
}

/** Index of the window that holds the instant, or -1 (windows are sorted and contiguous). */
function windowIndex(starts: number[], end: number, at: number): number {
  if (at < starts[0] || at >= end) return -1;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * CallStatsRow[] for GET /call-stats: every interval of the period, in time order, then by key.
 * One pass over the calls and seats, so a day of 30-minute intervals over tens of thousands of
 * calls stays cheap.
 */
export function callStatsRows(records: readonly CallRecord[], seats: readonly SeatInterval[], query: CallStatsQuery, rules: ServiceLevelRules = SERVICE_LEVEL_RULES): CallStatsRow[] {
  const windows = intervalsOf(query.from, query.to, query.interval);
  if (!windows.length) return [];
  const by = query.by ?? 'total';
  const starts = windows.map((w) => ms(w.from));
  const end = ms(windows[windows.length - 1].to);
  const periodFrom = ms(query.from);
  const periodTo = ms(query.to);
  const nowMs = query.now ? ms(query.now) : Infinity;
  const occupancyShown = by !== 'queue' && query.queue === undefined;
  const tallies = new Map<string, Tally[]>(); // key → one tally per window
  const tallyOf = (key: string) => {
    let list = tallies.get(key);
    if (!list) tallies.set(key, (list = windows.map(emptyTally)));
    return list;
  };
  if (by === 'total') tallyOf('');
  for (const call of records) {
    if (call.restricted) continue;
    if (query.queue !== undefined && call.queue !== query.queue) continue;
    if (query.agent !== undefined && call.agent !== query.agent) continue;
    const at = ms(call.offeredAt);
    if (at < periodFrom || at >= periodTo) continue;
    const i = windowIndex(starts, end, at);
    if (i < 0) continue;
    const key = by === 'queue' ? call.queue : by === 'agent' ? call.agent : '';
    if (key === null) continue; // a call no agent took has no agent row
    addCall(tallyOf(key)[i], call, rules);
  }
  if (occupancyShown) {
    for (const seat of seats) {
      if (query.agent !== undefined && seat.agent !== query.agent) continue;
      if (!AVAILABLE_STATES.has(seat.state)) continue;
      const list = tallyOf(by === 'agent' ? seat.agent : '');
      const sFrom = Math.max(ms(seat.from), periodFrom);
      const sTo = Math.min(seat.to === null ? nowMs : ms(seat.to), periodTo);
      if (sTo <= sFrom) continue;
      for (let i = Math.max(0, windowIndex(starts, end, sFrom)); i < windows.length && starts[i] < sTo; i++) {
        addSeatTime(list[i], seat, Math.max(starts[i], periodFrom), Math.min(i + 1 < windows.length ? starts[i + 1] : end, periodTo), nowMs);
      }
    }
  }
  const keys = [...tallies.keys()].sort();
  const rows: CallStatsRow[] = [];
  windows.forEach((w, i) => {
    for (const key of keys) {
      const figures = figuresOf(tallies.get(key)![i]);
      if (!occupancyShown) figures.occupancy = null;
      rows.push({
        from: w.from,
        to: w.to,
        queue: by === 'queue' ? key : (query.queue ?? null),
        agent: by === 'agent' ? key : (query.agent ?? null),
        ...figures,
      });
    }
  });
  return rows;
}
