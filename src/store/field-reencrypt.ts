// Rewrites the sealed columns of `tickets` under the current key, in batches of ticket ids, each
// batch its own transaction, then the two-step login secrets: what the migration runs once on plaintext rows and `hotline keys
// reencrypt` runs after a rotation. The position is kept in `counters`, so an interrupted run goes
// on where it stopped. Works on the raw rows (the plugin would open them), never logs a value.
import type { Kysely } from 'kysely';
import type { FieldCrypto } from './field-crypto.ts';
import { SEALED_TICKET_COLUMNS } from './field-crypto-plugin.ts';

type AnyDb = Kysely<any>;
type Cells = Record<(typeof SEALED_TICKET_COLUMNS)[number], string | null>;
type RawTicket = Cells & { id: number | string; requester_phone_hash: string | null };

export interface ReencryptResult {
  keyId: string;
  scanned: number;
  rewritten: number;
  /** Where this run started (a resumed run starts after 0). */
  resumedAfter: number;
}

function cursorName(keyId: string): string {
  return `field-keys:reencrypt:${keyId}`;
}

/** The row's sealed columns under the current key and its phone hash, or null when it already is so. */
function rewrite(crypto: FieldCrypto, row: RawTicket): (Cells & { requester_phone_hash: string | null }) | null {
  const current = crypto.currentKeyId;
  let stale = false;
  const plain = {} as Cells;
  for (const c of SEALED_TICKET_COLUMNS) {
    const v = row[c];
    if (v === null || v === undefined) {
      plain[c] = null;
      continue;
    }
    const keyId = crypto.keyIdOf(v);
    if (keyId !== current) stale = true;
    // A value that is not sealed is plaintext from before encryption (or written around the plugin).
    plain[c] = keyId === null ? v : openOrExplain(crypto, v, row.id, c);
  }
  const hash = crypto.phoneLookupHash(plain.requester_phone);
  if (!stale && hash === row.requester_phone_hash) return null;
  const out = { requester_phone_hash: hash } as Cells & { requester_phone_hash: string | null };
  for (const c of SEALED_TICKET_COLUMNS) out[c] = crypto.seal(plain[c]);
  return out;
}

function openOrExplain(crypto: FieldCrypto, v: string, id: number | string, column: string): string {
  try {
    return crypto.open(v);
  } catch (err) {
    throw new Error(`工单 #${id} 的 ${column} 无法解密：${(err as Error).message}`);
  }
}

/** One batch after `afterId`: rows rewritten where needed. */
async function batch(db: AnyDb, crypto: FieldCrypto, afterId: number, limit: number): Promise<{ lastId: number; scanned: number; rewritten: number }> {
  const rows = (await db
    .selectFrom('tickets')
    .select(['id', ...SEALED_TICKET_COLUMNS, 'requester_phone_hash'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute()) as RawTicket[];
  let rewritten = 0;
  for (const row of rows) {
    const next = rewrite(crypto, row);
    if (!next) continue;
    await db.updateTable('tickets').set(next).where('id', '=', row.id).execute();
    rewritten++;
  }
  return { lastId: rows.length ? Number(rows[rows.length - 1]!.id) : afterId, scanned: rows.length, rewritten };
}

/** Seals every plaintext row in one pass inside the caller's transaction (the migration). */
export async function sealAllTickets(db: AnyDb, crypto: FieldCrypto, batchSize = 1000): Promise<number> {
  const raw = db.withoutPlugins();
  let afterId = 0;
  let rewritten = 0;
  for (;;) {
    const r = await batch(raw, crypto, afterId, batchSize);
    rewritten += r.rewritten;
    if (r.scanned < batchSize) return rewritten;
    afterId = r.lastId;
  }
}

/**
 * Rewrites every sealed field not under the current key, `batchSize` tickets per transaction. The
 * position is saved after each batch; a later run with the same current key resumes from it.
 */
export async function reencryptTickets(db: AnyDb, crypto: FieldCrypto, options: { batchSize?: number; maxBatches?: number; onBatch?: (r: ReencryptResult) => void } = {}): Promise<ReencryptResult & { done: boolean }> {
  const raw = db.withoutPlugins();
  const size = options.batchSize ?? 500;
  const name = cursorName(crypto.currentKeyId);
  const saved = await raw.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  const result: ReencryptResult = { keyId: crypto.currentKeyId, scanned: 0, rewritten: 0, resumedAfter: saved ? Number(saved.value) : 0 };
  let afterId = result.resumedAfter;
  for (let n = 0; options.maxBatches === undefined || n < options.maxBatches; n++) {
    const r = await raw.transaction().execute(async (tx) => {
      const b = await batch(tx, crypto, afterId, size);
      if (b.scanned) {
        await tx.insertInto('counters').values({ name, value: b.lastId }).onConflict((oc) => oc.column('name').doUpdateSet({ value: b.lastId })).execute();
      }
      return b;
    });
    result.scanned += r.scanned;
    result.rewritten += r.rewritten;
    afterId = r.lastId;
    options.onBatch?.(result);
    if (r.scanned < size) {
      // Done: the next run (after the next rotation, or to catch rows a stale process wrote) scans from the start.
      await raw.deleteFrom('counters').where('name', '=', name).execute();
      await reencryptTotpSecrets(raw, crypto);
      return { ...result, done: true };
    }
  }
  return { ...result, done: false };
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
      const secret = keyId === null ? row.secret : openOrExplain(crypto, row.secret, row.user_id, 'user_totp.secret');
      await tx.updateTable('user_totp').set({ secret: crypto.seal(secret) }).where('user_id', '=', row.user_id).execute();
      rewritten++;
    }
    return rewritten;
  });
}

