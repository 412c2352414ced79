// The monthly evaluation's API contract: the shapes GET /api/v1/evaluation/… answers with and the
// figures a unit's row opens. Imports nothing server-only, so the console (web/) types its page with
// these very declarations.
import type { EvaluationConfig, IndicatorKey, Indicators, Trigger, UnitMonthCounts } from '../domain/evaluation.ts';

export type Decision = 'confirmed' | 'dismissed';

export interface Exclusion {
  callbackId: number;
  ticketNo: string;
  satisfaction: string | null;
  reason: string;
  by: string | null;
  at: string;
}

export interface EvaluationRow {
  unit: { code: string; name: string; kind: string };
  counts: UnitMonthCounts;
  indicators: Indicators;
  score: number | null;
  /** The tier the unit is ranked in (city config evaluation.ranking), and its rank there. */
  tier: { key: string; label: string } | null;
  rank: number | null;
  /** Why the unit is not ranked (too few 派单, nothing to score, a kind outside the tiers). */
  rankNote: string | null;
  triggers: Array<Trigger & { decision: Decision | null; note: string | null }>;
  /** Ratings of the month the authority left out of the unit's 满意率, with who, why and when. */
  exclusions: Exclusion[];
}

export interface MonthlyEvaluation {
  month: string;
  from: string;
  to: string;
  /** False while the month is under way: its figures still move. */
  complete: boolean;
  generatedAt: string;
  indicators: Array<{ key: IndicatorKey; label: string; formula: string; weight: number; lowerIsBetter: boolean }>;
  thresholds: EvaluationConfig['thresholds'];
  ranking: { minTickets: number; tiers: Array<{ key: string; label: string; kinds: readonly string[] }> };
  rows: EvaluationRow[];
  published: { at: string; by: string | null } | null;
}

/** The figures that can be opened: the rates and the two overdue counts (knowledge-base upkeep is not about tickets). */
export const DRILLABLE = [
  'signRate',
  'signOnTimeRate',
  'completionRate',
  'completionOnTimeRate',
  'satisfactionRate',
  'returnRate',
  'improperReturnRate',
  'extensionRate',
  'overdueUnexplained',
  'coHandlingLate',
] as const;
export type Drillable = (typeof DRILLABLE)[number];

export interface DrillItem {
  ticketNo: string;
  dutyId: number | null;
  callbackId: number | null;
  requestId: number | null;
  /** 签收 / 办理反馈 / 协办意见 / 回访评价 / 退单 / 延期申请 */
  kind: string;
  party: string | null;
  dueAt: string | null;
  endedAt: string | null;
  outcome: string;
  /** In the figure's numerator (the count itself, for the overdue counts). */
  inNumerator: boolean;
  why: string;
}

export interface Drilldown {
  month: string;
  unit: { code: string; name: string };
  indicator: Drillable;
  label: string;
  formula: string;
  numerator: number;
  /** Null for the overdue counts, which are counts, not rates. */
  denominator: number | null;
  value: number | null;
  /** The records in the figure (in its denominator, or in the count). */
  items: DrillItem[];
  /** The unit's records of the month that the rule leaves out, with the reason. */
  leftOut: DrillItem[];
  generatedAt: string;
}
