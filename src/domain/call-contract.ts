// The wire contract of call handling (话务管理): what a switch's CTI adapter sends, what the console
// reads, and the record the service-level figures are computed from. The switch is not ours; it
// talks to the platform only through these shapes (docs/reference/calls.md).
//
// Endpoints (all under /api/v1):
//   POST /cti/events                 a switch posts one event or { events: [...] } (API key with scope cti:events)
//   GET  /cti/ws                     the same events over a WebSocket, one JSON event or batch a message;
//                                    each message is answered with its CtiIngestResult (same key, as
//                                    `Authorization: Bearer` or `?key=` for adapters that cannot set headers)
//   GET  /seats                      the team lead's live wall: every seat, its state and current contact
//   GET  /seats/me                   the agent's own seat, with the call or message it is on (screen-pop)
//   POST /seats/me/state             { state: 'logged_off'|'ready'|'not_ready'|'wrap_up', reason? }
//   PUT  /seats/:agent/skills        { skills: string[] } (team lead, admin)
//   GET  /calls                      calls, filtered by day, queue, agent, outcome, paged (with `day`); caller masked by role
//   GET  /calls/:id                  one call with its events, recording and transcript, linked ticket
//   GET  /call-stats                 ?from=YYYY-MM-DD&to=YYYY-MM-DD&interval=30m|1h|day&by=queue|agent&queue=&agent=
//                                    &empty=include|exclude (exclude: no interval without an offered call)
//                                    → CallStatsRow rows, paged (CallStatsPage)
//   GET  /call-stats/live            LiveStats: queues now, seats by state, today so far
//   GET  /missed-calls               漏接回拨 queue ?status=open|done (open oldest first, done newest first), paged
//   POST /missed-calls/:id/claim     an agent takes one
//   POST /missed-calls/:id/attempt   { outcome: 'reached'|'no_answer'|'busy'|'invalid_number', note? }
//   POST /messages                   an inbound SMS / online message (API key with scope messages:write)
//   GET  /messages                   the message queue ?status=waiting|assigned|answered (oldest first), paged
//   POST /messages/:id/claim         an agent takes one
//   POST /messages/:id/reply         { text } the first reply stops the 3-minute clock
//   GET  /restrictions               the restriction list (第三十二条) ?status=&phone= (newest first), paged
//   POST /restrictions               { phone, reason, days } requested by a team lead
//   POST /restrictions/:id/approve   approved by the centre (another person than the requester)
//   POST /restrictions/:id/revoke    { reason }
// The lists marked paged take `page` (from 1) and `pageSize` (1–200; 50 when absent) and answer
// { items, total, page, pageSize } (Paged<T>), `total` counting every row of the filters; a bad
// `page` or `pageSize` is a 400 naming 「页码」 or 「每页条数」.
// A ticket created from a call carries `callId` (the platform's call id) in the intake body; the
// ticket detail then shows `call: { id, recordingUrl }`.

import type { MissedCallFigures } from './missed-call-figures.ts';

export const CTI_EVENT_TYPES = [
  'offered', // the call reached the hotline: caller, trunk, queue
  'queued', // waiting in a queue (queue may change: overflow to another skill)
  'ringing', // offered to an agent's seat
  'answered', // an agent picked up
  'transferred', // to a unit's expert seat or to 110/119/120/122, three-way or blind
  'abandoned', // the caller hung up before an agent answered
  'ended', // the call is over (after answer, or after a transfer)
  'recording', // the recording is available
  'transcript', // the speech-to-text transcript is available
  'agent_state', // the switch reports a seat's state (e.g. an agent logged on at the phone)
] as const;
export type CtiEventType = (typeof CTI_EVENT_TYPES)[number];

export const SEAT_STATES = ['logged_off', 'ready', 'not_ready', 'busy', 'wrap_up'] as const;
export type SeatState = (typeof SEAT_STATES)[number];

export const EMERGENCY_NUMBERS = ['110', '119', '120', '122'] as const;

export type TransferTarget =
  | { kind: 'unit'; unitCode: string } // a unit's expert seat (专家坐席)
  | { kind: 'emergency'; number: (typeof EMERGENCY_NUMBERS)[number] }
  | { kind: 'queue'; queue: string }; // another skill queue of the hotline

/** One event from a switch. `callId` + `seq` identify it: a repeat is ignored, any order is fine. */
export interface CtiEvent {
  /** The switch's id of the call; unique per switch. For `agent_state` events, any id unique per seat change. */
  callId: string;
  /** The switch's sequence number of this event within the call, from 1. */
  seq: number;
  type: CtiEventType;
  /** When it happened on the switch, ISO 8601 with offset. Figures use this time, never the arrival time. */
  at: string;
  /** offered: the caller's number. */
  caller?: string;
  /** offered: the trunk (e.g. the 12345 number, or 惠企通 line). */
  trunk?: string;
  /** offered / queued: the queue code (a skill queue of the city's configuration). */
  queue?: string;
  /** ringing / answered / transferred / agent_state: the agent's username (the seat). */
  agent?: string;
  /** transferred */
  transfer?: { mode: 'three_way' | 'blind'; target: TransferTarget };
  /** agent_state */
  state?: SeatState;
  /** agent_state not_ready: the reason code */
  reason?: string;
  /** recording */
  recordingUrl?: string;
  /** transcript */
  transcript?: string;
}

