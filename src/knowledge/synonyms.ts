// Synonyms an admin edits (公积金/住房公积金, 营业执照/执照): a question that says one word of a group
// also searches for the others.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Db } from '../store/db.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { invalid, notFound } from '../server/problem.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { phraseTokens } from './segment.ts';

export interface SynonymGroup {
  id: number;
  terms: string[];
  updatedAt: string;
}

const CACHE_MS = 10_000;
const cache = new WeakMap<Db, { at: number; groups: string[][] }>();

/** The groups in force, cached briefly (another process's edit shows within ten seconds). */
export async function synonymGroups(db: Db): Promise<string[][]> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.groups;
  const rows = await db.selectFrom('kb_synonyms').select('terms').orderBy('id').execute();
  const groups = rows.map((r) => JSON.parse(r.terms) as string[]);
  cache.set(db, { at: Date.now(), groups });
  return groups;
}

export async function listSynonyms(ctx: AppContext): Promise<SynonymGroup[]> {
  const rows = await ctx.store.db.selectFrom('kb_synonyms').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, terms: JSON.parse(r.terms) as string[], updatedAt: formatShanghai(r.updated_at) }));
}

function checkTerms(terms: string[]): string[] {
  const clean = [...new Set(terms.map((t) => t.trim()).filter(Boolean))];
  if (clean.length < 2) throw invalid('terms', '同义词组至少需要两个不同的词');
  for (const t of clean) {
    if (!phraseTokens(t).length) throw invalid('terms', `同义词「${t}」不含可检索的文字`);
  }
  return clean;
}

export async function createSynonyms(ctx: AppContext, actor: Actor, terms: string[]): Promise<SynonymGroup> {
  const clean = checkTerms(terms);
  const id = await inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const row = await tx.insertInto('kb_synonyms').values({ terms: JSON.stringify(clean), updated_by: actor.userId || null, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    await writeEvent(tx, actor, now, { action: 'kb_synonyms_create', detail: { id: row.id, terms: clean } });
    return row.id;
  });
  cache.delete(ctx.store.db);
  return (await listSynonyms(ctx)).find((g) => g.id === id)!;
}

export async function updateSynonyms(ctx: AppContext, actor: Actor, id: number, terms: string[]): Promise<SynonymGroup> {
  const clean = checkTerms(terms);
  await inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const before = await tx.selectFrom('kb_synonyms').select('terms').where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound(`同义词组 ${id} 不存在`);
    await tx.updateTable('kb_synonyms').set({ terms: JSON.stringify(clean), updated_by: actor.userId || null, updated_at: now }).where('id', '=', id).execute();
    await writeEvent(tx, actor, now, { action: 'kb_synonyms_update', detail: { id, before: JSON.parse(before.terms), terms: clean } });
  });
  cache.delete(ctx.store.db);
  return (await listSynonyms(ctx)).find((g) => g.id === id)!;
}

export async function deleteSynonyms(ctx: AppContext, actor: Actor, id: number): Promise<void> {
  await inTransaction(ctx.store.db, async (tx) => {
    const before = await tx.selectFrom('kb_synonyms').select('terms').where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound(`同义词组 ${id} 不存在`);
    await tx.deleteFrom('kb_synonyms').where('id', '=', id).execute();
    await writeEvent(tx, actor, ctx.clock.now(), { action: 'kb_synonyms_delete', detail: { id, terms: JSON.parse(before.terms) } });
  });
  cache.delete(ctx.store.db);
}
