// Schema of the monthly evaluation (第二十九条, 第三十一条(二)): the authority's decisions on the
// triggers a unit hit, the published rankings, and the indexes that let a month be counted from its
// own records (duties by start and by deadline, callbacks and requests by time).
import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from './db.ts';
import { dialectHelpers } from './dialect.ts';

export function evaluationMigration(engine: Engine): Migration {
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

/**
 * A callback records the unit whose answer was rated, so the month's satisfaction per unit is a
 * range scan of the month's callbacks, not a join with every ticket; existing rows take the
 * ticket's lead unit.
 */
export function callbackUnitMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('callbacks').addColumn('unit_id', 'integer', (c) => c.references('units.id')).execute();
      await sql`update callbacks set unit_id = (select lead_unit_id from tickets where tickets.id = callbacks.ticket_id)`.execute(db);
    },
  };
}

/**
 * Covering indexes for the month's duty counts: the evaluation reads a month's sign duties by
 * start and its reply/opinion duties by deadline, and every column it counts is in the index, so
 * PostgreSQL answers from the index alone (index-only scans) and SQLite never visits the table.
 */
export function evaluationCoveringIndexes(engine: Engine): Migration {
  return {
    async up(db: Kysely<any>) {
      await sql`drop index duties_kind_started`.execute(db);
      await sql`drop index duties_kind_due`.execute(db);
      if (engine === 'postgres') {
        await sql`create index duties_kind_started on duties (kind, started_at) include (unit_id, party, status, late, due_at)`.execute(db);
        await sql`create index duties_kind_due on duties (kind, due_at) include (unit_id, party, status, late, id)`.execute(db);
      } else {
        await sql`create index duties_kind_started on duties (kind, started_at, unit_id, party, status, late, due_at)`.execute(db);
        await sql`create index duties_kind_due on duties (kind, due_at, unit_id, party, status, late)`.execute(db);
      }
    },
  };
}

/**
 * The month's callbacks counted from the index alone: the evaluation reads them for three months
 * (the three-month satisfaction rule), and visiting each row cost some 100 ms a month at 1,000,000
 * tickets on SQLite. Replaces the plain index on created_at, which this one leads with.
 */
export function callbacksCoveringIndex(engine: Engine): Migration {
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
