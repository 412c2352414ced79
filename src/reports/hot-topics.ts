// 社情民意 and 未诉先办: hot topics per 县（市）区 (segmented keywords and categories), and spikes — a
// topic rising well above its recent level in one district (./spikes.ts). A ticket's topics are its
// keywords plus the name of its category. The daily job stores each new spike once as an alert and
// tells the centre by SMS through the outbox, in the same transaction.
import type { AppContext } from '../server/context.ts';
import { inTransaction } from '../store/db.ts';
import { enqueue } from '../outbox/outbox.ts';
import { shanghaiDate } from '../domain/deadline.ts';
import { ticketKeywordRows, type KeywordRow } from './keywords.ts';
import { categoryNames, ticketsByDistrictCategory, type TicketFilter } from './queries.ts';
import { DEFAULT_SPIKE_OPTIONS, detectSpikes, type SpikeOptions, type TopicSeries } from './spikes.ts';
import type { ReportScope } from './report.ts';
import type { AlertView, DistrictRef, HotTopics, SpikeView } from './contract.ts';

export type { AlertView, DistrictRef, HotTopics, SpikeView };

const DAY_MS = 86_400_000;
/** Days before the examined day that make its baseline. */
export const BASELINE_DAYS = 14;
const NO_DISTRICT = '';

function districtRef(ctx: AppContext, id: number | null): DistrictRef {
  const unit = id == null ? undefined : ctx.org.get(id);
  return unit ? { code: unit.code, name: unit.name } : { code: NO_DISTRICT, name: '未标明县（市）区' };
}

/** A ticket's topics: its keywords and its category's name, each once. */
function topicsOf(row: KeywordRow, categories: Map<number, { name: string }>): string[] {
  const words = new Set(row.words);
  const category = row.category == null ? undefined : categories.get(row.category);
  if (category) words.add(category.name);
  return [...words];
}

/** Hot topics per district over [from, to), and the live spikes of the last 24 hours before `to`. */
export async function hotTopics(ctx: AppContext, range: { from: string; to: string }, scope: ReportScope, districtId: number | null): Promise<HotTopics> {
  const filter: TicketFilter = { unitScope: scope.unitScope, districtId };
  const [facts, perCategory, categories] = await Promise.all([
    ticketKeywordRows(ctx.store.db, range, filter),
    ticketsByDistrictCategory(ctx.store.db, range, filter),
    categoryNames(ctx.store.db),
  ]);
  const districts = new Map<string, { id: number | null; tickets: number; words: Map<string, number>; cats: Map<string, number> }>();
  const slot = (id: number | null) => {
    const key = id == null ? '' : String(id);
    let d = districts.get(key);
    if (!d) districts.set(key, (d = { id, tickets: 0, words: new Map(), cats: new Map() }));
    return d;
  };
  for (const c of perCategory) {
    const d = slot(c.district);
    d.tickets += c.n;
    const name = c.category == null ? '未分类' : (categories.get(c.category)?.name ?? `分类${c.category}`);
    d.cats.set(name, (d.cats.get(name) ?? 0) + c.n);
  }
  for (const row of facts) {
    const d = slot(row.district);
    for (const w of row.words) d.words.set(w, (d.words.get(w) ?? 0) + 1);
  }
  const top = (m: Map<string, number>, n: number, key: 'word' | 'name') =>
    [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'zh')).slice(0, n).map(([k, count]) => ({ [key]: k, count }));
  const spikes = await spikesEndingAt(ctx, range.to, filter);
  return {
    from: range.from,
    to: range.to,
    districts: [...districts.values()]
      .sort((a, b) => b.tickets - a.tickets)
      .map((d) => ({
        district: districtRef(ctx, d.id),
        tickets: d.tickets,
        keywords: top(d.words, 10, 'word') as Array<{ word: string; count: number }>,
        categories: top(d.cats, 5, 'name') as Array<{ name: string; count: number }>,
      })),
    spikes,
  };
}

/**
 * The (district, topic) series of the 24 hours before `end` (the day examined) and of each of the
 * 14 24-hour windows before it (the baseline), and the spikes among them.
 */
