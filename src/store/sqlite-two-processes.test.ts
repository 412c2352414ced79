// Two processes on one SQLite file, as when an operator runs the CLI beside the running server: a
// transaction that reads and then writes must not fail because the other process committed between
// its read and its write (SQLITE_BUSY_SNAPSHOT); the later writer waits for the earlier instead.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { bootstrap } from '../app/bootstrap.ts';
import { inTransaction } from './db.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'hotline.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SQLite shared by two processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-two-processes-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a transaction that read before the CLI wrote still commits its own write; the CLI waits for it', async () => {
    const ctx = await bootstrap({ dataDir: dir });
    const file = join(dir, 'hotline.sqlite');
    const watcher = new SQLite(file, { readonly: true });
    const cliUser = () => watcher.prepare(`select count(*) as n from users where username = 'cli-operator'`).get() as { n: number };
    let cli: Promise<{ code: number | null; stderr: string }> | undefined;
    try {
      await inTransaction(ctx.store.db, async (tx) => {
        await sql`select count(*) from users`.execute(tx);
        const child = spawn(process.execPath, [BIN, 'user', 'create', '--username', 'cli-operator', '--password', 'Operator-pass-2026', '--role', 'agent'], {
          env: { ...process.env, HOTLINE_DATA_DIR: dir, HOTLINE_DATABASE_URL: '' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        cli = new Promise((done) => child.on('exit', (code) => done({ code, stderr })));
        // Give the CLI time to start and try its write: it either commits now (the transaction above
        // then fails on its write) or waits for this transaction's lock.
        for (let i = 0; i < 30 && cliUser().n === 0; i++) await sleep(100);
        await sql`insert into counters (name, value) values ('two-processes', 1)`.execute(tx);
      });
      const { code, stderr } = await cli!;
      assert.equal(code, 0, stderr);
      assert.equal(cliUser().n, 1);
      const counter = await ctx.store.db.selectFrom('counters').select('value').where('name', '=', 'two-processes').executeTakeFirst();
      assert.equal(Number(counter?.value), 1);
    } finally {
      watcher.close();
      await ctx.store.close();
    }
  });
});
