// Search in Chinese: the question is segmented like the passages (search mode), function and
// question words are dropped, each word of a synonym group also brings the others (OR), and the
// store's full-text index ranks the passages (./kb-store.ts, ../store/kb-index.ts). Hits are grouped so one long document does not fill
// the page, and each carries a snippet with the matched words highlighted and its coverage: the
// share of the question's weight (IDF) the passage answers.
import type { AppContext } from '../server/context.ts';
import { rankByGrams, rankPassages, termStats, type Candidates, type Concept, type Gram } from './kb-store.ts';
import { regionsFor } from './regions.ts';
import { phraseTokens, questionGrams, questionTokens, questionWords } from './segment.ts';
import { synonymGroups } from './synonyms.ts';
import { lexiconGroups, lexiconWith, rewriteQuestion } from './lexicon.ts';
import { articleSummary, today as todayOf, type ArticleRow, type Validity } from './model.ts';
import type { KbHit } from './contract.ts';

export interface SearchOptions {
  q: string;
  unitIds?: number[];
  kinds?: string[];
  validity?: Validity;
  /** Article states searched; published only unless a use-case says otherwise. */
  statuses?: string[];
  limit?: number;
  /** At most this many passages of one article among the hits (3 by default). */
  perArticle?: number;
  /** A region (牡丹江市, 鸡西市) or 'all'; by default the platform's city unless the question names another place. */
  region?: string;
}

export interface PlannedConcept extends Concept {
  label: string;
  df: number;
}

export interface QueryPlan {
  /** The question as searched: callers' phrasings in written form (./lexicon.ts). */
  question: string;
  tokens: string[];
  /** What is searched: the question's tokens (search mode) and its synonym groups. */
  concepts: PlannedConcept[];
  /** What an answer must cover: the question's words (precise mode), a synonym group counting as one. */
  words: PlannedConcept[];
  /** Which rows are ranked (see PassageIndex.candidateBudget), and about how many there are. */
  candidates: Candidates;
  candidateRows: number;
  /** Synonym groups the question brought in. */
  synonyms: string[][];
  passages: number;
}

export type SearchHit = KbHit;

const LONE_HAN = /^[\u3400-\u9fff]$/;
export const LONE_WEIGHT = 0.25;
const idfOf = (n: number, df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));

