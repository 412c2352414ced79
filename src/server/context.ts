// What every feature receives: the store, the city's configuration, the clock, the org and calendar caches.
import type { Store } from '../store/db.ts';
import type { CityConfig } from '../config/city.ts';
import type { OrgDirectory } from '../org/directory.ts';
import type { CalendarService } from '../calendar/service.ts';

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
  org: OrgDirectory;
  calendar: CalendarService;
  dataDir: string;
}
