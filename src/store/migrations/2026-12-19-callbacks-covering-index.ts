import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

/**
 * The month's callbacks counted from the index alone: the evaluation reads them for three months
 * (the three-month satisfaction rule), and visiting each row cost some 100 ms a month at 1,000,000
 * tickets on SQLite. Replaces the plain index on created_at, which this one leads with.
 */
export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      await sql`drop index callbacks_created`.execute(db);
      if (engine === 'postgres') {
        await sql`create index callbacks_created on callbacks (created_at) include (unit_id, reached, satisfaction, reasonable)`.execute(db);
      } else {
        await sql`create index callbacks_created on callbacks (created_at, unit_id, reached, satisfaction, reasonable)`.execute(db);
      }
    },
  };
}
