// Bulk writes of generated rows, the fastest honest way each engine offers without extra packages:
// PostgreSQL gets one INSERT … SELECT FROM unnest(…) per table and batch (one round trip carrying
// every column as an array, parsed once on the server); SQLite gets one transaction per batch with
// prepared multi-row statements on its own connection to the file.
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db } from '../store/db.ts';

/** Column name and its PostgreSQL array element type. */
export type ColumnSpec = readonly [name: string, pgType: 'int8' | 'int4' | 'text' | 'timestamptz'];

export interface TableSpec {
  table: string;
  columns: readonly ColumnSpec[];
}

export interface BulkBatch {
  table: TableSpec;
  rows: ReadonlyArray<Record<string, unknown>>;
}

export interface BulkWriter {
  /** Writes every batch in one transaction. */
  write(batches: BulkBatch[]): Promise<void>;
  close(): Promise<void>;
}

export function postgresWriter(db: Db): BulkWriter {
  return {
    async write(batches) {
      await db.transaction().execute(async (tx) => {
        // A bulk load is rerun, not recovered: no need to wait for each commit's flush to disk.
        await sql`set local synchronous_commit = off`.execute(tx);
        for (const { table, rows } of batches) {
          if (!rows.length) continue;
          const names = sql.raw(table.columns.map(([n]) => `"${n}"`).join(', '));
          const arrays = table.columns.map(([name, type]) => sql`${rows.map((r) => r[name] ?? null)}::${sql.raw(type)}[]`);
          await sql`insert into ${sql.table(table.table)} (${names}) select * from unnest(${sql.join(arrays)})`.execute(tx);
        }
      });
    },
    close: async () => {},
  };
}

export function sqliteWriter(file: string): BulkWriter {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // A bulk load touches every index of every table: keep their pages in memory (256 MB at most).
  db.pragma('cache_size = -262144');
  // Many rows per statement: a third less time than one row per call on this machine.
  const ROWS_PER_STATEMENT = 50;
  const statements = new Map<string, SQLite.Statement>();
  const statementFor = (table: TableSpec, rows: number) => {
    const key = `${table.table}:${rows}`;
    let s = statements.get(key);
    if (!s) {
      const one = `(${table.columns.map(() => '?').join(', ')})`;
      s = db.prepare(`insert into "${table.table}" (${table.columns.map(([n]) => `"${n}"`).join(', ')}) values ${Array(rows).fill(one).join(', ')}`);
      statements.set(key, s);
    }
    return s;
  };
  const writeAll = db.transaction((batches: BulkBatch[]) => {
    for (const { table, rows } of batches) {
      const names = table.columns.map(([n]) => n);
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
        const params: unknown[] = [];
        for (const row of chunk) for (const n of names) params.push(row[n] ?? null);
        statementFor(table, chunk.length).run(params);
      }
    }
  });
  return {
    async write(batches) {
      writeAll(batches);
    },
    close: async () => {
      db.close();
    },
  };
}
