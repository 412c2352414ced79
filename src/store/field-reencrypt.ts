// Rewrites the sealed columns of every table of SEALED_TABLES under the current key, table after
// table in batches of ids, each batch its own transaction, then the two-step login secrets: what the
// migrations run once on plaintext rows and `hotline keys reencrypt` runs after a rotation. Each
// table's position is kept in `counters`, so an interrupted run goes on where it stopped. Works on
// the raw rows (the plugin would open them), never logs a value.
import type { Kysely } from 'kysely';
import { FieldCryptoError, type FieldCrypto } from './field-crypto.ts';
import { SEALED_TABLES, type SealedTable, type SealedTableName } from './field-crypto-plugin.ts';

type AnyDb = Kysely<any>;
type RawRow = Record<string, string | null> & { id: number | string };

/** The order `reencrypt` goes through the tables in. */
export const SEALED_TABLE_NAMES = Object.keys(SEALED_TABLES) as SealedTableName[];

/** What a table's rows are called in messages. */
export const SEALED_TABLE_LABELS: Record<SealedTableName, string> = {
  tickets: '工单',
  calls: '通话',
  call_events: '话务事件',
  missed_calls: '漏接来电',
  call_restrictions: '限制呼入',
  sms_opt_outs: '拒收短信号码',
  requester_emails: '诉求人邮箱',
};

export interface TableCount {
  scanned: number;
  rewritten: number;
}

export interface ReencryptResult {
  keyId: string;
  /** Tickets scanned and rewritten (every table's counts are in `tables`). */
  scanned: number;
  rewritten: number;
  /** Where this run started: after this id of `resumedIn` (a fresh run starts after 0 of tickets). */
  resumedAfter: number;
  resumedIn: SealedTableName;
  tables: Record<SealedTableName, TableCount>;
}

/** The cursor of a table's pass under a key (the tickets' keeps the name it always had). */
function cursorName(keyId: string, table: SealedTableName): string {
  return table === 'tickets' ? `field-keys:reencrypt:${keyId}` : `field-keys:reencrypt:${keyId}:${table}`;
}
/** A table whose pass under the key is complete while later tables are not. */
const FINISHED = -1;

const spec = (table: SealedTableName): SealedTable => SEALED_TABLES[table];
const selected = (s: SealedTable): string[] => ['id', ...s.columns, ...(s.hash ? [s.hash.column] : [])];

