// The working calendar as the platform uses it: official data shipped with `chinese-days`, plus
// what admins import (next year's State Council notice) or override, kept in the database.
import { WorkCalendar, type CalendarDay, type DayKind, type RecomputeSummary, type YearStatus } from '../domain/calendar.ts';
import { officialCalendarData } from '../domain/official-holidays.ts';
import type { CityConfig } from '../config/city.ts';
import { recomputeDeadlines } from './recompute.ts';
import { inTransaction, type Db, type Tx } from '../store/db.ts';
import type { WorkingCalendar } from '../server/context.ts';

export type { YearStatus };

export class CalendarService implements WorkingCalendar {
  private cached: WorkCalendar | undefined;
  private shippedYears = new Set<number>(officialCalendarData().officialYears);

  constructor(private readonly db: Db) {}

  /** Reloads the calendar in force from the committed tables. */
  async reload(): Promise<WorkCalendar> {
    this.cached = await this.load(this.db);
    return this.cached;
  }

  /** Reads the calendar tables through `source` (a transaction sees the rows it just wrote). */
  private async load(source: Db | Tx): Promise<WorkCalendar> {
    const shipped = officialCalendarData();
    const imported = await source.selectFrom('calendar_years').select('year').execute();
    const rows = await source.selectFrom('calendar_days').selectAll().execute();
    const byDate = new Map<string, CalendarDay>();
    for (const d of shipped.days) byDate.set(d.date, d);
    // An imported year replaces the shipped data for that year; single-day overrides win over both.
    const importedYears = new Set(imported.map((r) => r.year));
    for (const date of [...byDate.keys()]) if (importedYears.has(Number(date.slice(0, 4)))) byDate.delete(date);
    for (const r of rows.filter((r) => r.source === 'import')) byDate.set(r.date, { date: r.date, kind: r.kind as DayKind, name: r.name ?? undefined });
    for (const r of rows.filter((r) => r.source === 'admin')) byDate.set(r.date, { date: r.date, kind: r.kind as DayKind, name: r.name ?? undefined });
    return new WorkCalendar({ officialYears: [...shipped.officialYears, ...importedYears], days: byDate.values() });
  }

  /** The calendar in force; call reload() once at start. */
  current(): WorkCalendar {
    if (!this.cached) throw new Error('calendar not loaded');
    return this.cached;
  }

  yearStatus(year: number): YearStatus {
    const cal = this.current();
    if (this.shippedYears.has(year) && cal.isOfficialYear(year)) return { year, official: true, source: 'chinese-days' };
    if (cal.isOfficialYear(year)) return { year, official: true, source: 'import' };
    return { year, official: false, source: 'none' };
  }

  /** Every date of a year with whether it is a working day, for the admin's year view. */
  yearDays(year: number): Array<{ date: string; working: boolean; name?: string }> {
    const cal = this.current();
    const out: Array<{ date: string; working: boolean; name?: string }> = [];
    for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      out.push({ date, working: cal.isWorkingDay(date), name: cal.dayName(date) });
    }
    return out;
  }

  /**
   * Imports a year's arrangement (replacing an earlier import) and recomputes every deadline that
   * depends on that year's days (./recompute.ts).
   */
  async importYear(
    year: number,
    arrangement: { holidays: Array<{ date: string; name?: string }>; workdays: Array<{ date: string; name?: string }>; note?: string },
    city: CityConfig,
    nowIso: string,
    tx: Tx,
  ): Promise<RecomputeSummary> {
    await tx.deleteFrom('calendar_days').where('source', '=', 'import').where('date', 'like', `${year}-%`).execute();
    await tx.deleteFrom('calendar_years').where('year', '=', year).execute();
    const rows = [
      ...arrangement.holidays.map((d) => ({ date: d.date, kind: 'holiday', name: d.name ?? null })),
      ...arrangement.workdays.map((d) => ({ date: d.date, kind: 'workday', name: d.name ?? null })),
    ].map((r) => ({ ...r, source: 'import', updated_at: nowIso }));
    if (rows.length) await tx.insertInto('calendar_days').values(rows).execute();
    await tx.insertInto('calendar_years').values({ year, source: 'import', imported_at: nowIso, note: arrangement.note ?? null }).execute();
    return this.recompute(tx, city, `${year}-01-01`, nowIso);
  }

  /** Sets or clears (kind null) an admin override for one date. */
  async setDay(date: string, kind: DayKind | null, name: string | null, nowIso: string, tx: Tx): Promise<void> {
    await tx.deleteFrom('calendar_days').where('date', '=', date).where('source', '=', 'admin').execute();
    if (kind) await tx.insertInto('calendar_days').values({ date, kind, name, source: 'admin', updated_at: nowIso }).execute();
  }

  /**
   * Recomputes, with the calendar now in force, every deadline that falls on or after `fromDate` or
   * was provisional: open duties; duties done, 督办 items replied and 差评 reviews closed within the
   * city's window, with their 超期 flags. Returns what changed.
   */
  async recompute(tx: Tx, city: CityConfig, fromDate: string, nowIso: string): Promise<RecomputeSummary> {
    // The cache is left alone until the caller's transaction commits and it calls reload().
    const cal = await this.load(tx);
    const { summary, tickets } = await recomputeDeadlines(tx, cal, city, fromDate, nowIso);
    for (const ticketId of tickets) await refreshTicketDue(tx, ticketId);
    return summary;
  }
}

/** Keeps the ticket's earliest open deadline and provisional flag in step with its duties. */
export async function refreshTicketDue(tx: Tx, ticketId: number): Promise<void> {
  const row = await tx
    .selectFrom('duties')
    .select((eb) => [eb.fn.min('due_at').as('next'), eb.fn.max('provisional').as('prov')])
    .where('ticket_id', '=', ticketId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  await tx
    .updateTable('tickets')
    .set({ next_due_at: (row?.next as string | null) ?? null, provisional: Number(row?.prov ?? 0) })
    .where('id', '=', ticketId)
    .execute();
}

export async function withCalendarChange<T>(db: Db, service: CalendarService, work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await inTransaction(db, work);
  await service.reload();
  return result;
}
