// What the migrations share, frozen with them: the engine names, the column types that differ
// between the engines, and the runtime services a migration that rewrites rows is handed. Imports
// nothing of the live code, so a later change there cannot change what an old migration does.
import type { ColumnDefinitionBuilder } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/**
 * The store's field keys, as the migrations that seal rows use them. Handed in rather than copied:
 * the keys are a runtime service of the open store, not schema code that could drift.
 */
export interface MigrationFieldCrypto {
  readonly currentKeyId: string;
  seal(value: string | null | undefined): string | null;
  open(text: string): string;
  /** The key id of a sealed value; null for a value that is not sealed. */
  keyIdOf(text: string | null | undefined): string | null;
  phoneLookupHash(phone: string | null | undefined): string | null;
}

/** The store's audit keyring, as the migration to the keyed chain uses it (handed in, like the field keys). */
export interface MigrationAuditKeys {
  readonly currentKeyId: string;
  /** HMAC-SHA-256 under key `id` of `prev + "\n" + content`, hex; null when the key is unknown. */
  mac(id: string, prev: string, content: string): string | null;
  /** `<id>:<hex(K ^ ipad)>:<hex(K ^ opad)>` of the current key, for PostgreSQL's append. */
  currentPads(): string;
}

export interface MigrationContext {
  engine: Engine;
  /** The open store's field keys; undefined when the store was opened without them. */
  fieldCrypto(): MigrationFieldCrypto | undefined;
  auditKeys(): MigrationAuditKeys;
}

export function dialectHelpers(engine: Engine) {
  return {
    /** An auto-numbered primary key. */
    id: (big = false) =>
      [engine === 'postgres' ? (big ? 'bigserial' : 'serial') : 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey()] as const,
    instant: engine === 'postgres' ? ('timestamptz' as const) : ('text' as const),
  };
}
