// Opens the store, migrates it, applies the city's configuration and loads the caches.
import { join } from 'node:path';
import { openStore } from '../store/db.ts';
import { migrate } from '../store/migrations.ts';
import { assertKeysFitStore } from '../store/field-reencrypt.ts';
import { assertAuditKeysFitStore } from '../audit/restore-keys.ts';
import { applyCityConfig } from '../org/seed.ts';
import { OrgDirectory } from '../org/directory.ts';
import { CalendarService } from '../calendar/service.ts';
import type { CityConfig } from '../config/city.ts';
import { cityNamed } from '../config/cities/index.ts';
import { systemClock, type AppContext, type Clock } from '../server/context.ts';

export interface BootstrapOptions {
  databaseUrl?: string;
  /** A streaming replica for reports and exports (HOTLINE_REPLICA_URL). */
  replicaUrl?: string;
  dataDir?: string;
  sqliteFile?: string;
  /** The city's configuration; else the one HOTLINE_CITY names (src/config/cities/index.ts), Mudanjiang by default. */
  city?: CityConfig;
  clock?: Clock;
}

export function envOptions(env = process.env): BootstrapOptions {
  return { databaseUrl: env.HOTLINE_DATABASE_URL || undefined, replicaUrl: env.HOTLINE_REPLICA_URL || undefined, dataDir: env.HOTLINE_DATA_DIR || './data', city: cityNamed(env.HOTLINE_CITY) };
}

export async function bootstrap(options: BootstrapOptions): Promise<AppContext> {
  // Chosen before the store opens, so a mistyped city name changes nothing.
  const city = options.city ?? cityNamed(process.env.HOTLINE_CITY);
  const dataDir = options.dataDir ?? (process.env.HOTLINE_DATA_DIR || './data');
  const store = openStore({ url: options.databaseUrl, replicaUrl: options.replicaUrl, dataDir, sqliteFile: options.sqliteFile ?? join(dataDir, 'hotline.sqlite') });
  await migrate(store.db, store.engine);
  // A store whose keys are not these (restored without its hotline.keys) is refused before it serves.
  await (async () => {
    await assertKeysFitStore(store.db, store.crypto);
    await assertAuditKeysFitStore(store.db, store.auditKeys, store.crypto);
  })().catch(async (err) => {
    await store.close();
    throw err;
  });
  await applyCityConfig(store.db, city);
  const org = new OrgDirectory(store.db);
  await org.reload();
  const calendar = new CalendarService(store.db);
  await calendar.reload();
  return { store, city, clock: options.clock ?? systemClock, org, calendar, dataDir };
}
