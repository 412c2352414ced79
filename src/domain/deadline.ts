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

export function computeDeadline(startIso: string, limit: TimeLimit, calendar: WorkCalendar): Deadline {
  if (!Number.isFinite(limit.amount) || limit.amount <= 0) {
    throw new RangeError(`time limit must be positive, got ${limit.amount}`);
  }
  const start = DateTime.fromISO(startIso, { zone: ZONE });
  if (!start.isValid) throw new RangeError(`invalid start instant: ${startIso}`);

  if (limit.unit === 'hours') {
    const due = start.plus({ milliseconds: Math.round(limit.amount * 3_600_000) });
    const yellow = start.plus({ milliseconds: Math.round(limit.amount * 0.75 * 3_600_000) });
    return { dueAt: toIso(due), yellowAt: toIso(yellow), provisional: false };
  }

  let day = start.startOf('day');
  let provisional = false;
  let remaining = limit.amount;
  while (remaining > 0) {
    day = day.plus({ days: 1 });
    if (limit.unit === 'days') {
      remaining -= 1;
      continue;
    }
    if (!calendar.isOfficialYear(day.year)) provisional = true;
    if (calendar.isWorkingDay(day.toISODate()!)) remaining -= 1;
  }
  return { dueAt: toIso(day.endOf('day')), yellowAt: toIso(day), provisional };
}

/** The light of an open duty at `nowIso`, derived from its deadline alone (第十五条 红黄灯). */
export function lightAt(deadline: Pick<Deadline, 'dueAt' | 'yellowAt'>, nowIso: string): Light {
  const now = Date.parse(nowIso);
  if (now > Date.parse(deadline.dueAt)) return 'red';
  if (now >= Date.parse(deadline.yellowAt)) return 'yellow';
  return 'green';
}

/** An instant as the platform shows it: YYYY-MM-DDTHH:mm:ss+08:00. */
export function formatShanghai(iso: string): string {
  return DateTime.fromISO(iso, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}

/** The Shanghai calendar date of an instant, YYYY-MM-DD. */
export function shanghaiDate(iso: string): string {
  return DateTime.fromISO(iso, { zone: ZONE }).toISODate()!;
}

/** Parses an instant given with an explicit offset or Z; returns UTC ISO, or null when invalid. */
export function parseInstant(text: string): string | null {
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) return null;
  const dt = DateTime.fromISO(text, { setZone: true });
  return dt.isValid ? toIso(dt) : null;
}
