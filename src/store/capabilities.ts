// What the store can do, named, with one implementation per engine: the way Kysely's dialect
// adapters say `supportsReturning` or `acquireMigrationLock` rather than which database it is.
// Capability folders ask for a capability (lock these rows, take a turn, bulk-load, rank passages);
// the SQL that differs between SQLite and PostgreSQL is written here and in the modules it names.
import { PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Engine } from './db-types.ts';
import type { Database } from './schema.ts';
import { amongFew, checkedOnly, readThrough } from './planner-hints.ts';
import { ensureHistoryPartitions } from './partitions.ts';
import { postgresWriter, sqliteWriter, type BulkWriter } from './bulk-writer.ts';
import { postgresPassageIndex, sqlitePassageIndex, type PassageIndex } from './kb-index.ts';

type AnyDb = Kysely<any>;
type Select = SelectQueryBuilder<any, any, any>;

export interface StoreCapabilities {
  /**
   * One writer at a time: a write transaction holds the whole database (SQLite), so what it read
   * stays as it read it until the commit and no other writer is waiting on it. Otherwise (PostgreSQL)
   * writers run side by side and take row locks where they need them.
   */
  readonly singleWriter: boolean;
  /** `select … for update`: the rows stay this transaction's until it ends; as written where the one writer holds the database anyway. */
  lockRows<Q extends Select>(q: Q): Q;
  /** `for update skip locked`: each worker claims rows no other worker holds (a queue's relays side by side). */
  claimRows<Q extends Select>(q: Q): Q;
  /**
   * A lock named by a number for the rest of the transaction, if no one holds it: false when another
   * transaction does. Always true where there is one writer (the transaction holds everything).
   */
  tryTransactionLock(tx: AnyDb, key: number): Promise<boolean>;
  /** Locks named `prefix + name` for the rest of the transaction, waiting for their holders, taken in name order so two takers cannot deadlock. */
  transactionLocks(tx: AnyDb, prefix: string, names: readonly string[]): Promise<void>;
  /** Waits until the transactions writing `table` now have committed and keeps new ones out until this one ends (`lock table … in share mode`). */
  holdWritersOf(tx: AnyDb, table: keyof Database & string): Promise<void>;
  /** The audit chain is linked at commit by the store (a trigger, under the chain's lock), not by the writer as it inserts each event. */
  readonly chainsAuditAtCommit: boolean;
  /** Lets this transaction delete the audit rows an archive covers (the append-only triggers watch for it), and shuts it again. */
  openAuditArchivePath(tx: AnyDb, archiveId: number): Promise<void>;
  closeAuditArchivePath(tx: AnyDb, archiveId: number): Promise<void>;
  /** A whole number as a bigint parameter, for a VALUES list whose column type the statement does not otherwise say. */
  int8(value: number): RawBuilder<number>;
  /** The history (tickets, events) is partitioned by month and needs its months' partitions ahead of time. */
  readonly partitionedHistory: boolean;
  /** Creates the history's partitions for every month from `from` to `to` (nothing to do without partitions). */
  ensureHistoryPartitions(db: AnyDb, from: string | number, to: string | number): Promise<string[]>;
  /** Whether the table has the column (the schema as migrated so far). */
  hasColumn(db: AnyDb, table: string, column: string): Promise<boolean>;
  /** The fastest honest bulk load the engine offers (./bulk-writer.ts), on a connection of its own. */
  openBulkWriter(db: AnyDb, options: { databaseUrl?: string }): Promise<BulkWriter>;
  /** After rows were written with ids of their own: the id generators move past them. */
  advanceIdsPast(db: AnyDb, tables: readonly string[]): Promise<void>;
  /** Fresh planner statistics for the whole database (and what else the engine keeps up on a live server). */
  analyzeAll(db: AnyDb): Promise<void>;
  /** The knowledge base's full-text index (./kb-index.ts). */
  readonly passageIndex: PassageIndex;
  /**
   * An OR of two indexed columns is best written as a UNION of two queries, one per index: SQLite's
   * planner reads a third index for the OR; PostgreSQL's cannot probe into a UNION.
   */
  readonly orAsUnion: boolean;
  /** The planner hints of ./planner-hints.ts. */
  readThrough<T extends keyof Database & string>(table: T, index: string): T;
  amongFew(column: string, ids: Expression<unknown>): RawBuilder<SqlBool>;
  checkedOnly(column: string): RawBuilder<unknown>;
}

const noLock = async () => undefined;

