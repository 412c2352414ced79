// `npm run eval:kb`: how well the knowledge base finds answers. Imports the five seed bulletins
// (demo/bulletins) into a fresh store and asks two question sets:
//   - scripts/eval-kb-questions.json: questions in the documents' own vocabulary, searched over every
//     document (any region, any validity): passage recall@5 and MRR, document recall@5;
//   - scripts/eval-kb-colloquial.json: questions as callers say them, asked as the platform asks
//     them (the city's documents unless the question names another place; only what is in force).
// For both it prints the smart answer's answered / right / wrong / declined. The confidence is the
// calibrated probability of ./src/knowledge/confidence.ts; here every question's probability comes
// from a model fitted WITHOUT it (5-fold cross-validation over both sets), so the figures and the
// reliability table are on questions the model has not seen. `--fit` fits on all of them and writes
// src/knowledge/confidence-model.json (what the product uses).
//
//   npm run eval:kb                          SQLite, the bulletins alone (~1,300 passages)
//   npm run eval:kb -- --pad 100000          then again among 100,000 passages, and search p95 through HTTP
//   npm run eval:kb -- --pg [--pad 100000]   on a throwaway PostgreSQL (or HOTLINE_EVAL_PG_URL, a database it may fill)
//   npm run eval:kb -- --fit                 refit the confidence model
//   npm run eval:kb -- --json | --verbose
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { bootstrap } from '../src/app/bootstrap.ts';
import { buildApp } from '../src/app/app.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import { SYSTEM_ACTOR } from '../src/domain/actor.ts';
import { importSeedBulletins, SEED_BULLETIN_DIR } from '../src/knowledge/import.ts';
import { searchKb, type SearchHit } from '../src/knowledge/search.ts';
import { smartAnswer, type SmartAnswer } from '../src/knowledge/answer.ts';
import { kbSettings } from '../src/knowledge/settings.ts';
import { refreshStatistics } from '../src/knowledge/kb-store.ts';
import { answerConfidence as probability, fitLogistic, reliability, type Features } from '../src/knowledge/confidence.ts';
import { padCorpus } from './kb-corpus.ts';
import { startThrowawayPostgres } from './throwaway-postgres.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, verbose: { type: 'boolean' }, pad: { type: 'string' }, pg: { type: 'boolean' }, fit: { type: 'boolean' }, threshold: { type: 'string' } } });
const log = (line = '') => !values.json && process.stdout.write(`${line}\n`);
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

interface Question {
  q: string;
  docs: string[];
  answer: string;
}
interface Colloquial {
  answer: Array<{ q: string; docs: string[]; fact: string }>;
  outOfForce: Array<{ q: string; docs: string[] }>;
  unanswerable: string[];
}
const here = import.meta.dirname;
const project = JSON.parse(readFileSync(resolve(here, 'eval-kb-questions.json'), 'utf8')) as { questions: Question[]; unanswerable: string[] };
const colloquialFile = JSON.parse(readFileSync(resolve(here, 'eval-kb-colloquial.json'), 'utf8')) as Colloquial;
const heldoutFile = JSON.parse(readFileSync(resolve(here, 'eval-kb-heldout.json'), 'utf8')) as Colloquial;

/** One question of either set as the evaluation treats it. */
interface Item {
  set: 'project' | 'colloquial' | 'heldout';
  /** Colloquial questions alternate between two halves: the confidence fitted on one is reported on the other. */
  half: 0 | 1;
  q: string;
  docs: string[];
  fact: string | null;
  /** Searched as the platform does (colloquial) or over every document (project). */
  platform: boolean;
}
const spoken = (set: 'colloquial' | 'heldout', file: Colloquial): Item[] => [
  ...file.answer.map((q, i) => ({ set, half: (i % 2) as 0 | 1, q: q.q, docs: q.docs, fact: q.fact, platform: true })),
  ...file.unanswerable.map((q, i) => ({ set, half: (i % 2) as 0 | 1, q, docs: [], fact: null, platform: true })),
];
const items: Item[] = [
  ...project.questions.map((q) => ({ set: 'project' as const, half: 0 as const, q: q.q, docs: q.docs, fact: q.answer, platform: false })),
  ...project.unanswerable.map((q) => ({ set: 'project' as const, half: 0 as const, q, docs: [], fact: null, platform: false })),
  ...spoken('colloquial', colloquialFile),
  ...spoken('heldout', heldoutFile),
];

