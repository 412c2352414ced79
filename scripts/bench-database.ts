// A scratch database for one benchmark part: on PostgreSQL a database created on the server
// HOTLINE_BENCH_PG_URL names (an admin URL) and dropped afterwards; on SQLite a file in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface ScratchDatabase {
  dir: string;
  sqliteFile: string;
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

async function adminRun(admin: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function scratchDatabase(engine: 'sqlite' | 'postgres', name: string): Promise<ScratchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `hotline-bench-${name}-`));
  const removeDir = async () => rmSync(dir, { recursive: true, force: true });
  if (engine === 'sqlite') return { dir, sqliteFile: join(dir, `${name}.sqlite`), databaseUrl: undefined, drop: removeDir };
  const admin = process.env.HOTLINE_BENCH_PG_URL!;
  const database = `hotline_bench_${name}_${process.pid}`;
  await adminRun(admin, `CREATE DATABASE "${database}" TEMPLATE template0`);
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return {
    dir,
    sqliteFile: join(dir, `${name}.sqlite`),
    databaseUrl: url.toString(),
    drop: async () => {
      await adminRun(admin, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await removeDir();
    },
  };
}