export async function spikesEndingAt(ctx: AppContext, end: string, filter: TicketFilter, options: SpikeOptions = DEFAULT_SPIKE_OPTIONS): Promise<SpikeView[]> {
  const endMs = Date.parse(end);
  const from = new Date(endMs - (BASELINE_DAYS + 1) * DAY_MS).toISOString();
  const [rows, categories] = await Promise.all([ticketKeywordRows(ctx.store.db, { from, to: end }, filter), categoryNames(ctx.store.db)]);
  const series = new Map<string, { district: number | null; topic: string; days: number[] }>();
  for (const row of rows) {
    // Window 0 is the day examined, 1…14 the days before it.
    const window = Math.floor((endMs - 1 - Date.parse(row.createdAt)) / DAY_MS);
    if (window < 0 || window > BASELINE_DAYS) continue;
    for (const topic of topicsOf(row, categories)) {
      const key = `${row.district ?? ''}\u0000${topic}`;
      let s = series.get(key);
      if (!s) series.set(key, (s = { district: row.district, topic, days: new Array(BASELINE_DAYS + 1).fill(0) }));
      s.days[window]++;
    }
  }
  const input: TopicSeries[] = [...series.values()].map((s) => ({
    district: s.district == null ? '' : String(s.district),
    topic: s.topic,
    count: s.days[0],
    baseline: s.days.slice(1),
  }));
  const day = shanghaiDate(new Date(endMs - 1).toISOString());
  return detectSpikes(input, options).map((s) => {
    const ref = districtRef(ctx, s.district === '' ? null : Number(s.district));
    return { ...s, district: ref.code, districtName: ref.name, day };
  });
}

/**
 * The daily check: spikes of the Shanghai day that ended at `dayEnd` (its 24:00), each stored once
 * (unique day, district, topic) with an SMS to the centre in the same transaction. Returns the new ones.
 */
export async function flagSpikes(ctx: AppContext, dayEnd: string): Promise<SpikeView[]> {
  const spikes = await spikesEndingAt(ctx, dayEnd, { unitScope: null });
  if (!spikes.length) return [];
  const now = ctx.clock.now();
  const centre = ctx.org.firstOfKind('centre');
  return inTransaction(ctx.store.db, async (tx) => {
    const fresh: SpikeView[] = [];
    for (const s of spikes) {
      const exists = await tx
        .selectFrom('report_alerts')
        .select('id')
        .where('day', '=', s.day)
        .where('district_code', '=', s.district)
        .where('topic', '=', s.topic)
        .executeTakeFirst();
      if (exists) continue;
      const unit = s.district ? ctx.org.byCodeOrUndefined(s.district) : undefined;
      await tx
        .insertInto('report_alerts')
        .values({
          day: s.day,
          district_code: s.district,
          district_unit_id: unit?.id ?? null,
          topic: s.topic,
          count: s.count,
          baseline_mean: s.mean,
          baseline_sd: s.sd,
          threshold: s.threshold,
          created_at: now,
        })
        .execute();
      if (centre?.smsPhone) {
        await enqueue(
          tx,
          'report',
          { to: centre.smsPhone, template: 'spike_alert', params: { day: s.day, district: s.districtName, topic: s.topic, count: String(s.count), mean: s.mean.toFixed(1) } },
          now,
        );
      }
      fresh.push(s);
    }
    return fresh;
  });
}

/** Stored alerts, newest first; a unit user sees those of districts in its subtree. */
export async function listAlerts(ctx: AppContext, scope: ReportScope, range: { fromDate?: string; toDate?: string }): Promise<AlertView[]> {
  let q = ctx.store.db.selectFrom('report_alerts').selectAll().orderBy('day', 'desc').orderBy('count', 'desc').orderBy('id', 'desc').limit(500);
  if (range.fromDate) q = q.where('day', '>=', range.fromDate);
  if (range.toDate) q = q.where('day', '<=', range.toDate);
  if (scope.unitScope) q = q.where('district_unit_id', 'in', scope.unitScope.length ? scope.unitScope : [-1]);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    day: r.day,
    district: districtRef(ctx, r.district_unit_id),
    topic: r.topic,
    count: r.count,
    mean: Number(r.baseline_mean),
    sd: Number(r.baseline_sd),
    threshold: Number(r.threshold),
    createdAt: r.created_at,
  }));
}