/** The row's sealed columns under the current key and its hash, or null when it already is so. */
function rewrite(crypto: FieldCrypto, table: SealedTableName, row: RawRow): Record<string, string | null> | null {
  const s = spec(table);
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
    // A value that is not sealed is plaintext from before encryption (or written around the plugin).
    plain[c] = keyId === null ? v : openOrExplain(crypto, v, `${SEALED_TABLE_LABELS[table]} #${row.id} 的 ${c}`);
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

/** The value opened; a failure names what it was (`工单 #12 的 address`). */
function openOrExplain(crypto: FieldCrypto, v: string, what: string): string {
  try {
    return crypto.open(v);
  } catch (err) {
    throw new Error(`${what} 无法解密：${(err as Error).message}`);
  }
}

/** The value of a hashed column as stored: plaintext as it is, a sealed value opened. */
function plainOf(crypto: FieldCrypto, table: SealedTableName, row: RawRow, column: string): string | null {
  const v = row[column];
  if (v === null || v === undefined) return null;
  return crypto.keyIdOf(v) === null ? v : openOrExplain(crypto, v, `${SEALED_TABLE_LABELS[table]} #${row.id} 的 ${column}`);
}

async function rowsAfter(db: AnyDb, table: SealedTableName, afterId: number, limit: number): Promise<RawRow[]> {
  return (await db.selectFrom(table).select(selected(spec(table))).where('id', '>', afterId).orderBy('id').limit(limit).execute()) as RawRow[];
}

/** One batch after `afterId`: rows rewritten where needed. */
async function batch(db: AnyDb, crypto: FieldCrypto, table: SealedTableName, afterId: number, limit: number): Promise<{ lastId: number; scanned: number; rewritten: number }> {
  const rows = await rowsAfter(db, table, afterId, limit);
  let rewritten = 0;
  for (const row of rows) {
    const next = rewrite(crypto, table, row);
    if (!next) continue;
    await db.updateTable(table).set(next).where('id', '=', row.id).execute();
    rewritten++;
  }
  return { lastId: rows.length ? Number(rows[rows.length - 1]!.id) : afterId, scanned: rows.length, rewritten };
}

/** Seals every plaintext row of a table in one pass inside the caller's transaction (the migrations). */
export async function sealAllRows(db: AnyDb, crypto: FieldCrypto, table: SealedTableName, batchSize = 1000): Promise<number> {
  const raw = db.withoutPlugins();
  let afterId = 0;
  let rewritten = 0;
  for (;;) {
    const r = await batch(raw, crypto, table, afterId, batchSize);
    rewritten += r.rewritten;
    if (r.scanned < batchSize) return rewritten;
    afterId = r.lastId;
  }
}

const noCounts = (): Record<SealedTableName, TableCount> => Object.fromEntries(SEALED_TABLE_NAMES.map((t) => [t, { scanned: 0, rewritten: 0 }])) as Record<SealedTableName, TableCount>;

/**
 * Rewrites every sealed field not under the current key, table by table, `batchSize` rows per
 * transaction. Each table's position is saved after each batch; a later run with the same current
 * key resumes from it, skipping the tables already finished.
 */
export async function reencryptFields(db: AnyDb, crypto: FieldCrypto, options: { batchSize?: number; maxBatches?: number; onBatch?: (r: ReencryptResult) => void } = {}): Promise<ReencryptResult & { done: boolean }> {
  const raw = db.withoutPlugins();
  const size = options.batchSize ?? 500;
  const keyId = crypto.currentKeyId;
  const names = SEALED_TABLE_NAMES.map((t) => cursorName(keyId, t));
  const saved = new Map((await raw.selectFrom('counters').select(['name', 'value']).where('name', 'in', names).execute()).map((r) => [r.name as string, Number(r.value)]));
  const result: ReencryptResult = { keyId, scanned: 0, rewritten: 0, resumedAfter: 0, resumedIn: 'tickets', tables: noCounts() };
  let started = false;
  let batches = 0;
  for (const table of SEALED_TABLE_NAMES) {
    const name = cursorName(keyId, table);
    let afterId = saved.get(name) ?? 0;
    if (afterId === FINISHED) continue;
    if (!started) {
      started = true;
      result.resumedAfter = afterId;
      result.resumedIn = table;
    }
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return { ...result, done: false };
      const r = await raw.transaction().execute(async (tx) => {
        const b = await batch(tx, crypto, table, afterId, size);
        const value = b.scanned < size ? FINISHED : b.lastId;
        await tx.insertInto('counters').values({ name, value }).onConflict((oc) => oc.column('name').doUpdateSet({ value })).execute();
        return b;
      });
      batches++;
      result.tables[table].scanned += r.scanned;
      result.tables[table].rewritten += r.rewritten;
      if (table === 'tickets') {
        result.scanned += r.scanned;
        result.rewritten += r.rewritten;
      }
      afterId = r.lastId;
      options.onBatch?.(result);
      if (r.scanned < size) break;
    }
  }
  // Done: the next run (after the next rotation, or to catch rows a stale process wrote) scans from the start.
  await raw.deleteFrom('counters').where('name', 'in', names).execute();
  await reencryptTotpSecrets(raw, crypto);
  return { ...result, done: true };
}

/** Re-seals the two-step login secrets (src/auth/two-step.ts) under the current key: a few rows, one transaction. */
export async function reencryptTotpSecrets(db: AnyDb, crypto: FieldCrypto): Promise<number> {
  const raw = db.withoutPlugins();
  return raw.transaction().execute(async (tx) => {
    const rows = (await tx.selectFrom('user_totp').select(['user_id', 'secret']).execute()) as Array<{ user_id: number | string; secret: string }>;
    let rewritten = 0;
    for (const row of rows) {
      const keyId = crypto.keyIdOf(row.secret);
      if (keyId === crypto.currentKeyId) continue;
      const secret = keyId === null ? row.secret : openOrExplain(crypto, row.secret, `用户 #${row.user_id} 的 user_totp.secret`);
      await tx.updateTable('user_totp').set({ secret: crypto.seal(secret) }).where('user_id', '=', row.user_id).execute();
      rewritten++;
    }
    return rewritten;
  });
}

