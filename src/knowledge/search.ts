// Search in Chinese: the question is segmented like the passages (search mode), function and
// question words are dropped, each word of a synonym group also brings the others (OR), and the
// engine ranks the passages (./kb-store.ts). Hits are grouped so one long document does not fill
// the page, and each carries a snippet with the matched words highlighted and its coverage: the
// share of the question's weight (IDF) the passage answers.
import type { AppContext } from '../server/context.ts';
import { CANDIDATE_BUDGET, rankPassages, termStats, type Candidates, type Concept } from './kb-store.ts';
import { phraseTokens, questionTokens, questionWords } from './segment.ts';
import { synonymGroups } from './synonyms.ts';
import { articleSummary, today as todayOf, type ArticleRow, type Validity } from './model.ts';

export interface SearchOptions {
  q: string;
  unitIds?: number[];
  kinds?: string[];
  validity?: Validity;
  /** Article states searched; published only unless a use-case says otherwise. */
  statuses?: string[];
  limit?: number;
  /** At most this many passages of one article among the hits (no limit by default). */
  perArticle?: number;
}

export interface PlannedConcept extends Concept {
  label: string;
  df: number;
}

export interface QueryPlan {
  tokens: string[];
  /** What is searched: the question's tokens (search mode) and its synonym groups. */
  concepts: PlannedConcept[];
  /** What an answer must cover: the question's words (precise mode), a synonym group counting as one. */
  words: PlannedConcept[];
  /** Which rows are ranked (see CANDIDATE_BUDGET), and about how many there are. */
  candidates: Candidates;
  candidateRows: number;
  /** Synonym groups the question brought in. */
  synonyms: string[][];
  passages: number;
}

export interface SearchHit {
  article: ReturnType<typeof articleSummary>;
  passage: { seq: number; heading: string; text: string };
  /** The passage text around the best match, HTML-escaped, matches in <em>…</em>. */
  snippet: string;
  /** [start, end) offsets of the matched words in passage.text. */
  highlights: Array<[number, number]>;
  /** The engine's score (bm25 on SQLite, IDF-weighted ts_rank on PostgreSQL); comparable within one answer. */
  score: number;
  /** Share of the question's weight (its words' IDF) found in the passage with its title and headings, 0–1. */
  coverage: number;
  matched: string[];
}

const idfOf = (n: number, df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));

/** The question as concepts with their weights, and which of them select candidates. */
export async function planQuery(ctx: AppContext, q: string): Promise<QueryPlan> {
  const tokens = questionTokens(q);
  const tokenSet = new Set(tokens);
  const words = questionWords(q);
  const covered = new Set<string>();
  const synonymConcepts: Array<{ label: string; alternatives: string[][]; words: string[] }> = [];
  const synonyms: string[][] = [];
  for (const group of await synonymGroups(ctx.store.db)) {
    const matched = group.filter((s) => q.includes(s) || phraseTokens(s).every((t) => tokenSet.has(t)));
    if (!matched.length) continue;
    const alternatives = [...new Map(group.map((s) => phraseTokens(s)).filter((a) => a.length).map((a) => [a.join(' '), a])).values()];
    const matchedTokens = matched.flatMap((s) => phraseTokens(s));
    synonymConcepts.push({ label: group.join('/'), alternatives, words: matchedTokens });
    synonyms.push(group);
    for (const t of matchedTokens) covered.add(t);
  }
  const raw = [...tokens.filter((t) => !covered.has(t)).map((t) => ({ label: t, alternatives: [[t]] })), ...synonymConcepts];
  // A word of the question that a synonym group matched counts through the group.
  const rawWords = [
    ...words.filter((w) => !covered.has(w) && !synonymConcepts.some((c) => c.label.split('/').some((s) => s.includes(w) && q.includes(s)))).map((w) => ({ label: w, alternatives: [[w]] })),
    ...synonymConcepts,
  ];
  const stats = await termStats(ctx.store.db, ctx.store.engine, [...raw, ...rawWords].flatMap((c) => c.alternatives.flat()));
  const n = stats.n;
  const weigh = (c: { label: string; alternatives: string[][] }): PlannedConcept => {
    const df = Math.min(n, c.alternatives.reduce((sum, alt) => sum + Math.min(...alt.map((t) => stats.df.get(t) ?? 0)), 0));
    return { label: c.label, alternatives: c.alternatives, df, idf: idfOf(n, df) };
  };
  const concepts = raw.map(weigh);
  const { groups, rows } = candidatesOf(concepts, n, CANDIDATE_BUDGET[ctx.store.engine]);
  return { tokens, concepts, words: rawWords.map(weigh), candidates: groups, candidateRows: rows, synonyms, passages: n };
}

