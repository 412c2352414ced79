// The 督办 kinds of 第二十七条 (and 第二十六条's 质效督办) and their labels, with no imports of code: the
// console shares them.
import type { Role } from './roles.ts';
import type { LimitKey } from './time-limits.ts';

export const SUPERVISION_KINDS = ['phone', 'consult', 'special', 'leader', 'common', 'quality'] as const;
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
  /** 质效督办: issued only by the quality review's send-back, in its transaction; never by hand. */
  automatic?: boolean;
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
  // 第二十六条: a perfunctory or ineffective closure goes back to the unit and is listed as a supervised
  // item; the centre's quality review issues it, the centre or the authority signs the reply off.
  quality: { label: '质效督办', article: '第二十六条', issuers: ['centre', 'team_lead', 'authority', 'admin'], ticket: 'required', limitKey: 'supervision.quality', automatic: true },
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
