// 避免重复派单 (第十二条(二)3): an open ticket of the same requester about a similar matter within the
// window is a duplicate candidate; the agent merges into it or states that the matter is distinct.
import type { AppContext } from '../server/context.ts';
import type { Db, Tx } from '../store/db.ts';
import { OPEN_STATUSES } from '../domain/ticket-states.ts';
import { factsSimilarity } from '../domain/similarity.ts';
import { conflict } from '../server/problem.ts';
import { formatShanghai } from '../domain/deadline.ts';

export interface DuplicateCandidate {
  no: string;
  status: string;
  createdAt: string;
  similarity: number;
  facts: string;
}

export interface DuplicateQuery {
  phone?: string | null;
  facts: string;
  categoryId?: number | null;
  address?: string | null;
  excludeId?: number;
}

export async function findDuplicates(ctx: AppContext, db: Db | Tx, q: DuplicateQuery): Promise<DuplicateCandidate[]> {
  if (!q.phone) return [];
  const since = new Date(Date.parse(ctx.clock.now()) - ctx.city.duplicateWindowDays * 86_400_000).toISOString();
  const rows = await db
    .selectFrom('tickets')
    .select(['id', 'no', 'status', 'created_at', 'facts', 'category_id', 'address'])
    .where('requester_phone_hash', '=', ctx.store.crypto.phoneLookupHash(q.phone))
    .where('created_at', '>=', since)
    .where('status', 'in', [...OPEN_STATUSES])
    .$if(q.excludeId != null, (qb) => qb.where('id', '!=', q.excludeId!))
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  return rows
    .map((r) => {
      let similarity = factsSimilarity(q.facts, r.facts);
      // Same category at the same address is the same matter however it is worded.
      if (q.categoryId && r.category_id === q.categoryId && q.address && r.address === q.address) similarity = Math.max(similarity, 1);
      return { no: r.no, status: r.status, createdAt: formatShanghai(r.created_at), similarity: Math.round(similarity * 100) / 100, facts: r.facts };
    })
    .filter((c) => c.similarity >= ctx.city.duplicateSimilarity)
    .sort((a, b) => b.similarity - a.similarity);
}

/** Refuses to dispatch while a candidate remains that the agent has neither merged into nor ruled out. */
export async function guardAgainstDuplicates(ctx: AppContext, db: Db | Tx, q: DuplicateQuery, distinctFrom: string[] = []): Promise<void> {
  const candidates = (await findDuplicates(ctx, db, q)).filter((c) => !distinctFrom.includes(c.no));
  if (candidates.length) {
    throw conflict('同一诉求人的相似诉求已在办理中，请并单或确认为不同诉求后再派单', {
      type: 'urn:hotline:problem:duplicate-suspected',
      candidates,
    });
  }
}

export async function linkDistinct(tx: Tx, ticketId: number, nos: string[], at: string): Promise<void> {
  if (!nos.length) return;
  const others = await tx.selectFrom('tickets').select('id').where('no', 'in', nos).execute();
  for (const other of others) {
    await tx.insertInto('ticket_links').values({ ticket_id: ticketId, other_ticket_id: other.id, kind: 'distinct_from', note: null, created_at: at }).execute();
  }
}
