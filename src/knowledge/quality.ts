// Usage and upkeep (第二十一条 使用情况和常见问题、查漏纠错; 第三十一条 知识库维护更新不及时): views and uses
// in direct answers per article and unit, articles flagged to their unit (past expiry, or untouched
// longer than the admin's setting), and each role's to-do list: entries due under the 5-working-day
// rule with their lights, approvals, reviews, returned drafts and open 纠错 reports.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { isUnitRole } from '../domain/roles.ts';
import { forbidden } from '../server/problem.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { kbSettings } from './settings.ts';
import { articleSummary, entryDeadline, KB_KINDS, KB_STATUSES, today as todayOf, unitRef, type ArticleRow } from './model.ts';
import { listReports } from './articles.ts';
import type { KbFlag, KbFlagReason, KbTodo } from './contract.ts';

const DAY = 86_400_000;

function scopeOf(actor: Actor): number[] | null {
  if (isUnitRole(actor.role)) return actor.unitScope?.length ? actor.unitScope : [-1];
  return null;
}

/**
 * What a unit should look at: published articles expired or not updated for `staleAfterDays`, and
 * entries past their 5-working-day limit (第十九条) still not published — a policy the unit has not
 * entered, or an import its head has not approved.
 */
export async function kbFlags(ctx: AppContext, actor: Actor, query: { unit?: string } = {}): Promise<{ staleAfterDays: number; items: KbFlag[] }> {
  if (!['unit_staff', 'unit_head', 'centre', 'admin', 'authority'].includes(actor.role)) throw forbidden('当前角色无权查看知识库维护提醒');
  const { staleAfterDays } = await kbSettings(ctx);
  const date = todayOf(ctx);
  const now = ctx.clock.now();
  const staleBefore = new Date(Date.parse(now) - staleAfterDays * DAY).toISOString();
  let q = ctx.store.db
    .selectFrom('kb_articles')
    .selectAll()
    .where('status', '=', 'published')
    .where((eb) => eb.or([eb('expires_on', '<', date), eb('updated_at', '<', staleBefore)]));
  const scope = scopeOf(actor);
  if (scope) q = q.where('unit_id', 'in', scope);
  if (query.unit) {
    const unit = ctx.org.byCodeOrUndefined(query.unit);
    q = q.where('unit_id', 'in', unit ? ctx.org.subtreeIds(unit.id) : [-1]);
  }
  const rows = await q.orderBy('unit_id').orderBy('updated_at').limit(500).execute();
  let pending = ctx.store.db.selectFrom('kb_articles').selectAll().where('entry_required', '=', 1).where('status', 'in', ['draft', 'pending_approval', 'pending_review']);
  if (scope) pending = pending.where('unit_id', 'in', scope);
  if (query.unit) {
    const unit = ctx.org.byCodeOrUndefined(query.unit);
    pending = pending.where('unit_id', 'in', unit ? ctx.org.subtreeIds(unit.id) : [-1]);
  }
  // The light needs the working-day calendar: computed here, over the few entries not yet published.
  const overdue = (await pending.orderBy('unit_id').orderBy('id').limit(2000).execute())
    .map((a) => ({ a, entry: entryDeadline(ctx, a, now) }))
    .filter((e) => e.entry?.light === 'red');
  return {
    staleAfterDays,
    items: [
      ...overdue.map(({ a, entry }) => ({ ...articleSummary(ctx, a, date), reasons: ['entry_overdue'] as KbFlagReason[], entry, daysSinceUpdate: Math.floor((Date.parse(now) - Date.parse(a.updated_at)) / DAY) })),
      ...rows.map((a) => ({
        ...articleSummary(ctx, a, date),
        reasons: [...(a.expires_on && a.expires_on < date ? (['expired'] as const) : []), ...(a.updated_at < staleBefore ? (['stale'] as const) : [])],
        entry: null,
        daysSinceUpdate: Math.floor((Date.parse(now) - Date.parse(a.updated_at)) / DAY),
      })),
    ],
  };
}

