// Schema migrations, run on start: the list in ./migrations/ (one frozen file per migration, named by
// its date), each handed the engine and the open store's keys.
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { auditKeyringOf } from './audit-keys.ts';
import type { Engine } from './db.ts';
import { storeCrypto } from './db.ts';
import type { MigrationContext } from './migrations/_helpers-2026.ts';
import { MIGRATIONS } from './migrations/index.ts';

class StaticProvider implements MigrationProvider {
  constructor(private readonly ctx: MigrationContext) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(MIGRATIONS.map(([name, migration]) => [name, migration(this.ctx)]));
  }
}

function migrator(db: Kysely<any>, engine: Engine): Migrator {
  const ctx: MigrationContext = { engine, fieldCrypto: () => storeCrypto(db), auditKeys: () => auditKeyringOf(db) };
  return new Migrator({ db, provider: new StaticProvider(ctx) });
}

const succeeded = ({ error, results }: MigrationResultSet): string[] => {
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};

/** Runs every migration not yet run; returns the names it ran. */
export async function migrate(db: Kysely<any>, engine: Engine): Promise<string[]> {
  return succeeded(await migrator(db, engine).migrateToLatest());
}

/** Runs the migrations up to `name` included: a store as it stood then (the upgrade tests). */
export async function migrateTo(db: Kysely<any>, engine: Engine, name: string): Promise<string[]> {
  return succeeded(await migrator(db, engine).migrateTo(name));
}
