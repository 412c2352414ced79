// 督办 (第二十七条) as one table of kinds: who issues each kind, whether it needs a ticket, and which
// time limits (./time-limits.ts) set the addressed unit's reply deadline. Pure: the use-cases in
// src/supervision/ read this table; the deadline itself comes from computeDeadline alone.
import { computeDeadline, type Deadline } from './deadline.ts';
import type { WorkCalendar } from './calendar.ts';
import type { Role } from './roles.ts';
import type { LimitKey, TimeLimit } from './time-limits.ts';

export const SUPERVISION_KINDS = ['phone', 'consult', 'special', 'leader', 'common'] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];

export interface SupervisionKindRule {
  label: string;
  article: string;
  /** Roles that may issue (and accept or close) an item of this kind. */
  issuers: Role[];
  /** 'required': on a ticket; 'optional': a ticket or a unit. */
  ticket: 'required' | 'optional';
  /** The limit of the unit's written reply; null: no deadline of its own. */
  limitKey: LimitKey | null;
  /** 领导批示: a unit that cannot finish in time owes a plan (处理办法及办结时限) within this limit. */
  planLimitKey?: LimitKey;
  /** 协商督办: the issuer designates the responsible unit and the ticket is dispatched to it again. */
  redispatch?: boolean;
  /** 电话督办: only a record of the call; the unit neither replies nor is it closed later. */
  recordOnly?: boolean;
}

export const SUPERVISION_RULES: Record<SupervisionKind, SupervisionKindRule> = {
  // (一) 市12345热线管理机构 calls the unit about a ticket the platform warned about or that is overdue.
  phone: { label: '电话督办', article: '第二十七条（一）', issuers: ['centre', 'team_lead', 'admin'], ticket: 'required', limitKey: null, recordOnly: true },
  // (二) 市营商环境建设监督局 settles who handles a matter units pass between them; binding on the unit.
  consult: { label: '协商督办', article: '第二十七条（二）', issuers: ['authority', 'admin'], ticket: 'required', limitKey: null, redispatch: true },
  // (三) 督办函 from 市营商环境建设监督局 on a ticket the requester was not satisfied with.
  special: { label: '专项督办（督办函）', article: '第二十七条（三）', issuers: ['authority', 'admin'], ticket: 'required', limitKey: 'supervision.special' },
  // (三) 市委市政府领导批示: done or answered in 3 working days, else a plan in 1.
  leader: { label: '领导批示督办', article: '第二十七条（三）', issuers: ['authority', 'admin'], ticket: 'optional', limitKey: 'supervision.leader', planLimitKey: 'supervision.leader_plan' },
  // (三) 共性问题: the unit sends a solution in 5 working days.
  common: { label: '共性问题督办', article: '第二十七条（三）', issuers: ['authority', 'admin'], ticket: 'optional', limitKey: 'supervision.common' },
};

export const SUPERVISION_STATUSES = ['open', 'replied', 'closed', 'recorded'] as const;
export type SupervisionStatus = (typeof SUPERVISION_STATUSES)[number];
export const SUPERVISION_STATUS_LABELS: Record<SupervisionStatus, string> = {
  open: '待回复',
  replied: '已回复待验收',
  closed: '已办结',
  recorded: '已记录',
};

/** What a unit's reply says: done / effective reply, or (领导批示 only) a plan with its end date. */
export const REPLY_OUTCOMES = ['done', 'plan'] as const;
export type ReplyOutcome = (typeof REPLY_OUTCOMES)[number];

export interface SupervisionDeadlines {
  reply: Deadline | null;
  plan: Deadline | null;
}

/** Every deadline an item of this kind gets when issued at `issuedAt`, from the city's limit table. */
export function supervisionDeadlines(
  kind: SupervisionKind,
  issuedAt: string,
  limits: Record<LimitKey, TimeLimit>,
  calendar: WorkCalendar,
): SupervisionDeadlines {
  const rule = SUPERVISION_RULES[kind];
  return {
    reply: rule.limitKey ? computeDeadline(issuedAt, limits[rule.limitKey], calendar) : null,
    plan: rule.planLimitKey ? computeDeadline(issuedAt, limits[rule.planLimitKey], calendar) : null,
  };
}

export function maySupervise(kind: SupervisionKind, role: Role): boolean {
  return SUPERVISION_RULES[kind].issuers.includes(role);
}

/** 剩余/超期 in words: "剩余 1天3小时", "超期 2小时5分". */
export function describeRemaining(dueIso: string, nowIso: string): string {
  const diff = Date.parse(dueIso) - Date.parse(nowIso);
  const minutes = Math.floor(Math.abs(diff) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts = days ? `${days}天${hours}小时` : hours ? `${hours}小时${mins}分` : `${mins}分`;
  return diff >= 0 ? `剩余 ${parts}` : `超期 ${parts}`;
}