/**
 * The rarest concepts select the candidates, within a budget of rows to rank: each alone while
 * their passages fit the budget; when even the rarest is more common, the rarest two or three
 * together. A lone Chinese character (often what is left of a word the dictionary does not know)
 * only adds to the score, unless the question has nothing better.
 */
export function candidatesOf(concepts: PlannedConcept[], n: number, budget: number): { groups: Candidates; rows: number } {
  const single = (c: PlannedConcept) => c.alternatives.every((alt) => alt.length === 1 && /^[\u3400-\u9fff]$/.test(alt[0]));
  const better = concepts.some((c) => c.df > 0 && !single(c));
  const usable = concepts.filter((c) => c.df > 0 && !(better && single(c))).sort((a, b) => a.df - b.df);
  if (!usable.length) return { groups: [], rows: 0 };
  if (usable[0].df > budget && usable.length > 1) {
    // Pieces of one word (牡丹 丹江 牡丹江) always occur together: only other words narrow the rows.
    const tokens = (c: PlannedConcept) => c.alternatives.flat();
    const overlaps = (a: PlannedConcept, b: PlannedConcept) => tokens(a).some((x) => tokens(b).some((y) => x.includes(y) || y.includes(x)));
    const group = [usable[0]];
    let rows = usable[0].df;
    for (const c of usable.slice(1)) {
      if (rows <= budget || group.length === 3) break;
      if (group.some((g) => overlaps(g, c))) continue;
      group.push(c);
      rows = (rows * c.df) / Math.max(n, 1);
    }
    return { groups: [group], rows: Math.round(rows) };
  }
  const groups: Candidates = [];
  let rows = 0;
  for (const c of usable) {
    if (groups.length && rows + c.df > budget) continue;
    groups.push([c]);
    rows += c.df;
  }
  return { groups, rows };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Where the question's words (and their synonyms) occur in a text, merged. */
export function highlightRanges(text: string, words: string[]): Array<[number, number]> {
  const lower = text.toLowerCase();
  const ranges: Array<[number, number]> = [];
  for (const w of words) {
    if (!w || (w.length < 2 && !/^[a-z0-9]$/.test(w))) continue;
    for (let i = lower.indexOf(w); i >= 0; i = lower.indexOf(w, i + w.length)) ranges.push([i, i + w.length]);
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

const SNIPPET = 120;

/** The window of the text with the most highlighted characters, HTML-escaped, matches in <em>. */
export function snippetOf(text: string, ranges: Array<[number, number]>): string {
  let start = 0;
  if (text.length > SNIPPET && ranges.length) {
    let best = -1;
    for (const [s] of ranges) {
      const from = Math.max(0, Math.min(s - 20, text.length - SNIPPET));
      const covered = ranges.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, from + SNIPPET) - Math.max(a, from)), 0);
      if (covered > best) {
        best = covered;
        start = from;
      }
    }
  }
  const end = Math.min(text.length, start + SNIPPET);
  let out = start > 0 ? '…' : '';
  let pos = start;
  for (const [a, b] of ranges) {
    if (b <= start || a >= end) continue;
    const s = Math.max(a, start);
    const e = Math.min(b, end);
    out += escapeHtml(text.slice(pos, s)) + '<em>' + escapeHtml(text.slice(s, e)) + '</em>';
    pos = e;
  }
  out += escapeHtml(text.slice(pos, end)) + (end < text.length ? '…' : '');
  return out.replace(/\n/g, ' ');
}

