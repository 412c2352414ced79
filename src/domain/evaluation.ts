// The monthly evaluation of a unit (第二十九条) and the 通报 triggers (第三十一条(二)), as pure
// functions of counts. The store counts; this module alone says what the counts mean, so every
// indicator has one formula, written once, that docs/reference/monthly-evaluation.md quotes.

/** What a unit did in one month; every figure comes from the records of that month (see src/evaluation/counts.ts). */
export interface UnitMonthCounts {
  /** 派单: sign duties opened for the unit in the month (lead and co-handling), signed, past their deadline,
   *  or cancelled in a way that counts against the unit (see dutyOutcome). */
  assigned: number;
  /** … of which signed. */
  signed: number;
  /** … of which signed within the sign limit (第十五条: 1 working day). */
  signedOnTime: number;
  /** Lead sign duties opened in the month, cancelled or not: the unit's tickets (工单总数). */
  leadAssigned: number;
  /** 应办结: reply (lead) and opinion (co-handling) duties due in the month, done, past their deadline, or
   *  cancelled in a way that counts against the unit (cancelled after the deadline, 超期退回). */
  due: number;
  /** … of which completed. */
  completed: number;
  /** … of which completed within their limit (extensions granted move the limit). */
  completedOnTime: number;
  /** … of which overdue (completed late, open past the deadline, cancelled after it, returned late) with
   *  no extension asked: 未进行情况说明. */
  overdueUnexplained: number;
  /** Co-handling (opinion) duties due in the month and overdue, given late or never given: a co-handler
   *  that did not do its part. */
  coHandlingLate: number;
  /** Callbacks in the month that reached the requester and recorded a rating, on this unit's tickets,
   *  less those 第二十五条 exempts and those the authority excluded by a recorded decision. */
  rated: number;
  /** … of which 非常满意, 满意 or 基本满意. */
  satisfied: number;
  /** … of which unsatisfied and judged unreasonable by the centre: still counted, shown for the authority to decide. */
  ratedUnreasonable: number;
  /** Ratings left out by 第二十五条: 投诉、举报 in a 行政调解类 or 执法办案类 category. */
  ratedExempt: number;
  /** Ratings left out by a decision of the authority (evaluation_exclusions). */
  ratedExcluded: number;
  /** 退单 the unit filed in the month. */
  returns: number;
  /** 退单 the centre refused as improper in the month. */
  improperReturns: number;
  /** 延期 requests the unit filed in the month. */
  extensions: number;
  /** Policies the unit had to enter in the knowledge base whose 5-working-day entry deadline fell in the month. */
  kbDue: number;
  /** … of which published by the deadline. */
  kbOnTime: number;
  /** The unit's published articles past their expiry at the month's end (not withdrawn or revised). */
  kbExpired: number;
}

export const EMPTY_COUNTS: UnitMonthCounts = {
  assigned: 0,
  signed: 0,
  signedOnTime: 0,
  leadAssigned: 0,
  due: 0,
  completed: 0,
  completedOnTime: 0,
  overdueUnexplained: 0,
  coHandlingLate: 0,
  rated: 0,
  satisfied: 0,
  ratedUnreasonable: 0,
  ratedExempt: 0,
  ratedExcluded: 0,
  returns: 0,
  improperReturns: 0,
  extensions: 0,
  kbDue: 0,
  kbOnTime: 0,
  kbExpired: 0,
};

export const INDICATOR_KEYS = [
  'signRate',
  'signOnTimeRate',
  'completionRate',
  'completionOnTimeRate',
  'satisfactionRate',
  'returnRate',
  'improperReturnRate',
  'extensionRate',
  'kbUpkeepRate',
] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

