// Knowledge-base upkeep per unit for the evaluation (第二十九条 知识库更新, 第三十一条(二)5): policies
// whose 5-working-day entry deadline fell in the month and whether they were published by it, and
// articles left published past their expiry. Entry deadlines need the working-day calendar, so they
// are computed here rather than in SQL; a unit has tens of such articles, not millions.
import type { AppContext } from '../server/context.ts';
import { entryDeadline } from '../knowledge/model.ts';
import { shanghaiDate } from '../domain/deadline.ts';
import type { MonthRange } from '../domain/evaluation.ts';

export async function kbUpkeepCounts(ctx: AppContext, r: MonthRange): Promise<Map<number, { kbDue: number; kbOnTime: number; kbExpired: number }>> {
  const out = new Map<number, { kbDue: number; kbOnTime: number; kbExpired: number }>();
  const of = (unitId: number) => out.get(unitId) ?? out.set(unitId, { kbDue: 0, kbOnTime: 0, kbExpired: 0 }).get(unitId)!;
  const now = ctx.clock.now();
  const required = await ctx.store.db
    .selectFrom('kb_articles')
    .select(['unit_id', 'entry_required', 'effective_from', 'source_date', 'status', 'published_at', 'origin', 'created_at'])
    .where('entry_required', '=', 1)
    .execute();
  const from = Date.parse(r.from);
  const to = Date.parse(r.to);
  for (const a of required) {
    const entry = entryDeadline(ctx, a, now);
    if (!entry) continue;
    const due = Date.parse(entry.dueAt);
    if (due < from || due >= to) continue;
    const u = of(a.unit_id);
    u.kbDue++;
    if ((a.status === 'published' || a.status === 'withdrawn') && !entry.late) u.kbOnTime++;
  }
  // Expired by the month's last day and still published (neither withdrawn nor given a new expiry).
  const nextMonthFirstDay = shanghaiDate(r.to);
  const expired = await ctx.store.db
    .selectFrom('kb_articles')
    .select(['unit_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'published')
    .where('expires_on', '<', nextMonthFirstDay)
    .where('published_at', '<', r.to)
    .groupBy('unit_id')
    .execute();
  for (const e of expired) of(e.unit_id).kbExpired += Number(e.n);
  return out;
}
