// The requester's name, phone, ID number and the ticket's address sealed at rest
// (./field-crypto.ts): a column for the phone's keyed lookup hash, the requester-history index moved
// from the phone (now a ciphertext that never repeats) to the hash, and every existing row sealed.
import type { Kysely, Migration } from 'kysely';
import type { FieldCrypto } from './field-crypto.ts';
import { sealAllRows } from './field-reencrypt.ts';

export function fieldEncryptionMigration(crypto: () => FieldCrypto | undefined): Migration {
  return {
    async up(db: Kysely<any>) {
      const keys = crypto();
      if (!keys) throw new Error('字段加密迁移需要密钥：请通过 openStore 打开数据库');
      await db.schema.alterTable('tickets').addColumn('requester_phone_hash', 'text').execute();
      await db.schema.dropIndex('tickets_requester').execute();
      await db.schema.createIndex('tickets_requester_hash').on('tickets').columns(['requester_phone_hash', 'created_at']).execute();
      await sealAllRows(db, keys, 'tickets');
    },
  };
}
