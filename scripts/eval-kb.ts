// `npm run eval:kb`: how well the knowledge base finds answers. Imports the five seed bulletins
// (demo/bulletins) into a fresh store, asks the questions in scripts/eval-kb-questions.json and
// reports, at passage level, recall@5 (a relevant passage among the first five hits) and MRR (mean
// of 1/rank of the first relevant passage, over the first ten), plus document-level recall@5 and how
// the smart answer does: answers it gives (and whether they are right), and "不知道" on questions
// the bulletins do not answer.
//
//   npm run eval:kb                      SQLite
//   npm run eval:kb -- --pad 100000      the same questions with synthetic passages up to 100,000
//   HOTLINE_EVAL_PG_URL=postgres://… npm run eval:kb   on PostgreSQL (a database it may fill)
//   npm run eval:kb -- --json | --verbose
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap } from '../src/app/bootstrap.ts';
import { SYSTEM_ACTOR } from '../src/auth/actor.ts';
import { importSeedBulletins, SEED_BULLETIN_DIR } from '../src/knowledge/import.ts';
import { searchKb } from '../src/knowledge/search.ts';
import { smartAnswer } from '../src/knowledge/answer.ts';
import { padCorpus } from './kb-corpus.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, verbose: { type: 'boolean' }, pad: { type: 'string' } } });
const log = (line = '') => !values.json && process.stdout.write(`${line}\n`);

interface Question {
  q: string;
  docs: string[];
  answer: string;
}
const set = JSON.parse(readFileSync(resolve(import.meta.dirname, 'eval-kb-questions.json'), 'utf8')) as { questions: Question[]; unanswerable: string[] };


const dir = mkdtempSync(join(tmpdir(), 'hotline-eval-kb-'));
const pgUrl = process.env.HOTLINE_EVAL_PG_URL || undefined;
const ctx = await bootstrap({ databaseUrl: pgUrl, sqliteFile: join(dir, 'eval.sqlite'), dataDir: dir });
try {
  const imported = await importSeedBulletins(ctx, SYSTEM_ACTOR, SEED_BULLETIN_DIR);
  const pad = values.pad ? Number(values.pad) : 0;
  if (pad) await padCorpus(ctx, pad, (n) => log(`  …${n} passages`));
  const total = (await ctx.store.db.selectFrom('kb_terms').select('df').where('term', '=', '').executeTakeFirst())?.df ?? 0;
  log(`知识库：${imported.created + imported.unchanged} 篇文件，${total} 个段落（${ctx.store.engine}）`);

  const articles = await ctx.store.db.selectFrom('kb_articles').select(['id', 'title', 'source_doc_no']).where('origin', '=', 'bulletin').execute();
  const matches = (q: Question, a: { title: string; source_doc_no: string | null }) => q.docs.some((d) => a.source_doc_no === d || a.title.includes(d));
  const norm = (s: string) => s.replace(/\s+/g, '');
  const relevant = (q: Question, hit: { article: { id: number }; passage: { heading: string; text: string } }) => {
    const a = articles.find((x) => x.id === hit.article.id);
    return !!a && matches(q, a) && norm(`${hit.passage.heading}${hit.passage.text}`).includes(norm(q.answer));
  };

  // Every question must be answerable from the bulletins as imported.
  for (const q of set.questions) {
    const ids = articles.filter((a) => matches(q, a)).map((a) => a.id);
    if (!ids.length) throw new Error(`question «${q.q}»: no imported document matches ${q.docs.join(', ')}`);
    const passages = await ctx.store.db.selectFrom('kb_passages').select(['heading', 'text']).where('article_id', 'in', ids).execute();
    if (!passages.some((p) => norm(`${p.heading}${p.text}`).includes(norm(q.answer)))) throw new Error(`question «${q.q}»: no passage contains «${q.answer}»`);
  }

  let hits5 = 0;
  let docHits5 = 0;
  let rr = 0;
  let answered = 0;
  let answeredRight = 0;
  const misses: string[] = [];
  const latencies: number[] = [];
  for (const q of set.questions) {
    const started = performance.now();
    const { hits } = await searchKb(ctx, { q: q.q, limit: 10, validity: 'any' });
    latencies.push(performance.now() - started);
    const rank = hits.findIndex((h) => relevant(q, h)) + 1;
    if (rank >= 1 && rank <= 5) hits5++;
    if (rank >= 1) rr += 1 / rank;
    if (hits.slice(0, 5).some((h) => { const a = articles.find((x) => x.id === h.article.id); return !!a && matches(q, a); })) docHits5++;
    const answer = await smartAnswer(ctx, q.q, { validity: 'any' });
    if (answer.known) {
      answered++;
      if (answer.passages[0] && relevant(q, { article: { id: answer.passages[0].articleId }, passage: answer.passages[0] })) answeredRight++;
    }
    if (rank < 1 || rank > 5 || values.verbose) {
      misses.push(`${rank >= 1 && rank <= 5 ? '  ' : '✗ '}${q.q} → rank ${rank || '-'}; top: ${hits.slice(0, 3).map((h) => `${h.article.title.slice(0, 24)}#${h.passage.seq}(${h.coverage})`).join(' | ')}; answer ${answer.known ? `known ${answer.confidence}` : `不知道 ${answer.confidence}`}`);
    }
  }
  let declined = 0;
  const wrongAnswers: string[] = [];
  for (const q of set.unanswerable) {
    const answer = await smartAnswer(ctx, q, { validity: 'any' });
    if (!answer.known) declined++;
    else wrongAnswers.push(`✗ ${q} → answered (${answer.confidence}) from ${answer.passages[0]?.title}`);
    if (values.verbose && !answer.known) wrongAnswers.push(`  ${q} → 不知道 (${answer.confidence})`);
  }
  const n = set.questions.length;
  latencies.sort((a, b) => a - b);
  const result = {
    engine: ctx.store.engine,
    passages: total,
    questions: n,
    recall_at_5: Math.round((hits5 / n) * 1000) / 1000,
    mrr: Math.round((rr / n) * 1000) / 1000,
    doc_recall_at_5: Math.round((docHits5 / n) * 1000) / 1000,
    answer_rate: Math.round((answered / n) * 1000) / 1000,
    answer_precision: answered ? Math.round((answeredRight / answered) * 1000) / 1000 : 0,
    unanswerable: set.unanswerable.length,
    declined_unanswerable: Math.round((declined / set.unanswerable.length) * 1000) / 1000,
    search_p50_ms: Math.round(latencies[Math.floor(n * 0.5)] * 10) / 10,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    for (const m of [...misses, ...wrongAnswers]) log(m);
    log('');
    log('| figure | value |');
    log('|---|---|');
    log(`| questions | ${n} (+${set.unanswerable.length} the bulletins do not answer) |`);
    log(`| recall@5 (passage) | ${result.recall_at_5} |`);
    log(`| MRR (passage, first 10) | ${result.mrr} |`);
    log(`| recall@5 (document) | ${result.doc_recall_at_5} |`);
    log(`| smart answer given / right when given | ${result.answer_rate} / ${result.answer_precision} |`);
    log(`| "不知道" on unanswerable questions | ${result.declined_unanswerable} |`);
  }
  if (result.recall_at_5 < 0.9 || result.mrr < 0.7) process.exitCode = 1;
} finally {
  await ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
}
