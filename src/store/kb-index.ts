// The knowledge base's full-text index, one implementation per engine (../knowledge/kb-store.ts
// keeps what both share). What is indexed is the passages' segmented form (space-joined jieba
// tokens, ../knowledge/segment.ts) in three fields — the article's title, the passage's headings and
// its text:
//   SQLite      FTS5 table kb_fts (contentless, unicode61 on the tokens), ranked with bm25()
//               weighting title 3, headings 1.5, text 1; document frequencies from its fts5vocab view.
//   PostgreSQL  kb_passages.tsv = to_tsvector('simple', …) of text, headings (B) and title (A), GIN
//               index, ranked with ts_rank() per query concept times the concept's IDF (ts_rank has
//               no IDF of its own); document frequencies kept in kb_terms as passages come and go.
import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from './db-types.ts';

/** A passage with its segmented fields, ready for the index. */
export interface IndexedPassage {
  seq: number;
  heading: string;
  text: string;
  headingTokens: string;
  bodyTokens: string;
  /** Its character bigrams, space-joined. */
  grams: string;
}

/** A concept of the question: any of its alternatives, each a set of tokens that must all occur. */
export interface Concept {
  alternatives: string[][];
  /** Inverse document frequency: how much finding it weighs. */
  idf: number;
}

/**
 * Which rows are ranked: those matching any of the groups, a group matching when all its concepts
 * do. Concepts outside every group only add to the score (PostgreSQL) or are left out (SQLite).
 */
export type Candidates = Concept[][];

export interface PassageFilters {
  statuses: string[];
  unitIds?: number[];
  kinds?: string[];
  validity: 'current' | 'expired' | 'upcoming' | 'any';
  /** Today in Shanghai, YYYY-MM-DD. */
  today: string;
  /** Only articles of these regions (and, with `unknownRegion`, those of no known region). */
  regions?: string[];
  unknownRegion?: boolean;
}

export interface RankedPassage {
  id: number;
  articleId: number;
  score: number;
}

/** A bigram of the question with its weight. */
export interface Gram {
  gram: string;
  idf: number;
}

export interface PassageIndex {
  /**
   * About how many rows a search may rank: the rarest query words select the candidates until their
   * passages add up to this; when even the rarest word is more common, candidates must contain the
   * rarest two or three together. The other words only weigh in the score (PostgreSQL) or are left
   * out (SQLite). This bounds the latency on a large base: FTS5 ranks about one row per µs,
   * PostgreSQL (reading each row's vector from the heap) about one per 8 µs.
   */
  readonly candidateBudget: number;
  /**
   * When a question has only words found nearly everywhere (牡丹江, 工作), no choice of candidates is
   * small: then only the first this many matching rows are ranked, so such a search stays as fast as
   * the others (and finds little worth answering anyway).
   */
  readonly candidateCap: number;
  /** The most passages the bigrams chosen for the bigram field may hold together. */
  readonly gramBudget: number;
  /** Takes an article's passages (their ids) out of the index, before the rows are deleted. */
  unindex(tx: Tx, articleId: number, ids: number[]): Promise<void>;
  /** Writes an article's passages (it has none) and indexes them. */
  insert(tx: Tx, articleId: number, titleTokens: string, rows: IndexedPassage[]): Promise<void>;
  /** How many passages contain each term ('#' + bigram for the bigram field); terms no passage holds are left out. */
  documentFrequencies(db: Db | Tx, terms: string[]): Promise<Map<string, number>>;
  /** The best passages for the concepts under the filters, best first; `capped`: only the first candidateCap matching rows are ranked. */
  rankPassages(db: Db, concepts: Concept[], groups: Candidates, filters: PassageFilters, limit: number, capped: boolean): Promise<RankedPassage[]>;
  /** The best passages holding any of the bigrams, best first. */
  rankByGrams(db: Db, grams: Gram[], filters: PassageFilters, limit: number): Promise<RankedPassage[]>;
  /** Fresh planner statistics for the knowledge tables. */
  analyze(db: Db): Promise<void>;
}

function articleConditions(f: PassageFilters): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [sql`a.status in (${sql.join(f.statuses)})`];
  if (f.unitIds?.length) where.push(sql`a.unit_id in (${sql.join(f.unitIds)})`);
  if (f.kinds?.length) where.push(sql`a.kind in (${sql.join(f.kinds)})`);
  // A 讨论稿 is never in force, dated or not.
  if (f.validity === 'current') where.push(sql`(a.effective_from is null or a.effective_from <= ${f.today}) and (a.expires_on is null or a.expires_on >= ${f.today}) and a.doc_status <> 'draft'`);
  if (f.regions?.length) where.push(f.unknownRegion ? sql`(a.region in (${sql.join(f.regions)}) or a.region is null)` : sql`a.region in (${sql.join(f.regions)})`);
  if (f.validity === 'expired') where.push(sql`a.expires_on < ${f.today}`);
  if (f.validity === 'upcoming') where.push(sql`a.effective_from > ${f.today}`);
  return where;
}