const sqliteCapabilities: StoreCapabilities = {
  singleWriter: true,
  lockRows: (q) => q,
  claimRows: (q) => q,
  tryTransactionLock: async () => true,
  transactionLocks: noLock,
  holdWritersOf: noLock,
  chainsAuditAtCommit: false,
  // The triggers let a delete through while the gate table names the archive.
  openAuditArchivePath: async (tx, archiveId) => {
    await tx.insertInto('audit_archive_gate').values({ archive_id: archiveId }).execute();
  },
  closeAuditArchivePath: async (tx, archiveId) => {
    await tx.deleteFrom('audit_archive_gate').where('archive_id', '=', archiveId).execute();
  },
  int8: (value) => sql<number>`${value}`,
  partitionedHistory: false,
  ensureHistoryPartitions: async () => [],
  hasColumn: async (db, table, column) => {
    const r = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
    return r.rows.some((c) => c.name === column);
  },
  openBulkWriter: async (db) => {
    const r = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db);
    const file = r.rows[0]?.file;
    if (!file) throw new Error('a bulk load needs a SQLite file, not an in-memory database');
    return sqliteWriter(file);
  },
  // An integer primary key takes max(id) + 1 by itself.
  advanceIdsPast: noLock,
  analyzeAll: async (db) => {
    await sql`analyze`.execute(db);
  },
  passageIndex: sqlitePassageIndex,
  orAsUnion: true,
  readThrough: (table, index) => readThrough('sqlite', table, index),
  amongFew: (column, ids) => amongFew('sqlite', column, ids),
  checkedOnly: (column) => checkedOnly('sqlite', column),
};

const postgresCapabilities: StoreCapabilities = {
  singleWriter: false,
  lockRows: (q) => q.forUpdate() as typeof q,
  claimRows: (q) => q.forUpdate().skipLocked() as typeof q,
  tryTransactionLock: async (tx, key) => {
    const got = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${key}) as ok`.execute(tx);
    return !!got.rows[0]?.ok;
  },
  transactionLocks: async (tx, prefix, names) => {
    if (!names.length) return;
    await sql`select pg_advisory_xact_lock(k) from (select distinct hashtextextended(${prefix} || c, 0) as k from unnest(${[...names]}::text[]) as c order by 1) as locks`.execute(tx);
  },
  holdWritersOf: async (tx, table) => {
    await sql`lock table ${sql.table(table)} in share mode`.execute(tx);
  },
  chainsAuditAtCommit: true,
  // The triggers let a delete through while this transaction's setting says so.
  openAuditArchivePath: async (tx) => {
    await sql`select set_config('hotline.audit_archive', 'on', true)`.execute(tx);
  },
  closeAuditArchivePath: async (tx) => {
    await sql`select set_config('hotline.audit_archive', 'off', true)`.execute(tx);
  },
  int8: (value) => sql<number>`${value}::bigint`,
  partitionedHistory: true,
  ensureHistoryPartitions: (db, from, to) => ensureHistoryPartitions(db, 'postgres', from, to),
  hasColumn: async (db, table, column) => {
    const r = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns where table_schema = current_schema() and table_name = ${table} and column_name = ${column}`.execute(db);
    return Number(r.rows[0]?.n) > 0;
  },
  openBulkWriter: async (_db, options) => {
    if (!options.databaseUrl) throw new Error('a bulk load on PostgreSQL needs the databaseUrl to load through COPY');
    return postgresWriter(options.databaseUrl);
  },
  advanceIdsPast: async (db, tables) => {
    for (const table of tables) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), greatest((select max(id) from ${sql.table(table)}), 1))`.execute(db);
    }
  },
  // What autovacuum keeps up to date on a live server: statistics and the visibility map.
  analyzeAll: async (db) => {
    await sql`vacuum analyze`.execute(db);
  },
  passageIndex: postgresPassageIndex,
  orAsUnion: false,
  readThrough: (table, index) => readThrough('postgres', table, index),
  amongFew: (column, ids) => amongFew('postgres', column, ids),
  checkedOnly: (column) => checkedOnly('postgres', column),
};

const BY_ENGINE: Record<Engine, StoreCapabilities> = { sqlite: sqliteCapabilities, postgres: postgresCapabilities };

/** The capabilities of a store of this engine (Store.capabilities holds them for an open store). */
export function capabilitiesFor(engine: Engine): StoreCapabilities {
  return BY_ENGINE[engine];
}

/** The capabilities of the store behind a Kysely instance or transaction, read from its adapter as Kysely does. */
export function capabilitiesOf(db: AnyDb): StoreCapabilities {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgresCapabilities : sqliteCapabilities;
}
