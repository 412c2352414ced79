// Audit archiving on every engine: nine months of events, the prefix before a month 6 full months
// back moved to a gzip JSONL file with its manifest and `audit_archives` row, then deleted through
// the triggers' archive path. Verify passes anchored to the archive; a tampered file, a deleted
// archive row or a deleted online event is found; a month too recent is refused; the triggers still
// refuse every other DELETE and UPDATE; an interrupted archive finishes on the next run; the ticket
// timeline says what was archived; readers of online months see the same results; backup and
// restore keep the archive rows.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { describeEachEngine, intakeBody, startTestApp, storeLocation, type TestApp } from '../../test/support/app.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { backupStore, type BackupTarget } from '../store/backup.ts';
import { applyCityConfig } from '../org/seed.ts';
import { GENESIS, chainHead, verifyChain } from './chain.ts';
import { archiveAuditLog, archiveCutoff, latestArchivableMonth, type ArchiveManifest } from './archive.ts';
import { archiveRecords } from './archive-records.ts';
import { verifyArchiveFiles } from './archive-verify.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'hotline.js');

function hotline(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, HOTLINE_DATABASE_URL: '', ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the 6-month rule (table)', () => {
  const cases: Array<[now: string, latest: string]> = [
    ['2026-12-02T01:00:00.000Z', '2026-06'],
    ['2026-11-30T16:30:00.000Z', '2026-06'], // already 1 December in Shanghai
    ['2026-11-30T15:30:00.000Z', '2026-05'],
    ['2026-06-15T00:00:00.000Z', '2025-12'],
    ['2027-01-01T00:00:00.000Z', '2026-07'],
  ];
  for (const [now, latest] of cases) {
    it(`at ${now} the latest --before is ${latest}`, () => {
      assert.equal(latestArchivableMonth(now), latest);
      assert.ok(archiveCutoff(latest, now));
      const [y, m] = latest.split('-').map(Number);
      const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
      assert.throws(() => archiveCutoff(next, now), (e: Error) => /--before/.test(e.message) && /6 个月/.test(e.message) && e.message.includes(latest));
    });
  }
  it('the cutoff is the 1st of the month in Shanghai', () => {
    assert.equal(archiveCutoff('2026-04', '2026-12-02T00:00:00.000Z'), '2026-03-31T16:00:00.000Z');
  });
  for (const bad of ['2026-4', '2026-13', '202604', '', 'abcd-ef']) {
    it(`refuses --before "${bad}" naming --before`, () => {
      assert.throws(() => archiveCutoff(bad, '2026-12-02T00:00:00.000Z'), /--before 格式应为 YYYY-MM/);
    });
  }
});

