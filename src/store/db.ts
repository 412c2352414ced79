// Opens the store: embedded SQLite (a file under HOTLINE_DATA_DIR) by default, PostgreSQL when a
// postgres:// URL is given. This folder is the only place that knows the two dialects apart.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { FieldCrypto } from './field-crypto.ts';
import { FieldCryptoPlugin } from './field-crypto-plugin.ts';
import { keySourceFor, loadKeys, openAuditKeyring, openFieldCrypto, type KeySource } from './field-keys.ts';
import { AuditKeyPlugin, type AuditKeyring } from './audit-keys.ts';

export type Engine = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface Store {
  db: Db;
  engine: Engine;
  /** Seals and opens the requester's personal data (./field-crypto-plugin.ts does it on every query). */
  crypto: FieldCrypto;
  /** The audit chain's HMAC keys (./audit-keys.ts); transactions find them through the plugin. */
  auditKeys: AuditKeyring;
  keySource: KeySource;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… ; when absent, SQLite at sqliteFile. */
  url?: string;
  sqliteFile?: string;
  /** PostgreSQL pool size per process. */
  poolSize?: number;
  /** Where the field-key file is for PostgreSQL (SQLite keeps it beside its file); default HOTLINE_DATA_DIR. */
  dataDir?: string;
}

// PostgreSQL returns int8 (counts, bigserial ids) as strings and timestamptz as Date; the rest of
// the code works with numbers and UTC ISO strings on both engines.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString());
pg.types.setTypeParser(1114, (v) => new Date(`${v}Z`).toISOString());

const cryptoOfDb = new WeakMap<object, FieldCrypto>();

/**
 * Under `npm run bench` only (HOTLINE_BENCH_STATEMENTS_DIR set): counts the statements this process
 * sends through Kysely and writes the running total to a file of that folder named by the pid, so the
 * bench can print statements per ticket created. Transaction begin and commit are not counted.
 */
let countStatement: ((event: unknown) => void) | undefined | null = null;
function statementCounter(): ((event: unknown) => void) | undefined {
  if (countStatement !== null) return countStatement;
  const dir = process.env.HOTLINE_BENCH_STATEMENTS_DIR;
  if (!dir) return (countStatement = undefined);
  let count = 0;
  let written = -1;
  const file = join(dir, `statements-${process.pid}`);
  const flush = () => {
    if (count === written) return;
    written = count;
    writeFileSync(file, String(count));
  };
  setInterval(flush, 1000).unref();
  process.once('exit', flush);
  return (countStatement = () => {
    count++;
  });
}

/** The FieldCrypto of a store's Kysely instance (the migrations seal existing rows with it). */
export function storeCrypto(db: object): FieldCrypto | undefined {
  return cryptoOfDb.get(db);
}

export function openStore(options: StoreOptions): Store {
  const file = options.sqliteFile ?? ':memory:';
  const keySource = keySourceFor(options.url ? { dataDir: options.dataDir } : { sqliteFile: file });
  const fieldKeys = loadKeys(keySource);
  const crypto = openFieldCrypto(keySource, process.env, fieldKeys);
  const auditKeys = openAuditKeyring(keySource, fieldKeys);
  const plugins = [new FieldCryptoPlugin(crypto), new AuditKeyPlugin(auditKeys)];
  const log = statementCounter();
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle client's error (e.g. the server restarting) must not crash the process.
    pool.on('error', () => {});
    // Nor a checked-out client's: a connection cut between two statements of a transaction makes
    // node-postgres emit 'error' on the client, which nobody else listens to while it is in use. The
    // next statement fails instead (answered 503), and the pool drops the client on release.
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins, log });
    cryptoOfDb.set(db, crypto);
    return { db, engine: 'postgres', crypto, auditKeys, keySource, close: () => db.destroy() };
  }
  if (file !== ':memory:') prepareOwnerOnlyFile(file);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a crash of the process; FULL also a power cut, at a cost.
  sqlite.pragma(`synchronous = ${process.env.HOTLINE_SQLITE_SYNCHRONOUS === 'full' ? 'FULL' : 'NORMAL'}`);
  // Each checkpoint fsyncs the database file inside whichever commit triggers it; checkpointing every
  // ~40 MB of WAL instead of every 4 MB doubles the commit rate, and the WAL file is truncated after.
  sqlite.pragma('wal_autocheckpoint = 10000');
  sqlite.pragma('journal_size_limit = 67108864');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), plugins, log });
  cryptoOfDb.set(db, crypto);
  return { db, engine: 'sqlite', crypto, auditKeys, keySource, close: () => db.destroy() };
}

/**
 * The SQLite file readable by its owner alone (0600), created so before SQLite opens it: SQLite gives
 * its -wal and -shm files the database file's mode. A store from before is narrowed to 0600 too.
 * The directory, when created here, is 0700.
 */
export function prepareOwnerOnlyFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs as much as running a small
 * query. The same few dozen statements recur, so keep them (better-sqlite3 statements are reusable).
 */
function withStatementCache(sqlite: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (text: string) => {
      // Kysely begins with a deferred `begin`. A transaction that reads, then writes, fails with
      // SQLITE_BUSY_SNAPSHOT if another process (the CLI beside a running server) committed in
      // between; `begin immediate` takes the write lock first, waiting up to busy_timeout for it.
      // Within the process transactions are serialized by Kysely anyway, so this costs nothing.
      const sqlText = text === 'begin' ? 'begin immediate' : text;
      let statement = cache.get(sqlText);
      if (!statement) {
        statement = sqlite.prepare(sqlText);
        if (cache.size >= 500) cache.delete(cache.keys().next().value!);
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
}

const commitHooks = new WeakMap<Tx, Array<() => Promise<void>>>();

/** Runs `work` in one transaction: the change, its audit event and its outbox messages commit together. */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    commitHooks.set(tx, []);
    const result = await work(tx);
    // Steps that must run last, just before the commit (the audit chain's seal on PostgreSQL).
    for (const hook of commitHooks.get(tx)!) await hook();
    return result;
  });
}

/** Whether `tx` was opened by inTransaction (so beforeCommit hooks run). */
export function isManagedTransaction(tx: Tx): boolean {
  return commitHooks.has(tx);
}

/** Runs `hook` at the end of this transaction, after its work and before the commit. */
export function beforeCommit(tx: Tx, hook: () => Promise<void>): void {
  const hooks = commitHooks.get(tx);
  if (!hooks) throw new Error('beforeCommit: not a transaction of inTransaction');
  hooks.push(hook);
}
