// Call handling's numbers sealed at rest like the requester's (2026-12-11-field-encryption): the caller of
// calls and missed calls, the restricted and the opted-out numbers each get a column for their keyed
// lookup hash, the indexes move from the numbers (now ciphertexts that never repeat) to the hashes,
// and every existing row is sealed, the switch's raw events whole. The opt-out list, keyed by the
// number until now, is rebuilt with an id and a unique hash.
import type { Kysely, Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';
import { sealAllRows, type SealedColumns } from './_seal-rows-2026.ts';

/** The tables and columns sealed on this date. */
const SEALED: Record<'calls' | 'call_events' | 'missed_calls' | 'call_restrictions' | 'sms_opt_outs', SealedColumns> = {
  calls: { columns: ['caller'], hash: { of: 'caller', column: 'caller_hash' } },
  call_events: { columns: ['payload'] },
  missed_calls: { columns: ['caller'], hash: { of: 'caller', column: 'caller_hash' } },
  call_restrictions: { columns: ['phone'], hash: { of: 'phone', column: 'phone_hash' } },
  sms_opt_outs: { columns: ['phone'], hash: { of: 'phone', column: 'phone_hash' } },
};

// The keys come from the open store (ctx.fieldCrypto): a runtime service, not schema code to freeze.
export function migration({ engine, fieldCrypto }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: Kysely<any>) {
      const keys = fieldCrypto();
      if (!keys) throw new Error('号码加密迁移需要密钥：请通过 openStore 打开数据库');

      await db.schema.alterTable('calls').addColumn('caller_hash', 'text').execute();
      await db.schema.dropIndex('calls_caller').execute();
      await db.schema.createIndex('calls_caller_hash').on('calls').columns(['caller_hash', 'offered_at']).execute();

      await db.schema.alterTable('missed_calls').addColumn('caller_hash', 'text').execute();
      await db.schema.dropIndex('missed_calls_caller').execute();
      await db.schema.createIndex('missed_calls_caller_hash').on('missed_calls').columns(['caller_hash', 'status']).execute();

      await db.schema.alterTable('call_restrictions').addColumn('phone_hash', 'text').execute();
      await db.schema.dropIndex('call_restrictions_phone').execute();
      await db.schema.createIndex('call_restrictions_phone_hash').on('call_restrictions').columns(['phone_hash', 'status', 'expires_at']).execute();

      await db.schema
        .createTable('sms_opt_outs_sealed')
        .addColumn('id', ...h.id())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('phone_hash', 'text')
        .addColumn('note', 'text')
        .addColumn('created_by', 'integer', (c) => c.references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .execute();
      await db
        .withoutPlugins()
        .insertInto('sms_opt_outs_sealed')
        .columns(['phone', 'note', 'created_by', 'created_at'])
        .expression((eb) => eb.selectFrom('sms_opt_outs').select(['phone', 'note', 'created_by', 'created_at']).orderBy('created_at').orderBy('phone'))
        .execute();
      await db.schema.dropTable('sms_opt_outs').execute();
      await db.schema.alterTable('sms_opt_outs_sealed').renameTo('sms_opt_outs').execute();

      for (const table of ['calls', 'call_events', 'missed_calls', 'call_restrictions', 'sms_opt_outs'] as const) await sealAllRows(db, keys, table, SEALED[table]);
      // After the hashes are filled: one entry per number.
      await db.schema.createIndex('sms_opt_outs_phone_hash').on('sms_opt_outs').column('phone_hash').unique().execute();
    },
  };
}
