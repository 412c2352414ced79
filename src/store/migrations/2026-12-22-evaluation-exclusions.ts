// The evaluation's 满意率 made reviewable (第二十五条, 第二十九条): a category says whether it is a
// 行政调解类 or 执法办案类 matter, a callback records the exemption that applied when it was made (so
// the month's satisfaction stays a range scan of its callbacks), and the authority's decisions to
// leave a rating out, or to put it back, are kept one row per decision (the latest one stands).
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('categories').addColumn('case_class', 'text').execute();
      await db.schema.alterTable('callbacks').addColumn('exempt_class', 'text').execute();
      // Callbacks already recorded take their category's class as it stands now (none on a fresh store).
      await sql`update callbacks set exempt_class = (
          select k.case_class from tickets t join categories k on k.id = t.category_id
          where t.id = callbacks.ticket_id and t.type in ('complaint', 'report'))
        where reached = 1`.execute(db);
      await db.schema
        .createTable('evaluation_exclusions')
        .addColumn('id', ...h.id())
        .addColumn('callback_id', 'bigint', (c) => c.notNull().references('callbacks.id'))
        .addColumn('ticket_id', 'bigint', (c) => c.notNull())
        .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('exclude', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('decided_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('evaluation_exclusions_callback').on('evaluation_exclusions').columns(['callback_id', 'id']).execute();
      await db.schema.createIndex('evaluation_exclusions_month').on('evaluation_exclusions').columns(['month', 'unit_id']).execute();
      // The covering index of the month's callbacks gains the exemption and the id (for the decisions).
      await sql`drop index callbacks_created`.execute(db);
      if (engine === 'postgres') {
        await sql`create index callbacks_created on callbacks (created_at) include (unit_id, reached, satisfaction, reasonable, exempt_class, id)`.execute(db);
      } else {
        await sql`create index callbacks_created on callbacks (created_at, unit_id, reached, satisfaction, reasonable, exempt_class)`.execute(db);
      }
    },
  };
}
