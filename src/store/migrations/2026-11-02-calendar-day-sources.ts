import { sql, type Kysely, type Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

type AnyDb = Kysely<any>;

/**
 * A date may hold both an imported row (the State Council notice) and an admin override: the
 * override wins, and clearing it brings the imported value back. The key is (date, source).
 */
export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('calendar_days_new')
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('calendar_days_date_source', ['date', 'source'])
        .execute();
      await sql`insert into calendar_days_new (date, kind, name, source, updated_at) select date, kind, name, source, updated_at from calendar_days`.execute(db);
      await db.schema.dropTable('calendar_days').execute();
      await db.schema.alterTable('calendar_days_new').renameTo('calendar_days').execute();
    },
  };
}
