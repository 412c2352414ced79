// The report object as the API answers it (src/reports/report.ts).
import type { ServiceLevelFigures } from '../../../../src/domain/call-contract.ts';

export interface Row {
  key: string;
  name: string;
  count: number;
  share: number;
}

export interface OverdueRow {
  key: string;
  name: string;
  lateDone: number;
  openOverdue: number;
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
  facts: string;
  requester: string | null;
}

export interface Report {
  kind: 'daily' | 'weekly' | 'monthly' | 'topic';
  kindLabel: string;
  period: string;
  title: string;
  periodLabel: string;
  firstDate: string;
  lastDate: string;
  scope: { unit: { code: string; name: string } | null; label: string };
  topic?: { terms: string[]; district: { code: string; name: string } | null };
  generatedAt: string;
  /** 截至 YYYY-MM-DD HH:mm for a period still running when the report was built; null or absent otherwise. */
  asOfLabel?: string | null;
  running?: boolean;
  totals: { tickets: number; lateDone: number; openOverdue: number; rated: number; satisfied: number; satisfactionRate: number | null };
  byChannel: Row[];
  byType: Row[];
  byTopCategory: Row[];
  byCategory: Row[];
  byDistrict: Row[];
  byLeadUnit: Row[];
  topIssues: { categories: Row[]; keywords: Array<{ word: string; count: number }> };
  overdue: { lateDone: number; openOverdue: number; byUnit: OverdueRow[]; byKind: OverdueRow[] };
  /** rate: 满意率 as the evaluation counts it (basis 'evaluation'); allRate: 全部评价满意率. Reports stored earlier lack basis: their rate is the plain one. */
  satisfaction: {
    levels: Array<{ key: string; name: string; count: number }>;
    rated: number;
    satisfied: number;
    rate: number | null;
    unreached: number;
    exempt?: number;
    excluded?: number;
    allRated?: number;
    allRate?: number | null;
    basis?: 'evaluation';
  };
  trend: TrendPoint[];
  samples?: SampleTicket[];
  /** 话务 (city-wide 日报/周报/月报 only). */
  calls?: ReportCalls;
}

export interface ReportCalls {
  serviceLevels: ServiceLevelFigures;
  answerTargetSeconds: number;
  connectRateTarget: number;
  connectRateMet: boolean | null;
  messages: { received: number; answered: number; answeredWithinTarget: number; withinTargetRate: number | null; targetSeconds: number };
  missedCalls: {
    missed: number;
    calledBack: number;
    reached: number;
    calledAgain: number;
    open: number;
    calledBackWithinTarget: number;
    callbackWithinTargetRate: number | null;
    avgFirstAttemptSeconds: number | null;
    targetSeconds: number;
  };
}

export interface HotTopics {
  fromDate: string;
  toDate: string;
  districts: Array<{ district: { code: string; name: string }; tickets: number; keywords: Array<{ word: string; count: number }>; categories: Array<{ name: string; count: number }> }>;
  spikes: Array<{ district: string; districtName: string; topic: string; count: number; mean: number; sd: number; threshold: number; day: string }>;
}

export interface Alert {
  id: number;
  day: string;
  district: { code: string; name: string };
  topic: string;
  count: number;
  mean: number;
  sd: number;
  threshold: number;
  createdAt: string;
}

export interface ArchiveItem {
  id: number;
  kind: 'daily' | 'weekly' | 'monthly';
  period: string;
  generatedAt: string;
}

export const percent = (x: number | null | undefined) => (x == null ? '—' : `${(x * 100).toFixed(2)}%`);