export interface CtiIngestResult {
  accepted: number;
  duplicates: number;
  /** For an `offered` event from a restricted number: what the adapter should do (play the notice, end). */
  restrictions: { callId: string; until: string; notice: string }[];
}

/** A finished or running call as the figures see it; one row of the platform's call table. */
export interface CallRecord {
  id: number;
  queue: string;
  agent: string | null;
  offeredAt: string; // ISO instant
  answeredAt: string | null;
  /** When the caller hung up while waiting, or null. */
  abandonedAt: string | null;
  endedAt: string | null;
  /** Seconds of after-call work (the seat's wrap_up right after this call), null while unknown. */
  wrapUpSeconds: number | null;
  /** Ended at once because the number is restricted (第三十二条): not offered to the hotline's figures. */
  restricted: boolean;
}

/** One stretch of a seat in one state, for occupancy. `to` null while it lasts. */
export interface SeatInterval {
  agent: string;
  state: SeatState;
  from: string;
  to: string | null;
}

export interface ServiceLevelFigures {
  offered: number;
  answered: number;
  answeredWithin15s: number;
  /** Abandoned after the short-abandon threshold. */
  abandoned: number;
  /** Abandoned within the short-abandon threshold (e.g. 5 s): counted apart, not held against the hotline. */
  shortAbandoned: number;
  /** answeredWithin15s / (answered + abandoned); null when there were no such calls. */
  serviceLevel15s: number | null;
  /** abandoned / (answered + abandoned) */
  abandonRate: number | null;
  /** answered / (answered + abandoned) over the 24 h (GB/T 33358: ≥ 95%). */
  connectRate: number | null;
  /** Average speed of answer in seconds: mean of (answeredAt − offeredAt) over answered calls. */
  asaSeconds: number | null;
  /** Average handle time in seconds: talk + after-call work, over answered calls. */
  ahtSeconds: number | null;
  /** (busy + wrap_up) / (time logged on but not not_ready) of the seats in the interval. */
  occupancy: number | null;
}

export interface CallStatsRow extends ServiceLevelFigures {
  /** Interval start, `YYYY-MM-DDTHH:mm:ss+08:00`. */
  from: string;
  to: string;
  queue: string | null;
  agent: string | null;
}

/** One page of a paged list (GET /missed-calls, /messages, /restrictions, /call-stats). */
export interface Paged<T> {
  items: T[];
  /** Rows of the whole list with the same filters. */
  total: number;
  /** From 1. */
  page: number;
  pageSize: number;
}

/** GET /call-stats: the rows of the period in time order, then by queue or agent, one page of them. */
export type CallStatsPage = Paged<CallStatsRow>;

/** One skill queue now, for the live wall (GET /call-stats/live). */
export interface QueueNow {
  queue: string;
  label: string;
  /** Calls offered and not yet answered, abandoned or ended. */
  waiting: number;
  longestWaitSeconds: number | null;
  /** Seats logged on with this queue among their skills. */
  agents: number;
}

/** GET /call-stats/live: queues now, seats by state, today's figures so far, today's messages. */
export interface LiveStats {
  /** `YYYY-MM-DDTHH:mm:ss+08:00` */
  now: string;
  queues: QueueNow[];
  seats: Partial<Record<SeatState, number>>;
  today: ServiceLevelFigures;
  messages: { received: number; waiting: number; answered: number; answeredWithinTarget: number };
  /** Today's 漏接回拨 so far (src/domain/missed-call-figures.ts): lost today, called back, reached, open. */
  missedCalls: MissedCallFigures;
}

/** GET /messages/replies?after= (API key with messages:write): the agents' replies for the source system to deliver. */
export interface MessageReplyOut {
  id: number;
  messageId: number;
  externalId: string | null;
  channel: 'sms' | 'online';
  /** The sender the reply goes back to. */
  to: string;
  text: string;
  at: string;
}

/** GB/T 33358: at least 95 % of calls connected over 24 hours. */
export const CONNECT_RATE_TARGET = 0.95;

/** The 话务 section of a city-wide 日报/周报/月报 (src/calls/period-figures.ts computes it). */
export interface MessageFigures {
  /** Messages received in the period. */
  received: number;
  /** Of those, replied to (at any time before now). */
  answered: number;
  /** Replied to within calls.messageResponseSeconds. */
  answeredWithinTarget: number;
  /** answeredWithinTarget / received; null when none was received. */
  withinTargetRate: number | null;
  targetSeconds: number;
}

export interface PeriodCallFigures {
  /** The service levels of the period, as GET /call-stats?interval=day adds them up. */
  serviceLevels: ServiceLevelFigures;
  answerTargetSeconds: number;
  /** 0.95 (GB/T 33358). */
  connectRateTarget: number;
  /** connectRate ≥ connectRateTarget; null when the connect rate is. */
  connectRateMet: boolean | null;
  messages: MessageFigures;
  missedCalls: MissedCallFigures;
}
