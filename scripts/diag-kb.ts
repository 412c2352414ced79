// Diagnostic: for each colloquial question, the top hits and where the passage with the fact is.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bootstrap } from '../src/app/bootstrap.ts';
import { SYSTEM_ACTOR } from '../src/auth/actor.ts';
import { importSeedBulletins, SEED_BULLETIN_DIR } from '../src/knowledge/import.ts';
import { searchKb } from '../src/knowledge/search.ts';
import { smartAnswer } from '../src/knowledge/answer.ts';
const file = process.argv[2] ?? 'eval-kb-colloquial.json';
const set = JSON.parse(readFileSync(resolve(import.meta.dirname, file), 'utf8'));
const only = process.argv[3];
const dir = mkdtempSync(join(tmpdir(), 'diag-kb-'));
const ctx = await bootstrap({ sqliteFile: join(dir, 'x.sqlite'), dataDir: dir });
await importSeedBulletins(ctx, SYSTEM_ACTOR, SEED_BULLETIN_DIR);
const articles = await ctx.store.db.selectFrom('kb_articles').select(['id', 'title', 'source_doc_no']).execute();
const norm = (s: string) => s.replace(/\s+/g, '');
for (const item of set.answer ?? set.questions) {
  if (only && !item.q.includes(only)) continue;
  const fact = item.fact ?? item.answer;
  const ids = articles.filter((a) => item.docs.some((d: string) => a.source_doc_no === d || a.title.includes(d))).map((a) => a.id);
  const { hits, plan } = await searchKb(ctx, { q: item.q, limit: 10 });
  const good = (h: (typeof hits)[number]) => ids.includes(h.article.id) && norm(h.passage.heading + h.passage.text).includes(norm(fact));
  const rank = hits.findIndex(good) + 1;
  const ans = await smartAnswer(ctx, item.q);
  const top = ans.passages[0];
  const ok = top && ids.includes(top.articleId) && norm(top.heading + top.text).includes(norm(fact));
  const inReply = ans.passages[0]?.reply.includes(fact.slice(0, 6));
  if (ok && !process.argv.includes('-a') && !only) continue;
  const target = await ctx.store.db.selectFrom('kb_passages').select(['seq', 'heading', 'text']).where('article_id', 'in', ids).execute();
  const tp = target.filter((p) => norm(p.heading + p.text).includes(norm(fact))).map((p) => p.seq);
  console.log(`\n${ok ? 'OK' : 'XX'} «${item.q}» fact «${fact}» (seq ${tp.join(',')}) rank ${rank || '-'} p=${ans.confidence} replyHasFact=${inReply}`);
  console.log(`   words: ${plan.words.map((w) => `${w.label}:${w.df}`).join(' ')} | concepts: ${plan.concepts.map((w) => w.label).join(' ')}`);
  for (const h of hits.slice(0, 5)) console.log(`   ${good(h) ? '*' : ' '} ${h.article.title.slice(0, 20)}#${h.passage.seq} sc=${h.score} cov=${h.coverage} lr=${h.signals.lexicalRank} gr=${h.signals.gramRank} f=${h.signals.facts} ss=${h.signals.sentenceShare}${h.signals.sentenceFact ? "F" : ""} | ${h.passage.heading.slice(-20)} | ${h.passage.text.slice(0, 60).replace(/\n/g, ' ')}`);
}
await ctx.store.close();
