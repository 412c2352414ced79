// The pass that seals the plaintext rows of a table, as the field-encryption migrations of
// December 2026 ran it (a frozen copy of the store's re-encryption batch): in id order, 1000 rows at
// a time, on the raw rows (the field-crypto plugin would open them), never logging a value. Each
// migration names the columns it seals, as they were on its date.
import type { Kysely } from 'kysely';
import type { MigrationFieldCrypto } from './_helpers-2026.ts';

/** A table's sealed columns, and the phone among them whose keyed lookup hash is kept. */
export interface SealedColumns {
  columns: readonly string[];
  hash?: { of: string; column: string };
}

type RawRow = Record<string, string | null> & { id: number | string };

function openOrExplain(crypto: MigrationFieldCrypto, v: string, what: string): string {
  try {
    return crypto.open(v);
  } catch (err) {
    throw new Error(`${what} 无法解密：${(err as Error).message}`);
  }
}

/** The row's sealed columns under the current key and its hash, or null when it already is so. */
function rewrite(crypto: MigrationFieldCrypto, table: string, s: SealedColumns, row: RawRow): Record<string, string | null> | null {
  const current = crypto.currentKeyId;
  let stale = false;
  const plain: Record<string, string | null> = {};
  for (const c of s.columns) {
    const v = row[c];
    if (v === null || v === undefined) {
      plain[c] = null;
      continue;
    }
    const keyId = crypto.keyIdOf(v);
    if (keyId !== current) stale = true;
    // A value that is not sealed is plaintext from before encryption.
    plain[c] = keyId === null ? v : openOrExplain(crypto, v, `${table} #${row.id} 的 ${c}`);
  }
  const out: Record<string, string | null> = {};
  if (s.hash) {
    const hash = crypto.phoneLookupHash(plain[s.hash.of]);
    if (hash !== row[s.hash.column]) stale = true;
    out[s.hash.column] = hash;
  }
  if (!stale) return null;
  for (const c of s.columns) out[c] = crypto.seal(plain[c]);
  return out;
}

/** Seals every plaintext row of `table` inside the migration's transaction; returns the rows rewritten. */
export async function sealAllRows(db: Kysely<any>, crypto: MigrationFieldCrypto, table: string, s: SealedColumns, batchSize = 1000): Promise<number> {
  const raw = db.withoutPlugins();
  const selected = ['id', ...s.columns, ...(s.hash ? [s.hash.column] : [])];
  let afterId = 0;
  let rewritten = 0;
  for (;;) {
    const rows = (await raw.selectFrom(table).select(selected).where('id', '>', afterId).orderBy('id').limit(batchSize).execute()) as RawRow[];
    for (const row of rows) {
      const next = rewrite(crypto, table, s, row);
      if (!next) continue;
      await raw.updateTable(table).set(next).where('id', '=', row.id).execute();
      rewritten++;
    }
    if (rows.length < batchSize) return rewritten;
    afterId = Number(rows[rows.length - 1]!.id);
  }
}
