// The call-handling shapes the console reads, and their Chinese wording. The wire contract itself is
// src/domain/call-contract.ts; the console imports its types so the two never drift apart.
import { CONNECT_RATE_TARGET, type CallStatsPage, type CallStatsRow, type LiveStats, type Paged, type QueueNow, type SeatState, type ServiceLevelFigures } from '../../../../src/domain/call-contract.ts';

import { DEFAULT_CALLS } from '../../../../src/domain/call-config.ts';
import { ApiError } from '../../api';

export type { CallStatsPage, CallStatsRow, LiveStats, Paged, QueueNow, SeatState, ServiceLevelFigures };

export const SEAT_STATE_LABELS: Record<SeatState, string> = {
  logged_off: '签出',
  ready: '就绪',
  not_ready: '小休',
  busy: '通话中',
  wrap_up: '话后处理',
};

/** Tile and tag colours: green waits for calls, red is on one, orange is after-call work. */
export const SEAT_STATE_COLORS: Record<SeatState, string> = {
  logged_off: '#bfbfbf',
  ready: '#52c41a',
  not_ready: '#faad14',
  busy: '#f5222d',
  wrap_up: '#fa8c16',
};

/** The order the wall shows seats in: who can take a call first, then who is on one. */
export const SEAT_STATE_ORDER: SeatState[] = ['ready', 'busy', 'wrap_up', 'not_ready', 'logged_off'];

// The city's labels (Mudanjiang's defaults); the codes are what the API sends.
export const NOT_READY_REASONS: Record<string, string> = DEFAULT_CALLS.notReadyReasons;
export const QUEUE_LABELS: Record<string, string> = Object.fromEntries(DEFAULT_CALLS.queues.map((q) => [q.code, q.name]));
/** Short names for tiles, where the queue's full name does not fit. */
const SHORT_QUEUE_LABELS: Record<string, string> = { general: '综合', enterprise: '惠企通', dialect: '方言', foreign: '外语', special_groups: '特殊群体' };
export function shortQueue(code: string | null | undefined, label?: string | null): string {
  return code ? (SHORT_QUEUE_LABELS[code] ?? label ?? code) : '—';
}
export const RESTRICTION_REASONS: Record<string, string> = DEFAULT_CALLS.restriction.reasons;
export const RESTRICTION_MAX_DAYS = DEFAULT_CALLS.restriction.maxDays;

/** A call as the seat and the screen-pop see it (GET /seats/me → call, GET /calls/:id). */
export interface CallView {
  id: number;
  callId?: string;
  caller: string | null;
  trunk?: string | null;
  queue: string;
  queueLabel?: string;
  agent?: string | null;
  offeredAt: string;
  answeredAt: string | null;
  abandonedAt?: string | null;
  endedAt?: string | null;
  waitSeconds?: number | null;
  recordingUrl?: string | null;
  transcript?: string | null;
  ticketNo?: string | null;
  ticket?: { no: string } | null;
  restricted?: boolean;
  /** The number's restriction in force (screen-pop). */
  restriction?: { id: number; until: string | null; reason: string; reasonLabel?: string } | null;
}

export interface SeatView {
  agent: string;
  displayName?: string;
  state: SeatState;
  reason: string | null;
  reasonLabel?: string | null;
  /** When the seat entered this state. */
  since: string;
  /** wrap_up: when it ends by itself (话后处理时限). */
  wrapUpUntil?: string | null;
  /** The after-call-work limit in seconds, when the end instant is not given. */
  wrapUpLimitSeconds?: number | null;
  skills?: string[];
  call?: CallView | null;
  message?: MessageView | null;
}

export interface MissedCallView {
  id: number;
  callId?: number | string;
  caller: string | null;
  queue: string;
  queueLabel?: string;
  offeredAt: string;
  abandonedAt?: string | null;
  waitSeconds?: number | null;
  status: 'open' | 'claimed' | 'done' | string;
  claimedBy?: string | null;
  claimedByName?: string | null;
  claimedAt?: string | null;
  attempts: Array<{ at: string; outcome: string; outcomeLabel?: string; note?: string | null; agent?: string | null }>;
}

