// A call's state from its switch events (话务管理). Events may arrive in any order, twice, or not at
// all: the fold sorts by the switch's sequence number, keeps the first copy of each number, and fills
// the gaps the usual way (answered without ringing, ended without answered = the caller gave up).
// Pure: the ingestion stores every event and folds the call again from all of them.
import type { CtiEvent, TransferTarget } from './call-contract.ts';

export type CallStatus = 'offered' | 'queued' | 'ringing' | 'answered' | 'ended';
export type CallOutcome = 'answered' | 'abandoned' | null;

export interface FoldedCall {
  caller: string | null;
  trunk: string | null;
  /** The last queue the call was in (an overflow moves it). */
  queue: string;
  /** The agent who answered; null while nobody did. */
  agent: string | null;
  /** The last seat it rang at (the one that did not pick up, for an abandoned call). */
  ringingAgent: string | null;
  offeredAt: string;
  queuedAt: string | null;
  ringingAt: string | null;
  answeredAt: string | null;
  abandonedAt: string | null;
  endedAt: string | null;
  transfer: { mode: 'three_way' | 'blind'; target: TransferTarget; at: string } | null;
  recordingUrl: string | null;
  transcript: string | null;
  status: CallStatus;
  outcome: CallOutcome;
  /** The highest sequence number seen, and how many distinct events there are. */
  lastSeq: number;
  events: number;
}

/** An event as the fold needs it: the instant already normalised to UTC ISO. */
export type FoldEvent = Pick<CtiEvent, 'seq' | 'type' | 'caller' | 'trunk' | 'queue' | 'agent' | 'transfer' | 'recordingUrl' | 'transcript'> & { at: string };

/** Distinct events by sequence number (the first copy wins), in sequence order. */
export function distinctBySeq<E extends { seq: number }>(events: readonly E[]): E[] {
  const seen = new Map<number, E>();
  for (const e of events) if (!seen.has(e.seq)) seen.set(e.seq, e);
  return [...seen.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Folds the events of one call. `defaultQueue` is the queue of a call whose events name none.
 * Returns null for a stream without call events (only agent_state), which is no call.
 */
export function foldCall(events: readonly FoldEvent[], defaultQueue: string): FoldedCall | null {
  const list = distinctBySeq(events).filter((e) => e.type !== 'agent_state');
  if (!list.length) return null;
  const first = (type: FoldEvent['type']) => list.find((e) => e.type === type) ?? null;
  const last = (type: FoldEvent['type']) => {
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.type === type) return list[i]!;
    return null;
  };

  const offered = first('offered');
  const answered = first('answered');
  const ended = last('ended');
  const abandoned = first('abandoned');
  const transferred = last('transferred');
  const earliest = list.reduce((min, e) => (e.at < min ? e.at : min), list[0]!.at);

  let caller: string | null = offered?.caller ?? null;
  let trunk: string | null = offered?.trunk ?? null;
  let queue: string | null = null;
  let ringingAgent: string | null = null;
  let recordingUrl: string | null = null;
  let transcript: string | null = null;
  for (const e of list) {
    caller ??= e.caller ?? null;
    trunk ??= e.trunk ?? null;
    if (e.queue && (e.type === 'offered' || e.type === 'queued')) queue = e.queue;
    if (e.type === 'ringing' && e.agent && (!answered || e.seq < answered.seq)) ringingAgent = e.agent;
    if (e.type === 'recording' && e.recordingUrl) recordingUrl = e.recordingUrl;
    if (e.type === 'transcript' && e.transcript) transcript = e.transcript;
  }
  // Answered without a ringing event: the answering agent is the one; without an agent named on
  // the answer, the seat it last rang at.
  const agent = answered ? (answered.agent ?? ringingAgent) : null;
  const endedAt = ended?.at ?? (!answered ? (abandoned?.at ?? null) : null);
  // A call the caller left before anyone answered: an explicit abandon, or an end with no answer and
  // no transfer (a call handed on unanswered was not lost by the caller).
  const abandonedAt = answered ? null : (abandoned?.at ?? (ended && !transferred ? ended.at : null));

  const status: CallStatus = endedAt
    ? 'ended'
    : answered
      ? 'answered'
      : first('ringing')
        ? 'ringing'
        : first('queued')
          ? 'queued'
          : 'offered';

  return {
    caller,
    trunk,
    queue: queue ?? defaultQueue,
    agent,
    ringingAgent,
    offeredAt: offered?.at ?? earliest,
    queuedAt: first('queued')?.at ?? null,
    ringingAt: first('ringing')?.at ?? null,
    answeredAt: answered?.at ?? null,
    abandonedAt,
    endedAt,
    transfer: transferred?.transfer ? { mode: transferred.transfer.mode, target: transferred.transfer.target, at: transferred.at } : null,
    recordingUrl,
    transcript,
    status,
    outcome: answered ? 'answered' : abandonedAt ? 'abandoned' : null,
    lastSeq: list[list.length - 1]!.seq,
    events: list.length,
  };
}

/** What the call did to the answering agent's seat: busy from the answer, after-call work from its end. */
export interface SeatEffect {
  agent: string;
  state: 'busy' | 'wrap_up';
  at: string;
}

/** The seat changes of a call in time order (the seat applies those not older than its current state). */
export function seatEffectsOf(call: FoldedCall): SeatEffect[] {
  if (!call.agent || !call.answeredAt) return [];
  const effects: SeatEffect[] = [{ agent: call.agent, state: 'busy', at: call.answeredAt }];
  // A blind transfer frees the agent at once; in a three-way call the agent stays until the end.
  const leftAt = call.transfer?.mode === 'blind' ? call.transfer.at : call.endedAt;
  if (leftAt) effects.push({ agent: call.agent, state: 'wrap_up', at: leftAt < call.answeredAt ? call.answeredAt : leftAt });
  return effects;
}

/** Whether a call belongs in the 漏接回拨 queue: left unanswered, not a short abandon unless the city asks. */
export function isMissed(call: FoldedCall, shortAbandonSeconds: number, includeShort: boolean): boolean {
  if (call.outcome !== 'abandoned' || !call.abandonedAt) return false;
  if (includeShort) return true;
  return Date.parse(call.abandonedAt) - Date.parse(call.offeredAt) >= shortAbandonSeconds * 1000;
}
