// 查看完整联系方式: one row per reveal, read to hold each user to the hourly limit and to alert the
// centre once per hour when one user reveals many (docs/security-personal-data.md). Kept apart from
// the events (which also record each reveal) so that the count is one short index range.
import type { Kysely, Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('contact_reveals')
        .addColumn('id', ...h.id(true))
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('ticket_id', 'bigint', (c) => c.notNull())
        .addColumn('unit_id', 'integer')
        .addColumn('at', h.instant, (c) => c.notNull())
        // 1 on the reveal that raised the bulk alert to the centre.
        .addColumn('alerted', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('contact_reveals_user_at').on('contact_reveals').columns(['user_id', 'at']).execute();
    },
  };
}
