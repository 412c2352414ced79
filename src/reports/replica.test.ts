// Reports on a replica (HOTLINE_REPLICA_URL): the figures are read through the replica's pool and the
// answer says so with its staleness; the export's audit event is written on the primary, and the
// replica's sessions refuse writes. The "replica" here is a database of its own with no tickets, so
// a report read there is told apart from one read on the primary by its totals.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { intakeBody, startTestApp, type TestApp } from '../../test/support/app.ts';
import { freshDatabase, testEngines, type TestDatabase } from '../../test/support/databases.ts';
import { openReplicaDb, openStore, type Db } from '../store/db.ts';
import { migrate } from '../store/migrations.ts';

const skip = !testEngines().includes('postgres') && 'no PostgreSQL in this run';

let t: TestApp;
let other: TestDatabase;
let replica: Db;
let keysDir: string;

before(async () => {
  if (skip) return;
  t = await startTestApp('postgres');
  other = await freshDatabase('postgres');
  keysDir = mkdtempSync(join(tmpdir(), 'hotline-replica-'));
  const schema = openStore({ url: other.url, dataDir: keysDir });
  await migrate(schema.db, 'postgres');
  await schema.close();
  const agent = await t.as('agent1');
  assert.equal((await agent.post('/api/v1/tickets', intakeBody())).status, 201);
});

after(async () => {
  if (skip) return;
  await replica?.destroy();
  await t.close();
  await other.drop();
  rmSync(keysDir, { recursive: true, force: true });
});

it('reads reports through the replica pool, states the staleness, and writes only on the primary', { skip }, async () => {
  const centre = await t.as('centre1');
  const onPrimary = await centre.get('/api/v1/reports/monthly?month=2026-03');
  assert.equal(onPrimary.status, 200);
  assert.deepEqual(onPrimary.body.readFrom, undefined, 'without a replica nothing is said');
  assert.equal(onPrimary.body.totals.tickets, 1);

  replica = openReplicaDb(other.url!, t.ctx.store);
  t.ctx.store.replica = replica;
  try {
    const onReplica = await centre.get('/api/v1/reports/monthly?month=2026-03');
    assert.equal(onReplica.status, 200);
    assert.equal(onReplica.body.totals.tickets, 0, 'the figures came from the replica');
    assert.equal(onReplica.body.readFrom.source, 'replica');
    assert.equal(typeof onReplica.body.readFrom.lagSeconds, 'number');
    assert.ok(onReplica.body.readFrom.lagSeconds >= 0);
    assert.match(String(onReplica.headers['x-hotline-read-from']), /^replica; lag=\d/);
    const topic = await centre.get('/api/v1/reports/topic?q=物业');
    assert.equal(topic.status, 200, JSON.stringify(topic.body));
    assert.equal(topic.body.readFrom.source, 'replica');

    // The export's audit event goes to the primary.
    const before = await sql<{ n: number }>`select count(*)::int as n from events where action = 'report_exported'`.execute(t.ctx.store.db);
    const file = await centre.get('/api/v1/reports/monthly.xlsx?month=2026-03');
    assert.equal(file.status, 200);
    const afterCount = await sql<{ n: number }>`select count(*)::int as n from events where action = 'report_exported'`.execute(t.ctx.store.db);
    assert.equal(afterCount.rows[0].n, before.rows[0].n + 1);
    const onReplicaEvents = await sql<{ n: number }>`select count(*)::int as n from events where action = 'report_exported'`.execute(replica);
    assert.equal(onReplicaEvents.rows[0].n, 0);
    // And the replica's sessions are read-only: a write sent there by mistake fails.
    await assert.rejects(sql`create table should_not_exist (id int)`.execute(replica), /read-only/);
  } finally {
    t.ctx.store.replica = undefined;
  }
});
