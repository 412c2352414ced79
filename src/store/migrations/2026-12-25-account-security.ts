// Schema of the login throttles (src/auth/lockout.ts): one counter row a bucket (a username's hash,
// a client address's hash, or the whole platform), bumped by one atomic upsert before a password is
// checked; the wrong codes a two-step challenge has taken; and the flag an admin's password reset
// sets so the account must choose its own password before doing anything else.
import type { Kysely, Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('login_attempts')
        .addColumn('bucket', 'text', (c) => c.primaryKey())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('window_start', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.alterTable('login_challenges').addColumn('codes_tried', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('users').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
  };
}