/** Runs `work` with the append-only triggers of events and audit_archives off, as an owner tampering by hand would. */
async function tamper(t: TestApp, work: () => Promise<unknown>): Promise<void> {
  const db = t.ctx.store.db;
  if (t.engine === 'postgres') {
    await sql`alter table events disable trigger user`.execute(db);
    await sql`alter table audit_archives disable trigger user`.execute(db);
    try {
      await work();
    } finally {
      await sql`alter table events enable trigger user`.execute(db);
      await sql`alter table audit_archives enable trigger user`.execute(db);
    }
    return;
  }
  const triggers = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'trigger' and tbl_name in ('events', 'audit_archives')`.execute(db);
  assert.equal(triggers.rows.length, 4);
  for (const r of triggers.rows) await sql.raw(`drop trigger ${r.name}`).execute(db);
  try {
    await work();
  } finally {
    for (const r of triggers.rows) await sql.raw(r.sql).execute(db);
  }
}

const count = async (t: TestApp, table: 'events' | 'audit_archives') =>
  Number((await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

const linesOf = (file: string) =>
  gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

describeEachEngine('audit archive', (engine) => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-archive-'));
  const out = join(dir, 'archive');
  /** Ticket numbers by the month they were created. */
  const tickets = new Map<string, string[]>();
  let source: BackupTarget;
  let fresh: TestDatabase;

  before(async () => {
    t = await startTestApp(engine, { now: '2026-01-05T01:00:00.000Z' });
    const agent = await t.as('agent1');
    const staff = await t.as('zjj.staff');
    const admin = await t.as('admin');
    let n = 0;
    // Nine months, 2026-01 to 2026-09: two tickets a month, one signed; an admin's unit rename in January.
    for (let m = 1; m <= 9; m++) {
      const month = `2026-${String(m).padStart(2, '0')}`;
      t.clock.set(`${month}-05T01:00:00.000Z`);
      if (m === 1) assert.equal((await admin.put('/api/v1/units/ZJJ', { name: '市住房和城乡建设局（改名）' })).status, 200);
      for (let i = 0; i < 2; i++) {
        n++;
        const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '王五', phone: `1370000${String(n).padStart(4, '0')}` }, address: `西安区${n}号楼`, facts: `第${n}号楼电梯停运三天无人维修，老人出行困难` }));
        assert.equal(res.status, 201, JSON.stringify(res.body));
        tickets.set(month, [...(tickets.get(month) ?? []), res.body.no]);
        t.clock.advance(3_600_000);
        if (i === 0) assert.equal((await staff.act(res.body.no, 'sign')).status, 200);
      }
    }
    // Now is October 2026: the latest --before is 2026-04 (May to September stay online).
    t.clock.set('2026-10-10T02:00:00.000Z');
    source = await storeLocation(t);
    fresh = await freshDatabase(engine);
  });
  after(async () => {
    await t?.close();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  let tampered: string;

  it('refuses a month less than 6 full months back, changing nothing', async () => {
    const events = await count(t, 'events');
    await assert.rejects(archiveAuditLog(t.ctx.store, { before: '2026-05', outDir: out, now: t.clock.now() }), (e: Error) => /--before 2026-05 过近/.test(e.message) && /最晚可用 --before 2026-04/.test(e.message));
    await assert.rejects(archiveAuditLog(t.ctx.store, { before: '2026/04', outDir: out, now: t.clock.now() }), /--before 格式应为 YYYY-MM/);
    assert.equal(await count(t, 'events'), events);
    assert.equal(await count(t, 'audit_archives'), 0);
    assert.equal(existsSync(out), false);
    // The command line says the same (against today's date), exit code 2, nothing written.
    const tooRecent = latestArchivableMonth(new Date().toISOString()).replace(/^(\d+)-(\d+)$/, (_, y, m) => (m === '12' ? `${+y + 1}-01` : `${y}-${String(+m + 1).padStart(2, '0')}`));
    const r = hotline(['audit', 'archive', '--before', tooRecent, '--out', out], { HOTLINE_DATA_DIR: join(dir, 'empty') });
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, new RegExp(`--before ${tooRecent} 过近：审计记录须在线保存至少 6 个月`));
    assert.equal(existsSync(join(dir, 'empty')), false);
    assert.equal(existsSync(out), false);
  });

  let manifest: ArchiveManifest;
  let file: string;
  const readers: Record<string, unknown> = {};
  let feedBefore: any[];

  it('a dry run plans the prefix before April and writes nothing', async () => {
    const cutoff = '2026-03-31T16:00:00.000Z';
    const expected = await t.ctx.store.db.selectFrom('events').select((eb) => eb.fn.max('chain_seq').as('seq')).where('at', '<', cutoff).executeTakeFirstOrThrow();
    const r = await archiveAuditLog(t.ctx.store, { before: '2026-04', outDir: out, now: t.clock.now(), dryRun: true });
    assert.equal(r.archive!.firstSeq, 1);
    assert.equal(r.archive!.lastSeq, Number(expected.seq));
    assert.equal(r.archive!.count, Number(expected.seq));
    assert.equal(r.archive!.firstPrevHash, GENESIS);
    assert.equal(r.deleted, 0);
    assert.equal(existsSync(out), false);
  });

  it('archives the prefix: gzip JSONL with every column, manifest, audit_archives row, rows deleted in batches', async () => {
    // What readers of online months show before: evaluation, quality, the change feed.
    const centre = await t.as('centre1');
    const lead = await t.as('lead1');
    readers.evaluation = (await centre.get('/api/v1/evaluation/months/2026-07')).body;
    readers.qcAgents = (await lead.get('/api/v1/quality/agents?from=2026-05-01&to=2026-09-30')).body;
    readers.qcUnits = (await centre.get('/api/v1/quality/units?month=2026-06')).body;
    feedBefore = (await (await t.as('admin')).get('/api/v1/events?after=0&limit=1000')).body.events;
    assert.ok(feedBefore.length > 20);
    const online = (await t.as('centre1')).get(`/api/v1/tickets/${tickets.get('2026-05')![0]}/events`);
    readers.mayTimeline = (await online).body;

    const rowsBefore = await t.ctx.store.db.selectFrom('events').selectAll().orderBy('chain_seq').execute();
    const batches: number[] = [];
    const r = await archiveAuditLog(t.ctx.store, { before: '2026-04', outDir: out, now: t.clock.now(), batchSize: 7, hooks: { afterBatch: (d) => batches.push(d) } });
    manifest = r.archive as ArchiveManifest;
    file = join(out, manifest.file);
    const archivedRows = rowsBefore.filter((e) => Number(e.chain_seq) <= manifest.lastSeq);
    assert.ok(archivedRows.length >= 12, `archived ${archivedRows.length}`);
    assert.equal(r.deleted, archivedRows.length);
    assert.ok(batches.length >= 3 && batches.at(-1) === archivedRows.length, JSON.stringify(batches));
    // Nothing on or after 1 April (Shanghai) was archived; everything before it was.
    assert.ok(archivedRows.every((e) => Date.parse(e.at) < Date.parse('2026-03-31T16:00:00.000Z')));
    assert.ok(rowsBefore.filter((e) => Number(e.chain_seq) > manifest.lastSeq).every((e) => Date.parse(e.at) >= Date.parse('2026-03-31T16:00:00.000Z')));

    // The file: one line per event, every column, in chain order.
    const lines = linesOf(file);
    assert.equal(lines.length, archivedRows.length);
    for (const [i, row] of archivedRows.entries()) {
      const line = lines[i]!;
      assert.deepEqual(Object.keys(line).sort(), Object.keys(row).sort());
      assert.equal(line.chain_seq, i + 1);
      assert.equal(line.id, Number(row.id));
      assert.equal(line.hash, row.hash);
      assert.equal(line.prev_hash, row.prev_hash);
      assert.equal(line.action, row.action);
      assert.equal(line.detail, row.detail);
      assert.equal(Date.parse(line.at), Date.parse(row.at));
    }
    // The manifest beside it.
    const onDisk = JSON.parse(readFileSync(join(out, manifest.file.replace('.jsonl.gz', '.manifest.json')), 'utf8')) as ArchiveManifest;
    assert.deepEqual(onDisk, manifest);
    assert.equal(manifest.sha256, createHash('sha256').update(readFileSync(file)).digest('hex'));
    assert.equal(manifest.bytes, readFileSync(file).length);
    assert.equal(manifest.count, lines.length);
    assert.equal(manifest.firstSeq, 1);
    assert.equal(manifest.lastSeq, lines.length);
    assert.equal(manifest.firstPrevHash, GENESIS);
    assert.equal(manifest.lastHash, lines.at(-1)!.hash);
    assert.equal(manifest.firstAt, lines[0]!.at);
    assert.equal(manifest.lastAt, lines.at(-1)!.at);
    assert.equal(readdirSync(out).filter((f) => f.endsWith('.partial')).length, 0);
    // The row recording it, and the archive's own audit event.
    const [record] = await archiveRecords(t.ctx.store.db);
    assert.deepEqual(
      { firstSeq: record!.firstSeq, lastSeq: record!.lastSeq, count: record!.eventCount, prev: record!.firstPrevHash, last: record!.lastHash, sha: record!.fileSha256, bytes: record!.fileBytes, file: record!.fileName, before: record!.beforeMonth, firstAt: record!.firstAt, lastAt: record!.lastAt },
      { firstSeq: 1, lastSeq: manifest.lastSeq, count: manifest.count, prev: GENESIS, last: manifest.lastHash, sha: manifest.sha256, bytes: manifest.bytes, file: manifest.file, before: '2026-04', firstAt: manifest.firstAt, lastAt: manifest.lastAt },
    );
    const event = await t.ctx.store.db.selectFrom('events').selectAll().where('action', '=', 'audit_archive').executeTakeFirstOrThrow();
    assert.ok(Number(event.chain_seq) > manifest.lastSeq);
    assert.deepEqual(JSON.parse(event.detail!), { before: '2026-04', firstSeq: 1, lastSeq: manifest.lastSeq, events: manifest.count, firstAt: manifest.firstAt, lastAt: manifest.lastAt, lastHash: manifest.lastHash, file: manifest.file, sha256: manifest.sha256 });
    // The table holds exactly the rest.
    const left = await t.ctx.store.db.selectFrom('events').select((eb) => [eb.fn.min('chain_seq').as('min'), eb.fn.countAll<number>().as('n')]).executeTakeFirstOrThrow();
    assert.equal(Number(left.min), manifest.lastSeq + 1);
    assert.equal(Number(left.n), rowsBefore.length - manifest.count + 1);
  });

  it('verify passes, anchored to the archive; the files verify and continue into the online chain', async () => {
    const report = await verifyChain(t.ctx.store.db);
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    assert.deepEqual(report.archived, { archives: 1, events: manifest.count, lastSeq: manifest.lastSeq, lastHash: manifest.lastHash, before: '2026-04' });
    assert.deepEqual(report.head, await chainHead(t.ctx.store.db));
    const files = await verifyArchiveFiles(t.ctx.store.db, [file]);
    assert.equal(files.ok, true, JSON.stringify(files));
  });

  it('the ticket timeline says how many events are archived; readers of online months are unchanged', async () => {
    const centre = await t.as('centre1');
    const january = await centre.get(`/api/v1/tickets/${tickets.get('2026-01')![0]}/events`);
    assert.equal(january.status, 200);
    assert.deepEqual(january.body.items, []);
    const januaryId = await ticketId(t, tickets.get('2026-01')![0]!);
    const archivedOfIt = linesOf(file).filter((l) => l.ticket_id === januaryId);
    assert.deepEqual(january.body.archived, { count: archivedOfIt.length, before: '2026-04' });
    assert.ok(archivedOfIt.length >= 3);
    const may: any = (await centre.get(`/api/v1/tickets/${tickets.get('2026-05')![0]}/events`)).body;
    assert.equal(may.archived, null);
    assert.deepEqual(may, readers.mayTimeline);

    const lead = await t.as('lead1');
    const strip = (v: any) => JSON.parse(JSON.stringify(v, (k, x) => (k === 'generatedAt' ? undefined : x)));
    assert.deepEqual(strip((await centre.get('/api/v1/evaluation/months/2026-07')).body), strip(readers.evaluation));
    assert.deepEqual(strip((await lead.get('/api/v1/quality/agents?from=2026-05-01&to=2026-09-30')).body), strip(readers.qcAgents));
    assert.deepEqual(strip((await centre.get('/api/v1/quality/units?month=2026-06')).body), strip(readers.qcUnits));
    // The change feed serves the online events as before; the archived ones are gone from it.
    const feed = (await (await t.as('admin')).get('/api/v1/events?after=0&limit=1000')).body.events;
    const archivedTicketEvents = linesOf(file).filter((l) => l.ticket_id !== null).length;
    assert.deepEqual(feed, feedBefore.slice(archivedTicketEvents));

    // The admin's January rename is archived, yet re-applying the city config still keeps it.
    await applyCityConfig(t.ctx.store.db, t.ctx.city);
    const unit = await t.ctx.store.db.selectFrom('units').select('name').where('code', '=', 'ZJJ').executeTakeFirstOrThrow();
    assert.equal(unit.name, '市住房和城乡建设局（改名）');
  });

  it('the triggers still refuse DELETE and UPDATE, of archived-range rows too, outside the archive path', async () => {
    const db = t.ctx.store.db;
    const [record] = await archiveRecords(db);
    const online = await db.selectFrom('events').select(['id', 'chain_seq']).orderBy('chain_seq').limit(1).executeTakeFirstOrThrow();
    await assert.rejects(db.deleteFrom('events').where('id', '=', online.id).execute(), /审计日志只可追加/);
    await assert.rejects(db.updateTable('events').set({ detail: null }).where('id', '=', online.id).execute(), /审计日志只可追加/);
    await assert.rejects(db.deleteFrom('events').execute(), /审计日志只可追加/);
    await assert.rejects(db.deleteFrom('audit_archives').execute(), /审计归档记录只可追加/);
    await assert.rejects(db.updateTable('audit_archives').set({ last_hash: GENESIS }).execute(), /审计归档记录只可追加/);
    // The archive path itself opens only for rows an archive row covers.
    await assert.rejects(
      db.transaction().execute(async (tx) => {
        if (engine === 'postgres') await sql`set local hotline.audit_archive = 'on'`.execute(tx);
        else await tx.insertInto('audit_archive_gate').values({ archive_id: record!.id }).execute();
        await tx.deleteFrom('events').where('id', '=', online.id).execute();
      }),
      /审计日志只可追加/,
    );
    if (engine === 'postgres') {
      await assert.rejects(sql`truncate events`.execute(db), /审计日志只可追加/);
      await assert.rejects(sql`truncate audit_archives cascade`.execute(db), /审计归档记录只可追加/);
    }
    // A row written back into the archived range by hand (through an insert) cannot be edited either.
    const line = linesOf(file)[0]!;
    await db.insertInto('events').values(line as any).execute();
    try {
      await assert.rejects(db.updateTable('events').set({ detail: '{}' }).where('id', '=', line.id).execute(), /审计日志只可追加/);
      await assert.rejects(db.deleteFrom('events').where('id', '=', line.id).execute(), /审计日志只可追加/);
    } finally {
      await tamper(t, () => db.deleteFrom('events').where('id', '=', line.id).execute());
    }
    assert.equal((await verifyChain(db)).ok, true);
  });

  it('a tampered archive file is found: an edited event, a changed byte, a dropped line', async () => {
    const lines = linesOf(file);
    const write = (name: string, ls: Array<Record<string, any>>) => {
      const p = join(dir, name);
      writeFileSync(p, gzipSync(Buffer.from(ls.map((l) => `${JSON.stringify(l)}\n`).join(''))));
      return p;
    };
    const edited = write('edited.jsonl.gz', lines.map((l, i) => (i === 3 ? { ...l, detail: '{"lead":"SCJGJ"}' } : l)));
    const dropped = write('dropped.jsonl.gz', lines.filter((_, i) => i !== 5));
    const rehashedOnly = write('recompressed.jsonl.gz', lines);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff;
    const flipped = join(dir, 'flipped.jsonl.gz');
    writeFileSync(flipped, bytes);
    const report = await verifyArchiveFiles(t.ctx.store.db, [edited, dropped, rehashedOnly, flipped]);
    assert.equal(report.ok, false);
    const [e, d, r, f] = report.files;
    assert.match(e!.message!, new RegExp(`第 4 行（事件 #${lines[3]!.id}，第 4 条）的内容与其哈希不符`));
    assert.match(d!.message!, /第 6 行.*之前缺少第 6 条/);
    // The same events under other bytes are not the file the archive row recorded.
    assert.match(r!.message!, /SHA-256 与归档记录 #\d+ 不符/);
    assert.ok(f!.message, 'a flipped byte must not verify');
    tampered = edited;
  });

  it('a deleted archive row, or a deleted online event, fails verify', async () => {
    const db = t.ctx.store.db;
    const [record] = await db.selectFrom('audit_archives').selectAll().execute();
    const ticketRows = await db.selectFrom('audit_archive_tickets').selectAll().execute();
    await tamper(t, async () => {
      await db.deleteFrom('audit_archive_tickets').execute();
      await db.deleteFrom('audit_archives').execute();
    });
    try {
      const report = await verifyChain(db);
      assert.equal(report.ok, false);
      assert.equal(report.firstBad!.problem, 'deleted');
      assert.match(report.firstBad!.message, new RegExp(`缺少第 1–${record!.last_seq} 条.*已被删除`));
      const files = await verifyArchiveFiles(db, [file]);
      assert.match(files.files[0]!.message!, /在 audit_archives 中没有对应记录/);
    } finally {
      await tamper(t, async () => {
        await db.insertInto('audit_archives').values(record!).execute();
        if (ticketRows.length) await db.insertInto('audit_archive_tickets').values(ticketRows).execute();
      });
    }
    assert.equal((await verifyChain(db)).ok, true);

    // The first online event deleted (not archived): a gap after the archived end.
    const first = await db.selectFrom('events').selectAll().orderBy('chain_seq').limit(1).executeTakeFirstOrThrow();
    await tamper(t, () => db.deleteFrom('events').where('id', '=', first.id).execute());
    try {
      const report = await verifyChain(db);
      assert.equal(report.ok, false);
      assert.equal(report.firstBad!.problem, 'deleted');
      assert.equal(report.firstBad!.seq, Number(first.chain_seq));
      assert.match(report.firstBad!.message, new RegExp(`缺少第 ${first.chain_seq} 条（也不在归档中）`));
    } finally {
      await tamper(t, () => db.insertInto('events').values(first as any).execute());
    }
    // An archive row edited by hand to point elsewhere.
    await tamper(t, () => db.updateTable('audit_archives').set({ last_hash: GENESIS }).execute());
    try {
      const report = await verifyChain(db);
      assert.equal(report.ok, false);
      assert.equal(report.firstBad!.problem, 'reordered');
    } finally {
      await tamper(t, () => db.updateTable('audit_archives').set({ last_hash: record!.last_hash }).execute());
    }
    assert.equal((await verifyChain(db)).ok, true);
  });

  it('an archive interrupted after its file, or in the middle of its deletion, finishes on the next run', async () => {
    const db = t.ctx.store.db;
    t.clock.set('2026-11-10T02:00:00.000Z'); // --before 2026-05 is allowed now
    const [first] = await archiveRecords(db);
    // Interrupted after the file: no record, nothing deleted; the next run writes it again.
    await assert.rejects(archiveAuditLog(t.ctx.store, { before: '2026-05', outDir: out, now: t.clock.now(), hooks: { afterFile: () => { throw new Error('killed'); } } }), /killed/);
    assert.equal(await count(t, 'audit_archives'), 1);
    // Interrupted after two batches of the deletion.
    let batches = 0;
    await assert.rejects(
      archiveAuditLog(t.ctx.store, { before: '2026-05', outDir: out, now: t.clock.now(), batchSize: 2, hooks: { afterBatch: () => { if (++batches === 2) throw new Error('killed'); } } }),
      /killed/,
    );
    const records = await archiveRecords(db);
    assert.equal(records.length, 2);
    const second = records[1]!;
    assert.equal(second.firstSeq, first!.lastSeq + 1);
    assert.equal(second.firstPrevHash, first!.lastHash);
    const left = await db.selectFrom('events').select((eb) => eb.fn.min('chain_seq').as('min')).executeTakeFirstOrThrow();
    assert.equal(Number(left.min), second.firstSeq + 4);
    // The half-deleted state verifies: the archived end's hash still comes out of the rows left.
    const mid = await verifyChain(db);
    assert.equal(mid.ok, true, JSON.stringify(mid.firstBad));
    // An edit in the rows still waiting for deletion is found.
    const waiting = await db.selectFrom('events').selectAll().where('chain_seq', '=', second.firstSeq + 5).executeTakeFirstOrThrow();
    await tamper(t, () => db.updateTable('events').set({ detail: '{"x":1}' }).where('id', '=', waiting.id).execute());
    assert.equal((await verifyChain(db)).firstBad?.problem, 'edited');
    await tamper(t, () => db.updateTable('events').set({ detail: waiting.detail }).where('id', '=', waiting.id).execute());

    const r = await archiveAuditLog(t.ctx.store, { before: '2026-05', outDir: out, now: t.clock.now() });
    assert.equal(r.resumed, second.eventCount - 4);
    assert.equal(r.archive, null); // nothing more before May
    const after = await verifyChain(db);
    assert.equal(after.ok, true, JSON.stringify(after.firstBad));
    assert.equal(after.archived!.archives, 2);
    assert.equal(after.archived!.lastSeq, second.lastSeq);
    const files = readdirSync(out).filter((f) => f.endsWith('.jsonl.gz')).map((f) => join(out, f));
    assert.equal(files.length, 2);
    const report = await verifyArchiveFiles(db, files);
    assert.equal(report.ok, true, JSON.stringify(report));
    // The April tickets' timelines now name the newer cutoff.
    const april = (await (await t.as('centre1')).get(`/api/v1/tickets/${tickets.get('2026-04')![0]}/events`)).body;
    assert.equal(april.archived.before, '2026-05');
  });

  it('backup and restore keep audit_archives, and the restored chain verifies', async () => {
    const backup = join(dir, engine === 'sqlite' ? 'backup.sqlite' : 'backup.dump');
    await backupStore(source, backup);
    const env: Record<string, string> = engine === 'sqlite' ? { HOTLINE_DATA_DIR: join(dir, 'restored') } : { HOTLINE_DATABASE_URL: fresh.url! };
    // The store's hotline.keys goes where the restored store will be (a restore without it is refused).
    if (engine === 'sqlite') {
      mkdirSync(join(dir, 'restored'), { mode: 0o700 });
      copyFileSync((t.ctx.store.keySource as { path: string }).path, join(dir, 'restored', 'hotline.keys'));
    }
    const r = hotline(['restore', '--from', backup, '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const restored = JSON.parse(r.stdout);
    assert.equal(restored.chain.ok, true, JSON.stringify(restored.chain));
    assert.equal(restored.rows.audit_archives, 2);
    assert.deepEqual(restored.chain.archived, (await verifyChain(t.ctx.store.db)).archived);
    const verify = hotline(['audit', 'verify', '--json', '--archive', ...readdirSync(out).filter((f) => f.endsWith('.jsonl.gz')).map((f) => join(out, f))], env);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    const report = JSON.parse(verify.stdout);
    assert.equal(report.archiveFiles.ok, true);
    assert.deepEqual(report.head, await chainHead(t.ctx.store.db));
    const text = hotline(['audit', 'verify', '--archive', join(out, manifest.file)], env);
    assert.equal(text.status, 0, text.stderr + text.stdout);
    assert.match(text.stdout, /已归档：2 个文件共 \d+ 条/);
    assert.match(text.stdout, new RegExp(`归档文件完好：.*第 1–${manifest.lastSeq} 条，${manifest.count} 条事件`));
    const bad = hotline(['audit', 'verify', '--archive', tampered], env);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /归档文件校验失败：.*内容与其哈希不符/);
    // Against today's date: nothing before May is left online, and a dry run says so.
    const dry = hotline(['audit', 'archive', '--before', '2026-05', '--out', out, '--dry-run'], env);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /没有早于 2026-05 且尚未归档的审计事件/);
    const plan = hotline(['audit', 'archive', '--before', '2026-06', '--out', out, '--dry-run', '--json'], env);
    assert.equal(plan.status, 0, plan.stderr);
    const planned = JSON.parse(plan.stdout);
    assert.equal(planned.dryRun, true);
    assert.equal(planned.archive.firstSeq, report.archived.lastSeq + 1);
    assert.equal(readdirSync(out).filter((f) => f.endsWith('.jsonl.gz')).length, 2);
  });
});

async function ticketId(t: TestApp, no: string): Promise<number> {
  const row = await t.ctx.store.db.selectFrom('tickets').select('id').where('no', '=', no).executeTakeFirstOrThrow();
  return Number(row.id);
}
