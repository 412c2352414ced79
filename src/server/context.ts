// What every feature receives: the store, the city's configuration, the clock, the org and calendar
// caches. The caches are named here by what they offer (src/org/directory.ts and
// src/calendar/service.ts implement them), so the kernel imports no capability.
import type { Store } from '../store/db.ts';
import type { CityConfig } from '../config/city.ts';
import type { Tx } from '../store/db.ts';
import type { Unit } from '../domain/units.ts';
import type { DayKind, RecomputeSummary, WorkCalendar, YearStatus } from '../domain/calendar.ts';

export interface Clock {
  /** The current instant as a UTC ISO string. */
  now(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };

/** A clock tests and the demo loader can move. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(startIso: string) {
    this.ms = Date.parse(startIso);
  }
  now(): string {
    return new Date(this.ms).toISOString();
  }
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface AppContext {
  store: Store;
  city: CityConfig;
  clock: Clock;
  org: UnitDirectory;
  calendar: WorkingCalendar;
  dataDir: string;
}

/** The units held in memory (src/org/directory.ts). */
export interface UnitDirectory {
  reload(): Promise<void>;
  /** The active units. */
  all(): Unit[];
  get(id: number | null | undefined): Unit | undefined;
  /** An active unit by code: inputs may name only units that take work. */
  byCodeOrUndefined(code: string): Unit | undefined;
  /** The first unit of a kind, e.g. the centre, the authority or the city government. */
  firstOfKind(kind: string): Unit | undefined;
  /** Ids of the unit and every unit below it. */
  subtreeIds(unitId: number): number[];
  isWithin(unitId: number, ancestorId: number): boolean;
  /** The 县（市）区 a unit belongs to, if any. */
  districtOf(unitId: number): Unit | undefined;
}

/** The working calendar in force and its changes (src/calendar/service.ts). */
export interface WorkingCalendar {
  reload(): Promise<WorkCalendar>;
  current(): WorkCalendar;
  yearStatus(year: number): YearStatus;
  yearDays(year: number): Array<{ date: string; working: boolean; name?: string }>;
  importYear(
    year: number,
    arrangement: { holidays: Array<{ date: string; name?: string }>; workdays: Array<{ date: string; name?: string }>; note?: string },
    city: CityConfig,
    nowIso: string,
    tx: Tx,
  ): Promise<RecomputeSummary>;
  setDay(date: string, kind: DayKind | null, name: string | null, nowIso: string, tx: Tx): Promise<void>;
  recompute(tx: Tx, city: CityConfig, fromDate: string, nowIso: string): Promise<RecomputeSummary>;
}
