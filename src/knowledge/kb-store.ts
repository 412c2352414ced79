// The knowledge base's passages and their full-text index: what both engines share (the passages'
// segmented form, the count of passages, the cache of term statistics). The index itself, one per
// engine, is the store's (../store/kb-index.ts), reached through the store's capabilities.
import { sql } from 'kysely';
import type { Db, Tx } from '../store/db.ts';
import type { Candidates, Concept, Gram, PassageFilters, PassageIndex, RankedPassage } from '../store/kb-index.ts';
import { charGrams, segmented } from './segment.ts';

export type { Candidates, Concept, Gram, PassageFilters, PassageIndex, RankedPassage } from '../store/kb-index.ts';

export interface PassageInput {
  seq: number;
  heading: string;
  text: string;
}

const TOTAL = ''; // kb_terms row holding the number of passages

async function bumpTotal(tx: Tx, delta: number): Promise<void> {
  if (!delta) return;
  generation++;
  await tx
    .insertInto('kb_terms')
    .values({ term: TOTAL, df: delta })
    .onConflict((oc) => oc.column('term').doUpdateSet({ df: sql`kb_terms.df + ${delta}` }))
    .execute();
}

/** Removes an article's passages from the table and the index. */
export async function deletePassages(tx: Tx, index: PassageIndex, articleId: number): Promise<number> {
  const ids = (await tx.selectFrom('kb_passages').select('id').where('article_id', '=', articleId).execute()).map((r) => Number(r.id));
  if (!ids.length) return 0;
  await index.unindex(tx, articleId, ids);
  await tx.deleteFrom('kb_passages').where('article_id', '=', articleId).execute();
  await bumpTotal(tx, -ids.length);
  return ids.length;
}

/** Writes an article's passages and indexes them, replacing any it had. */
export async function replacePassages(tx: Tx, index: PassageIndex, articleId: number, title: string, passages: PassageInput[]): Promise<void> {
  await deletePassages(tx, index, articleId);
  if (!passages.length) return;
  const rows = passages.map((p) => ({ ...p, headingTokens: segmented(p.heading), bodyTokens: segmented(p.text), grams: charGrams(`${p.heading}\n${p.text}`).join(' ') }));
  await index.insert(tx, articleId, segmented(title), rows);
  await bumpTotal(tx, passages.length);
}

/**
 * Term statistics change only when passages are written; searches ask for the same words again and
 * again. They are cached per store for a minute, and dropped whenever this process writes passages
 * (another process's import shows within the minute).
 */
const STATS_TTL_MS = 60_000;
let generation = 0;
const statsCache = new WeakMap<Db | Tx, { generation: number; at: number; n: number; df: Map<string, number> }>();

/** How many passages there are, and how many contain each term. */
export async function termStats(db: Db | Tx, index: PassageIndex, terms: string[]): Promise<{ n: number; df: Map<string, number> }> {
  let cached = statsCache.get(db);
  if (!cached || cached.generation !== generation || Date.now() - cached.at > STATS_TTL_MS) {
    const total = await db.selectFrom('kb_terms').select('df').where('term', '=', TOTAL).executeTakeFirst();
    cached = { generation, at: Date.now(), n: Math.max(0, Number(total?.df ?? 0)), df: new Map() };
    statsCache.set(db, cached);
  }
  const wanted = [...new Set(terms)].filter((t) => t && !cached!.df.has(t));
  if (wanted.length) {
    const found = await index.documentFrequencies(db, wanted);
    if (cached.df.size > 20_000) cached.df.clear();
    for (const t of wanted) cached.df.set(t, found.get(t) ?? 0);
  }
  return { n: cached.n, df: cached.df };
}

/** The best passages for the concepts under the filters, best first. */
export function rankPassages(db: Db, index: PassageIndex, concepts: Concept[], groups: Candidates, filters: PassageFilters, limit: number, estimatedRows = 0): Promise<RankedPassage[]> {
  return index.rankPassages(db, concepts, groups, filters, limit, estimatedRows > index.candidateCap);
}

/**
 * The best passages by the bigram field: those holding any of the given bigrams (the caller picks
 * the rarest, within the candidate budget), ranked by bm25 (SQLite) or IDF-weighted ts_rank.
 */
export function rankByGrams(db: Db, index: PassageIndex, grams: Gram[], filters: PassageFilters, limit: number): Promise<RankedPassage[]> {
  return index.rankByGrams(db, grams, filters, limit);
}

/** After a large import: fresh planner statistics, so ranking queries get a good plan at once. */
export function refreshStatistics(db: Db, index: PassageIndex): Promise<void> {
  return index.analyze(db);
}
