// Schema of the monthly evaluation (第二十九条, 第三十一条(二)): the authority's decisions on the
// triggers a unit hit, the published rankings, and the indexes that let a month be counted from its
// own records (duties by start and by deadline, callbacks and requests by time).
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('evaluation_findings')
        .addColumn('month', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('decided_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('decided_at', h.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('evaluation_findings_pk', ['month', 'unit_id', 'trigger'])
        .execute();
      await db.schema
        .createTable('evaluation_publications')
        .addColumn('month', 'text', (c) => c.primaryKey())
        .addColumn('snapshot', 'text', (c) => c.notNull())
        .addColumn('published_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('published_at', h.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('duties_kind_started').on('duties').columns(['kind', 'started_at']).execute();
      await db.schema.createIndex('duties_kind_due').on('duties').columns(['kind', 'due_at']).execute();
      await db.schema.createIndex('callbacks_created').on('callbacks').column('created_at').execute();
      await db.schema.createIndex('unit_requests_requested').on('unit_requests').columns(['requested_at']).execute();
      await db.schema
        .createIndex('unit_requests_improper')
        .on('unit_requests')
        .columns(['decided_at'])
        .where(sql.ref('improper'), '=', 1)
        .execute();
      await db.schema.createIndex('unit_requests_duty').on('unit_requests').columns(['duty_id']).where(sql.ref('duty_id'), 'is not', null).execute();
    },
  };
}