/** The question as concepts with their weights, and which of them select candidates. */
export async function planQuery(ctx: AppContext, asked: string): Promise<QueryPlan> {
  const lexicon = lexiconWith(ctx.city.kbLexicon);
  const q = rewriteQuestion(asked, lexicon);
  const tokens = questionTokens(q);
  const tokenSet = new Set(tokens);
  const words = questionWords(q);
  const covered = new Set<string>();
  const synonymConcepts: Array<{ label: string; alternatives: string[][]; words: string[] }> = [];
  const synonyms: string[][] = [];
  for (const group of mergeGroups(q, [...(await synonymGroups(ctx.store.db)), ...lexiconGroups(q, lexicon)])) {
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
  const stats = await termStats(ctx.store.db, ctx.store.capabilities.passageIndex, [...raw, ...rawWords].flatMap((c) => c.alternatives.flat()));
  const n = stats.n;
  const weigh = (c: { label: string; alternatives: string[][] }): PlannedConcept => {
    const df = Math.min(n, c.alternatives.reduce((sum, alt) => sum + Math.min(...alt.map((t) => stats.df.get(t) ?? 0)), 0));
    // A lone character (打, 看, 换) is matched inside longer words (打造, 看护, 换届) far more often than
    // its document frequency as a word says: it weighs a quarter.
    const lone = c.alternatives.length === 1 && c.alternatives[0].length === 1 && LONE_HAN.test(c.alternatives[0][0]);
    return { label: c.label, alternatives: c.alternatives, df, idf: idfOf(n, df) * (lone ? LONE_WEIGHT : 1) };
  };
  const concepts = raw.map(weigh);
  const { groups, rows } = candidatesOf(concepts, n, ctx.store.capabilities.passageIndex.candidateBudget);
  return { question: q, tokens, concepts, words: rawWords.map(weigh), candidates: groups, candidateRows: rows, synonyms, passages: n };
}

/**
 * Groups a question matches through the same words (an admin's 医保卡/个人账户 and the lexicon's
 * 医保卡 → 个人账户) become one: one thing the caller said is one concept, not two.
 */
export function mergeGroups(q: string, groups: string[][]): string[][] {
  const out: Array<{ said: Set<string>; terms: Set<string> }> = [];
  for (const group of groups) {
    const said = group.filter((s) => q.includes(s));
    if (!said.length) {
      out.push({ said: new Set(), terms: new Set(group) });
      continue;
    }
    const into = out.find((g) => said.some((s) => [...g.said].some((t) => t.includes(s) || s.includes(t))));
    if (into) {
      for (const s of said) into.said.add(s);
      for (const t of group) into.terms.add(t);
    } else out.push({ said: new Set(said), terms: new Set(group) });
  }
  return out.map((g) => [...g.terms]);
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

/** A lower-case text with only its letters and digits: where a phrase's tokens are looked for side by side. */
const compactOf = (lowerText: string) => lowerText.replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Whether a text holds one of a concept's alternatives. A phrase of several words (不予受理, 医保个人账户)
 * counts only as the phrase, its words side by side: 不 and 受理 apart say something else.
 */
export const containsConcept = (lowerText: string, c: { alternatives: string[][] }, compactText?: string) => {
  let compact = compactText;
  return c.alternatives.some((alt) => (alt.length === 1 ? lowerText.includes(alt[0]) : (compact ??= compactOf(lowerText)).includes(alt.join(''))));
};

/** Which of the question's words a passage (with its article's title and its headings) contains, and their share of the weight. */
export function coverageOf(plan: QueryPlan, text: string, lowerText?: string, compactText?: string): { coverage: number; matched: string[] } {
  const lower = lowerText ?? text.toLowerCase();
  const compact = compactText ?? compactOf(lower);
  let total = 0;
  let found = 0;
  const matched: string[] = [];
  for (const c of plan.words) {
    // A word no passage holds (an everyday word a gazette never uses) cannot be covered: it does not count.
    if (c.df === 0) continue;
    total += c.idf;
    if (containsConcept(lower, c, compact)) {
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
  'updated_at', 'submitted_at', 'approved_by', 'approved_at', 'reviewed_by', 'published_at', 'region', 'doc_status',
] as const;

/**
 * The kinds of fact a question asks for, and how a passage states each. `asked` words ask for the
 * fact by themselves (多少钱, 去哪); `named` words (补贴, 地址, 材料, 期限) only name the matter, and ask
 * for it when the question also asks something (啥, 多少, 哪): 鸡西举报骗保给奖励不 asks whether, not
 * how much, and 能批公司换地址不 asks for no address.
 */
const FACTS: Array<{ kind: string; asked: RegExp; named?: RegExp; stated: RegExp }> = [
  { kind: 'money', asked: /多少钱|多少元|花多少|给多少|补多少|标准是|起付|报销.*多少/, named: /费用|收费|补贴|补助|奖励|罚款/, stated: /\d+(\.\d+)?\s*(万|千)?元|元\/|每人每[年月]/ },
  { kind: 'share', asked: /比例|百分之|几成|报多少|报销多少|能报/, stated: /\d+(\.\d+)?\s*%|百分之|\d+成/ },
  { kind: 'amount', asked: /多少|几个|几次|几年/, named: /额度|上限|最高|最多|最少|不超过|限额/, stated: /\d+(\.\d+)?\s*(个|次|项|万|元|%|人|年|倍|名|平方米|亩|m|户|栋|所|家)|[一二三四五六七八九十百千万两]+(个|次|项|倍|名)|[一二三四五六七八九十]分之/ },
  { kind: 'time', asked: /多久|多长时间|几天|几个工作日|什么时候|何时|哪天|啥时候|多少天/, named: /期限|时限|截止|到期/, stated: /\d+\s*个?(工作日|日|天|小时|个月|月|年)|\d{4}\s*年\s*\d{1,2}\s*月|[一二三四五六七八九十]+个?(工作日|日内|天内|小时|个月)|即来即办|当日|当天/ },
  // What to bring: the papers an office asks for (办事带什么材料 is what callers ask most).
  { kind: 'documents', asked: /带什么|需要什么|需要哪些|要带/, named: /手续|材料|证件|凭证|证明/, stated: /提交[^。；]{0,12}(材料|证明)|以下材料|下列材料|介绍信|申请表|身份证|户口簿|复印件|证明材料|执业证|委托书/ },
  // When a rule starts to apply: 本办法自2023年1月1日起执行.
  { kind: 'effective', asked: /什么时候开始|从什么时候|何时起|哪天起|什么时候实施|什么时候施行|什么时候执行|什么时候生效|开始执行|开始实施/, stated: /自\s*\d{4}\s*年[^。；]{0,12}起[^。；]{0,4}(施行|执行|实施|生效)|起(施行|执行|实施|生效)/ },
  { kind: 'place', asked: /哪里|哪儿|在哪|去哪|找谁|哪个部门|哪个单位|谁管|归谁/, named: /电话|地址|窗口|联系/, stated: /电话|\d{7,}|地址|窗口|大厅|中心|[局委办]负责|负责[^。]{0,20}(工作|管理)|牵头|责任单位|主管部门/ },
];

/** A question that asks something (how much, which, what, who, how, when), not only whether. */
const ASKING = /多少|几|哪|什么|啥|谁|怎么|咋|如何|多久|多长|何/;

export type FactKind = (typeof FACTS)[number]['kind'];

/** The kinds of fact a question asks for (多少钱 → money, 多久 → time, 找谁 → place). */
export const factsAsked = (q: string): string[] => {
  const asking = ASKING.test(q);
  return FACTS.filter((f) => f.asked.test(q) || (asking && f.named?.test(q))).map((f) => f.kind);
};

/** Which of the asked kinds a text states. */
export const factsStated = (text: string, asked: string[]): string[] => FACTS.filter((f) => asked.includes(f.kind) && f.stated.test(text)).map((f) => f.kind);

/** How often a token occurs in a lower-case text (tokens are words, so substrings count). */
function occurrences(text: string, token: string): number {
  if (!token) return 0;
  let n = 0;
  for (let i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + token.length)) n++;
  return n;
}

/** A concept's term frequency in a text: its best alternative (a phrase of several words counted as the phrase). */
export function conceptFrequency(lowerText: string, c: { alternatives: string[][] }, compactText?: string): number {
  let best = 0;
  let compact = compactText;
  for (const alt of c.alternatives) {
    const tf = alt.length === 1 ? occurrences(lowerText, alt[0]) : occurrences((compact ??= compactOf(lowerText)), alt.join(''));
    best = Math.max(best, tf);
  }
  return best;
}

/** The sentences of a text (a table row, a clause ending in 。；！？ or a line). */
export const sentencesOf = (text: string): string[] => text.match(/[^。；！？\n]+[。；！？]?/g)?.map((s) => s.trim()).filter(Boolean) ?? [];

/**
 * The passage's best sentence for the question: the share of the question's weight (its concepts'
 * IDF) that one sentence holds, and whether that sentence states the kind of fact asked. A passage
 * whose one sentence says 棚厦 … 补偿 … 2000元 answers better than one that has the words scattered.
 */
export function sentenceEvidence(all: Array<Concept & { df?: number }>, text: string, asked: string[], lowerText?: string): { share: number; fact: boolean } {
  // A word no passage holds (an everyday word a gazette never uses) cannot be found in a sentence either.
  const concepts = all.filter((c) => c.df !== 0);
  const total = concepts.reduce((sum, c) => sum + c.idf, 0);
  if (!total) return { share: 0, fact: false };
  let best = { share: 0, fact: false, score: 0 };
  const lower = lowerText ?? text.toLowerCase();
  if (!concepts.some((c) => containsConcept(lower, c))) return { share: 0, fact: false };
  const sentences = sentencesOf(lower);
  // Only a phrase of several words is looked for in the compacted sentence.
  const phrases = concepts.some((c) => c.alternatives.some((alt) => alt.length > 1));
  for (const sentence of sentences) {
    const compact = phrases ? compactOf(sentence) : sentence;
    const share = concepts.reduce((sum, c) => sum + (containsConcept(sentence, c, compact) ? c.idf : 0), 0) / total;
    const fact = asked.length > 0 && factsStated(sentence, asked).length > 0;
    const score = share + (fact ? 0.25 : 0);
    if (score > best.score) best = { share, fact, score };
  }
  return { share: Math.round(best.share * 100) / 100, fact: best.fact };
}

/** Field weights of the passage score: the passage's own text and headings count; the title shared by every passage of a long document only a little. */
export const FIELD_WEIGHTS = { text: 1, heading: 1.5, title: 0.3 };
const K1 = 1.2;
const B = 0.75;

export interface PassageFields {
  title: string;
  heading: string;
  text: string;
}

/**
 * BM25 of a passage over every concept of the question, a synonym group counting once (its best
 * alternative, not the sum of its words): one expansion cannot outweigh the question.
 */
export function conceptScore(concepts: Concept[], p: PassageFields, averageLength: number, lowered?: LoweredFields): number {
  const text = lowered?.text ?? p.text.toLowerCase();
  const heading = lowered?.heading ?? p.heading.toLowerCase();
  const title = lowered?.title ?? p.title.toLowerCase();
  const length = p.text.length + p.heading.length;
  const compact = lowered ? { text: lowered.compactText, heading: lowered.compactHeading, title: lowered.compactTitle } : { text: compactOf(text), heading: compactOf(heading), title: compactOf(title) };
  let score = 0;
  for (const c of concepts) {
    const tf =
      FIELD_WEIGHTS.text * conceptFrequency(text, c, compact.text) +
      FIELD_WEIGHTS.heading * conceptFrequency(heading, c, compact.heading) +
      FIELD_WEIGHTS.title * Math.min(1, conceptFrequency(title, c, compact.title));
    if (!tf) continue;
    score += (c.idf * (tf * (K1 + 1))) / (tf + K1 * (1 - B + (B * length) / Math.max(1, averageLength)));
  }
  return score;
}

/** Reciprocal rank fusion constant: ranks beyond the first few tens weigh little. */
const RRF_K = 30;

const GRAMS_MAX = 10;

export interface SearchSignals {
  /** Rank by the word field (BM25 over every concept), 1-based; null when that field did not find it. */
  lexicalRank: number | null;
  /** Rank by the bigram field, 1-based; null when that field did not find it. */
  gramRank: number | null;
  /** Reciprocal rank fusion of the two, before the rerank. */
  fused: number;
  /** The kinds of fact the question asks for that the passage states (money, time, place …). */
  facts: string[];
  /** The share of the question's weight its best sentence holds, and whether that sentence states the asked fact. */
  sentenceShare: number;
  sentenceFact: boolean;
  /** The BM25 of the passage over the question's concepts, and the most the question's concepts could reach. */
  bm25: number;
  maxBm25: number;
}

export interface SearchHitDetail extends SearchHit {
  signals: SearchSignals;
}

/** Which regions a search covers: the platform's city and its counties unless the question names another place. */
export function searchRegions(ctx: AppContext, q: string, region?: string): { regions?: string[]; unknownRegion: boolean; named: string | null } {
  if (region === 'all') return { regions: undefined, unknownRegion: true, named: null };
  if (region) return { ...regionsFor(region, ''), unknownRegion: false, named: region };
  const r = regionsFor(ctx.city.name, q);
  return { regions: r.regions, unknownRegion: r.named === null, named: r.named };
}

/** A passage's fields lower-cased and compacted once, for every score of one search. */
interface LoweredFields {
  text: string;
  heading: string;
  title: string;
  compactText: string;
  compactHeading: string;
  compactTitle: string;
}

function loweredFields(a: { lower: string; compact: string }, p: { heading: string; text: string }): LoweredFields {
  const text = p.text.toLowerCase();
  const heading = p.heading.toLowerCase();
  return { text, heading, title: a.lower, compactText: compactOf(text), compactHeading: compactOf(heading), compactTitle: a.compact };
}

const finalScore = (f: number, coverage: number, share: number, factWeight: number) => f * (1 + coverage) * (1 + share) * factWeight;

/** Inserts a reranked passage in order (best first, then by id), as a sort of the whole would place it. */
export function insertRanked<T extends { final: number; id: number }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && (list[i - 1].final < item.final || (list[i - 1].final === item.final && list[i - 1].id > item.id))) i--;
  list.splice(i, 0, item);
}

/** The final score of the last hit chosen from the list (at most perArticle of one article), or 0 while fewer than limit. */
export function lastChosen(list: Array<{ final: number; a: { id: number } }>, limit: number, perArticle: number): number {
  const perCount = new Map<number, number>();
  let n = 0;
  for (const r of list) {
    const count = perCount.get(r.a.id) ?? 0;
    if (count >= perArticle) continue;
    perCount.set(r.a.id, count + 1);
    if (++n >= limit) return r.final;
  }
  return 0;
}

export async function searchKb(ctx: AppContext, options: SearchOptions): Promise<{ plan: QueryPlan; hits: SearchHitDetail[]; region: { regions: string[] | null; named: string | null } }> {
  const plan = await planQuery(ctx, options.q);
  const limit = Math.min(options.limit ?? 10, 50);
  // Ten hits from ten documents at most three deep: one long document does not fill the page.
  const perArticle = options.perArticle ?? 3;
  const date = todayOf(ctx);
  const index = ctx.store.capabilities.passageIndex;
  const region = searchRegions(ctx, options.q, options.region);
  const filters = {
    statuses: options.statuses ?? ['published'],
    unitIds: options.unitIds,
    kinds: options.kinds,
    validity: options.validity ?? 'any',
    today: date,
    regions: region.regions,
    unknownRegion: region.unknownRegion,
  };
  const regionOut = { regions: region.regions ?? null, named: region.named };
  // The bigram field: the question's rarest bigrams, as many as fit the budget of rows.
  const gramTerms = questionGrams(plan.question);
  const gramStats = await termStats(ctx.store.db, index, gramTerms.map((g) => `#${g}`));
  const grams: Gram[] = [];
  let gramRows = 0;
  for (const g of gramTerms.map((gram) => ({ gram, df: gramStats.df.get(`#${gram}`) ?? 0 })).filter((g) => g.df > 0).sort((a, b) => a.df - b.df)) {
    if (grams.length >= GRAMS_MAX || (grams.length && gramRows + g.df > index.gramBudget)) continue;
    grams.push({ gram: g.gram, idf: idfOf(gramStats.n, g.df) });
    gramRows += g.df;
  }
  const [lexical, byGrams] = await Promise.all([
    rankPassages(ctx.store.db, index, plan.concepts, plan.candidates, filters, 120, plan.candidateRows),
    rankByGrams(ctx.store.db, index, grams, filters, 60),
  ]);
  const ids = [...new Set([...lexical.map((r) => r.id), ...byGrams.map((r) => r.id)])];
  if (!ids.length) return { plan, hits: [], region: regionOut };
  const db = ctx.store.db;
  const passages = new Map((await db.selectFrom('kb_passages').select(['id', 'article_id', 'seq', 'heading', 'text']).where('id', 'in', ids).execute()).map((p) => [Number(p.id), p]));
  // Titles alone for scoring: the summary's later columns sit behind the long body in each row
  // (SQLite reads its overflow pages to reach them), so they are read for the chosen hits only.
  const titleRows = await db.selectFrom('kb_articles').select(['id', 'title']).where('id', 'in', [...new Set([...passages.values()].map((p) => Number(p.article_id)))]).execute();
  const titles = new Map(titleRows.map((a) => [Number(a.id), { id: Number(a.id), title: a.title, lower: a.title.toLowerCase(), compact: compactOf(a.title.toLowerCase()) }]));
  const averageLength = [...passages.values()].reduce((sum, p) => sum + p.text.length + p.heading.length, 0) / passages.size;
  const maxBm25 = plan.concepts.reduce((sum, c) => sum + c.idf * (K1 + 1), 0) / (K1 + 1) || 1;
  const asked = factsAsked(plan.question);
  // Word field: BM25 over every concept, computed here for each candidate either field found.
  const scored = ids
    .map((id) => {
      const p = passages.get(id)!;
      const a = titles.get(Number(p.article_id))!;
      const f = loweredFields(a, p);
      return { id, p, a, f, bm25: conceptScore(plan.concepts, { title: a.title, heading: p.heading, text: p.text }, averageLength, f) };
    })
    .filter((c) => c.bm25 > 0 || byGrams.some((g) => g.id === c.id));
  const lexicalRank = new Map([...scored].filter((c) => c.bm25 > 0).sort((x, y) => y.bm25 - x.bm25 || x.id - y.id).map((c, i) => [c.id, i + 1]));
  const gramRank = new Map(byGrams.map((r, i) => [r.id, i + 1]));
  const words = [...new Set([...plan.concepts.flatMap((c) => c.alternatives.flat()), ...plan.synonyms.flat().map((s) => s.toLowerCase())])].sort((a, b) => b.length - a.length);
  const fusedOf = scored
    .map((c) => {
      const lr = lexicalRank.get(c.id) ?? null;
      const gr = gramRank.get(c.id) ?? null;
      const fused = (lr ? 1 / (RRF_K + lr) : 0) + (gr ? Number(0.6) / (RRF_K + gr) : 0);
      return { ...c, lr, gr, fused };
    })
    .sort((x, y) => y.fused - x.fused || x.id - y.id);
  const maxFactWeight = asked.length ? 1.5 : 1;
  const ranked: Array<(typeof fusedOf)[number] & { coverage: number; matched: string[]; facts: string[]; sentence: { share: number; fact: boolean }; final: number }> = [];
  for (const c of fusedOf) {
    // The rerank multiplies the fused score by at most 2 × 2 × maxFactWeight: once even that cannot
    // reach the last of the hits already chosen, no passage further down can change them.
    if (ranked.length >= limit && c.fused * 2 * 2 * maxFactWeight < lastChosen(ranked, limit, perArticle)) break;
    const { coverage, matched } = coverageOf(plan, `${c.a.title}\n${c.p.heading}\n${c.p.text}`, `${c.a.lower}\n${c.f.heading}\n${c.f.text}`, c.a.compact + c.f.compactHeading + c.f.compactText);
    const facts = factsStated(`${c.p.heading}\n${c.p.text}`, asked);
    const sentence = sentenceEvidence(plan.concepts, c.p.text, asked, c.f.text);
    // Rerank: among passages the fields agree on, the one covering the question, with one sentence
    // holding most of it, and stating the asked fact (in that sentence best).
    const factWeight = asked.length ? (sentence.fact ? 1.5 : facts.length ? 1.1 : 0.8) : 1;
    const final = finalScore(c.fused, coverage, sentence.share, factWeight);
    insertRanked(ranked, { ...c, coverage, matched, facts, sentence, final });
  }
  const chosen: typeof ranked = [];
  const perCount = new Map<number, number>();
  for (const r of ranked) {
    const count = perCount.get(r.a.id) ?? 0;
    if (count >= perArticle) continue;
    perCount.set(r.a.id, count + 1);
    chosen.push(r);
    if (chosen.length >= limit) break;
  }
  const summaries = chosen.length ? await db.selectFrom('kb_articles').select(SUMMARY_COLUMNS).where('id', 'in', [...new Set(chosen.map((r) => r.a.id))]).execute() : [];
  const articles = new Map<number, ArticleRow>(summaries.map((a) => [Number(a.id), { ...a, body: '' }]));
  return {
    plan,
    region: regionOut,
    hits: chosen.map((r) => {
      const ranges = highlightRanges(r.p.text, words);
      return {
        article: articleSummary(ctx, articles.get(r.a.id)!, date),
        passage: { seq: r.p.seq, heading: r.p.heading, text: r.p.text },
        snippet: snippetOf(r.p.text, ranges),
        highlights: ranges,
        score: Math.round(r.final * 100000) / 100000,
        coverage: r.coverage,
        matched: r.matched,
        signals: { lexicalRank: r.lr, gramRank: r.gr, fused: Math.round(r.fused * 100000) / 100000, facts: r.facts, sentenceShare: r.sentence.share, sentenceFact: r.sentence.fact, bm25: Math.round(r.bm25 * 1000) / 1000, maxBm25: Math.round(maxBm25 * 1000) / 1000 },
      };
    }),
  };
}