/** What waits for the caller in the knowledge base. */
export async function kbTodo(ctx: AppContext, actor: Actor): Promise<KbTodo> {
  const db = ctx.store.db;
  const date = todayOf(ctx);
  const now = ctx.clock.now();
  const scope = scopeOf(actor);
  const centre = actor.role === 'centre' || actor.role === 'admin';
  const mine = (q: ReturnType<typeof base>) => (scope ? q.where('unit_id', 'in', scope) : q);
  const base = () => db.selectFrom('kb_articles').selectAll();
  const show = (a: ArticleRow) => ({ ...articleSummary(ctx, a, date), entry: entryDeadline(ctx, a, now), reviewNote: a.review_note });

  const entryRows = scope || centre ? await mine(base().where('entry_required', '=', 1).where('status', 'in', ['draft', 'pending_approval', 'pending_review'])).execute() : [];
  const entries = entryRows.map(show).sort((a, b) => (a.entry?.dueAt ?? '').localeCompare(b.entry?.dueAt ?? ''));
  const approvals = actor.role === 'unit_head' || actor.role === 'admin' ? (await mine(base().where('status', '=', 'pending_approval')).orderBy('submitted_at').execute()).map(show) : [];
  const reviews = centre ? (await base().where('status', '=', 'pending_review').orderBy('approved_at').execute()).map(show) : [];
  const returned = scope || centre ? (await mine(base().where('status', '=', 'draft').where('review_note', 'is not', null)).execute()).map(show) : [];
  const reports = scope || centre ? (await listReports(ctx, actor, { status: 'open' })).items : [];
  const flags = scope || centre || actor.role === 'authority' ? (await kbFlags(ctx, actor)).items : [];
  return {
    counts: {
      entries: entries.length,
      entriesRed: entries.filter((e) => e.entry?.light === 'red').length,
      entriesYellow: entries.filter((e) => e.entry?.light === 'yellow').length,
      approvals: approvals.length,
      reviews: reviews.length,
      returned: returned.length,
      reports: reports.length,
      flags: flags.length,
    },
    entries,
    approvals,
    reviews,
    returned,
    reports,
    flags: flags.slice(0, 50),
  };
}

/** Usage and upkeep figures: by state and kind, most viewed and used, per unit. */
export async function kbStats(ctx: AppContext, actor: Actor) {
  if (actor.role === 'agent') throw forbidden('当前角色无权查看知识库统计');
  const db = ctx.store.db;
  const date = todayOf(ctx);
  const scope = scopeOf(actor);
  const articles = await db
    .selectFrom('kb_articles')
    .select(['id', 'unit_id', 'kind', 'status', 'expires_on', 'effective_from', 'view_count', 'use_count', 'title', 'updated_at', 'last_used_at'])
    .$if(!!scope, (q) => q.where('unit_id', 'in', scope!))
    .execute();
  const reports = await db
    .selectFrom('kb_reports')
    .select(['status', 'unit_id'])
    .$if(!!scope, (q) => q.where('unit_id', 'in', scope!))
    .execute();
  const byStatus = Object.fromEntries([...KB_STATUSES, 'expired'].map((s) => [s, 0])) as Record<string, number>;
  const byKind = Object.fromEntries(KB_KINDS.map((k) => [k, 0])) as Record<string, number>;
  const units = new Map<number, { published: number; views: number; uses: number; openReports: number }>();
  for (const a of articles) {
    const expired = a.status === 'published' && !!a.expires_on && a.expires_on < date;
    byStatus[expired ? 'expired' : a.status] = (byStatus[expired ? 'expired' : a.status] ?? 0) + 1;
    if (a.status === 'published') byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
    const u = units.get(a.unit_id) ?? { published: 0, views: 0, uses: 0, openReports: 0 };
    if (a.status === 'published') u.published++;
    u.views += a.view_count;
    u.uses += a.use_count;
    units.set(a.unit_id, u);
  }
  for (const r of reports) {
    if (r.status !== 'open') continue;
    const u = units.get(r.unit_id) ?? { published: 0, views: 0, uses: 0, openReports: 0 };
    u.openReports++;
    units.set(r.unit_id, u);
  }
  const top = (key: 'view_count' | 'use_count') =>
    articles
      .filter((a) => a[key] > 0)
      .sort((a, b) => b[key] - a[key] || a.id - b.id)
      .slice(0, 10)
      .map((a) => ({ id: a.id, title: a.title, unit: unitRef(ctx, a.unit_id), views: a.view_count, uses: a.use_count, lastUsedAt: a.last_used_at ? formatShanghai(a.last_used_at) : null }));
  return {
    articles: { total: articles.length, byStatus, byKind },
    views: articles.reduce((s, a) => s + a.view_count, 0),
    uses: articles.reduce((s, a) => s + a.use_count, 0),
    topViewed: top('view_count'),
    topUsed: top('use_count'),
    reports: { open: reports.filter((r) => r.status === 'open').length, accepted: reports.filter((r) => r.status === 'accepted').length, rejected: reports.filter((r) => r.status === 'rejected').length },
    byUnit: [...units.entries()].map(([id, u]) => ({ unit: unitRef(ctx, id), ...u })).sort((a, b) => b.published - a.published),
  };
}