export interface IndicatorRule {
  label: string;
  /** The formula as the docs and the console show it. */
  formula: string;
  /** A rate in 0–1, or null when the month gave nothing to measure (no denominator). */
  value(c: UnitMonthCounts): number | null;
  /** For a rate where less is better, the score uses 1 − rate. */
  lowerIsBetter?: boolean;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

export const INDICATORS: Record<IndicatorKey, IndicatorRule> = {
  signRate: { label: '签收率', formula: '签收数 ÷ 派单数', value: (c) => ratio(c.signed, c.assigned) },
  signOnTimeRate: { label: '按时签收率', formula: '按时签收数 ÷ 派单数', value: (c) => ratio(c.signedOnTime, c.assigned) },
  completionRate: { label: '办结率', formula: '办结数 ÷ 应办结数（当月到期的答复与协办意见）', value: (c) => ratio(c.completed, c.due) },
  completionOnTimeRate: { label: '按时办结率', formula: '按时办结数 ÷ 应办结数', value: (c) => ratio(c.completedOnTime, c.due) },
  satisfactionRate: { label: '回访满意率', formula: '（非常满意＋满意＋基本满意）÷ 有效评价数', value: (c) => ratio(c.satisfied, c.rated) },
  returnRate: { label: '退单率', formula: '退单数 ÷ 主办工单数', value: (c) => ratio(c.returns, c.leadAssigned), lowerIsBetter: true },
  improperReturnRate: { label: '不当退单率', formula: '不当退单数 ÷ 主办工单数', value: (c) => ratio(c.improperReturns, c.leadAssigned), lowerIsBetter: true },
  extensionRate: { label: '延期率', formula: '延期申请数 ÷ 应办结数', value: (c) => ratio(c.extensions, c.due), lowerIsBetter: true },
  kbUpkeepRate: { label: '知识库维护率', formula: '按时录入数 ÷ 应录入数', value: (c) => ratio(c.kbOnTime, c.kbDue) },
};

export const TRIGGER_KEYS = ['overdue_unexplained', 'low_satisfaction', 'role_neglected', 'kb_lapsed', 'improper_returns'] as const;
export type TriggerKey = (typeof TRIGGER_KEYS)[number];

/** The 第三十一条(二) item each trigger stands for. */
export const TRIGGER_LABELS: Record<TriggerKey, string> = {
  overdue_unexplained: '第三十一条（二）1：未按规定时限办结工单又未进行情况说明',
  low_satisfaction: '第三十一条（二）2：连续三个月热线回访满意率低',
  role_neglected: '第三十一条（二）4：被指定为牵头主办或协办单位后，不认真履行职责、不及时办理',
  kb_lapsed: '第三十一条（二）5：知识库维护更新不及时',
  improper_returns: '第三十一条（二）6：不当退单占比工单总数10%（含）以上',
};

export interface EvaluationConfig {
  /** Weight of each indicator in the score (any scale; indicators without data are left out and the rest re-weighed). */
  weights: Record<IndicatorKey, number>;
  thresholds: {
    /** A month's satisfaction below this is low (第三十一条(二)2 names no figure). */
    lowSatisfaction: number;
    /** … judged only on months with at least this many ratings, so two calls never make a 通报. */
    minRated: number;
    /** Improper returns at or above this share of the unit's tickets (第三十一条(二)6: 10%（含）). */
    improperReturnShare: number;
    /** Late duties without explanation from which the unit is listed. */
    overdueUnexplained: number;
    /** Late co-handling duties from which the unit is listed. */
    coHandlingLate: number;
    /** Late knowledge-base entries plus expired articles left published, from which the unit is listed. */
    kbLapses: number;
  };
  /** 分档分类评价 (国办函〔2025〕66号): each tier is ranked on its own, and only units with enough tickets. */
  ranking: RankingConfig;
}

export interface RankingTier {
  key: string;
  label: string;
  /** The unit kinds (src/domain/unit-kinds.ts) that make up the tier. */
  kinds: readonly string[];
}

export interface RankingConfig {
  tiers: readonly RankingTier[];
  /** A unit is ranked only with at least this many 派单 (assigned) in the month; below it, it is listed unranked. */
  minTickets: number;
}

/**
 * The defaults. The measures name the indicators (第二十九条: 受理率、办结率、满意率、按时签收率, and
 * knowledge-base upkeep) but give no weights; these weigh satisfaction most, because 第二十六条 makes
 * "诉求是否得到有效解决、诉求人是否满意" the standard, then on-time completion and signing. The 10% of
 * improper returns is the measures' own figure; the others are the platform's, for a city to set.
 */
export const DEFAULT_EVALUATION: EvaluationConfig = {
  weights: {
    signRate: 10,
    signOnTimeRate: 15,
    completionRate: 15,
    completionOnTimeRate: 20,
    satisfactionRate: 25,
    returnRate: 0,
    improperReturnRate: 5,
    extensionRate: 5,
    kbUpkeepRate: 5,
  },
  thresholds: { lowSatisfaction: 0.8, minRated: 5, improperReturnShare: 0.1, overdueUnexplained: 1, coHandlingLate: 1, kbLapses: 1 },
  ranking: {
    tiers: [
      { key: 'district', label: '县（市）区', kinds: ['district'] },
      { key: 'department', label: '市直部门', kinds: ['department'] },
      { key: 'utility', label: '公用企事业单位', kinds: ['utility'] },
      { key: 'subunit', label: '下级承办单位', kinds: ['subunit'] },
    ],
    minTickets: 10,
  },
};

export type Indicators = Record<IndicatorKey, number | null>;

export function indicatorsOf(c: UnitMonthCounts): Indicators {
  return Object.fromEntries(INDICATOR_KEYS.map((k) => [k, INDICATORS[k].value(c)])) as Indicators;
}

/**
 * The score, 0–100: the weighted mean of the indicators the month measured, each as a rate where
 * more is better. Null when nothing was measured.
 */
export function scoreOf(indicators: Indicators, weights: Record<IndicatorKey, number>): number | null {
  let sum = 0;
  let weight = 0;
  for (const k of INDICATOR_KEYS) {
    const v = indicators[k];
    const w = weights[k];
    if (v === null || !w) continue;
    sum += w * (INDICATORS[k].lowerIsBetter ? 1 - v : v);
    weight += w;
  }
  return weight ? Math.round((sum / weight) * 10000) / 100 : null;
}

export interface Trigger {
  key: TriggerKey;
  label: string;
  /** The figures that hit the threshold, in words. */
  detail: string;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/**
 * The 通报 triggers a unit hit in a month. `months` is the unit's counts for the month and the ones
 * before it, newest first (three are needed for the satisfaction rule).
 */
export function triggersOf(months: UnitMonthCounts[], config: EvaluationConfig): Trigger[] {
  const t = config.thresholds;
  const [c] = months;
  if (!c) return [];
  const out: Trigger[] = [];
  const add = (key: TriggerKey, detail: string) => out.push({ key, label: TRIGGER_LABELS[key], detail });
  if (c.overdueUnexplained >= t.overdueUnexplained) add('overdue_unexplained', `超期且未申请延期 ${c.overdueUnexplained} 件`);
  // 连续三个月满意率低: each month's 满意率 is exactly the indicator's (第二十五条 exemptions and the
  // authority's exclusions already out of `rated`), judged on months with at least minRated ratings.
  const last3 = months.slice(0, 3).map((m) => ({ rated: m.rated, rate: INDICATORS.satisfactionRate.value(m) }));
  if (last3.length === 3 && last3.every((m) => m.rated >= t.minRated && m.rate !== null && m.rate < t.lowSatisfaction)) {
    add('low_satisfaction', `近三个月满意率 ${last3.map((m) => pct(m.rate!)).join('、')}，均低于 ${pct(t.lowSatisfaction)}`);
  }
  if (c.coHandlingLate >= t.coHandlingLate) add('role_neglected', `协办意见超期 ${c.coHandlingLate} 件`);
  const kbLapses = c.kbDue - c.kbOnTime + c.kbExpired;
  if (kbLapses >= t.kbLapses) add('kb_lapsed', `限时录入超期 ${c.kbDue - c.kbOnTime} 条，过期未处理 ${c.kbExpired} 条`);
  if (c.leadAssigned > 0 && c.improperReturns > 0 && c.improperReturns / c.leadAssigned >= t.improperReturnShare) {
    add('improper_returns', `不当退单 ${c.improperReturns} 件，占工单总数 ${c.leadAssigned} 件的 ${pct(c.improperReturns / c.leadAssigned)}`);
  }
  return out;
}

export interface Rankable {
  unit: { code: string; kind: string };
  counts: Pick<UnitMonthCounts, 'assigned' | 'signedOnTime'>;
  score: number | null;
}

export interface Ranked {
  tier: { key: string; label: string } | null;
  /** Rank within the tier; null when not ranked (see rankNote). */
  rank: number | null;
  rankNote: string | null;
}

/**
 * 分档分类评价: each tier of the city config ranked on its own. A unit is ranked when it has a score and
 * at least `minTickets` 派单 in the month; the others are listed with the reason. Order: score, then
 * 按时签收率, then more 派单, then unit code. Units equal on score, 按时签收率 and 派单 share a rank
 * (1, 1, 3); the unit code only orders the list. Rows come back tier by tier, ranked first.
 */
export function rankInTiers<T extends Rankable>(rows: T[], ranking: RankingConfig): Array<T & Ranked> {
  const tierOf = (kind: string) => ranking.tiers.find((t) => t.kinds.includes(kind)) ?? null;
  // 按时签收率 compared as fractions (a·d vs b·c), so equal rates of different counts tie exactly.
  const onTime = (a: T, b: T) => b.counts.signedOnTime * a.counts.assigned - a.counts.signedOnTime * b.counts.assigned;
  const order = (a: T, b: T) => b.score! - a.score! || onTime(a, b) || b.counts.assigned - a.counts.assigned;
  const byCode = (a: T, b: T) => a.unit.code.localeCompare(b.unit.code);
  const out: Array<T & Ranked> = [];
  for (const tier of [...ranking.tiers, null]) {
    const members = rows.filter((r) => (tierOf(r.unit.kind)?.key ?? null) === (tier?.key ?? null));
    const label = tier ? { key: tier.key, label: tier.label } : null;
    const rankable = tier ? members.filter((r) => r.score !== null && r.counts.assigned >= ranking.minTickets) : [];
    rankable.sort((a, b) => order(a, b) || byCode(a, b));
    rankable.forEach((r, i) => {
      const prev = out[out.length - 1];
      const rank = i > 0 && order(rankable[i - 1], r) === 0 ? prev.rank : i + 1;
      out.push({ ...r, tier: label, rank, rankNote: null });
    });
    for (const r of members.filter((m) => !rankable.includes(m)).sort(byCode)) {
      const rankNote = !tier ? '该类单位不参加分档排名' : r.score === null ? '本月无可计分的指标' : `派单 ${r.counts.assigned} 件，少于参加排名的 ${ranking.minTickets} 件`;
      out.push({ ...r, tier: label, rank: null, rankNote });
    }
  }
  return out;
}

/** What the evaluation needs to know of a duty to say how it counts. */
export interface DutyFacts {
  status: string; // open | done | cancelled
  due_at: string;
  completed_at: string | null;
  late: number;
  /**
   * When the duty was cancelled because the centre accepted this unit's own 退单 or the authority upheld
   * its 异议 (unit_requests approved at the cancellation instant): whether that request was late and
   * when it was filed. The unit stopped work when it filed, not when someone else decided.
   */
  ownRequest?: { late: boolean; requestedAt: string } | null;
}

export const DUTY_OUTCOMES = ['on_time', 'late', 'open_overdue', 'cancelled_overdue', 'late_return', 'pending', 'not_counted'] as const;
export type DutyOutcome = (typeof DUTY_OUTCOMES)[number];

export const DUTY_OUTCOME_LABELS: Record<DutyOutcome, string> = {
  on_time: '按时完成',
  late: '超期完成',
  open_overdue: '超期未完成',
  cancelled_overdue: '超过时限后被撤销，视为超期未完成',
  late_return: '超期退回，视为超期办理件（第十五条）',
  pending: '尚未到期，不计入',
  not_counted: '在时限内因正当原因撤销（退单获准、异议成立、主办已答复等），不计入',
};

const after = (a: string | null, b: string) => a !== null && Date.parse(a) > Date.parse(b);

/**
 * How a duty counts. Done: on time or late by its `late` flag (an approved extension moved due_at).
 * Open: overdue once its deadline passed by `now`, else not yet counted. Cancelled: judged at the
 * instant the unit stopped: its own accepted return or upheld dispute at its filing (a late return is
 * overdue whatever the deadline, 第十五条 超期退回的视为超期办理件), any other cancellation (the lead
 * replied before a co-handler gave its opinion, a redispatch) at the cancellation; past the deadline
 * it is overdue and not done, within it the duty does not count against anyone.
 */
export function dutyOutcome(d: DutyFacts, now: string): DutyOutcome {
  if (d.status === 'done') return d.late ? 'late' : 'on_time';
  if (d.status === 'open') return Date.parse(d.due_at) < Date.parse(now) ? 'open_overdue' : 'pending';
  if (d.ownRequest) {
    if (d.ownRequest.late) return 'late_return';
    return after(d.ownRequest.requestedAt, d.due_at) ? 'cancelled_overdue' : 'not_counted';
  }
  return after(d.completed_at, d.due_at) ? 'cancelled_overdue' : 'not_counted';
}

/** Whether the outcome is in the denominator (派单 / 应办结), done, and overdue. */
export const countsAsDue = (o: DutyOutcome) => o !== 'pending' && o !== 'not_counted';
export const countsAsDone = (o: DutyOutcome) => o === 'on_time' || o === 'late';
export const countsAsOverdue = (o: DutyOutcome) => o === 'late' || o === 'open_overdue' || o === 'cancelled_overdue' || o === 'late_return';

/** 第二十五条: 对行政调解类、执法办案类的投诉举报事项，依法依规处置，不片面追求满意率. */
export const CASE_CLASSES = ['mediation', 'enforcement'] as const;
export type CaseClass = (typeof CASE_CLASSES)[number];
export const CASE_CLASS_LABELS: Record<CaseClass, string> = { mediation: '行政调解类', enforcement: '执法办案类' };
/** Only 投诉 and 举报 of those categories are exempt: a consultation about mediation is rated as any other. */
export const EXEMPT_TICKET_TYPES: readonly string[] = ['complaint', 'report'];

/** The 第二十五条 class a rating is exempt under, or null when it counts. */
export function satisfactionExemption(ticketType: string, caseClass: string | null | undefined): CaseClass | null {
  return caseClass && (CASE_CLASSES as readonly string[]).includes(caseClass) && EXEMPT_TICKET_TYPES.includes(ticketType) ? (caseClass as CaseClass) : null;
}

export type RatingOutcome = 'counted' | 'exempt' | 'excluded';

/** A rating counts unless 第二十五条 exempts it or an authority decision in effect excludes it; the centre's "unreasonable" alone changes nothing. */
export function ratingOutcome(r: { exemptClass: string | null; excludedByAuthority: boolean }): RatingOutcome {
  if (r.exemptClass) return 'exempt';
  return r.excludedByAuthority ? 'excluded' : 'counted';
}

/** Months as YYYY-MM: the month and the n − 1 before it, newest first. */
export function monthsBack(month: string, n: number): string[] {
  const [y, m] = month.split('-').map(Number);
  return Array.from({ length: n }, (_, i) => {
    const total = y * 12 + (m - 1) - i;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
  });
}

/** A Shanghai month as the evaluation counts it. */
export interface MonthRange {
  /** First instant of the month in Shanghai, UTC ISO. */
  from: string;
  /** First instant of the next month. */
  to: string;
}