const dir = mkdtempSync(join(tmpdir(), 'hotline-eval-kb-'));
const throwaway = values.pg && !process.env.HOTLINE_EVAL_PG_URL ? await startThrowawayPostgres() : null;
if (values.pg && !throwaway && !process.env.HOTLINE_EVAL_PG_URL) throw new Error('no PostgreSQL: set HOTLINE_EVAL_PG_URL or install a PostgreSQL server');
const pgUrl = process.env.HOTLINE_EVAL_PG_URL || (throwaway ? await scratchPg(throwaway.url) : undefined);
const ctx = await bootstrap({ databaseUrl: pgUrl, sqliteFile: join(dir, 'eval.sqlite'), dataDir: dir });

async function scratchPg(admin: string): Promise<string> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query('CREATE DATABASE hotline_eval_kb TEMPLATE template0');
  await client.end();
  const url = new URL(admin);
  url.pathname = '/hotline_eval_kb';
  return url.toString();
}

const norm = (s: string) => s.replace(/\s+/g, '');

try {
  const imported = await importSeedBulletins(ctx, SYSTEM_ACTOR, SEED_BULLETIN_DIR);
  const articles = await ctx.store.db.selectFrom('kb_articles').select(['id', 'title', 'source_doc_no']).where('origin', '=', 'bulletin').execute();
  const matches = (docs: string[], a: { title: string; source_doc_no: string | null }) => docs.some((d) => a.source_doc_no === d || a.title.includes(d));
  const relevant = (item: { docs: string[]; fact: string | null }, hit: { articleId: number; heading: string; text: string } | undefined) => {
    if (!hit || !item.fact) return false;
    const a = articles.find((x) => x.id === hit.articleId);
    return !!a && matches(item.docs, a) && norm(`${hit.heading}${hit.text}`).includes(norm(item.fact));
  };
  const hitOf = (h: SearchHit) => ({ articleId: h.article.id, heading: h.passage.heading, text: h.passage.text });

  // Every expected fact must be in the bulletins as imported.
  for (const item of items.filter((i) => i.fact)) {
    const ids = articles.filter((a) => matches(item.docs, a)).map((a) => a.id);
    if (!ids.length) throw new Error(`question «${item.q}»: no imported document matches ${item.docs.join(', ')}`);
    const passages = await ctx.store.db.selectFrom('kb_passages').select(['heading', 'text']).where('article_id', 'in', ids).execute();
    if (!passages.some((p) => norm(`${p.heading}${p.text}`).includes(norm(item.fact!)))) throw new Error(`question «${item.q}»: no passage contains «${item.fact}»`);
  }

  const passageTotal = async () => Number((await ctx.store.db.selectFrom('kb_terms').select('df').where('term', '=', '').executeTakeFirst())?.df ?? 0);

  /** Retrieval figures and each question's answer features at the current size of the base. */
  async function measure() {
    const rows: Array<{ item: Item; rank: number; docRank: boolean; answer: SmartAnswer; label: 0 | 1; pickedRank: number }> = [];
    for (const item of items) {
      const search = { q: item.q, limit: 10, validity: 'any' as const, ...(item.platform ? {} : { region: 'all' }) };
      const { hits } = await searchKb(ctx, search);
      const rank = item.fact ? hits.findIndex((h) => relevant(item, hitOf(h))) + 1 : 0;
      const docRank = hits.slice(0, 5).some((h) => matches(item.docs, articles.find((x) => x.id === h.article.id) ?? { title: '', source_doc_no: null }));
      const answer = await smartAnswer(ctx, item.q, item.platform ? {} : { validity: 'any', region: 'all' });
      const top = answer.passages[0];
      // Where the passage the answer reads out stands in the search's own ranking (0: not among its ten).
      const pickedRank = top ? hits.findIndex((h) => h.article.id === top.articleId && h.passage.seq === top.seq) + 1 : 0;
      const label = relevant(item, top && { articleId: top.articleId, heading: top.heading, text: top.text }) ? 1 : 0;
      rows.push({ item, rank, docRank, answer, label, pickedRank });
    }
    const recall = (set: Item['set']) => {
      const answerable = rows.filter((r) => r.item.set === set && r.item.fact);
      return {
        recall5: round(answerable.filter((r) => r.rank >= 1 && r.rank <= 5).length / answerable.length),
        mrr: round(answerable.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / answerable.length),
        docRecall5: round(answerable.filter((r) => r.docRank).length / answerable.length),
      };
    };
    return { rows, project: recall('project'), colloquial: recall('colloquial'), heldout: recall('heldout') };
  }

  const base = await measure();
  const basePassages = await passageTotal();
  log(`知识库：${imported.created + imported.unchanged} 篇文件，${basePassages} 个段落（${ctx.store.engine}）`);

  // Calibration: each question's probability from a model fitted on the other folds (the held-out set never fits).
  const data = base.rows.filter((r) => r.answer.features && r.item.set !== 'heldout').map((r, i) => ({ r, fold: i % 5, features: r.answer.features as Features, label: r.label }));
  const cv = new Map<(typeof base.rows)[number], number>();
  for (let fold = 0; fold < 5; fold++) {
    const model = fitLogistic(data.filter((d) => d.fold !== fold));
    for (const d of data.filter((d) => d.fold === fold)) cv.set(d.r, probability(d.features, model));
  }
  // The colloquial set in halves: each half's probabilities from a model fitted on the project set and the other half.
  const split = new Map<(typeof base.rows)[number], number>();
  for (const half of [0, 1] as const) {
    const model = fitLogistic(data.filter((d) => d.r.item.set === 'project' || d.r.item.half !== half));
    for (const d of data.filter((d) => d.r.item.set === 'colloquial' && d.r.item.half === half)) split.set(d.r, probability(d.features, model));
  }
  // The held-out set: probabilities from the model fitted on both other sets, as `--fit` writes it.
  const fittedAll = fitLogistic(data);
  const heldout = new Map<(typeof base.rows)[number], number>();
  for (const r of base.rows.filter((r) => r.item.set === 'heldout' && r.answer.features)) heldout.set(r, probability(r.answer.features as Features, fittedAll));
  const probabilityOf = (r: (typeof base.rows)[number]) => (r.item.set === 'heldout' ? heldout : cv).get(r) ?? 0;
  /** Why a question with an answer was not answered right: where the pipeline lost it. */
  const failureCause = (r: (typeof base.rows)[number]): string => {
    const known = probabilityOf(r) >= answerThreshold;
    if (r.label === 1) return known ? 'right' : 'right passage, confidence too low';
    const top = r.answer.passages[0];
    if (!top) return r.answer.region.regions ? 'no hit (region filter?)' : 'no hit';
    if (!r.rank) return r.docRank ? 'retrieval miss: right document, not the passage with the fact' : 'retrieval miss';
    if (r.rank <= 5) return `wrong passage among the top 5${known ? ', answered: confidence too high' : ''}`;
    return `passage with the fact at rank ${r.rank}${known ? ', answered: confidence too high' : ''}`;
  };
  const answerThreshold = values.threshold ? Number(values.threshold) : (await kbSettings(ctx)).answerThreshold;
  const outcome = (set: Item['set'], probabilities: Map<(typeof base.rows)[number], number> = set === 'heldout' ? heldout : cv) => {
    const rows = base.rows.filter((r) => r.item.set === set && (probabilities === split ? probabilities.has(r) || !r.answer.features : true));
    const answerable = rows.filter((r) => r.item.fact);
    const unanswerable = rows.filter((r) => !r.item.fact);
    const known = (r: (typeof rows)[number]) => (probabilities.get(r) ?? 0) >= answerThreshold;
    const right = answerable.filter((r) => known(r) && r.label === 1).length;
    const wrong = answerable.filter((r) => known(r) && r.label === 0).length;
    return {
      answerable: answerable.length,
      /** Whatever the confidence: is the passage the answer would read out the right one? */
      topRight: answerable.filter((r) => r.label === 1).length,
      answered: answerable.filter(known).length,
      right,
      wrong,
      declined: answerable.filter((r) => !known(r)).length,
      rightShare: round(right / answerable.length),
      wrongShare: round(wrong / answerable.length),
      unanswerable: unanswerable.length,
      unanswerableDeclined: unanswerable.filter((r) => !known(r)).length,
      misses: [...answerable.filter((r) => !(known(r) && r.label === 1) || values.verbose), ...unanswerable.filter((r) => known(r) || values.verbose)].map(
        (r) =>
          `${r.item.fact ? (known(r) ? (r.label ? '  ✓' : '  ✗ wrong') : '  · declined') : known(r) ? '  ✗ answered' : '  · declined'} ${r.item.q} → p=${round(probabilities.get(r) ?? 0, 2)}; expected «${r.item.fact ?? '(decline)'}», its passage at rank ${r.rank || '-'}; picked ${r.answer.passages[0] ? `${r.answer.passages[0].title.slice(0, 26)}#${r.answer.passages[0].seq} (rank ${r.pickedRank || '-'}${r.label ? ', right' : ''})` : 'no hit'}${r.item.fact ? ` [${failureCause(r)}]` : ''}`,
      ),
    };
  };
  const projectOutcome = outcome('project');
  const colloquialOutcome = outcome('colloquial');
  const splitOutcome = outcome('colloquial', split);
  const heldoutOutcome = outcome('heldout');
  const table = reliability(data.map((d) => ({ p: cv.get(d.r) ?? 0, label: d.label })));

  // Out of force: the only source is a 讨论稿; the answer should decline and name it.
  let outOfForceNamed = 0;
  const outOfForceLines: string[] = [];
  for (const q of colloquialFile.outOfForce) {
    const a = await smartAnswer(ctx, q.q);
    const source = a.outOfForce && articles.find((x) => x.id === a.outOfForce!.articleId);
    const named = !a.known && !!source && matches(q.docs, source);
    if (named) outOfForceNamed++;
    if (!named || values.verbose) outOfForceLines.push(`  ${named ? '✓' : '✗'} ${q.q} → ${a.known ? 'answered' : a.outOfForce ? `declined naming 《${a.outOfForce.title}》` : 'declined without naming'}`);
  }

  if (values.fit) {
    const model = { ...fitLogistic(data), fittedOn: `${data.length} questions of scripts/eval-kb-questions.json and scripts/eval-kb-colloquial.json, ${basePassages} passages, ${ctx.store.engine}` };
    writeFileSync(resolve(here, '..', 'src', 'knowledge', 'confidence-model.json'), `${JSON.stringify(model, null, 2)}\n`);
    log(`confidence model written: ${JSON.stringify(model)}`);
  }

  // At scale: the same questions among synthetic passages, and search latency through HTTP.
  const pad = values.pad ? Number(values.pad) : 0;
  let scaled: Awaited<ReturnType<typeof measure>> | null = null;
  let http: { passages: number; searches: number; p50: number; p95: number } | null = null;
  let scaledPassages = basePassages;
  if (pad) {
    log(`padding to ${pad} passages…`);
    await padCorpus(ctx, pad, (n) => log(`  …${n} passages`));
    await refreshStatistics(ctx.store.db, ctx.store.capabilities.passageIndex);
    scaledPassages = await passageTotal();
    scaled = await measure();
    http = await httpLatency();
  }

  const result = {
    engine: ctx.store.engine,
    passages: basePassages,
    threshold: answerThreshold,
    project: { questions: project.questions.length, ...base.project, ...strip(projectOutcome) },
    colloquialHalves: strip(splitOutcome),
    heldout: { questions: heldoutFile.answer.length + heldoutFile.unanswerable.length, ...base.heldout, ...strip(heldoutOutcome) },
    colloquial: { questions: colloquialFile.answer.length + colloquialFile.unanswerable.length + colloquialFile.outOfForce.length, ...base.colloquial, ...strip(colloquialOutcome), outOfForce: colloquialFile.outOfForce.length, outOfForceNamed },
    reliability: table,
    scaled: scaled ? { passages: scaledPassages, project: scaled.project, colloquial: scaled.colloquial, heldout: scaled.heldout } : null,
    http,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    log('project set, not answered right:');
    for (const m of projectOutcome.misses) log(m);
    log('colloquial set, not answered right:');
    for (const m of [...colloquialOutcome.misses, ...outOfForceLines]) log(m);
    log('held-out set, not answered right:');
    for (const m of heldoutOutcome.misses) log(m);
    log('');
    const sets = [projectOutcome, colloquialOutcome, splitOutcome, heldoutOutcome];
    const cell = (o: (typeof sets)[number], n: number) => `${n} (${round(n / o.answerable)})`;
    log(`| figure (${ctx.store.engine}, ${basePassages} passages, threshold ${answerThreshold}) | project set | colloquial set | colloquial, each half by a model fitted on the other | held-out set |`);
    log('|---|---|---|---|---|');
    log(`| questions answerable / unanswerable | ${sets.map((o) => `${o.answerable} / ${o.unanswerable}`).join(' | ')} |`);
    log(`| recall@5 passage / MRR / recall@5 document | ${[base.project, base.colloquial, base.colloquial, base.heldout].map((r) => `${r.recall5} / ${r.mrr} / ${r.docRecall5}`).join(' | ')} |`);
    log(`| best passage right, whatever the confidence | ${sets.map((o) => cell(o, o.topRight)).join(' | ')} |`);
    for (const [label, key] of [['answered', 'answered'], ['right', 'right'], ['wrong', 'wrong'], ['declined', 'declined']] as const) {
      log(`| ${label} (of answerable) | ${sets.map((o) => cell(o, o[key])).join(' | ')} |`);
    }
    log(`| unanswerable declined | ${sets.map((o) => `${o.unanswerableDeclined} of ${o.unanswerable}`).join(' | ')} |`);
    log(`| only an expired policy or a 讨论稿 answers: declined naming it | – | ${outOfForceNamed} of ${colloquialFile.outOfForce.length} | | |`);
    if (scaled) {
      log(`| recall@5 passage at ${scaledPassages} passages | ${scaled.project.recall5} | ${scaled.colloquial.recall5} | | ${scaled.heldout.recall5} |`);
      log(`| MRR at ${scaledPassages} passages | ${scaled.project.mrr} | ${scaled.colloquial.mrr} | | ${scaled.heldout.mrr} |`);
    }
    if (http) log(`| search through HTTP at ${http.passages} passages, ${http.searches} searches: p50 / p95 | ${http.p50} / ${http.p95} ms | |`);
    log('');
    log('reliability (5-fold cross-validated probabilities, project and colloquial sets):');
    log('| predicted | questions | mean predicted | share right |');
    log('|---|---|---|---|');
    for (const b of table) log(`| ${b.from.toFixed(1)}–${b.to.toFixed(1)} | ${b.count} | ${b.predicted} | ${b.observed} |`);
  }
  if (colloquialOutcome.rightShare < 0.75 || colloquialOutcome.wrongShare > 0.08 || colloquialOutcome.unanswerableDeclined < colloquialOutcome.unanswerable) process.exitCode = 1;
} finally {
  await ctx.store.close();
  rmSync(dir, { recursive: true, force: true });
  throwaway?.stop();
}

