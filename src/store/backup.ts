// Backups of the whole store and their restore, on both engines:
// - SQLite: better-sqlite3's online backup API (sqlite3_backup), page by page from a live database
//   while the server keeps writing; the copy is one consistent snapshot.
// - PostgreSQL: pg_dump in its custom format and pg_restore, from PATH or /usr/lib/postgresql/*/bin
//   (the newest version found; pg_dump must not be older than the server).
// A restore goes into an empty store (a fresh SQLite file or an empty database) unless forced.
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';

/** A backup or restore that cannot go on, with the operator's reason in Chinese (the CLI prints it, no stack trace). */
export class BackupError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
  ) {
    super(title);
  }
}
import type { Db, Engine } from './db.ts';
import { keySourceFor, type KeySource } from './field-keys.ts';

export interface BackupTarget {
  engine: Engine;
  /** PostgreSQL connection URL. */
  url?: string;
  /** SQLite file. */
  sqliteFile?: string;
}

/** The store the environment names: PostgreSQL at its URL, else the SQLite file of the data folder. */
export function backupTargetOf(env: { databaseUrl?: string; dataDir?: string }): BackupTarget {
  return env.databaseUrl ? { engine: 'postgres', url: env.databaseUrl } : { engine: 'sqlite', sqliteFile: join(env.dataDir ?? './data', 'hotline.sqlite') };
}

/** Where the target's keys are: beside its SQLite file, or in the data folder for PostgreSQL. */
export function keySourceOfTarget(target: BackupTarget, dataDir: string | undefined): KeySource {
  return keySourceFor(target.engine === 'sqlite' ? { sqliteFile: target.sqliteFile } : { dataDir });
}

/** Whether the target may hold data already: a database server may; a SQLite file does once it exists. */
export function targetMayHoldData(target: BackupTarget): boolean {
  return target.engine === 'postgres' || existsSync(target.sqliteFile!);
}

/** Rows per table of the store (every table, the migration bookkeeping included). */
export async function tableRowCounts(db: Db, engine: Engine): Promise<Record<string, number>> {
  const names =
    engine === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)).rows
      : // A partitioned table counts its partitions' rows: the partitions themselves are left out.
        (await sql<{ name: string }>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`.execute(db)).rows;
  const out: Record<string, number> = {};
  if (!names.length) return out;
  // One statement for all tables: the fuzz test counts before and after every request.
  const union = sql.join(
    names.map(({ name }) => sql`select ${name} as t, count(*) as n from ${sql.id(name)}`),
    sql` union all `,
  );
  const rows = await sql<{ t: string; n: number }>`${union}`.execute(db);
  for (const r of rows.rows) out[r.t] = Number(r.n);
  return out;
}

/** A PostgreSQL client program: on PATH, else the newest under /usr/lib/postgresql/<version>/bin. */
export function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const onPath = spawnSync(name, ['--version'], { encoding: 'utf8' });
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  // The newest installed version first: it reads dumps of and dumps every older server.
  if (versions.length) return join(root, versions[0]!, 'bin', name);
  if (onPath.status === 0) return name;
  throw new BackupError(500, 'pg-tools-missing', `未找到 ${name}：请安装 PostgreSQL 客户端（postgresql-client）`);
}

/** The URL without its password, and the password for PGPASSWORD (not on the command line). */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(tool, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new BackupError(500, 'backup-tool-failed', `${tool.split('/').pop()} 失败：${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
}

/** Writes a backup of the store to `out`; returns its size in bytes. */
export async function backupStore(target: BackupTarget, out: string): Promise<number> {
  if (target.engine === 'sqlite') {
    if (!target.sqliteFile || !existsSync(target.sqliteFile)) throw new BackupError(400, 'no-store', `SQLite 数据文件不存在：${target.sqliteFile}`);
    const source = new SQLite(target.sqliteFile, { fileMustExist: true });
    try {
      source.pragma('busy_timeout = 5000');
      rmSync(out, { force: true });
      ownerOnly(out);
      await source.backup(out);
    } finally {
      source.close();
    }
  } else {
    const { dbname, env } = connection(target.url!);
    ownerOnly(out);
    runTool(pgTool('pg_dump'), ['--format=custom', '--no-owner', '--no-privileges', `--file=${out}`, `--dbname=${dbname}`], env);
  }
  chmodSync(out, 0o600);
  return statSync(out).size;
}

/** Creates `file` empty with mode 0600 (a backup holds every table: for its owner alone), or narrows it. */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'w', 0o600));
  chmodSync(file, 0o600);
}

/** Restores a backup made by backupStore into the store; it must be empty unless `force`. */
export async function restoreStore(target: BackupTarget, from: string, options: { force?: boolean } = {}): Promise<void> {
  if (!existsSync(from)) throw new BackupError(400, 'no-backup', `备份文件不存在：${from}`);
  if (target.engine === 'sqlite') {
    const file = target.sqliteFile!;
    const backup = new SQLite(from, { readonly: true, fileMustExist: true });
    try {
      let check: unknown;
      try {
        check = backup.pragma('quick_check', { simple: true });
      } catch {
        check = 'not a database';
      }
      if (check !== 'ok') throw new BackupError(400, 'bad-backup', `备份文件不是完好的 SQLite 数据库：${from}`);
      if (existsSync(file) && !options.force) {
        const existing = new SQLite(file, { readonly: true });
        const tables = existing.prepare(`select count(*) as n from sqlite_master where type = 'table'`).get() as { n: number };
        existing.close();
        if (tables.n > 0) throw new BackupError(409, 'store-not-empty', `目标数据库不是空的：${file}（确认覆盖请加 --force，并先停止服务）`);
      }
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      if (!existsSync(file)) closeSync(openSync(file, 'w', 0o600));
      chmodSync(file, 0o600);
      await backup.backup(file);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    } finally {
      backup.close();
    }
    return;
  }
  const { dbname, env } = connection(target.url!);
  const args = ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${dbname}`];
  if (options.force) args.push('--clean', '--if-exists');
  else {
    const pgClient = (await import('pg')).default;
    const client = new pgClient.Client({ connectionString: target.url });
    await client.connect();
    try {
      const r = await client.query(`select count(*)::int as n from information_schema.tables where table_schema = current_schema()`);
      if (r.rows[0].n > 0) throw new BackupError(409, 'store-not-empty', '目标数据库不是空的（确认覆盖请加 --force，并先停止服务）');
    } finally {
      await client.end();
    }
    args.push('--single-transaction');
  }
  runTool(pgTool('pg_restore'), [...args, from], env);
}
