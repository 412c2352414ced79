// Smart answer (智能问答): for a question, the passages that answer it best, each with its source
// document, and a confidence — the share of the question's weight (IDF of its words) the best
// passage covers. Below the threshold (an admin setting) the answer is "不知道": the platform does
// not guess. An agent who uses the answer closes the consultation as 直接解答 with the article
// recorded (intake's `answer.articleId`).
import type { AppContext } from '../server/context.ts';
import { containsConcept, searchKb, type QueryPlan, type SearchHit } from './search.ts';
import { kbSettings } from './settings.ts';
import type { Validity } from './model.ts';

export interface AnswerOptions {
  validity?: Validity;
  unitIds?: number[];
  kinds?: string[];
}

export interface AnswerPassage {
  articleId: number;
  title: string;
  kind: string;
  kindLabel: string;
  unit: { code: string; name: string } | null;
  source: { title: string | null; docNo: string | null; issuer: string | null; date: string | null };
  valid: boolean;
  expiresOn: string | null;
  seq: number;
  heading: string;
  text: string;
  snippet: string;
  confidence: number;
  /** What the agent would say from this passage: its key sentences, citing the document. */
  reply: string;
}

export interface SmartAnswer {
  question: string;
  known: boolean;
  confidence: number;
  threshold: number;
  /** What the agent can say (and record as the direct answer), or why there is none. */
  message: string;
  /** The suggested reply, with its source, when known. */
  answer: string | null;
  /** The article to record with a direct answer. */
  articleId: number | null;
  passages: AnswerPassage[];
}

const UNKNOWN = '不知道：知识库中没有找到能可靠回答这个问题的内容。请转承办单位办理，或请教班长，不要凭印象答复。';

/** 根据《title》（issuer docNo）：key sentences. A title quoting a document keeps its inner 《》 as 〈〉. */
function replyFrom(plan: QueryPlan, hit: SearchHit): string {
  const a = hit.article;
  const source = [a.source.issuer, a.source.docNo].filter(Boolean).join(' ');
  const title = a.title.replace(/《/g, '〈').replace(/》/g, '〉');
  return `根据《${title}》${source ? `（${source}）` : ''}：${keySentences(plan, hit.passage.text)}`;
}

function passageOf(plan: QueryPlan, hit: SearchHit): AnswerPassage {
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
    confidence: hit.coverage,
    reply: replyFrom(plan, hit),
  };
}

/**
 * The sentences of a passage that say most about the question (its words weighted by IDF), in
 * their order, up to about 160 characters: what the agent reads out.
 */
export function keySentences(plan: QueryPlan, text: string): string {
  const sentences = text.match(/[^。；！？\n]+[。；！？]?/g)?.map((s) => s.trim()).filter(Boolean) ?? [];
  if (sentences.length <= 1) return text.trim();
  const scored = sentences.map((s, i) => {
    const lower = s.toLowerCase();
    const score = plan.words.reduce((sum, w) => sum + (containsConcept(lower, w) ? w.idf : 0), 0);
    return { s, i, score };
  });
  const chosen: typeof scored = [];
  let length = 0;
  for (const c of [...scored].sort((a, b) => b.score - a.score || a.i - b.i)) {
    if (c.score <= 0 || (chosen.length && length + c.s.length > 160)) break;
    chosen.push(c);
    length += c.s.length;
  }
  return chosen.length ? chosen.sort((a, b) => a.i - b.i).map((c) => c.s).join('') : text.trim();
}

export async function smartAnswer(ctx: AppContext, question: string, options: AnswerOptions = {}): Promise<SmartAnswer> {
  const { answerThreshold } = await kbSettings(ctx);
  // By default only what is in force: an expired policy is not an answer.
  const { plan, hits } = await searchKb(ctx, { q: question, limit: 5, validity: options.validity ?? 'current', unitIds: options.unitIds, kinds: options.kinds });
  // The best answer is the most complete of the first three hits (rank breaks ties).
  const ordered = [...hits.slice(0, 3)].sort((a, b) => b.coverage - a.coverage || hits.indexOf(a) - hits.indexOf(b));
  const passages = [...ordered, ...hits.slice(3)].map((hit) => passageOf(plan, hit));
  const best = passages[0];
  const confidence = best?.confidence ?? 0;
  if (!best || confidence < answerThreshold) {
    return { question, known: false, confidence, threshold: answerThreshold, message: UNKNOWN, answer: null, articleId: null, passages };
  }
  const answer = best.reply;
  const caveat = best.valid ? '' : `（注意：该文件${best.expiresOn ? `有效期至 ${best.expiresOn}` : '当前不在有效期内'}，答复前请核实）`;
  return { question, known: true, confidence, threshold: answerThreshold, message: `${answer}${caveat}`, answer, articleId: best.articleId, passages };
}