const ranked = (rows: Array<{ id: number; article_id: number; score: number }>): RankedPassage[] =>
  rows.map((r) => ({ id: Number(r.id), articleId: Number(r.article_id), score: Number(r.score) }));

const ftsTerm = (t: string) => `"${t.replace(/"/g, '""')}"`;
const ftsConcept = (c: Concept) => c.alternatives.map((alt) => (alt.length === 1 ? ftsTerm(alt[0]!) : `(${alt.map(ftsTerm).join(' AND ')})`)).join(' OR ');

const SQLITE_CAP = 16_000;
const POSTGRES_CAP = 2_000;

export const sqlitePassageIndex: PassageIndex = {
  candidateBudget: 8_000,
  candidateCap: SQLITE_CAP,
  gramBudget: 6_000,

  async unindex(tx, _articleId, ids) {
    for (let i = 0; i < ids.length; i += 500) {
      await sql`delete from kb_fts where rowid in (${sql.join(ids.slice(i, i + 500))})`.execute(tx);
      await sql`delete from kb_grams where rowid in (${sql.join(ids.slice(i, i + 500))})`.execute(tx);
    }
  },

  async insert(tx, articleId, titleTokens, rows) {
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200);
      await tx
        .insertInto('kb_passages')
        .values(chunk.map((r) => ({ article_id: articleId, seq: r.seq, heading: r.heading, text: r.text })))
        .execute();
    }
    const ids = await tx.selectFrom('kb_passages').select(['id', 'seq']).where('article_id', '=', articleId).execute();
    const idOf = new Map(ids.map((r) => [r.seq, Number(r.id)]));
    for (let i = 0; i < rows.length; i += 200) {
      const values = rows.slice(i, i + 200).map((r) => sql`(${idOf.get(r.seq)!}, ${titleTokens}, ${r.headingTokens}, ${r.bodyTokens})`);
      await sql`insert into kb_fts (rowid, title, heading, body) values ${sql.join(values)}`.execute(tx);
      const grams = rows.slice(i, i + 200).map((r) => sql`(${idOf.get(r.seq)!}, ${r.grams})`);
      await sql`insert into kb_grams (rowid, body) values ${sql.join(grams)}`.execute(tx);
    }
  },

  async documentFrequencies(db, terms) {
    // fts5vocab answers `term = ?` from the index (not `term IN (…)`): one lookup per term, in one statement.
    // A bigram of the second field is asked for as '#' + bigram (as PostgreSQL keeps it in kb_terms).
    const lookups = terms.map((term) =>
      term.startsWith('#') ? sql`select ${term} as term, doc from kb_grams_vocab where term = ${term.slice(1)}` : sql`select term, doc from kb_fts_vocab where term = ${term}`,
    );
    const rows = await sql<{ term: string; doc: number }>`${sql.join(lookups, sql` union all `)}`.execute(db);
    return new Map(rows.rows.map((r) => [r.term, Number(r.doc)]));
  },

  async rankPassages(db, _concepts, groups, filters, limit, capped) {
    if (!groups.length) return [];
    const where = articleConditions(filters);
    // Only the selecting groups are in the expression: the others would make FTS5 read their long
    // posting lists (tried at 100,000 passages: recall@5 +0.02, p95 ×10). Every concept is scored on
    // the candidates afterwards (../knowledge/search.ts conceptScore).
    const match = groups.map((g) => `(${g.map((c) => `(${ftsConcept(c)})`).join(' AND ')})`).join(' OR ');
    const rows = await sql<{ id: number; article_id: number; score: number }>`
      select id, article_id, score from (
        select kb_fts.rowid as id, p.article_id, -bm25(kb_fts, 1.0, 1.5, 1.0) as score
        from kb_fts
          join kb_passages p indexed by kb_passages_article_of on p.id = kb_fts.rowid
          join kb_articles a indexed by kb_articles_filter on a.id = p.article_id
        where kb_fts match ${match} and ${sql.join(where, sql` and `)}
        ${capped ? sql`limit ${SQLITE_CAP}` : sql``}
      )
      order by score desc, id
      limit ${limit}`.execute(db);
    return ranked(rows.rows);
  },

  async rankByGrams(db, grams, filters, limit) {
    if (!grams.length) return [];
    const where = articleConditions(filters);
    const match = grams.map((g) => ftsTerm(g.gram)).join(' OR ');
    const rows = await sql<{ id: number; article_id: number; score: number }>`
      select kb_grams.rowid as id, p.article_id, -bm25(kb_grams) as score
      from kb_grams
        join kb_passages p indexed by kb_passages_article_of on p.id = kb_grams.rowid
        join kb_articles a indexed by kb_articles_filter on a.id = p.article_id
      where kb_grams match ${match} and ${sql.join(where, sql` and `)}
      order by score desc, id
      limit ${limit}`.execute(db);
    return ranked(rows.rows);
  },

  async analyze(db) {
    for (const table of [sql`kb_passages`, sql`kb_articles`]) await sql`analyze ${table}`.execute(db);
  },
};