export interface MessageView {
  id: number;
  channel: string;
  phone: string | null;
  text: string;
  receivedAt: string;
  /** receivedAt + 3 minutes: the first reply is due by then. */
  dueAt?: string;
  status: 'waiting' | 'assigned' | 'answered' | string;
  statusLabel?: string;
  /** Seconds to the first reply, or waited so far (at the server's now). */
  responseSeconds?: number;
  assignedTo?: string | null;
  assignedToName?: string | null;
  firstReplyAt?: string | null;
  replies?: Array<{ at: string; text: string; agent?: string | null }>;
}

export interface RestrictionView {
  id: number;
  phone: string;
  reason: string;
  reasonLabel?: string;
  note?: string | null;
  days: number;
  status: 'pending' | 'active' | 'expired' | 'revoked' | 'rejected' | string;
  statusLabel?: string;
  requestedBy?: string | null;
  requestedByName?: string | null;
  requestedAt: string;
  approvedBy?: string | null;
  approvedByName?: string | null;
  approvedAt?: string | null;
  until?: string | null;
  revokedBy?: string | null;
  revokedAt?: string | null;
  revokeReason?: string | null;
}

export const ATTEMPT_OUTCOME_LABELS: Record<string, string> = {
  reached: '已联系上',
  no_answer: '无人接听',
  busy: '占线',
  invalid_number: '空号/错号',
};

export const RESTRICTION_STATUS: Record<string, { label: string; color: string }> = {
  pending: { label: '待审批', color: 'gold' },
  active: { label: '生效中', color: 'red' },
  expired: { label: '已到期', color: 'default' },
  revoked: { label: '已撤销', color: 'default' },
  rejected: { label: '未批准', color: 'default' },
};

export const MESSAGE_STATUS: Record<string, { label: string; color: string }> = {
  waiting: { label: '待认领', color: 'orange' },
  assigned: { label: '处理中', color: 'blue' },
  answered: { label: '已答复', color: 'green' },
};

export const MESSAGE_CHANNEL_LABELS: Record<string, string> = { sms: '短信', online: '网络留言' };

/** The screen-pop as GET /seats/me gives it: the call with the caller's open tickets and restriction. */
export interface ScreenPopView extends CallView {
  history?: { earlierTickets: number; openTickets: Array<{ no: string; status: string; statusLabel?: string; typeLabel?: string; facts: string; createdAt: string }> };
}

/** The GB/T 33358 targets the figures are held to. */
export const ANSWER_TARGET_SECONDS = DEFAULT_CALLS.answerTargetSeconds;
export { CONNECT_RATE_TARGET };
export const MESSAGE_REPLY_SECONDS = DEFAULT_CALLS.messageResponseSeconds;

export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`;
}

export function secs(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${Math.round(v)} 秒`;
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Seconds the caller waited before an answer (or before hanging up). */
export function waitedSeconds(c: { offeredAt: string; answeredAt?: string | null; abandonedAt?: string | null; waitSeconds?: number | null }): number | null {
  if (c.waitSeconds !== undefined && c.waitSeconds !== null) return c.waitSeconds;
  const end = c.answeredAt ?? c.abandonedAt;
  return end ? Math.max(0, Math.round((Date.parse(end) - Date.parse(c.offeredAt)) / 1000)) : null;
}

export function queueLabel(code: string | null | undefined, label?: string | null): string {
  if (!code) return '—';
  return label ?? QUEUE_LABELS[code] ?? code;
}

/** Lists may come paged ({ items, total }) or whole (an array): the console takes either. */
export function itemsOf<T>(data: T[] | { items: T[] } | null | undefined): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : data.items ?? [];
}

/** A problem's Chinese title with its field messages, for a toast. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const fields = e.problem.errors?.map((f) => f.message).filter(Boolean) ?? [];
    return fields.length ? `${e.message}：${fields.join('；')}` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/** "2026-12-01T10:05:03+08:00" → "12-01 10:05:03": the API answers in Shanghai time. */
export function shortTime(iso: string | null | undefined): string {
  return iso ? `${iso.slice(5, 10)} ${iso.slice(11, 19)}` : '—';
}

/**
 * The last page there is when the one asked for lies past it (its rows were called back, answered or
 * moved to another status meanwhile), or null: the page to go to instead of an empty table.
 */
export function lastPageIfPast(data: { items: unknown[]; total: number; pageSize: number }, page: number): number | null {
  if (data.items.length || page <= 1) return null;
  const last = Math.max(1, Math.ceil(data.total / data.pageSize));
  return last < page ? last : null;
}
