// The seat (坐席) state machine: logged_off 未登录, ready 就绪, not_ready 示忙 (with a reason), busy
// 通话中, wrap_up 话后处理 with a limit, after which the seat is ready by itself. Every change closes
// the seat's current stretch; the closed stretches are its history, from which occupancy is computed.
// Pure: the caller passes the instant and the city's rules.
import type { SeatState } from './call-contract.ts';

export const SEAT_STATE_LABELS: Record<SeatState, string> = {
  logged_off: '未登录',
  ready: '就绪',
  not_ready: '示忙',
  busy: '通话中',
  wrap_up: '话后处理',
};

export interface Seat {
  agent: string;
  state: SeatState;
  reason: string | null;
  since: string;
  callId: number | null;
  /** wrap_up only: when it ends by itself. */
  wrapUpUntil: string | null;
}

/** One closed stretch of a seat in one state. */
export interface ClosedInterval {
  agent: string;
  state: SeatState;
  reason: string | null;
  callId: number | null;
  from: string;
  to: string;
}

export type SeatInput =
  /** The agent at the console (or the team lead); `busy` only comes from calls. */
  | { source: 'agent'; state: Exclude<SeatState, 'busy'>; reason?: string | null; at: string }
  /** The switch's agent_state event: whatever it says. */
  | { source: 'switch'; state: SeatState; reason?: string | null; at: string }
  /** An answered call (busy) or its end (wrap_up). */
  | { source: 'call'; state: 'busy' | 'wrap_up'; callId: number; at: string };

export interface SeatRules {
  wrapUpSeconds: number;
  notReadyReasons: Record<string, string>;
}

export type SeatRefusal = 'reason_required' | 'unknown_reason' | 'on_call' | 'not_logged_on' | 'stale';

export type SeatResult = { ok: true; seat: Seat; closed: ClosedInterval[]; changed: boolean } | { ok: false; refusal: SeatRefusal };

/** The order of changes within one instant: after-call work of the call that ended, then the agent's state, then the next answer. */
export function instantRank(state: SeatState): number {
  return state === 'wrap_up' ? 0 : state === 'busy' ? 2 : 1;
}

export function loggedOffSeat(agent: string, at: string): Seat {
  return { agent, state: 'logged_off', reason: null, since: at, callId: null, wrapUpUntil: null };
}

const addSeconds = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

/** The seat as it is at `now`: an after-call work past its limit has become ready at the limit. */
export function settleSeat(seat: Seat, now: string): { seat: Seat; closed: ClosedInterval[] } {
  if (seat.state !== 'wrap_up' || !seat.wrapUpUntil || Date.parse(seat.wrapUpUntil) > Date.parse(now)) return { seat, closed: [] };
  const end = seat.wrapUpUntil;
  return {
    seat: { agent: seat.agent, state: 'ready', reason: null, since: end, callId: null, wrapUpUntil: null },
    closed: [{ agent: seat.agent, state: 'wrap_up', reason: null, callId: seat.callId, from: seat.since, to: end }],
  };
}

/**
 * Applies one input at its instant. An input older than the seat's current stretch is stale (events
 * from the switch may arrive late; the newer state stands). The same state again changes nothing.
 */
export function applySeatInput(current: Seat, input: SeatInput, rules: SeatRules): SeatResult {
  const settled = settleSeat(current, input.at);
  const seat = settled.seat;
  if (Date.parse(input.at) < Date.parse(seat.since)) return { ok: false, refusal: 'stale' };
  // Several changes in one instant (a call ends, the agent is ready, the next call is answered) came
  // in that order, whatever order they arrive in: one that ranks below the current state is older.
  if (input.source !== 'agent' && Date.parse(input.at) === Date.parse(seat.since)) {
    const sameCall = input.source === 'call' && input.callId === seat.callId;
    if (!sameCall && instantRank(input.state) < instantRank(seat.state)) return { ok: false, refusal: 'stale' };
  }

  // An agent who logged off during a call left it: its end brings no after-call work.
  if (input.source === 'call' && input.state === 'wrap_up' && seat.state === 'logged_off') return { ok: true, seat, closed: settled.closed, changed: settled.closed.length > 0 };

  let reason: string | null = null;
  if (input.state === 'not_ready') {
    reason = ('reason' in input ? input.reason : null) ?? null;
    if (input.source === 'agent') {
      if (!reason) return { ok: false, refusal: 'reason_required' };
      if (!(reason in rules.notReadyReasons)) return { ok: false, refusal: 'unknown_reason' };
    }
  }
  if (input.source === 'agent') {
    // The agent cannot leave a call from the console: the switch ends it.
    if (seat.state === 'busy' && input.state !== 'logged_off') return { ok: false, refusal: 'on_call' };
    if (seat.state === 'logged_off' && input.state === 'wrap_up') return { ok: false, refusal: 'not_logged_on' };
  }
  const callId = input.source === 'call' ? input.callId : input.state === 'wrap_up' || input.state === 'busy' ? seat.callId : null;
  const same = seat.state === input.state && seat.reason === reason && seat.callId === callId;
  if (same) return { ok: true, seat, closed: settled.closed, changed: settled.closed.length > 0 };

  const next: Seat = {
    agent: seat.agent,
    state: input.state,
    reason,
    since: input.at,
    callId,
    wrapUpUntil: input.state === 'wrap_up' ? addSeconds(input.at, rules.wrapUpSeconds) : null,
  };
  const closed = [...settled.closed];
  if (Date.parse(input.at) > Date.parse(seat.since)) {
    closed.push({ agent: seat.agent, state: seat.state, reason: seat.reason, callId: seat.callId, from: seat.since, to: input.at });
  }
  return { ok: true, seat: next, closed, changed: true };
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Shanghai calendar day of an instant (Asia/Shanghai has no daylight saving). */
export function shanghaiDay(iso: string): string {
  return new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Cuts a stretch at each Shanghai midnight, so every stored piece lies within one day (indexed by its start). */
export function splitAtMidnights(interval: ClosedInterval): ClosedInterval[] {
  const out: ClosedInterval[] = [];
  let from = Date.parse(interval.from);
  const to = Date.parse(interval.to);
  while (from < to) {
    const nextMidnight = Math.floor((from + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS + DAY_MS - SHANGHAI_OFFSET_MS;
    const end = Math.min(to, nextMidnight);
    out.push({ ...interval, from: new Date(from).toISOString(), to: new Date(end).toISOString() });
    from = end;
  }
  return out;
}
