// Schema of two-step login (src/auth/totp-*.ts): a user's TOTP secret (sealed by the store's field
// key) with the last time step accepted, so no code is accepted twice; the user's recovery codes
// (hashes only); and the short-lived challenge a correct password opens for the second step.
import type { Kysely, Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('user_totp')
        .addColumn('user_id', 'bigint', (c) => c.primaryKey().references('users.id'))
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', h.instant, (c) => c.notNull())
        // Null until the first code confirms the enrolment; only then does login ask for codes.
        .addColumn('enabled_at', h.instant)
        .addColumn('last_step', 'bigint')
        .execute();

      await db.schema
        .createTable('totp_recovery_codes')
        .addColumn('id', ...h.id(true))
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('used_at', h.instant)
        .execute();
      await db.schema.createIndex('totp_recovery_codes_user').on('totp_recovery_codes').column('user_id').execute();

      await db.schema
        .createTable('login_challenges')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('expires_at', h.instant, (c) => c.notNull())
        .addColumn('used_at', h.instant)
        .execute();
    },
  };
}
