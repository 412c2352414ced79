// Backup and restore on every engine: a live store with tickets is backed up, `hotline restore`
// puts it into a fresh store, and every table has the same rows and the audit chain the same head;
// `hotline audit verify` passes on the copy, and fails with exit code 1 once an event is edited.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { describeEachEngine, intakeBody, startTestApp, storeLocation, type TestApp } from '../../test/support/app.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { backupStore, restoreStore, tableRowCounts, type BackupTarget } from '../store/backup.ts';
import { openStore } from '../store/db.ts';
import { chainHead } from './chain.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'hotline.js');

function hotline(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, HOTLINE_DATABASE_URL: '', ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeEachEngine('backup and restore', (engine) => {
  let t: TestApp;
  const extra: TestDatabase[] = [];
  const emptyDb = async () => {
    const d = await freshDatabase(engine);
    extra.push(d);
    return d;
  };
  let source: BackupTarget;
  let fresh: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-backup-'));
  const file = join(dir, engine === 'sqlite' ? 'backup.sqlite' : 'backup.dump');

  before(async () => {
    t = await startTestApp(engine);
    const agent = await t.as('agent1');
    const staff = await t.as('zjj.staff');
    for (let i = 0; i < 6; i++) {
      const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '赵六', phone: `1350000000${i}` }, address: `爱民区${i}号`, facts: `第${i}号楼供暖不热，室温低于十八度，请处理` }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      if (i % 2) assert.equal((await staff.act(res.body.no, 'sign')).status, 200);
    }
    source = await storeLocation(t);
    fresh = await freshDatabase(engine);
  });
  after(async () => {
    await t?.close();
    await fresh?.drop();
    for (const d of extra) await d.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores into a fresh store with the same rows in every table and the same chain head', async () => {
    // Backed up while the server runs: the app stays open.
    const bytes = await backupStore(source, file);
    assert.ok(bytes > 10_000);
    const env: Record<string, string> = engine === 'sqlite' ? { HOTLINE_DATA_DIR: join(dir, 'restored') } : { HOTLINE_DATABASE_URL: fresh.url! };
    // The operator puts the store's hotline.keys where the restored store will be (PostgreSQL's is the data directory's, shared here).
    if (engine === 'sqlite') {
      mkdirSync(join(dir, 'restored'), { mode: 0o700 });
      copyFileSync((t.ctx.store.keySource as { path: string }).path, join(dir, 'restored', 'hotline.keys'));
    }
    const r = hotline(['restore', '--from', file, '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.chain.ok, true);

    const expected = await tableRowCounts(t.ctx.store.db, engine);
    assert.ok(expected.tickets === 6 && expected.events >= 9, JSON.stringify(expected));
    // A partitioned table is counted once, with its partitions' rows; the partitions are not listed.
    assert.ok(!Object.keys(expected).some((name) => /^(tickets|events)_/.test(name)), Object.keys(expected).join(' '));
    assert.deepEqual(out.rows, expected);
    assert.deepEqual(out.chain.head, await chainHead(t.ctx.store.db));

    const restored = openStore(engine === 'sqlite' ? { sqliteFile: join(dir, 'restored', 'hotline.sqlite') } : { url: fresh.url });
    try {
      assert.deepEqual(await tableRowCounts(restored.db, engine), expected);
      assert.deepEqual(await chainHead(restored.db), await chainHead(t.ctx.store.db));
      // The restored copy's audit log is append-only too.
      await assert.rejects(restored.db.deleteFrom('events').execute(), /审计日志只可追加/);
    } finally {
      await restored.close();
    }

    const verify = hotline(['audit', 'verify'], env);
    assert.equal(verify.status, 0, verify.stderr);
    assert.match(verify.stdout, new RegExp(`审计日志完好：${expected.events} 条事件`));
  });

  it('backups are 0600; a restore without the store\'s keys is refused in Chinese, nothing written, no stack trace', async () => {
    assert.equal(statSync(file).mode & 0o777, 0o600);
    // No hotline.keys where the restored store would be (for PostgreSQL: the data directory's).
    const bare = join(dir, 'bare');
    const env: Record<string, string> = engine === 'sqlite' ? { HOTLINE_DATA_DIR: bare } : { HOTLINE_DATABASE_URL: (await emptyDb()).url!, HOTLINE_DATA_DIR: bare };
    const r = hotline(['restore', '--from', file], env);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^拒绝恢复：密钥文件 .*hotline\.keys 不存在.*未写入任何数据\n$/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.ok(!existsSync(join(bare, 'hotline.sqlite')) && !existsSync(join(bare, 'hotline.keys')), String(existsSync(bare) && readdirSync(bare)));
    if (engine === 'postgres') {
      const probe = openStore({ url: env.HOTLINE_DATABASE_URL, dataDir: join(dir, 'probe') });
      try {
        assert.deepEqual(await tableRowCounts(probe.db, engine), {});
      } finally {
        await probe.close();
      }
    }
    // Other keys than the store's: refused too, naming what does not open.
    mkdirSync(bare, { recursive: true });
    const other = openStore({ sqliteFile: join(bare, 'other.sqlite') });
    await other.close();
    const wrong = hotline(['restore', '--from', file], env);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /^拒绝恢复：.*(无法用现有密钥解密|查找哈希对不上|无法用现有密钥校验)/);
    assert.ok(!existsSync(join(bare, 'hotline.sqlite')));
  });

  it('a server whose keys cannot open its store refuses to start in one Chinese line', async () => {
    // The store copied without its keys (as a restore by hand would): the server makes fresh keys and must refuse them.
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    if (engine === 'sqlite') copyFileSync(file, join(elsewhere, 'hotline.sqlite'));
    const env: Record<string, string> = engine === 'sqlite' ? { HOTLINE_DATA_DIR: elsewhere } : { HOTLINE_DATABASE_URL: source.url!, HOTLINE_DATA_DIR: elsewhere };
    const r = hotline(['migrate'], env);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /(无法用现有密钥解密|查找哈希对不上|无法用现有密钥校验).*hotline\.keys/);
  });

  it('audit verify --expect-head: the recorded head passes; with the newest events deleted it fails; a bad argument is a Chinese usage error', async () => {
    const env: Record<string, string> = engine === 'sqlite' ? { HOTLINE_DATA_DIR: join(dir, 'restored') } : { HOTLINE_DATABASE_URL: fresh.url! };
    const shown = hotline(['audit', 'verify', '--json'], env);
    assert.equal(shown.status, 0, shown.stderr);
    const head = JSON.parse(shown.stdout).head;
    assert.ok(head.seq > 2 && /^[0-9a-f]{64}$/.test(head.hash));
    const ok = hotline(['audit', 'verify', '--expect-head', `${head.seq}:${head.hash}`], env);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /与另行记录的链头一致/);

    const target = engine === 'sqlite' ? { sqliteFile: join(dir, 'restored', 'hotline.sqlite') } : { url: fresh.url };
    const store = openStore(target);
    const newest = await store.db.selectFrom('events').selectAll().where('chain_seq', '>', head.seq - 2).execute();
    const saved = engine === 'sqlite' ? (await sql<{ sql: string }>`select sql from sqlite_master where type = 'trigger' and name = 'events_no_delete'`.execute(store.db)).rows[0]!.sql : '';
    const triggers = async (on: boolean) => {
      if (engine === 'postgres') await sql.raw(`alter table events ${on ? 'enable' : 'disable'} trigger user`).execute(store.db);
      else if (!on) await sql`drop trigger events_no_delete`.execute(store.db);
      else await sql.raw(saved).execute(store.db);
    };
    try {
      await triggers(false);
      await store.db.deleteFrom('events').where('chain_seq', '>', head.seq - 2).execute();
      assert.equal(hotline(['audit', 'verify'], env).status, 0, 'without the recorded head the shortened chain verifies');
      const r = hotline(['audit', 'verify', '--json', '--expect-head', `${head.seq}:${head.hash}`], env);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.firstBad.problem, 'head');
      assert.deepEqual(report.expected, { seq: head.seq, hash: head.hash });
    } finally {
      await store.db.insertInto('events').values(newest as never).execute();
      await triggers(true);
      await store.close();
    }
    for (const bad of [['--expect-head', 'abc'], ['--expect-head', `0:${head.hash}`], ['--frobnicate']]) {
      const r = hotline(['audit', 'verify', ...bad], env);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /--expect-head 的格式|未知的选项/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  it('refuses to restore over a store that has data', async () => {
    await assert.rejects(restoreStore(source, file), /目标数据库不是空的/);
  });

  it('audit verify exits 1 and names the edited event', async () => {
    const target: BackupTarget = engine === 'sqlite' ? { engine, sqliteFile: join(dir, 'restored', 'hotline.sqlite') } : { engine, url: fresh.url };
    const store = openStore({ url: target.url, sqliteFile: target.sqliteFile });
    let victim: number;
    try {
      victim = Number((await store.db.selectFrom('events').select('id').where('action', '=', 'sign').orderBy('id').executeTakeFirstOrThrow()).id);
      if (engine === 'sqlite') await sql`drop trigger events_no_update`.execute(store.db);
      else await sql`alter table events disable trigger user`.execute(store.db);
      await store.db.updateTable('events').set({ at: '2026-03-01T00:00:00.000Z' }).where('id', '=', victim).execute();
    } finally {
      await store.close();
    }
    const env: Record<string, string> = engine === 'sqlite' ? { HOTLINE_DATA_DIR: join(dir, 'restored') } : { HOTLINE_DATABASE_URL: fresh.url! };
    const r = hotline(['audit', 'verify', '--json'], env);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, false);
    assert.equal(report.firstBad.eventId, victim);
    assert.equal(report.firstBad.problem, 'edited');
  });
});
