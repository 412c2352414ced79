// Schema migrations, run on start: the list in ./migrations/ (one frozen file per migration, named by
// its date), each handed the engine and the open store's keys.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
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

export async function migrate(db: Kysely<any>, engine: Engine): Promise<string[]> {
  const ctx: MigrationContext = { engine, fieldCrypto: () => storeCrypto(db), auditKeys: () => auditKeyringOf(db) };
  const migrator = new Migrator({ db, provider: new StaticProvider(ctx) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