export interface KeyCensus {
  tickets: number;
  /** Sealed values per key id. */
  byKey: Record<string, number>;
  /** Values that are not sealed (must be 0 once migrated). */
  plaintext: number;
  /** Tickets with a phone but no (or a wrong) lookup hash. */
  badHash: number;
}

/** Counts what key each sealed value is under, by reading the raw rows. */
export async function keyCensus(db: AnyDb, crypto: FieldCrypto, batchSize = 2000): Promise<KeyCensus> {
  const raw = db.withoutPlugins();
  const census: KeyCensus = { tickets: 0, byKey: {}, plaintext: 0, badHash: 0 };
  let afterId = 0;
  for (;;) {
    const rows = (await raw
      .selectFrom('tickets')
      .select(['id', ...SEALED_TICKET_COLUMNS, 'requester_phone_hash'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(batchSize)
      .execute()) as RawTicket[];
    for (const row of rows) {
      census.tickets++;
      for (const c of SEALED_TICKET_COLUMNS) {
        const v = row[c];
        if (v === null || v === undefined) continue;
        const id = crypto.keyIdOf(v);
        if (id === null) census.plaintext++;
        else census.byKey[id] = (census.byKey[id] ?? 0) + 1;
      }
      const phone = row.requester_phone === null ? null : crypto.keyIdOf(row.requester_phone) === null ? row.requester_phone : openOrExplain(crypto, row.requester_phone, row.id, 'requester_phone');
      if (crypto.phoneLookupHash(phone) !== row.requester_phone_hash) census.badHash++;
    }
    if (rows.length < batchSize) return census;
    afterId = Number(rows[rows.length - 1]!.id);
  }
}

/**
 * Refuses to serve a store whose sealed data these keys cannot open: the newest and the oldest
 * ticket's phone must open and hash to its lookup hash. Catches a second host that made its own key
 * file, a restore without the keys, a wrong HOTLINE_FIELD_KEYS or HOTLINE_LOOKUP_KEY.
 */
export async function assertKeysFitStore(db: AnyDb, crypto: FieldCrypto): Promise<void> {
  const raw = db.withoutPlugins();
  const sample = async (direction: 'asc' | 'desc') =>
    (await raw.selectFrom('tickets').select(['id', 'requester_phone', 'requester_phone_hash']).where('requester_phone', 'is not', null).orderBy('id', direction).limit(1).executeTakeFirst()) as
      | { id: number; requester_phone: string; requester_phone_hash: string | null }
      | undefined;
  const hint = '请使用写入这些数据时的密钥：同样的 HOTLINE_FIELD_KEYS / HOTLINE_LOOKUP_KEY，或原来的 hotline.keys 文件';
  for (const row of [await sample('desc'), await sample('asc')]) {
    if (!row || crypto.keyIdOf(row.requester_phone) === null) continue;
    let phone: string;
    try {
      phone = crypto.open(row.requester_phone);
    } catch (err) {
      throw new Error(`数据库中的个人信息无法用现有密钥解密（工单 #${row.id}：${(err as Error).message}）。${hint}`);
    }
    if (crypto.phoneLookupHash(phone) !== row.requester_phone_hash) throw new Error(`电话查找密钥与数据库不符（工单 #${row.id} 的查找哈希对不上）。${hint}`);
  }
}
