// Smart answer (智能问答): for a question, the passages that answer it best, each with its source
// document, and a confidence — the calibrated probability that the best passage answers it
// (./confidence.ts). Below the threshold (an admin setting) the answer is "不知道": the platform does
// not guess; when only an expired policy or a 讨论稿 would answer, it says so, naming it. An agent who uses the answer closes the consultation as 直接解答 with the article
// recorded (intake's `answer.articleId`).
import type { AppContext } from '../server/context.ts';
import { containsConcept, factsAsked, factsStated, searchKb, type QueryPlan, type SearchHit, type SearchHitDetail } from './search.ts';
import { answerConfidence, featuresOf } from './confidence.ts';
import { kbSettings } from './settings.ts';
import type { Validity } from './model.ts';
import type { AnswerPassage, SmartAnswer } from './contract.ts';

export type { AnswerPassage, SmartAnswer };

export interface AnswerOptions {
  validity?: Validity;
  unitIds?: number[];
  kinds?: string[];
  /** A region or 'all'; by default the platform's city unless the question names another place. */
  region?: string;
}

const UNKNOWN = '不知道：知识库中没有找到能可靠回答这个问题的内容。请转承办单位办理，或请教班长，不要凭印象答复。';

/** 根据《title》（issuer docNo）：key sentences. A title quoting a document keeps its inner 《》 as 〈〉. */
function replyFrom(plan: QueryPlan, hit: SearchHit, question: string): string {
  const a = hit.article;
  const source = [a.source.issuer, a.source.docNo].filter(Boolean).join(' ');
  const title = a.title.replace(/《/g, '〈').replace(/》/g, '〉');
  return `根据《${title}》${source ? `（${source}）` : ''}：${keySentences(plan, hit.passage.text, question)}`;
}

function passageOf(plan: QueryPlan, hit: SearchHit, confidence: number, question: string): AnswerPassage {
  const a = hit.article;
  return {
    articleId: a.id,
    title: a.title,
    kind: a.kind,
    kindLabel: a.kindLabel,
    unit: a.unit,
    source: a.source,
    valid: a.valid,
    expiresOn: a.expiresOn,
    seq: hit.passage.seq,
    heading: hit.passage.heading,
    text: hit.passage.text,
    snippet: hit.snippet,
    confidence,
    reply: replyFrom(plan, hit, question),
  };
}

/**
 * The sentences of a passage that say most about the question (its words weighted by IDF, and the
 * kind of fact it asks for: a sum of money, a time limit, an office), in their order, whole, up to
 * about 220 characters: what the agent reads out.
 */
export function keySentences(plan: QueryPlan, text: string, question = ''): string {
  const sentences = text.match(/[^。；！？\n]+[。；！？]?/g)?.map((s) => s.trim()).filter(Boolean) ?? [];
  if (sentences.length <= 1) return text.trim();
  const asked = factsAsked(plan.question || question);
  const top = plan.words.reduce((sum, w) => sum + w.idf, 0) || 1;
  const scored = sentences.map((s, i) => {
    const lower = s.toLowerCase();
    const words = plan.words.reduce((sum, w) => sum + (containsConcept(lower, w) ? w.idf : 0), 0);
    // A sentence stating the asked fact outranks one that only repeats the question's words.
    const score = words + (factsStated(s, asked).length ? top * 0.5 : 0);
    return { s, i, score, words };
  });
  const chosen: typeof scored = [];
  let length = 0;
  for (const c of [...scored].sort((a, b) => b.score - a.score || a.i - b.i)) {
    if (c.score <= 0 || (chosen.length && length + c.s.length > 220)) continue;
    chosen.push(c);
    length += c.s.length;
  }
  return chosen.length ? chosen.sort((a, b) => a.i - b.i).map((c) => c.s).join('') : text.trim();
}

