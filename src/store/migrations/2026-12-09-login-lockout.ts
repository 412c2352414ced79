// The record of failed logins the lockout counts (src/auth/lockout.ts).
import type { Kysely, Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('login_failures')
        .addColumn('id', ...h.id(true))
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_failures_username').on('login_failures').columns(['username', 'at']).execute();
    },
  };
}
