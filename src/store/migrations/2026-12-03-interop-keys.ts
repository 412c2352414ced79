// Schema of the interfaces to other systems: API keys of external systems (only a hash of
// each key is kept), where an Open311 request was located (lat/long, address_id, media_url), and a
// unique (origin, external_id) so a ticket transferred twice from the provincial or national
// platform is one ticket even when both submissions race.
import { sql, type Kysely, type Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', ...h.id())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('key_prefix', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('rate_per_minute', 'integer', (c) => c.notNull())
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('rotated_at', h.instant)
        .addColumn('revoked_at', h.instant)
        .addColumn('last_used_at', h.instant)
        .execute();

      await db.schema.alterTable('tickets').addColumn('lat', 'double precision').execute();
      await db.schema.alterTable('tickets').addColumn('long', 'double precision').execute();
      await db.schema.alterTable('tickets').addColumn('address_id', 'text').execute();
      await db.schema.alterTable('tickets').addColumn('media_url', 'text').execute();
      await db.schema
        .createIndex('tickets_origin_external_unique')
        .on('tickets')
        .columns(['origin', 'external_id'])
        .unique()
        .where(sql.ref('external_id'), 'is not', null)
        .execute();
      // Open311 sync (`updated_after`) reads tickets in the order they changed.
      await db.schema.createIndex('tickets_updated').on('tickets').column('updated_at').execute();
    },
  };
}
