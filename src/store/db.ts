// Opens the store: embedded SQLite (a file under HOTLINE_DATA_DIR) by default, PostgreSQL when a
// postgres:// URL is given. This folder is the only place that knows the two dialects apart.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, SqliteDialect, type KyselyPlugin } from 'kysely';
import type { Database } from './schema.ts';
import type { FieldCrypto } from './field-crypto.ts';
import { FieldCryptoPlugin } from './field-crypto-plugin.ts';
import { keySourceFor, loadKeys, openAuditKeyring, openFieldCrypto, type KeySource } from './field-keys.ts';
import { AuditKeyPlugin, type AuditKeyring } from './audit-keys.ts';
import { backoff, dropReadOnlyConnections, isTransientStoreError, retryBudgetMs, RetryingPostgresDialect } from './retry.ts';
import { CommitUnknown } from './unavailable.ts';
import { capabilitiesFor, type StoreCapabilities } from './capabilities.ts';

import type { Db, Engine, Tx } from './db-types.ts';

export type { Db, Engine, Tx } from './db-types.ts';

export interface Store {
  db: Db;
  /** Which engine, for what names it (status output, backups); what differs in behaviour is asked of `capabilities`. */
  engine: Engine;
  /** What this store can do (./capabilities.ts). */
  capabilities: StoreCapabilities;
  /** Seals and opens the requester's personal data (./field-crypto-plugin.ts does it on every query). */
  crypto: FieldCrypto;
  /** The audit chain's HMAC keys (./audit-keys.ts); transactions find them through the plugin. */
  auditKeys: AuditKeyring;
  keySource: KeySource;
  /**
   * Where reports and exports may read (HOTLINE_REPLICA_URL, a streaming standby): a second pool that
   * never writes. Absent, they read from `db`.
   */
  replica?: Db;
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
  /** postgres://… of a read replica for reports and exports (PostgreSQL only). */
  replicaUrl?: string;
}

// PostgreSQL returns int8 (counts, bigserial ids) as strings and timestamptz as Date; the rest of
// the code works with numbers and UTC ISO strings on both engines.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString());
pg.types.setTypeParser(1114, (v) => new Date(`${v}Z`).toISOString());

const cryptoOfDb = new WeakMap<object, FieldCrypto>();
const replicas = new WeakSet<object>();

/** Whether `db` is the read-only replica pool (what would only be kept, such as a cache, is not written there). */
export function isReadReplica(db: object): boolean {
  return replicas.has(db);
}

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
    const db = postgresDb(options.url, options.poolSize ?? 10, plugins, false, log);
    cryptoOfDb.set(db, crypto);
    // The replica's pool opens its sessions read-only: a write sent there by mistake fails at once.
    const replica = options.replicaUrl ? postgresDb(options.replicaUrl, Math.max(2, Math.ceil((options.poolSize ?? 10) / 2)), plugins, true) : undefined;
    if (replica) {
      cryptoOfDb.set(replica, crypto);
      replicas.add(replica);
    }
    const close = async () => {
      await replica?.destroy();
      await db.destroy();
    };
    return { db, engine: 'postgres', capabilities: capabilitiesFor('postgres'), crypto, auditKeys, keySource, replica, close };
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
  return { db, engine: 'sqlite', capabilities: capabilitiesFor('sqlite'), crypto, auditKeys, keySource, close: () => db.destroy() };
}

/** A read-only pool on `url` used as `store.replica` (tests point it at a database of their own). */
export function openReplicaDb(url: string, store: Store, max = 4): Db {
  const replica = postgresDb(url, max, [new FieldCryptoPlugin(store.crypto), new AuditKeyPlugin(store.auditKeys)], true);
  cryptoOfDb.set(replica, store.crypto);
  replicas.add(replica);
  return replica;
}

function postgresDb(url: string, max: number, plugins: KyselyPlugin[], readOnly = false, log?: (event: unknown) => void): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // A connect that hangs (a node gone without a word) is given up and tried again, not waited on forever.
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => {});
  // Nor a checked-out client's: a connection cut between two statements of a transaction makes
  // node-postgres emit 'error' on the client, which nobody else listens to while it is in use. The
  // next statement fails instead (tried again or answered 503), and the pool drops the client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  dropReadOnlyConnections(pool);
  return new Kysely<Database>({ dialect: new RetryingPostgresDialect({ pool }), plugins, log });
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

export interface TransactionOptions {
  /**
   * When the COMMIT was sent but no answer came (the connection died with it), whether it committed:
   * the result it committed, or undefined if it did not (the work then runs again). Without it such a
   * transaction is answered as of unknown outcome (CommitUnknown, 503), never run twice.
   */
  committed?: () => Promise<unknown>;
}

/**
 * Runs `work` in one transaction: the change, its audit event and its outbox messages commit together.
 * A transaction cut before its COMMIT (failover, a terminated backend, a read-only node, a serialization
 * failure) committed nothing and runs again on a fresh connection, within the retry budget (./retry.ts).
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const deadline = Date.now() + retryBudgetMs();
  for (let attempt = 1; ; attempt++) {
    let committing = false;
    try {
      return await db.transaction().execute(async (tx) => {
        commitHooks.set(tx, []);
        const result = await work(tx);
        // Steps that must run last, just before the commit (the audit chain's seal on PostgreSQL).
        for (const hook of commitHooks.get(tx)!) await hook();
        committing = true;
        return result;
      });
    } catch (err) {
      if (!isTransientStoreError(err)) throw err;
      if (committing) {
        if (!options.committed) throw new CommitUnknown(err);
        const found = await whenReachable(options.committed, deadline, attempt).catch(() => {
          throw new CommitUnknown(err);
        });
        if (found !== undefined) return found as T;
      }
      if (!(await backoff(attempt, deadline))) throw err;
    }
  }
}

async function whenReachable<R>(probe: () => Promise<R>, deadline: number, attempt: number): Promise<R> {
  for (let n = attempt; ; n++) {
    try {
      return await probe();
    } catch (err) {
      if (!isTransientStoreError(err) || !(await backoff(n, deadline))) throw err;
    }
  }
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
