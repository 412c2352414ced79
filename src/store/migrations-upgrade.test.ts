// An old store brought up to date by the frozen migrations, on every engine: a store as it stood
// after 2026-11-23 (an article, a passage and an audit event written before the audit chain, the
// regions and the bigram index existed) is migrated to the latest; the frozen copies of the chain's
// hashing and of the knowledge base's inference must give what the live code reads and checks.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { describeEachEngine } from '../../test/support/app.ts';
import { freshDatabase } from '../../test/support/databases.ts';
import { openStore } from './db.ts';
import { migrate, migrateTo } from './migrations.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { verifyChain } from '../audit/chain.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'hotline-upgrade-'));
process.env.HOTLINE_DATA_DIR = dataDir;
delete process.env.HOTLINE_FIELD_KEYS;
delete process.env.HOTLINE_LOOKUP_KEY;
delete process.env.HOTLINE_AUDIT_KEYS;
const T = '2026-11-24T01:00:00.000Z';

describeEachEngine('upgrading a store from 2026-11-23', (engine) => {
  it('runs every later migration over its rows: the chain verifies, the article gets its region and its bigrams', async () => {
    const database = await freshDatabase(engine);
    const store = openStore({ url: database.url, sqliteFile: database.sqliteFile, dataDir: mkdtempSync(join(dataDir, `${engine}-`)) });
    try {
      const db = store.db as unknown as Kysely<any>;
      assert.deepEqual(await migrateTo(db, engine, '2026-11-23-knowledge-base'), ['2026-11-01-core', '2026-11-02-calendar-day-sources', '2026-11-23-knowledge-base']);
      const raw = db.withoutPlugins();
      const unit = await raw.insertInto('units').values({ code: 'zjj', name: '住建局', kind: 'department', parent_id: null, path: '/1/', sms_phone: null, active: 1 }).returning('id').executeTakeFirstOrThrow();
      const article = await raw
        .insertInto('kb_articles')
        .values({ kind: 'policy', title: '鸡西市住房公积金提取办法（征求意见稿）', unit_id: unit.id, body: '鸡西市住房公积金管理中心', status: 'published', origin: 'manual', created_at: T, updated_at: T })
        .returning('id')
        .executeTakeFirstOrThrow();
      const passage = { article_id: article.id, seq: 1, heading: '提取', text: '公积金贷款' };
      if (engine === 'postgres') await sql`insert into kb_passages (article_id, seq, heading, text, tsv) values (${passage.article_id}, 1, ${passage.heading}, ${passage.text}, to_tsvector('simple', ''))`.execute(raw);
      else await raw.insertInto('kb_passages').values(passage).execute();
      for (const action of ['login', 'intake']) {
        await raw.insertInto('events').values({ ticket_id: null, at: T, user_id: null, role: 'admin', unit_id: null, action, from_status: null, to_status: null, detail: null, article_id: null }).execute();
      }

      const ran = await migrate(db, engine);
      assert.deepEqual(ran, MIGRATIONS.map(([name]) => name).slice(3));

      // The unkeyed chain of 2026-12-08, re-chained under the key on 2026-12-27 with its own event: the live verifier accepts it.
      const report = await verifyChain(store.db);
      assert.equal(report.ok, true, JSON.stringify(report.firstBad));
      assert.equal(report.events, 3);
      const keyed = await raw.selectFrom('events').select(['action', 'detail', 'chain_key']).orderBy('chain_seq').execute();
      assert.deepEqual(keyed.map((e) => e.action), ['login', 'intake', 'audit.chain.keyed']);
      const detail = JSON.parse(keyed[2]!.detail);
      assert.deepEqual([detail.rechained, detail.legacyVerified, detail.legacyHead.seq], [2, true, 2]);
      assert.ok(keyed.every((e) => e.chain_key === detail.keyId));

      // 2026-12-30: the region from the title, the draft status, the passage's bigrams.
      const a = await raw.selectFrom('kb_articles').select(['region', 'doc_status']).where('id', '=', article.id).executeTakeFirstOrThrow();
      assert.deepEqual(a, { region: '鸡西市', doc_status: 'draft' });
      const grams =
        engine === 'postgres'
          ? (await sql<{ g: string }>`select unnest(tsvector_to_array(grams)) as g from kb_passages`.execute(raw)).rows.map((r) => r.g)
          : (await sql<{ g: string }>`select term as g from kb_grams_vocab`.execute(raw)).rows.map((r) => r.g);
      assert.deepEqual(grams.sort(), ['提取', '公积', '积金', '金贷', '贷款'].sort());
    } finally {
      await store.close();
      await database.drop();
    }
  });
});

process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
