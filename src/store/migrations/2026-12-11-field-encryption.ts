// The requester's name, phone, ID number and the ticket's address sealed at rest (the store's field
// keys): a column for the phone's keyed lookup hash, the requester-history index moved from the
// phone (now a ciphertext that never repeats) to the hash, and every existing row sealed.
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';
import { sealAllRows, type SealedColumns } from './_seal-rows-2026.ts';

/** The columns of `tickets` sealed on this date. */
const TICKETS: SealedColumns = { columns: ['requester_name', 'requester_phone', 'requester_id_no', 'address'], hash: { of: 'requester_phone', column: 'requester_phone_hash' } };

// The keys come from the open store (ctx.fieldCrypto): a runtime service, not schema code to freeze.
export function migration({ fieldCrypto }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      const keys = fieldCrypto();
      if (!keys) throw new Error('字段加密迁移需要密钥：请通过 openStore 打开数据库');
      await db.schema.alterTable('tickets').addColumn('requester_phone_hash', 'text').execute();
      await db.schema.dropIndex('tickets_requester').execute();
      await db.schema.createIndex('tickets_requester_hash').on('tickets').columns(['requester_phone_hash', 'created_at']).execute();
      await sealAllRows(db, keys, 'tickets', TICKETS);
    },
  };
}