/** Whether the sentences the answer would read out of a passage state the kind of fact asked. */
export function readsOutFact(plan: QueryPlan, text: string, question: string): boolean {
  const asked = factsAsked(plan.question || question);
  return !asked.length || factsStated(keySentences(plan, text, question), asked).length > 0;
}

/**
 * Asked how much or when, the answer reads out a passage whose sentences say it: when the first
 * hit's would not, the next passage of the same document covering the question nearly as well whose
 * sentences do goes first (拆棚厦 补偿2000元/个 rather than the 棚厦 paragraph without the sum). Another
 * document is not pulled up for it: a passage that only mentions a 中心 does not say where to go.
 */
export function factFirst<T extends SearchHit>(plan: QueryPlan, hits: T[], question: string): T[] {
  const [best] = hits;
  if (!best || readsOutFact(plan, best.passage.text, question)) return hits;
  const i = hits.findIndex((h, k) => k > 0 && k < 3 && h.article.id === best.article.id && h.coverage >= best.coverage * 0.8 && readsOutFact(plan, h.passage.text, question));
  return i < 0 ? hits : [hits[i], ...hits.filter((_, k) => k !== i)];
}

const VALIDITY_WORDS: Record<string, string> = { expired: '已失效', upcoming: '尚未施行', draft: '讨论稿（未生效）' };

/** The hits of one search with the probability that the first answers the question. */
async function attempt(ctx: AppContext, question: string, options: AnswerOptions, validity: Validity) {
  const found = await searchKb(ctx, { q: question, limit: 5, perArticle: 2, validity, unitIds: options.unitIds, kinds: options.kinds, region: options.region });
  const { plan, region } = found;
  const hits = factFirst(plan, found.hits, question);
  const features = featuresOf(plan.question, plan, hits);
  const confidence = features ? Math.round(answerConfidence(features) * 1000) / 1000 : 0;
  return { plan, hits, region, features, confidence };
}

export async function smartAnswer(ctx: AppContext, question: string, options: AnswerOptions = {}): Promise<SmartAnswer> {
  const { answerThreshold } = await kbSettings(ctx);
  // By default only what is in force: an expired policy or a 讨论稿 is not an answer.
  const { plan, hits, region, features, confidence } = await attempt(ctx, question, options, options.validity ?? 'current');
  const passages = hits.map((hit: SearchHitDetail, i) => passageOf(plan, hit, i === 0 ? confidence : 0, question));
  const best = passages[0];
  const base = { question, confidence, threshold: answerThreshold, passages, region, features };
  if (!best || confidence < answerThreshold) {
    let outOfForce: SmartAnswer['outOfForce'] = null;
    let message = UNKNOWN;
    if (!options.validity || options.validity === 'current') {
      // Would a document not in force answer it? Then say so, naming it, rather than only 不知道.
      const any = await attempt(ctx, question, options, 'any');
      const top = any.hits[0];
      if (top && !top.article.valid && any.confidence >= answerThreshold) {
        outOfForce = { articleId: top.article.id, title: top.article.title, validity: top.article.validity, expiresOn: top.article.expiresOn };
        const state = VALIDITY_WORDS[top.article.validity] ?? '不在有效期内';
        message = `不知道：知识库中只有${state}的《${top.article.title.replace(/《/g, '〈').replace(/》/g, '〉')}》${top.article.expiresOn && top.article.validity === 'expired' ? `（有效期至 ${top.article.expiresOn}）` : ''}涉及这个问题，不能作为答复依据。请转承办单位核实现行规定。`;
      }
    }
    return { ...base, known: false, message, answer: null, articleId: null, outOfForce };
  }
  const answer = best.reply;
  const caveat = best.valid ? '' : `（注意：该文件${best.expiresOn ? `有效期至 ${best.expiresOn}` : '当前不在有效期内'}，答复前请核实）`;
  return { ...base, known: true, message: `${answer}${caveat}`, answer, articleId: best.articleId, outOfForce: null };
}