export interface TableCensus {
  rows: number;
  /** Sealed values per key id. */
  byKey: Record<string, number>;
  /** Values that are not sealed (must be 0 once migrated). */
  plaintext: number;
  /** Rows with a number but no (or a wrong) lookup hash. */
  badHash: number;
}

export interface KeyCensus extends Omit<TableCensus, 'rows'> {
  /** Tickets; `byKey`, `plaintext` and `badHash` count every table, `tables` each one. */
  tickets: number;
  tables: Record<SealedTableName, TableCensus>;
}

async function tableCensus(raw: AnyDb, crypto: FieldCrypto, table: SealedTableName, batchSize: number): Promise<TableCensus> {
  const s = spec(table);
  const census: TableCensus = { rows: 0, byKey: {}, plaintext: 0, badHash: 0 };
  let afterId = 0;
  for (;;) {
    const rows = await rowsAfter(raw, table, afterId, batchSize);
    for (const row of rows) {
      census.rows++;
      for (const c of s.columns) {
        const v = row[c];
        if (v === null || v === undefined) continue;
        const id = crypto.keyIdOf(v);
        if (id === null) census.plaintext++;
        else census.byKey[id] = (census.byKey[id] ?? 0) + 1;
      }
      if (s.hash && crypto.phoneLookupHash(plainOf(crypto, table, row, s.hash.of)) !== row[s.hash.column]) census.badHash++;
    }
    if (rows.length < batchSize) return census;
    afterId = Number(rows[rows.length - 1]!.id);
  }
}

/** Counts what key each sealed value is under, by reading the raw rows of every sealed table. */
export async function keyCensus(db: AnyDb, crypto: FieldCrypto, batchSize = 2000): Promise<KeyCensus> {
  const raw = db.withoutPlugins();
  const tables = {} as Record<SealedTableName, TableCensus>;
  const census: KeyCensus = { tickets: 0, byKey: {}, plaintext: 0, badHash: 0, tables };
  for (const table of SEALED_TABLE_NAMES) {
    const t = await tableCensus(raw, crypto, table, batchSize);
    tables[table] = t;
    for (const [id, n] of Object.entries(t.byKey)) census.byKey[id] = (census.byKey[id] ?? 0) + n;
    census.plaintext += t.plaintext;
    census.badHash += t.badHash;
  }
  census.tickets = tables.tickets.rows;
  return census;
}

/**
 * Refuses to serve a store whose sealed data these keys cannot open: the newest and the oldest
 * ticket's phone, and the newest and oldest call's caller, must open and hash to their lookup hash.
 * Catches a second host that made its own key file, a restore without the keys, a wrong
 * HOTLINE_FIELD_KEYS or HOTLINE_LOOKUP_KEY.
 */
export async function assertKeysFitStore(db: AnyDb, crypto: FieldCrypto): Promise<void> {
  const raw = db.withoutPlugins();
  const hint = '请使用写入这些数据时的密钥：同样的 HOTLINE_FIELD_KEYS / HOTLINE_LOOKUP_KEY，或原来的 hotline.keys 文件';
  for (const table of ['tickets', 'calls'] as const) {
    const { of: column, column: hashColumn } = SEALED_TABLES[table].hash;
    const sample = async (direction: 'asc' | 'desc') =>
      (await raw.selectFrom(table).select(['id', `${column} as value`, `${hashColumn} as hash`]).where(column, 'is not', null).orderBy('id', direction).limit(1).executeTakeFirst()) as
        | { id: number; value: string; hash: string | null }
        | undefined;
    for (const row of [await sample('desc'), await sample('asc')]) {
      if (!row || crypto.keyIdOf(row.value) === null) continue;
      let phone: string;
      try {
        phone = crypto.open(row.value);
      } catch (err) {
        throw new FieldCryptoError(`数据库中的个人信息无法用现有密钥解密（${SEALED_TABLE_LABELS[table]} #${row.id}：${(err as Error).message}）。${hint}`);
      }
      if (crypto.phoneLookupHash(phone) !== row.hash) throw new FieldCryptoError(`电话查找密钥与数据库不符（${SEALED_TABLE_LABELS[table]} #${row.id} 的查找哈希对不上）。${hint}`);
    }
  }
}
