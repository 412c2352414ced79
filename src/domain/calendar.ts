// The working-day calendar (Asia/Shanghai). Official holidays and 调休 workdays come from the
// State Council's yearly notice; `chinese-days` ships the years published so far, admins import
// later ones and may override single days. A date not listed is a workday Monday to Friday.
export const ZONE = 'Asia/Shanghai';
export type DayKind = 'workday' | 'holiday';

export interface CalendarDay {
  date: string; // YYYY-MM-DD
  kind: DayKind;
  name?: string;
}

export interface CalendarData {
  /** Years whose official arrangement is known (shipped or imported). */
  officialYears: Iterable<number>;
  /** Days that differ from the Monday–Friday default, or that restate it. */
  days: Iterable<CalendarDay>;
}

export class WorkCalendar {
  private readonly official: Set<number>;
  private readonly days = new Map<string, CalendarDay>();

  constructor(data: CalendarData) {
    this.official = new Set(data.officialYears);
    for (const day of data.days) this.days.set(day.date, day);
  }

  /** Whether the date (YYYY-MM-DD, Shanghai) is a working day. */
  isWorkingDay(date: string): boolean {
    const listed = this.days.get(date);
    if (listed) return listed.kind === 'workday';
    // A calendar date's weekday does not depend on the zone; UTC arithmetic is exact for date-only values.
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday … 6 = Saturday
    return weekday !== 0 && weekday !== 6;
  }

  /** The named holiday or 调休 workday on that date, if any. */
  dayName(date: string): string | undefined {
    return this.days.get(date)?.name;
  }

  /** False for a year whose arrangement is not yet known: its dates fall back to weekends only. */
  isOfficialYear(year: number): boolean {
    return this.official.has(year);
  }

  officialYears(): number[] {
    return [...this.official].sort((a, b) => a - b);
  }
}

/** What a recomputation of the deadlines changed, object by object. */
export type ChangedKind = 'open_duty' | 'finished_duty' | 'supervision_item' | 'rating_review';

export interface ChangedObject {
  kind: ChangedKind;
  id: number;
  ticketNo: string | null;
  /** The duty's kind (sign, reply …), the item's deadline (reply, plan) or the review's stage (verify, rectify, appeal, callback). */
  what: string;
  dueFrom: string;
  dueTo: string;
  /** Finished duties and replied items: 超期 before and after. */
  lateFrom?: boolean;
  lateTo?: boolean;
}

/** Whether a year's working days are official, and where they come from. */
export interface YearStatus {
  year: number;
  official: boolean;
  source: 'chinese-days' | 'import' | 'none';
}

export interface RecomputeSummary {
  /** Deadlines on or after this date (and provisional ones) were looked at. */
  fromDate: string;
  /** Finished records from this instant on were recomputed too. */
  finishedSince: string;
  finishedWindowDays: number;
  openDuties: number;
  finishedDuties: number;
  /** Finished duties and replied 督办 items whose 超期 flag changed. */
  lateFlags: number;
  supervisionItems: number;
  ratingReviews: number;
  /** Objects changed (each counted once). */
  total: number;
  changed: ChangedObject[];
  /** Changed objects beyond the list. */
  more: number;
}
