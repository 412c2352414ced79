// Report periods: 日报 (a day), 周报 (an ISO week, Monday to Sunday) and 月报 (a month), always as
// Asia/Shanghai calendar days, turned into half-open UTC instant ranges [from, to) for the queries.
import { DateTime } from 'luxon';
import { ZONE } from '../domain/calendar.ts';
import { invalid } from '../server/problem.ts';

import { PERIOD_KINDS, PERIOD_KIND_LABELS, PERIOD_PARAM, type PeriodKind } from './contract.ts';

export { PERIOD_KINDS, PERIOD_KIND_LABELS, PERIOD_PARAM, type PeriodKind };

export interface Period {
  kind: PeriodKind;
  /** 2026-03-02, 2026-W10 or 2026-03. */
  key: string;
  /** Chinese name: 2026年3月2日, 2026年第10周, 2026年3月. */
  label: string;
  /** First and last Shanghai dates of the period (inclusive). */
  firstDate: string;
  lastDate: string;
  /** UTC instants: the period is [from, to). */
  from: string;
  to: string;
}

const iso = (dt: DateTime) => dt.toUTC().toISO({ suppressMilliseconds: false })!;

function build(kind: PeriodKind, start: DateTime): Period {
  const unit = kind === 'daily' ? 'day' : kind === 'weekly' ? 'week' : 'month';
  const s = start.setZone(ZONE).startOf(unit);
  const e = s.plus(unit === 'day' ? { days: 1 } : unit === 'week' ? { weeks: 1 } : { months: 1 });
  const key =
    kind === 'daily' ? s.toISODate()! : kind === 'weekly' ? `${s.weekYear}-W${String(s.weekNumber).padStart(2, '0')}` : s.toFormat('yyyy-MM');
  const label =
    kind === 'daily' ? `${s.year}年${s.month}月${s.day}日` : kind === 'weekly' ? `${s.weekYear}年第${s.weekNumber}周` : `${s.year}年${s.month}月`;
  return { kind, key, label, firstDate: s.toISODate()!, lastDate: e.minus({ days: 1 }).toISODate()!, from: iso(s), to: iso(e) };
}

const PATTERNS: Record<PeriodKind, RegExp> = { daily: /^(\d{4})-(\d{2})-(\d{2})$/, weekly: /^(\d{4})-W(\d{2})$/, monthly: /^(\d{4})-(\d{2})$/ };
const FORMAT_HINT: Record<PeriodKind, string> = {
  daily: '参数「日期」（date）应为 YYYY-MM-DD 格式的有效日期，如 2026-03-02',
  weekly: '参数「周」（week）应为 YYYY-Www 格式的 ISO 周，如 2026-W10',
  monthly: '参数「月份」（month）应为 YYYY-MM 格式的月份，如 2026-03',
};

/** The period a key names, or null when the key is not a valid period of that kind. */
export function periodOf(kind: PeriodKind, key: string): Period | null {
  const m = PATTERNS[kind].exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 2000 || year > 2100) return null;
  let start: DateTime;
  if (kind === 'daily') start = DateTime.fromObject({ year, month: Number(m[2]), day: Number(m[3]) }, { zone: ZONE });
  else if (kind === 'weekly') start = DateTime.fromObject({ weekYear: year, weekNumber: Number(m[2]), weekday: 1 }, { zone: ZONE });
  else start = DateTime.fromObject({ year, month: Number(m[2]), day: 1 }, { zone: ZONE });
  if (!start.isValid) return null;
  const period = build(kind, start);
  // Luxon rolls week 53 of a 52-week year into the next year: the key must survive the round trip.
  return period.key === key ? period : null;
}

/** Parses the period parameter of a request; 400 naming the field when it is invalid. */
export function parsePeriod(kind: PeriodKind, key: string | undefined, nowIso: string): Period {
  if (key === undefined || key === '') return periodAt(kind, nowIso);
  const period = periodOf(kind, key);
  if (!period) throw invalid(PERIOD_PARAM[kind], FORMAT_HINT[kind]);
  return period;
}

/** The period of a kind that contains an instant. */
export function periodAt(kind: PeriodKind, instantIso: string): Period {
  return build(kind, DateTime.fromISO(instantIso, { zone: ZONE }));
}

/** The period `n` periods before (n = 1: the previous one). */
export function previousPeriod(period: Period, n = 1): Period {
  const start = DateTime.fromISO(period.from, { zone: ZONE });
  const back = period.kind === 'daily' ? { days: n } : period.kind === 'weekly' ? { weeks: n } : { months: n };
  return build(period.kind, start.minus(back));
}

/** The period and the `count - 1` before it, oldest first. */
export function trailingPeriods(period: Period, count: number): Period[] {
  const out: Period[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(previousPeriod(period, i));
  return out;
}

/** Start of the Shanghai day `date` (YYYY-MM-DD) as a UTC instant. */
export function dayStart(date: string): string {
  return iso(DateTime.fromISO(date, { zone: ZONE }));
}

/** Parses an inclusive date parameter (YYYY-MM-DD); 400 naming the field when invalid. */
export function parseDateParam(field: string, label: string, value: string): string {
  const m = PATTERNS.daily.exec(value);
  const dt = m ? DateTime.fromISO(value, { zone: ZONE }) : null;
  if (!dt?.isValid || dt.toISODate() !== value || dt.year < 2000 || dt.year > 2100) {
    throw invalid(field, `参数「${label}」（${field}）应为 YYYY-MM-DD 格式的有效日期`);
  }
  return value;
}

/**
 * The instant a report's 期末 figures are counted at: the period's end once it is over, `now` while it
 * is still running (a duty due later this month is not overdue yet).
 */
export function asOfInstant(range: { to: string }, nowIso: string): string {
  return Date.parse(nowIso) < Date.parse(range.to) ? new Date(Date.parse(nowIso)).toISOString() : range.to;
}

/** Whether the range is still running at `now`. */
export function isRunning(range: { to: string }, nowIso: string): boolean {
  return Date.parse(nowIso) < Date.parse(range.to);
}

/** 截至 2026-12-07 09:30 (Shanghai), the words a running period's report carries. */
export function asOfLabel(instantIso: string): string {
  return `截至 ${DateTime.fromISO(instantIso, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm')}`;
}

/** A Shanghai date plus `days`. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: ZONE }).plus({ days }).toISODate()!;
}
