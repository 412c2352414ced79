// The reports' API contract: the shapes GET /api/v1/reports/… answers with, and the period kinds.
// Imports nothing server-only, so the console (web/) types its pages with these very declarations.
import type { PeriodCallFigures } from '../domain/call-contract.ts';
import type { Satisfaction } from '../domain/ticket-types.ts';

export const PERIOD_KINDS = ['daily', 'weekly', 'monthly'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];
export const PERIOD_KIND_LABELS: Record<PeriodKind, string> = { daily: '日报', weekly: '周报', monthly: '月报' };
/** The query parameter that names each kind's period. */
export const PERIOD_PARAM: Record<PeriodKind, 'date' | 'week' | 'month'> = { daily: 'date', weekly: 'week', monthly: 'month' };

export interface KeywordCount {
  word: string;
  count: number;
}

export interface DistrictRef {
  code: string;
  name: string;
}

export interface Row {
  key: string;
  name: string;
  count: number;
  /** count / the report's ticket total, 0 when there are none. */
  share: number;
}

export interface OverdueRow {
  key: string;
  name: string;
  lateDone: number;
  openOverdue: number;
}

export interface SatisfactionFigures {
  /** Every rating of the period by level (全部评价), counted in the evaluation or not. */
  levels: Array<{ key: Satisfaction; name: string; count: number }>;
  /**
   * 满意率 as the monthly evaluation counts it (src/evaluation/counts.ts): ratings that reached the
   * requester, less those 第二十五条 exempts and those the authority excluded. For a month and a unit,
   * byUnit's row equals the evaluation's 回访满意率 of that unit.
   */
  rated: number;
  /** … of which 非常满意 + 满意 + 基本满意. */
  satisfied: number;
  /** satisfied / rated (0–1, 4 decimals); null when nothing was rated. 满意率. */
  rate: number | null;
  /** Ratings 第二十五条 exempts (投诉、举报 of 行政调解类、执法办案类 categories). */
  exempt: number;
  /** Ratings the authority left out by a recorded decision (evaluation_exclusions). */
  excluded: number;
  /** 全部评价满意率: every rating, exempt and excluded ones included (the citizens' view, not the evaluation's). */
  allRated: number;
  allSatisfied: number;
  allRate: number | null;
  /** Attempts that did not reach the requester. */
  unreached: number;
  /** Per rated unit, the evaluation's figures (units with at least one rating in the period). */
  byUnit?: Array<{ key: string; name: string; rated: number; satisfied: number; rate: number | null; exempt: number; excluded: number }>;
  /**
   * 'evaluation': rated/satisfied/rate are the evaluation's. Reports stored before this field existed
   * lack it: their rate is then the plain rate over every rating (shown as 全部评价满意率).
   */
  basis?: 'evaluation';
}

export interface TrendPoint {
  period: string;
  label: string;
  tickets: number;
  lateDone: number;
  openOverdue: number;
  rated: number;
  satisfied: number;
  satisfactionRate: number | null;
}

export interface SampleTicket {
  no: string;
  createdAt: string;
  channel: string;
  type: string;
  status: string;
  category: string | null;
  district: string | null;
  leadUnit: string | null;
  /** Facts with phone and identity numbers masked. */
  facts: string;
  /** The requester's surname only (张**), nothing for a confidential requester or an organisation's contact. */
  requester: string | null;
}

export interface Report {
  kind: PeriodKind | 'topic';
  kindLabel: string;
  /** 2026-03-02, 2026-W10, 2026-03, or the topic's date range. */
  period: string;
  /** Title for people: 牡丹江市12345热线 2026年3月 月报（全市）. */
  title: string;
  periodLabel: string;
  firstDate: string;
  lastDate: string;
  from: string;
  to: string;
  scope: { unit: { code: string; name: string } | null; label: string };
  topic?: { terms: string[]; district: { code: string; name: string } | null };
  generatedAt: string;
  /**
   * The instant the 期末 figures (openOverdue) are counted at: `to` for a finished period, the
   * moment the report was built for one still running. Reports stored before this field existed lack it.
   */
  asOf?: string;
  /** Whether the period was still running when the report was built. */
  running?: boolean;
  /** 截至 YYYY-MM-DD HH:mm (Shanghai) for a running period, null for a finished one. */
  asOfLabel?: string | null;
  totals: { tickets: number; lateDone: number; openOverdue: number; rated: number; satisfied: number; satisfactionRate: number | null };
  byChannel: Row[];
  byType: Row[];
  byTopCategory: Row[];
  byCategory: Row[];
  byDistrict: Row[];
  byLeadUnit: Row[];
  topIssues: { categories: Row[]; keywords: KeywordCount[] };
  overdue: { lateDone: number; openOverdue: number; byUnit: OverdueRow[]; byKind: OverdueRow[] };
  satisfaction: SatisfactionFigures;
  trend: TrendPoint[];
  samples?: SampleTicket[];
  /**
   * 话务 (GB/T 33358) of the period, city-wide 日报/周报/月报 only (units do not run the phones):
   * the service levels as GET /call-stats computes them, messages answered within the target, and
   * the 漏接回拨 figures as of the period's end.
   */
  calls?: PeriodCallFigures;
  /** Where the figures were read, when a replica is configured (HOTLINE_REPLICA_URL): a replica's lag is their staleness. */
  readFrom?: ReadFrom;
}

export interface ReadFrom {
  source: 'primary' | 'replica';
  /** Seconds since the last replayed transaction while the replica has WAL left to replay; 0 when caught up or on the primary. */
  lagSeconds: number;
}

export interface Spike {
  district: string;
  topic: string;
  count: number;
  mean: number;
  sd: number;
  /** The count at and above which the day is a spike. */
  threshold: number;
}

/** A spike as the API shows it: the district's code and name, and the day examined. */
export interface HotTopics {
  from: string;
  to: string;
  districts: Array<{
    district: DistrictRef;
    tickets: number;
    keywords: Array<{ word: string; count: number }>;
    categories: Array<{ name: string; count: number }>;
  }>;
  /** Spikes of the 24 hours before `to` against the 14 days before them. */
  spikes: SpikeView[];
}

export interface SpikeView extends Spike {
  districtName: string;
  /** The day examined (Shanghai date of its last instant). */
  day: string;
}

export interface AlertView {
  id: number;
  day: string;
  district: DistrictRef;
  topic: string;
  count: number;
  mean: number;
  sd: number;
  threshold: number;
  createdAt: string;
}

/** GET /reports/hot-topics: the hot topics of [fromDate, toDate] (Shanghai dates). */
export type HotTopicsAnswer = HotTopics & { fromDate: string; toDate: string };

export interface StoredReportMeta {
  id: number;
  kind: PeriodKind;
  period: string;
  generatedAt: string;
}

