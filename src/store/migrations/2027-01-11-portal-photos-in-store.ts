// Photos sent with a portal or Open311 request keep their bytes in the store, written in the ticket's
// own transaction: every API process reads them without a shared disk, and a backup of the store holds
// them. Rows from before keep `data` empty and name a file under the data directory until the start
// adopts it (src/portal/photo-files.ts).
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('portal_photos').addColumn('data', engine === 'postgres' ? 'bytea' : 'blob').execute();
    },
  };
}