/** Whether a text contains every token of one of a concept's alternatives (as substrings: tokens are words). */
export const containsConcept = (lowerText: string, c: { alternatives: string[][] }) => c.alternatives.some((alt) => alt.every((t) => lowerText.includes(t)));

/** Which of the question's words a passage (with its article's title and its headings) contains, and their share of the weight. */
export function coverageOf(plan: QueryPlan, text: string): { coverage: number; matched: string[] } {
  const lower = text.toLowerCase();
  let total = 0;
  let found = 0;
  const matched: string[] = [];
  for (const c of plan.words) {
    total += c.idf;
    if (containsConcept(lower, c)) {
      found += c.idf;
      matched.push(c.label);
    }
  }
  return { coverage: total ? Math.round((found / total) * 100) / 100 : 0, matched };
}

/** The article columns a hit shows (not the body, which can be long). */
const SUMMARY_COLUMNS = [
  'id', 'kind', 'title', 'unit_id', 'category_id', 'source_title', 'source_doc_no', 'source_issuer', 'source_date', 'effective_from', 'expires_on',
  'status', 'origin', 'import_key', 'bulletin', 'entry_required', 'review_note', 'view_count', 'use_count', 'last_used_at', 'created_by', 'created_at',
  'updated_at', 'submitted_at', 'approved_by', 'approved_at', 'reviewed_by', 'published_at',
] as const;

export async function searchKb(ctx: AppContext, options: SearchOptions): Promise<{ plan: QueryPlan; hits: SearchHit[] }> {
  const plan = await planQuery(ctx, options.q);
  const limit = Math.min(options.limit ?? 10, 50);
  const perArticle = options.perArticle ?? limit;
  const date = todayOf(ctx);
  const ranked = await rankPassages(
    ctx.store.db,
    ctx.store.engine,
    plan.concepts,
    plan.candidates,
    { statuses: options.statuses ?? ['published'], unitIds: options.unitIds, kinds: options.kinds, validity: options.validity ?? 'any', today: date },
    Math.min(200, Math.max(30, limit * Math.min(perArticle, 3) * 3)),
    plan.candidateRows,
  );
  if (!ranked.length) return { plan, hits: [] };
  const chosen: typeof ranked = [];
  const perCount = new Map<number, number>();
  for (const r of ranked) {
    const count = perCount.get(r.articleId) ?? 0;
    if (count >= perArticle) continue;
    perCount.set(r.articleId, count + 1);
    chosen.push(r);
    if (chosen.length >= limit) break;
  }
  const db = ctx.store.db;
  const passages = new Map((await db.selectFrom('kb_passages').select(['id', 'seq', 'heading', 'text']).where('id', 'in', chosen.map((c) => c.id)).execute()).map((p) => [Number(p.id), p]));
  const rows = await db.selectFrom('kb_articles').select(SUMMARY_COLUMNS).where('id', 'in', [...new Set(chosen.map((c) => c.articleId))]).execute();
  const articles = new Map<number, ArticleRow>(rows.map((a) => [a.id, { ...a, body: '' }]));
  const words = [...new Set([...plan.concepts.flatMap((c) => c.alternatives.flat()), ...plan.synonyms.flat().map((s) => s.toLowerCase())])].sort((a, b) => b.length - a.length);
  return {
    plan,
    hits: chosen.map((r) => {
      const p = passages.get(r.id)!;
      const a = articles.get(r.articleId)!;
      const ranges = highlightRanges(p.text, words);
      const { coverage, matched } = coverageOf(plan, `${a.title}\n${p.heading}\n${p.text}`);
      return {
        article: articleSummary(ctx, a, date),
        passage: { seq: p.seq, heading: p.heading, text: p.text },
        snippet: snippetOf(p.text, ranges),
        highlights: ranges,
        score: Math.round(r.score * 10000) / 10000,
        coverage,
        matched,
      };
    }),
  };
}
