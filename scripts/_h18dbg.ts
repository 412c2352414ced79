import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap } from '../src/server/bootstrap.ts';
import { SYSTEM_ACTOR } from '../src/auth/actor.ts';
import { importSeedBulletins, SEED_BULLETIN_DIR } from '../src/knowledge/import.ts';
import { searchKb } from '../src/knowledge/search.ts';
const dir = mkdtempSync(join(tmpdir(), 'h18-'));
const ctx = await bootstrap({ sqliteFile: join(dir, 'x.sqlite'), dataDir: dir });
await importSeedBulletins(ctx, SYSTEM_ACTOR, SEED_BULLETIN_DIR);
for (const q of process.argv.slice(2)) {
  const { plan, hits } = await searchKb(ctx, { q, limit: 6, validity: 'any' });
  console.log('Q', q, plan.concepts.map((c) => `${c.label}:${c.df}`).join(' '), '| words', plan.words.map((c) => `${c.label}:${c.df}`).join(' '));
  for (const h of hits) console.log('  ', h.article.title.slice(0, 20), '#' + h.passage.seq, h.score, JSON.stringify(h.signals), h.coverage, h.passage.text.slice(0, 60).replace(/\n/g, ' '));
}
await ctx.store.close();
