// Knowledge base: each article's region (the city or county whose rules it states) and document
// status (讨论稿/征求意见稿 never in force), inferred for the articles already there; and a second
// index of each passage's character bigrams (SQLite: FTS5 table kb_grams; PostgreSQL: column grams
// with its GIN index, bigram document frequencies in kb_terms under '#'), filled for the passages
// already there.
import { sql, type Kysely, type Migration } from 'kysely';
import { charGrams, inferDocStatus, inferRegion } from './_kb-regions-2026.ts';
import type { MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('kb_articles').addColumn('region', 'text').execute();
      await db.schema.alterTable('kb_articles').addColumn('doc_status', 'text', (c) => c.notNull().defaultTo('formal')).execute();
      const articles = await db.selectFrom('kb_articles').select(['id', 'title', 'source_issuer', 'source_doc_no', 'body']).execute();
      for (const a of articles) {
        const facts = { title: a.title, issuer: a.source_issuer, docNo: a.source_doc_no, body: a.body };
        await db.updateTable('kb_articles').set({ region: inferRegion(facts), doc_status: inferDocStatus(facts) }).where('id', '=', a.id).execute();
      }
      if (engine === 'postgres') {
        await sql`alter table kb_passages add column grams tsvector not null default ''::tsvector`.execute(db);
      } else {
        await sql`create virtual table kb_grams using fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(db);
        await sql`create virtual table kb_grams_vocab using fts5vocab(kb_grams, 'row')`.execute(db);
      }
      let last = 0;
      for (;;) {
        const rows = await db.selectFrom('kb_passages').select(['id', 'heading', 'text']).where('id', '>', last).orderBy('id').limit(500).execute();
        if (!rows.length) break;
        last = Number(rows[rows.length - 1].id);
        for (const r of rows) {
          const grams = charGrams(`${r.heading}\n${r.text}`).join(' ');
          if (engine === 'postgres') await sql`update kb_passages set grams = to_tsvector('simple', ${grams}) where id = ${r.id}`.execute(db);
          else await sql`insert into kb_grams (rowid, body) values (${r.id}, ${grams})`.execute(db);
        }
      }
      if (engine === 'postgres') {
        await sql`insert into kb_terms (term, df)
                  select '#' || lexeme, count(*)::int from kb_passages p, unnest(tsvector_to_array(p.grams)) as lexeme group by lexeme
                  on conflict (term) do update set df = excluded.df`.execute(db);
        await sql`create index kb_passages_grams on kb_passages using gin (grams)`.execute(db);
      }
      if (engine === 'sqlite') {
        // The filter index the ranking query is pinned to also holds the new columns.
        await sql`drop index kb_articles_filter`.execute(db);
        await db.schema.createIndex('kb_articles_filter').on('kb_articles').columns(['id', 'status', 'unit_id', 'kind', 'effective_from', 'expires_on', 'region', 'doc_status']).execute();
      }
      // Everyday words callers use for what documents name otherwise; admins edit them like the rest.
      const spoken = [
        ['办完', '办结', '办理完毕'],
        ['回复', '答复', '回话', '反馈'],
        ['多少天', '工作日'],
        ['医保卡', '医保个人账户', '个人账户'],
        ['社区医院', '社区卫生服务中心', '基层医疗机构'],
        ['掏钱', '出钱', '出资', '自行承担'],
        ['户口', '户籍'],
        ['棚子', '棚厦'],
        ['平米', '平方米'],
        ['不归', '不属于'],
        ['重新办', '再次办理'],
        ['上班的', '职工', '在职职工'],
        ['退休了', '退休人员'],
        ['养狗', '养犬'],
        ['晚上', '夜间'],
        ['手电筒', '照明'],
        ['换地址', '变更住所'],
        ['疫情', '突发公共卫生事件'],
        ['住户', '居民'],
        ['打分', '计分', '评分', '分值'],
        ['检测机构', '承检机构'],
        ['砍树', '树木砍伐'],
        ['窗户', '门窗'],
        ['纸的', '纸质'],
        ['拿到手', '领取'],
        ['看病', '就医'],
        ['开会', '召开会议'],
      ];
      const existing = new Set((await db.selectFrom('kb_synonyms').select('terms').execute()).flatMap((r) => JSON.parse(r.terms) as string[]));
      const fresh = spoken.filter((g) => !g.some((t) => existing.has(t)));
      if (fresh.length) {
        await db
          .insertInto('kb_synonyms')
          .values(fresh.map((terms) => ({ terms: JSON.stringify(terms), updated_by: null, updated_at: '2026-12-30T00:00:00.000Z' })))
          .execute();
      }
      await db.schema.createIndex('kb_articles_region').on('kb_articles').columns(['region', 'doc_status']).execute();
    },
  };
}
