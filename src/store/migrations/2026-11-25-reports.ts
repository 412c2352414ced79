// Schema of the reports (第二十四条): the stored 日报/周报/月报 the scheduled job generates (one per
// kind and period, so a re-run changes nothing), and the 社情民意 spike alerts (one per day, district
// and topic, so each spike is flagged once).
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const id = engine === 'postgres' ? 'serial' : 'integer';
  const instant = engine === 'postgres' ? 'timestamptz' : 'text';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('reports')
        .addColumn('id', id, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('generated_at', instant, (c) => c.notNull())
        .addUniqueConstraint('reports_kind_period', ['kind', 'period'])
        .execute();

      await db.schema
        .createTable('report_alerts')
        .addColumn('id', id, (c) => c.primaryKey())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('district_code', 'text', (c) => c.notNull())
        .addColumn('district_unit_id', 'integer', (c) => c.references('units.id'))
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('baseline_mean', 'real', (c) => c.notNull())
        .addColumn('baseline_sd', 'real', (c) => c.notNull())
        .addColumn('threshold', 'real', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .addUniqueConstraint('report_alerts_once', ['day', 'district_code', 'topic'])
        .execute();
      await db.schema.createIndex('report_alerts_created').on('report_alerts').column('created_at').execute();
    },
  };
}
