// Bulk writes of generated rows, the fastest honest way each engine offers: PostgreSQL gets one
// `COPY … FROM STDIN` per table and batch on its own connection (pg-copy-streams; rows in COPY's
// text format, parsed by the server without a statement per row); SQLite gets one transaction per
// batch with prepared multi-row statements on its own connection to the file.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export interface TableSpec {
  table: string;
  columns: readonly string[];
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

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIAL_ALL = /[\\\n\r\t]/g;

/** One value in COPY's text format: \N for null, backslash escapes for the separators. */
export function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : String(v);
  return COPY_SPECIAL.test(s) ? s.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]) : s;
}

/** The rows as COPY text, in chunks of about a megabyte. */
function* copyText(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < columns.length; i++) line += (i ? '\t' : '') + copyField(row[columns[i]]);
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

const quoted = (columns: readonly string[]) => columns.map((n) => `"${n}"`).join(', ');

export async function postgresWriter(databaseUrl: string): Promise<BulkWriter> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    async write(batches) {
      await client.query('begin');
      try {
        // A bulk load is rerun, not recovered: no need to wait for each commit's flush to disk.
        await client.query('set local synchronous_commit = off');
        for (const { table, rows } of batches) {
          if (!rows.length) continue;
          const stream = client.query(copyFrom(`copy "${table.table}" (${quoted(table.columns)}) from stdin`));
          await pipeline(Readable.from(copyText(table.columns, rows)), stream);
        }
        await client.query('commit');
      } catch (e) {
        await client.query('rollback').catch(() => {});
        throw e;
      }
    },
    close: () => client.end(),
  };
}

export function sqliteWriter(file: string): BulkWriter {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // A bulk load touches every index of every table: keep their pages in memory (256 MB at most).
  db.pragma('cache_size = -262144');
  // Many rows per statement: fewer calls into SQLite, each binding a long parameter list at once.
  const ROWS_PER_STATEMENT = 100;
  const statements = new Map<string, SQLite.Statement>();
  const statementFor = (table: TableSpec, rows: number) => {
    const key = `${table.table}:${rows}`;
    let s = statements.get(key);
    if (!s) {
      const one = `(${table.columns.map(() => '?').join(', ')})`;
      s = db.prepare(`insert into "${table.table}" (${quoted(table.columns)}) values ${Array(rows).fill(one).join(', ')}`);
      statements.set(key, s);
    }
    return s;
  };
  const writeAll = db.transaction((batches: BulkBatch[]) => {
    for (const { table, rows } of batches) {
      const names = table.columns;
      const width = names.length;
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        const end = Math.min(rows.length, i + ROWS_PER_STATEMENT);
        const params = new Array((end - i) * width);
        let p = 0;
        for (let r = i; r < end; r++) {
          const row = rows[r];
          for (let c = 0; c < width; c++) params[p++] = row[names[c]] ?? null;
        }
        statementFor(table, end - i).run(params);
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
