// A large knowledge base for the benchmark and the scaled evaluation: synthetic documents whose
// text is drawn word by word from the words of the passages already imported, with their
// frequencies (so the engines see the vocabulary and the document frequencies of real government
// documents, but no synthetic passage repeats a real sentence), imported through the same use-case
// as a bulletin, 50 passages per document, until the base holds `target` passages.
import type { AppContext } from '../src/server/context.ts';
import { SYSTEM_ACTOR } from '../src/domain/actor.ts';
import { importDocuments } from '../src/knowledge/import.ts';
import type { BulletinDocument } from '../src/knowledge/bulletin.ts';
import { cutWords } from '../src/knowledge/segment.ts';
import { Random } from '../src/domain/random.ts';

export async function passageCount(ctx: AppContext): Promise<number> {
  return Number((await ctx.store.db.selectFrom('kb_terms').select('df').where('term', '=', '').executeTakeFirst())?.df ?? 0);
}

export async function padCorpus(ctx: AppContext, target: number, progress: (n: number) => void = () => {}): Promise<number> {
  const r = new Random(20261123);
  const rows = await ctx.store.db.selectFrom('kb_passages').select(['heading', 'text']).execute();
  // Every word occurrence of the real passages: drawing from it reproduces the word frequencies.
  const words = rows.flatMap((p) => cutWords(p.text)).filter((w) => w.trim() && w !== '|');
  const headings = [...new Set(rows.map((p) => p.heading.split(' / ').pop()!).filter((h) => h && h.length <= 30))];
  if (!words.length) throw new Error('no passages to draw words from: import the seed bulletins first');
  const text = (length: number) => {
    let out = '';
    while (out.length < length) out += r.pick(words);
    return out;
  };
  let count = await passageCount(ctx);
  let doc = 0;
  while (count < target) {
    const batch: BulletinDocument[] = [];
    for (let d = 0; d < 20 && count + batch.length * 50 < target; d++) {
      const n = Math.min(50, target - count - batch.length * 50);
      const passages = Array.from({ length: n }, () => ({ heading: r.chance(0.5) ? r.pick(headings) : '', text: text(r.int(150, 450)) }));
      doc++;
      batch.push({
        title: `关于${text(14).replace(/[，。；：、“”《》（）\s]/g, '')}的通知（合成文件${doc}）`,
        docNo: `合成〔2026〕${doc}号`,
        issuer: '合成数据',
        date: '2026-01-01',
        effectiveFrom: null,
        expiresOn: null,
        section: null,
        enclosed: [],
        body: passages.map((p) => p.text).join('\n'),
        passages,
      });
    }
    await importDocuments(ctx, SYSTEM_ACTOR, batch, { bulletin: '合成数据' });
    count = await passageCount(ctx);
    if (doc % 200 === 0) progress(count);
  }
  return count;
}
