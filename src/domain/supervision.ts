// 督办 (第二十七条) as one table of kinds: who issues each kind, whether it needs a ticket, and which
// time limits (./time-limits.ts) set the addressed unit's reply deadline. Pure: the use-cases in
// src/supervision/ read this table; the deadline itself comes from computeDeadline alone.
import { computeDeadline, type Deadline } from './deadline.ts';
import type { WorkCalendar } from './calendar.ts';
import type { Role } from './roles.ts';
import type { LimitKey, TimeLimit } from './time-limits.ts';

export * from './supervision-kinds.ts';
import { SUPERVISION_RULES, type SupervisionKind } from './supervision-kinds.ts';

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
