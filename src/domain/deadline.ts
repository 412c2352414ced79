// The one deadline function. A limit of N 工作日 starts the day after the start instant and ends at
// 24:00 of the Nth working day (民法典 第二百零一条–第二百零三条), shown as 23:59:59+08:00; N 日 counts
// calendar days the same way; N 小时 are natural hours.
import { DateTime } from 'luxon';
import { ZONE, type WorkCalendar } from './calendar.ts';
import type { TimeLimit } from './time-limits.ts';

export interface Deadline {
  /** The last instant at which the duty is on time (UTC ISO). */
  dueAt: string;
  /** From this instant the light is yellow: the start of the last (working) day, or the last quarter of an hour limit. */
  yellowAt: string;
  /** True when a day counted lies in a year with no official arrangement yet. */
  provisional: boolean;
}

export type Light = 'green' | 'yellow' | 'red';

function toIso(dt: DateTime): string {
  return dt.toUTC().toISO({ suppressMilliseconds: false })!;
}

// Deadlines are computed on every dispatch: the zone conversions below are cached, since a date's
// bounds never change and ICU's formatter is far cheaper than building a zoned DateTime each time.
const dateFormatter = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const dayBounds = new Map<string, { start: string; end: string }>();

function boundsOf(date: string): { start: string; end: string } {
  let bounds = dayBounds.get(date);
  if (!bounds) {
    const day = DateTime.fromISO(date, { zone: ZONE });
    bounds = { start: toIso(day), end: toIso(day.endOf('day')) };
    if (dayBounds.size > 50_000) dayBounds.clear();
    dayBounds.set(date, bounds);
  }
  return bounds;
}

export function computeDeadline(startIso: string, limit: TimeLimit, calendar: WorkCalendar): Deadline {
  if (!Number.isFinite(limit.amount) || limit.amount <= 0) {
    throw new RangeError(`time limit must be positive, got ${limit.amount}`);
  }
  const startMs = Date.parse(startIso);
  if (Number.isNaN(startMs)) throw new RangeError(`invalid start instant: ${startIso}`);

  if (limit.unit === 'hours') {
    const due = new Date(startMs + Math.round(limit.amount * 3_600_000));
    const yellow = new Date(startMs + Math.round(limit.amount * 0.75 * 3_600_000));
    return { dueAt: due.toISOString(), yellowAt: yellow.toISOString(), provisional: false };
  }

  // Walk calendar dates (date-only arithmetic in UTC is exact); only the final day goes back to Shanghai time.
  let dayMs = Date.parse(`${dateFormatter.format(startMs)}T00:00:00Z`);
  let date = '';
  let provisional = false;
  let remaining = limit.amount;
  while (remaining > 0) {
    dayMs += 86_400_000;
    date = new Date(dayMs).toISOString().slice(0, 10);
    if (limit.unit === 'days') {
      remaining -= 1;
      continue;
    }
    if (!calendar.isOfficialYear(Number(date.slice(0, 4)))) provisional = true;
    if (calendar.isWorkingDay(date)) remaining -= 1;
  }
  const { start, end } = boundsOf(date);
  return { dueAt: end, yellowAt: start, provisional };
}

/** The light of an open duty at `nowIso`, derived from its deadline alone (第十五条 红黄灯). */
export function lightAt(deadline: Pick<Deadline, 'dueAt' | 'yellowAt'>, nowIso: string): Light {
  const now = Date.parse(nowIso);
  if (now > Date.parse(deadline.dueAt)) return 'red';
  if (now >= Date.parse(deadline.yellowAt)) return 'yellow';
  return 'green';
}

/** An instant as the platform shows it: YYYY-MM-DDTHH:mm:ss+08:00. */
const instantFormatter = new Intl.DateTimeFormat('sv-SE', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

export function formatShanghai(iso: string): string {
  // sv-SE gives "2026-10-09 23:59:59 GMT+08:00"
  const [date, time, zone] = instantFormatter.format(Date.parse(iso)).split(' ');
  return `${date}T${time}${zone === 'GMT' ? '+00:00' : zone.slice(3)}`;
}

/** An instant as people read it in a notice or an SMS: 2026-11-12 23:59 (Shanghai). */
export function formatForPeople(iso: string): string {
  return formatShanghai(iso).slice(0, 16).replace('T', ' ');
}

/** The Shanghai calendar date of an instant, YYYY-MM-DD. */
export function shanghaiDate(iso: string): string {
  return dateFormatter.format(Date.parse(iso));
}

/** Parses an instant given with an explicit offset or Z; returns UTC ISO, or null when invalid. */
export function parseInstant(text: string): string | null {
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) return null;
  const dt = DateTime.fromISO(text, { setZone: true });
  return dt.isValid ? toIso(dt) : null;
}

/**
 * A duty's deadline as the calendar now in force gives it: its limit from its start, then each
 * approved extension (N more working days) from the deadline before it. Provisional when any part is.
 */
export function extendedDeadline(startIso: string, limit: TimeLimit, extensionDays: readonly number[], calendar: WorkCalendar): Deadline {
  let d = computeDeadline(startIso, limit, calendar);
  for (const amount of extensionDays) {
    if (!(amount > 0)) continue; // an approved extension always names its days; nothing to add otherwise
    const next = computeDeadline(d.dueAt, { unit: 'working_days', amount }, calendar);
    d = { ...next, provisional: d.provisional || next.provisional };
  }
  return d;
}

/** Done after its deadline: what a duty's `late` flag records (the deadline's own instant is on time). */
export function isLate(doneIso: string, dueIso: string): boolean {
  return Date.parse(doneIso) > Date.parse(dueIso);
}
