// Throwaway databases for integration tests. SQLite is always available;
// PostgreSQL only when the test runner started a cluster and exported its
// admin URL as HOTLINE_TEST_PG_URL (see scripts/run-tests.mjs).

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type Engine = 'sqlite' | 'postgres';

export interface TestDatabase {
  engine: Engine;
  /** for postgres */
  url?: string;
  /** for sqlite */
  sqliteFile?: string;
  drop(): Promise<void>;
}

function adminUrl(): string | undefined {
  return process.env.HOTLINE_TEST_PG_URL || undefined;
}

/** The engines this run can test: always 'sqlite', plus 'postgres' when HOTLINE_TEST_PG_URL is set. */
export function testEngines(): Engine[] {
  return adminUrl() ? ['sqlite', 'postgres'] : ['sqlite'];
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database on that engine: a new SQLite file in its own temp
 * directory (created on first open), or a new database on the test cluster.
 * drop() removes it again and may be called more than once.
 */
export async function freshDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-test-'));
    return {
      engine,
      sqliteFile: join(dir, 'test.sqlite'),
      // The whole directory goes, so -wal/-shm/-journal files go with it.
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }

  const admin = adminUrl();
  if (!admin) throw new Error('freshDatabase("postgres"): HOTLINE_TEST_PG_URL is not set');
  const name = `t_${randomBytes(8).toString('hex')}`;
  // template0 is never connected to, so concurrent test files cannot make
  // CREATE DATABASE fail with "source database is being accessed by other users".
  await withAdmin(admin, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE template0`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    engine,
    url: url.toString(),
    // FORCE disconnects pools a failed test may have left open.
    drop: async () => {
      await withAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
