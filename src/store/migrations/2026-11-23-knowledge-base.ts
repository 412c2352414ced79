import { sql, type Kysely, type Migration } from 'kysely';
import { dialectHelpers, type MigrationContext } from './_helpers-2026.ts';

type AnyDb = Kysely<any>;

/**
 * The knowledge base (第十八条–第二十一条): articles with their lifecycle, passages indexed for
 * Chinese full-text search (segmented text: SQLite FTS5 with bm25, PostgreSQL tsvector + GIN),
 * document frequencies of the indexed terms, synonyms, 纠错 reports and settings. Audit events may
 * name the article they concern.
 */
export function migration({ engine }: MigrationContext): Migration {
  const h = dialectHelpers(engine);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('kb_articles')
        .addColumn('id', ...h.id())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('category_id', 'integer', (c) => c.references('categories.id'))
        .addColumn('source_title', 'text')
        .addColumn('source_doc_no', 'text')
        .addColumn('source_issuer', 'text')
        .addColumn('source_date', 'text')
        .addColumn('effective_from', 'text')
        .addColumn('expires_on', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('import_key', 'text', (c) => c.unique())
        .addColumn('bulletin', 'text')
        .addColumn('entry_required', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('review_note', 'text')
        .addColumn('view_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('use_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_used_at', h.instant)
        .addColumn('created_by', 'integer', (c) => c.references('users.id'))
        .addColumn('created_at', h.instant, (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .addColumn('submitted_at', h.instant)
        .addColumn('approved_by', 'integer', (c) => c.references('users.id'))
        .addColumn('approved_at', h.instant)
        .addColumn('reviewed_by', 'integer', (c) => c.references('users.id'))
        .addColumn('published_at', h.instant)
        .execute();
      await db.schema.createIndex('kb_articles_unit_status').on('kb_articles').columns(['unit_id', 'status']).execute();
      await db.schema.createIndex('kb_articles_status').on('kb_articles').columns(['status', 'updated_at']).execute();

      await db.schema
        .createTable('kb_passages')
        .addColumn('id', ...h.id(true))
        .addColumn('article_id', 'integer', (c) => c.notNull().references('kb_articles.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('heading', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('kb_passages_article').on('kb_passages').columns(['article_id', 'seq']).execute();
      if (engine === 'postgres') {
        await sql`alter table kb_passages add column tsv tsvector not null`.execute(db);
        // Ranking reads the vector once per query word and row: kept inline and uncompressed (a
        // passage's vector is a few KB at most), so no read pays for decompressing it.
        await sql`alter table kb_passages alter column tsv set storage plain`.execute(db);
        await sql`create index kb_passages_tsv on kb_passages using gin (tsv)`.execute(db);
      } else {
        // Contentless: the passage text lives in kb_passages; the index holds the segmented tokens.
        await sql`create virtual table kb_fts using fts5(title, heading, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(db);
        await sql`create virtual table kb_fts_vocab using fts5vocab(kb_fts, 'row')`.execute(db);
        // Ranking joins thousands of matches to their passage and article: covering indexes keep
        // those lookups off the wide rows (a passage's text, an article's body before its status).
        await db.schema.createIndex('kb_passages_article_of').on('kb_passages').columns(['id', 'article_id']).execute();
        await db.schema.createIndex('kb_articles_filter').on('kb_articles').columns(['id', 'status', 'unit_id', 'kind', 'effective_from', 'expires_on']).execute();
      }

      await db.schema
        .createTable('kb_terms')
        .addColumn('term', 'text', (c) => c.primaryKey())
        .addColumn('df', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('kb_synonyms')
        .addColumn('id', ...h.id())
        .addColumn('terms', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .execute();
      // A first set of words citizens and documents say differently; admins edit it.
      const groups = [
        ['公积金', '住房公积金'],
        ['营业执照', '执照'],
        ['个体户', '个体工商户'],
        ['医保', '医疗保险', '基本医疗保险'],
        ['社保', '社会保险'],
        ['暖气', '供热', '供暖', '取暖'],
        ['身份证', '居民身份证'],
        ['驾照', '驾驶证', '机动车驾驶证'],
        ['非遗', '非物质文化遗产'],
        ['开公司', '开办企业', '企业开办'],
        ['打猎', '狩猎', '猎捕'],
        ['12345', '市长热线', '政务服务便民热线'],
      ];
      await db
        .insertInto('kb_synonyms')
        .values(groups.map((terms) => ({ terms: JSON.stringify(terms), updated_by: null, updated_at: '2026-11-23T00:00:00.000Z' })))
        .execute();

      await db.schema
        .createTable('kb_reports')
        .addColumn('id', ...h.id())
        .addColumn('article_id', 'integer', (c) => c.notNull().references('kb_articles.id'))
        .addColumn('passage_seq', 'integer')
        .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reported_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('reported_at', h.instant, (c) => c.notNull())
        .addColumn('resolved_by', 'integer', (c) => c.references('users.id'))
        .addColumn('resolved_at', h.instant)
        .addColumn('resolution_note', 'text')
        .execute();
      await db.schema.createIndex('kb_reports_unit_status').on('kb_reports').columns(['unit_id', 'status']).execute();
      await db.schema.createIndex('kb_reports_article').on('kb_reports').column('article_id').execute();

      await db.schema
        .createTable('kb_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', h.instant, (c) => c.notNull())
        .execute();

      await db.schema.alterTable('events').addColumn('article_id', 'integer').execute();
      await db.schema.createIndex('events_article').on('events').columns(['article_id', 'id']).where(sql.ref('article_id'), 'is not', null).execute();
    },
  };
}
