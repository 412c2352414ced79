// The report object as the API answers it: the server's own declarations (src/reports/contract.ts),
// imported type-only, so a change there fails the console's type check instead of drifting.
export type {
  AlertView,
  HotTopicsAnswer as HotTopics,
  OverdueRow,
  Report,
  Row,
  SampleTicket,
  StoredReportMeta as ArchiveItem,
  TrendPoint,
} from '../../../../src/reports/contract.ts';
export type { PeriodCallFigures as ReportCalls } from '../../../../src/domain/call-contract.ts';

export const percent = (x: number | null | undefined) => (x == null ? '—' : `${(x * 100).toFixed(2)}%`);
