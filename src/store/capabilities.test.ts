// The store's named capabilities (./capabilities.ts) on every engine: what each engine says of
// itself, the SQL its fragments compile to, and what the locks, bulk loads and schema questions do
// against a real database: a row another transaction locked is waited for or skipped, a lock held
// elsewhere is refused, bulk-loaded ids are not handed out again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { freshDatabase, testEngines, type TestDatabase } from '../../test/support/databases.ts';
import { openStore, type Store } from './db.ts';
import { migrate } from './migrations.ts';
import { capabilitiesFor, capabilitiesOf } from './capabilities.ts';
import { dialectHelpers } from './migrations/_helpers-2026.ts';

// A table of the test's own, outside the schema's types.
type AnyDb = Kysely<any>;

/** What each engine says of itself. */
const EXPECTED = {
  sqlite: { singleWriter: true, chainsAuditAtCommit: false, partitionedHistory: false, orAsUnion: true },
  postgres: { singleWriter: false, chainsAuditAtCommit: true, partitionedHistory: true, orAsUnion: false },
} as const;

/** The SQL the fragments compile to, per engine (a fragment of the statement, or what it must not hold). */
const COMPILED = {
  sqlite: { lockRows: /from "cap_rows"$/, claimRows: /from "cap_rows"$/, readThrough: /from "duties" indexed by "duties_kind_due"/, amongFew: /"t"\."id" in \(\(select/, checkedOnly: /^\+"t"\."id"$/ },
  postgres: { lockRows: / for update$/, claimRows: / for update skip locked$/, readThrough: /from "duties"$/, amongFew: /"t"\."id" = any\(array\(\(select/, checkedOnly: /^"t"\."id"$/ },
} as const;

for (const engine of testEngines()) {
  describe(`store capabilities [${engine}]`, () => {
    let database: TestDatabase;
    let dataDir: string;
    let store: Store;
    const can = capabilitiesFor(engine);
    const raw = () => store.db as unknown as AnyDb;

    before(async () => {
      database = await freshDatabase(engine);
      dataDir = mkdtempSync(join(tmpdir(), 'hotline-capabilities-'));
      store = openStore({ url: database.url, sqliteFile: database.sqliteFile, dataDir });
      await migrate(store.db, store.engine);
      await raw()
        .schema.createTable('cap_rows')
        .addColumn('id', ...dialectHelpers(engine).id())
        .addColumn('v', 'text')
        .execute();
      await raw()
        .insertInto('cap_rows')
        .values([{ v: 'a' }, { v: 'b' }, { v: 'c' }])
        .execute();
    });
    after(async () => {
      await store?.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('the open store, its Kysely instance and its transactions name the same capabilities', async () => {
      assert.equal(store.capabilities, can);
      assert.equal(capabilitiesOf(store.db), can);
      await store.db.transaction().execute(async (tx) => assert.equal(capabilitiesOf(tx), can));
      assert.notEqual(capabilitiesFor('sqlite'), capabilitiesFor('postgres'));
    });

    it('says of itself what the engine does', () => {
      const { singleWriter, chainsAuditAtCommit, partitionedHistory, orAsUnion } = can;
      assert.deepEqual({ singleWriter, chainsAuditAtCommit, partitionedHistory, orAsUnion }, EXPECTED[engine]);
    });

    it('compiles its fragments to the engine’s SQL', () => {
      const base = raw().selectFrom('cap_rows').select('id');
      const want = COMPILED[engine];
      assert.match(base.$call(can.lockRows).compile().sql, want.lockRows);
      assert.match(base.$call(can.claimRows).compile().sql, want.claimRows);
      assert.match(store.db.selectFrom(can.readThrough('duties', 'duties_kind_due')).select('id').compile().sql, want.readThrough);
      const ids = store.db.selectFrom('duties as d').select('d.ticket_id');
      assert.match(store.db.selectFrom('tickets as t').select('t.id').where(can.amongFew('t.id', ids)).compile().sql, want.amongFew);
      assert.match(can.checkedOnly('t.id').compile(store.db).sql, want.checkedOnly);
    });

    it('a whole number as int8 types a VALUES list the statement does not type otherwise', async () => {
      const r = await sql<{ n: number }>`with v(id) as (values (${can.int8(41)}), (${can.int8(9_007_199_254_740_000)})) select id + 1 as n from v order by n`.execute(store.db);
      assert.deepEqual(
        r.rows.map((x) => Number(x.n)),
        [42, 9_007_199_254_740_001],
      );
    });

    it('knows which columns a table has', async () => {
      assert.equal(await can.hasColumn(store.db, 'cap_rows', 'v'), true);
      assert.equal(await can.hasColumn(store.db, 'events', 'chain_key'), true);
      assert.equal(await can.hasColumn(store.db, 'cap_rows', 'nope'), false);
      assert.equal(await can.hasColumn(store.db, 'no_such_table', 'id'), false);
    });

    it('bulk-loads rows with their own ids, and the ids handed out next come after them', async () => {
      const writer = await can.openBulkWriter(store.db, { databaseUrl: database.url });
      try {
        await writer.write([{ table: { table: 'cap_rows', columns: ['id', 'v'] }, rows: [{ id: 100, v: 'tab\there' }, { id: 101, v: null }] }]);
      } finally {
        await writer.close();
      }
      await can.advanceIdsPast(store.db, ['cap_rows']);
      const next = await raw().insertInto('cap_rows').values({ v: 'd' }).returning('id').executeTakeFirstOrThrow();
      assert.equal(Number(next.id), 102);
      const loaded = await raw().selectFrom('cap_rows').select(['id', 'v']).where('id', 'in', [100, 101]).orderBy('id').execute();
      assert.deepEqual(
        loaded.map((r) => [Number(r.id), r.v]),
        [
          [100, 'tab\there'],
          [101, null],
        ],
      );
      await can.analyzeAll(store.db);
    });

    it('refuses a bulk load it cannot do honestly', async () => {
      if (engine === 'postgres') {
        await assert.rejects(can.openBulkWriter(store.db, {}), /needs the databaseUrl/);
      } else {
        const memory = openStore({ sqliteFile: ':memory:' });
        try {
          await assert.rejects(can.openBulkWriter(memory.db, {}), /needs a SQLite file/);
        } finally {
          await memory.close();
        }
      }
    });

    it('makes the history’s month partitions where the history is partitioned', async () => {
      const made = await can.ensureHistoryPartitions(store.db, '2041-03-05T00:00:00.000Z', '2041-04-20T00:00:00.000Z');
      if (can.partitionedHistory) {
        for (const name of ['tickets_p204103', 'events_p204103', 'tickets_p204104', 'events_p204104']) assert.ok(made.includes(name), made.join(', '));
        assert.deepEqual(await can.ensureHistoryPartitions(store.db, '2041-03-05T00:00:00.000Z', '2041-04-20T00:00:00.000Z'), []);
      } else assert.deepEqual(made, []);
    });

    it('with one writer, locks are granted at once: the transaction holds the database', { skip: !can.singleWriter }, async () => {
      await store.db.transaction().execute(async (tx) => {
        assert.equal(await can.tryTransactionLock(tx, 77), true);
        await can.transactionLocks(tx, 'k:', ['a', 'b']);
        await can.holdWritersOf(tx, 'events');
        const rows = await (tx as unknown as AnyDb).selectFrom('cap_rows').select('id').where('id', '<=', 3).$call(can.lockRows).execute();
        assert.equal(rows.length, 3);
      });
    });

    it('with writers side by side, a row one transaction locked is waited for by another and skipped by a claim', { skip: can.singleWriter }, async () => {
      await store.db.transaction().execute(async (a) => {
        await (a as unknown as AnyDb).selectFrom('cap_rows').select('id').where('id', '=', 1).$call(can.lockRows).execute();
        await store.db.transaction().execute(async (b) => {
          const claimed = await (b as unknown as AnyDb).selectFrom('cap_rows').select('id').where('id', '<=', 3).orderBy('id').$call(can.claimRows).execute();
          assert.deepEqual(
            claimed.map((r) => Number(r.id)),
            [2, 3],
          );
        });
        const other = await store.db.transaction().execute(async (b) => {
          await sql`set local lock_timeout = '150ms'`.execute(b);
          return (b as unknown as AnyDb).selectFrom('cap_rows').select('id').where('id', '=', 1).$call(can.lockRows).execute();
        });
        assert.fail(`the locked row was read for update: ${JSON.stringify(other)}`);
      }).catch((err) => assert.match(String(err), /lock timeout/));
    });

    it('with writers side by side, a lock held by one transaction is refused to another until it ends', { skip: can.singleWriter }, async () => {
      await store.db.transaction().execute(async (a) => {
        assert.equal(await can.tryTransactionLock(a, 4242), true);
        await can.transactionLocks(a, 'cap:', ['x', 'y']);
        const elsewhere = await store.db.transaction().execute(async (b) => {
          const tried = await can.tryTransactionLock(b, 4242);
          await can.transactionLocks(b, 'cap:', ['z']);
          await sql`set local lock_timeout = '150ms'`.execute(b);
          const waited = await can.transactionLocks(b, 'cap:', ['y']).then(
            () => 'granted',
            (err) => String(err),
          );
          return { tried, waited };
        });
        assert.equal(elsewhere.tried, false);
        assert.match(elsewhere.waited, /lock timeout/);
      });
      await store.db.transaction().execute(async (b) => assert.equal(await can.tryTransactionLock(b, 4242), true));
    });

    it('with writers side by side, holding the writers of a table takes its share lock until the end', { skip: can.singleWriter }, async () => {
      await store.db.transaction().execute(async (a) => {
        await can.holdWritersOf(a, 'events');
        const held = await sql<{ mode: string }>`select mode from pg_locks where locktype = 'relation' and relation = 'events'::regclass and pid = pg_backend_pid()`.execute(a);
        assert.ok(
          held.rows.some((r) => r.mode === 'ShareLock'),
          JSON.stringify(held.rows),
        );
      });
    });
  });
}