// Tokens are letters and digits only (../knowledge/segment.ts), so quoting them is enough.
const tsTerm = (t: string) => `'${t.replace(/'/g, "''")}'`;
const tsConcept = (c: Concept) => c.alternatives.map((alt) => (alt.length === 1 ? tsTerm(alt[0]!) : `(${alt.map(tsTerm).join(' & ')})`)).join(' | ');

/** kb_terms' document frequencies of an article's lexemes, added (sign 1) or taken away (sign -1). */
async function countTerms(tx: Tx, articleId: number, sign: 1 | -1): Promise<void> {
  // Term rows are locked in term order, so concurrent writers cannot deadlock on them.
  await sql`insert into kb_terms (term, df)
            select lexeme, ${sql.raw(sign < 0 ? '-' : '')}count(*)::int from kb_passages p, unnest(tsvector_to_array(p.tsv)) as lexeme
            where p.article_id = ${articleId} group by lexeme order by lexeme
            on conflict (term) do update set df = kb_terms.df + excluded.df`.execute(tx);
  await sql`insert into kb_terms (term, df)
            select '#' || lexeme, ${sql.raw(sign < 0 ? '-' : '')}count(*)::int from kb_passages p, unnest(tsvector_to_array(p.grams)) as lexeme
            where p.article_id = ${articleId} group by lexeme order by 1
            on conflict (term) do update set df = kb_terms.df + excluded.df`.execute(tx);
}

export const postgresPassageIndex: PassageIndex = {
  candidateBudget: 1_500,
  candidateCap: POSTGRES_CAP,
  gramBudget: 1_200,

  async unindex(tx, articleId) {
    await countTerms(tx, articleId, -1);
    // The row of the total ('') stays, whatever it holds.
    await sql`delete from kb_terms where df <= 0 and term <> ''`.execute(tx);
  },

  async insert(tx, articleId, titleTokens, rows) {
    for (let i = 0; i < rows.length; i += 200) {
      const values = rows.slice(i, i + 200).map(
        (r) =>
          // Text first, then headings and title: ts_rank discounts a word's later occurrences,
          // so a passage's own words count in full and the shared title weighs less.
          sql`(${articleId}, ${r.seq}, ${r.heading}, ${r.text},
               to_tsvector('simple', ${r.bodyTokens}) || setweight(to_tsvector('simple', ${r.headingTokens}), 'B') || setweight(to_tsvector('simple', ${titleTokens}), 'A'),
               to_tsvector('simple', ${r.grams}))`,
      );
      await sql`insert into kb_passages (article_id, seq, heading, text, tsv, grams) values ${sql.join(values)}`.execute(tx);
    }
    await countTerms(tx, articleId, 1);
  },

  async documentFrequencies(db, terms) {
    const rows = await db.selectFrom('kb_terms').select(['term', 'df']).where('term', 'in', terms).execute();
    return new Map(rows.map((r) => [r.term, Number(r.df)]));
  },

  async rankPassages(db, concepts, groups, filters, limit, capped) {
    if (!groups.length) return [];
    const where = articleConditions(filters);
    const candidates = groups.map((g) => `(${g.map((c) => `(${tsConcept(c)})`).join(' & ')})`).join(' | ');
    // Each scored concept costs a ts_rank per row: the rarest eight carry nearly all the weight.
    const scored = [...new Set([...groups.flat(), ...[...concepts].sort((a, b) => b.idf - a.idf)])].slice(0, Math.max(8, groups.flat().length));
    const score = sql.join(
      scored.map((c) => sql`${c.idf}::float8 * ts_rank('{1,0.2,0.5,0.5}'::float4[], p.tsv, ${tsConcept(c)}::tsquery, 1)`),
      sql` + `,
    );
    const from = capped ? sql`(select * from kb_passages where tsv @@ ${candidates}::tsquery limit ${POSTGRES_CAP}) p` : sql`kb_passages p`;
    const rows = await sql<{ id: number; article_id: number; score: number }>`
      select p.id, p.article_id, ${score} as score
      from ${from} join kb_articles a on a.id = p.article_id
      where p.tsv @@ ${candidates}::tsquery and ${sql.join(where, sql` and `)}
      order by score desc, p.id
      limit ${limit}`.execute(db);
    return ranked(rows.rows);
  },

  async rankByGrams(db, grams, filters, limit) {
    if (!grams.length) return [];
    const where = articleConditions(filters);
    const query = grams.map((g) => tsTerm(g.gram)).join(' | ');
    const score = sql.join(
      grams.map((g) => sql`${g.idf}::float8 * ts_rank(p.grams, ${tsTerm(g.gram)}::tsquery, 1)`),
      sql` + `,
    );
    const rows = await sql<{ id: number; article_id: number; score: number }>`
      select p.id, p.article_id, ${score} as score
      from kb_passages p join kb_articles a on a.id = p.article_id
      where p.grams @@ ${query}::tsquery and ${sql.join(where, sql` and `)}
      order by score desc, p.id
      limit ${limit}`.execute(db);
    return ranked(rows.rows);
  },

  async analyze(db) {
    await sql`analyze kb_passages, kb_articles, kb_terms`.execute(db);
  },
};
