import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { freshDatabase, testEngines } from './databases.ts';

describe('test databases', () => {
  it('always include sqlite', () => {
    assert.ok(testEngines().includes('sqlite'));
  });

  for (const engine of testEngines()) {
    it(`${engine}: fresh database is usable and dropped afterwards`, async () => {
      const db = await freshDatabase(engine);
      assert.equal(db.engine, engine);

      if (engine === 'sqlite') {
        assert.ok(db.sqliteFile);
        const conn = new Database(db.sqliteFile);
        try {
          conn.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
          conn.prepare('INSERT INTO t (name) VALUES (?)').run('工单');
          assert.deepEqual(conn.prepare('SELECT id, name FROM t').all(), [{ id: 1, name: '工单' }]);
        } finally {
          conn.close();
        }
        assert.ok(existsSync(db.sqliteFile));
        await db.drop();
        assert.equal(existsSync(db.sqliteFile), false);
        return;
      }

      assert.ok(db.url);
      const name = new URL(db.url).pathname.slice(1);
      const conn = new pg.Client({ connectionString: db.url });
      await conn.connect();
      try {
        const { rows: tables } = await conn.query(
          `SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'`,
        );
        assert.equal(tables.length, 0, 'a fresh database has no tables');
        await conn.query('CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL)');
        await conn.query('INSERT INTO t (name) VALUES ($1)', ['工单']);
        const { rows } = await conn.query('SELECT id, name FROM t');
        assert.deepEqual(rows, [{ id: 1, name: '工单' }]);
      } finally {
        await conn.end();
      }

      await db.drop();
      const admin = new pg.Client({ connectionString: process.env.HOTLINE_TEST_PG_URL });
      await admin.connect();
      try {
        const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        assert.equal(rows.length, 0, `database ${name} still exists after drop()`);
      } finally {
        await admin.end();
      }
    });
  }
});