function strip<T extends { misses: string[] }>(o: T): Omit<T, 'misses'> {
  const { misses: _m, ...rest } = o;
  return rest;
}

/** Search latency through HTTP: a server on 127.0.0.1, an agent's token, every question asked in turn, four rounds. */
async function httpLatency() {
  const app = await buildApp(ctx);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    await ctx.store.db
      .insertInto('users')
      .values({ username: 'eval.agent', display_name: 'eval', password_hash: await hashPassword('Eval-Pass-2026!'), role: 'agent', unit_id: ctx.org.firstOfKind('centre')!.id, active: 1, created_at: ctx.clock.now() })
      .execute();
    const login = await fetch(`${address}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'eval.agent', password: 'Eval-Pass-2026!' }) });
    const { token } = (await login.json()) as { token: string };
    const ask = async (q: string) => {
      const res = await fetch(`${address}/api/v1/kb/search?q=${encodeURIComponent(q)}&limit=10`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`search «${q}»: ${res.status}`);
      await res.arrayBuffer();
    };
    const questions = items.map((i) => i.q);
    for (const q of questions) await ask(q);
    const latencies: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (const q of questions) {
        const t0 = performance.now();
        await ask(q);
        latencies.push(performance.now() - t0);
      }
    }
    latencies.sort((a, b) => a - b);
    const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] * 10) / 10;
    return { passages: scaledPassagesNow(), searches: latencies.length, p50: at(0.5), p95: at(0.95) };
  } finally {
    await app.close();
  }
}

function scaledPassagesNow(): number {
  return Number(values.pad ?? 0);
}
