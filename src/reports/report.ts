// The report object (第二十四条): what GET /api/v1/reports/… answers, what the CLI prints as JSON, what
// the scheduled job stores and what the xlsx and PDF exports lay out. Built from the store layer's
// aggregates (./queries.ts) for one period or one topic, for the whole city or a unit's subtree.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { isUnitRole } from '../domain/roles.ts';
import { CHANNELS, CHANNEL_LABELS, SATISFACTION_LABELS, SATISFACTION_LEVELS, TICKET_TYPES, TICKET_TYPE_LABELS, isSatisfied, type Satisfaction } from '../domain/ticket-types.ts';
import { STATUS_LABELS } from '../domain/ticket-states.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { maskName, maskText } from '../domain/masking.ts';
import { asOfInstant, asOfLabel, isRunning, PERIOD_KIND_LABELS, trailingPeriods, type Period } from './periods.ts';
import {
  callbacksBy,
  categoryNames,
  overdueDuties,
  sampleTickets,
  ticketBreakdown,
  ticketCount,
  type BreakdownRow,
  type KeyCount,
  type Range,
  type TicketFilter,
} from './queries.ts';
import { ticketKeywordRows, topKeywords } from './keywords.ts';
import type { OverdueRow, Report, Row, SatisfactionFigures, TrendPoint } from './contract.ts';
import { DUTY_KIND_LABELS } from '../domain/duty-kinds.ts';
import { periodCallFigures } from '../calls/period-figures.ts';

export interface ReportScope {
  /** A unit user's subtree, null for the whole city. */
  unitScope: number[] | null;
  /** The unit whose subtree it is. */
  unit: { code: string; name: string } | null;
}

export const CITY_SCOPE: ReportScope = { unitScope: null, unit: null };

export function scopeOf(ctx: AppContext, actor: Actor): ReportScope {
  if (!isUnitRole(actor.role)) return CITY_SCOPE;
  const unit = ctx.org.get(actor.unitId);
  return { unitScope: actor.unitScope ?? [], unit: unit ? { code: unit.code, name: unit.name } : null };
}

export type { OverdueRow, Report, Row, SampleTicket, SatisfactionFigures, TrendPoint } from './contract.ts';


const NONE = '未填写';
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10000) / 10000 : 0);

function rows(counts: KeyCount[], total: number, label: (key: string | number | null) => string, order?: readonly string[]): Row[] {
  const byKey = new Map<string, number>();
  for (const c of counts) byKey.set(c.key == null ? '' : String(c.key), (byKey.get(c.key == null ? '' : String(c.key)) ?? 0) + c.n);
  if (order) {
    return order.map((k) => ({ key: k, name: label(k), count: byKey.get(k) ?? 0, share: ratio(byKey.get(k) ?? 0, total) }));
  }
  return [...byKey]
    .map(([k, n]) => ({ key: k, name: label(k === '' ? null : k), count: n, share: ratio(n, total) }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'zh'));
}

const rate4 = (a: number, b: number) => (b ? Math.round((a / b) * 10000) / 10000 : null);

/**
 * 满意率 = (非常满意 + 满意 + 基本满意) / 有效评价数, the evaluation's formula: over the callbacks of the
 * period that reached the requester and recorded a level and that the evaluation counts (not exempt by
 * 第二十五条, not excluded by the authority); unreached attempts are in no denominator. 全部评价满意率
 * is the same ratio over every rating. Rows without a basis count (the plain rate's input).
 */
export function satisfactionOf(counts: Array<{ unit?: number | null; reached: number; satisfaction: string | null; basis?: string; n: number }>, unitName?: (id: number) => string): SatisfactionFigures {
  const per = new Map<string, number>();
  let unreached = 0;
  let exempt = 0;
  let excluded = 0;
  let rated = 0;
  let satisfied = 0;
  const units = new Map<number, { rated: number; satisfied: number; exempt: number; excluded: number }>();
  for (const c of counts) {
    if (!c.reached) {
      unreached += c.n;
      continue;
    }
    if (!c.satisfaction) continue;
    per.set(c.satisfaction, (per.get(c.satisfaction) ?? 0) + c.n);
    const basis = c.basis ?? 'counted';
    const u = c.unit == null ? null : (units.get(c.unit) ?? units.set(c.unit, { rated: 0, satisfied: 0, exempt: 0, excluded: 0 }).get(c.unit)!);
    if (basis === 'exempt') {
      exempt += c.n;
      if (u) u.exempt += c.n;
    } else if (basis === 'excluded') {
      excluded += c.n;
      if (u) u.excluded += c.n;
    } else {
      rated += c.n;
      if (u) u.rated += c.n;
      if (isSatisfied(c.satisfaction as Satisfaction)) {
        satisfied += c.n;
        if (u) u.satisfied += c.n;
      }
    }
  }
  const levels = SATISFACTION_LEVELS.map((key) => ({ key, name: SATISFACTION_LABELS[key], count: per.get(key) ?? 0 }));
  const allRated = levels.reduce((s, l) => s + l.count, 0);
  const allSatisfied = levels.filter((l) => isSatisfied(l.key)).reduce((s, l) => s + l.count, 0);
  const byUnit = [...units]
    .map(([id, f]) => ({ key: String(id), name: unitName ? unitName(id) : String(id), ...f, rate: rate4(f.satisfied, f.rated) }))
    .sort((a, b) => b.rated - a.rated || a.name.localeCompare(b.name, 'zh'));
  return { levels, rated, satisfied, rate: rate4(satisfied, rated), exempt, excluded, allRated, allSatisfied, allRate: rate4(allSatisfied, allRated), unreached, byUnit, basis: 'evaluation' };
}

interface Labels {
  unit: (id: string | number | null) => string;
  category: (id: string | number | null) => string;
}

async function labels(ctx: AppContext): Promise<Labels & { categories: Awaited<ReturnType<typeof categoryNames>> }> {
  const categories = await categoryNames(ctx.store.db);
  return {
    categories,
    unit: (id) => (id == null ? NONE : (ctx.org.get(Number(id))?.name ?? `单位${id}`)),
    category: (id) => (id == null ? '未分类' : (categories.get(Number(id))?.name ?? `分类${id}`)),
  };
}

/** One dimension's counts out of the breakdown's rows. */
function countsBy(rows: BreakdownRow[], key: (r: BreakdownRow) => string | number | null): KeyCount[] {
  const m = new Map<string | number | null, number>();
  for (const r of rows) {
    const k = key(r);
    m.set(k, (m.get(k) ?? 0) + r.n);
  }
  return [...m].map(([k, n]) => ({ key: k, n }));
}

/** The figures every report has, for one range and filter. */
async function figures(ctx: AppContext, range: Range, filter: TicketFilter, l: Labels & { categories: Awaited<ReturnType<typeof categoryNames>> }, asOf: string) {
  const db = ctx.store.db;
  const [breakdown, overdue, callbacks, keywordRows] = await Promise.all([
    ticketBreakdown(db, range, filter),
    overdueDuties(db, range, filter, asOf),
    callbacksBy(db, range, filter),
    ticketKeywordRows(db, range, filter),
  ]);
  // A leaf category's top category is its parent, or itself when it has none (unknown: none).
  const topOf = (id: number | null) => {
    const c = id == null ? undefined : l.categories.get(Number(id));
    return c ? (c.parentId ?? Number(id)) : null;
  };
  const channel = countsBy(breakdown, (r) => r.channel);
  const type = countsBy(breakdown, (r) => r.type);
  const topCategory = countsBy(breakdown, (r) => topOf(r.category));
  const category = countsBy(breakdown, (r) => r.category);
  const district = countsBy(breakdown, (r) => r.district);
  const leadUnit = countsBy(breakdown, (r) => r.leadUnit);
  const total = channel.reduce((s, c) => s + c.n, 0);
  const byCategory = rows(category, total, l.category);
  const fold = (key: (o: (typeof overdue)[number]) => string, name: (k: string) => string): OverdueRow[] => {
    const m = new Map<string, OverdueRow>();
    for (const o of overdue) {
      const k = key(o);
      const row = m.get(k) ?? { key: k, name: name(k), lateDone: 0, openOverdue: 0 };
      row.lateDone += o.lateDone;
      row.openOverdue += o.openOverdue;
      m.set(k, row);
    }
    return [...m.values()].sort((a, b) => b.lateDone + b.openOverdue - (a.lateDone + a.openOverdue) || a.name.localeCompare(b.name, 'zh'));
  };
  const satisfaction = satisfactionOf(callbacks, (id) => l.unit(id));
  const lateDone = overdue.reduce((s, o) => s + o.lateDone, 0);
  const openOverdue = overdue.reduce((s, o) => s + o.openOverdue, 0);
  return {
    totals: { tickets: total, lateDone, openOverdue, rated: satisfaction.rated, satisfied: satisfaction.satisfied, satisfactionRate: satisfaction.rate },
    byChannel: rows(channel, total, (k) => CHANNEL_LABELS[k as keyof typeof CHANNEL_LABELS] ?? String(k), CHANNELS),
    byType: rows(type, total, (k) => TICKET_TYPE_LABELS[k as keyof typeof TICKET_TYPE_LABELS] ?? String(k), TICKET_TYPES),
    byTopCategory: rows(topCategory, total, l.category),
    byCategory,
    byDistrict: rows(district, total, (k) => (k == null ? '未标明县（市）区' : l.unit(k))),
    byLeadUnit: rows(leadUnit, total, (k) => (k == null ? '未派单' : l.unit(k))),
    topIssues: { categories: byCategory.filter((r) => r.key !== '').slice(0, 10), keywords: topKeywords(keywordRows, 20) },
    overdue: {
      lateDone,
      openOverdue,
      byUnit: fold((o) => (o.unit == null ? '' : String(o.unit)), (k) => (k === '' ? NONE : l.unit(k))),
      byKind: fold((o) => o.kind, (k) => DUTY_KIND_LABELS[k] ?? k),
    },
    satisfaction,
  };
}

/** The headline figures of a range (for trends): ticket count, overdue and satisfaction. */
async function trendPoint(ctx: AppContext, period: Period, filter: TicketFilter, now: string): Promise<TrendPoint> {
  const db = ctx.store.db;
  const [tickets, overdue, callbacks] = await Promise.all([ticketCount(db, period, filter), overdueDuties(db, period, filter, asOfInstant(period, now)), callbacksBy(db, period, filter)]);
  const s = satisfactionOf(callbacks);
  return {
    period: period.key,
    label: period.label,
    tickets,
    lateDone: overdue.reduce((a, o) => a + o.lateDone, 0),
    openOverdue: overdue.reduce((a, o) => a + o.openOverdue, 0),
    rated: s.rated,
    satisfied: s.satisfied,
    satisfactionRate: s.rate,
  };
}

function scopeLabel(scope: ReportScope): string {
  return scope.unit ? `${scope.unit.name}及下级单位` : '全市';
}

/** How many periods a report's trend shows (the period itself and those before it). */
export const TREND_PERIODS = 6;

export async function buildPeriodReport(ctx: AppContext, period: Period, scope: ReportScope, trendCount = TREND_PERIODS): Promise<Report> {
  const filter: TicketFilter = { unitScope: scope.unitScope };
  const l = await labels(ctx);
  // One instant for the whole report: its figures, its trend and the 截至 it states agree.
  const now = ctx.clock.now();
  const f = await figures(ctx, period, filter, l, asOfInstant(period, now));
  const trend: TrendPoint[] = [];
  for (const p of trailingPeriods(period, trendCount)) trend.push(p.key === period.key ? currentPoint(period, f) : await trendPoint(ctx, p, filter, now));
  const kindLabel = PERIOD_KIND_LABELS[period.kind];
  const calls = scope.unitScope === null ? await periodCallFigures(ctx, period.firstDate, period.lastDate) : undefined;
  return {
    kind: period.kind,
    kindLabel,
    period: period.key,
    title: `${ctx.city.name}12345热线${period.label}${kindLabel}（${scopeLabel(scope)}）`,
    periodLabel: period.label,
    firstDate: period.firstDate,
    lastDate: period.lastDate,
    from: period.from,
    to: period.to,
    scope: { unit: scope.unit, label: scopeLabel(scope) },
    generatedAt: now,
    ...asOfFields(period, now),
    ...f,
    trend,
    ...(calls ? { calls } : {}),
  };
}

/** What a report says about the instant it counts at. */
function asOfFields(range: Range, now: string): { asOf: string; running: boolean; asOfLabel: string | null } {
  const asOf = asOfInstant(range, now);
  const running = isRunning(range, now);
  return { asOf, running, asOfLabel: running ? asOfLabel(asOf) : null };
}

function currentPoint(period: Period, f: Awaited<ReturnType<typeof figures>>): TrendPoint {
  return { period: period.key, label: period.label, ...f.totals };
}

/**
 * Facts as a report may show them: phone and ID numbers masked by the one masker of
 * src/domain/masking.ts (whole numbers only: a ticket number such as MDJ20261122000123 stays whole).
 */
export function maskFacts(facts: string): string {
  return maskText(facts);
}

export interface TopicQuery {
  terms: string[];
  fromDate: string;
  toDate: string;
  district: { id: number; code: string; name: string } | null;
  from: string;
  to: string;
}

/** 专报: the same breakdowns for the tickets of a topic, with a daily trend and masked sample tickets. */
export async function buildTopicReport(ctx: AppContext, q: TopicQuery, scope: ReportScope, sampleCount = 20): Promise<Report> {
  const filter: TicketFilter = { unitScope: scope.unitScope, terms: q.terms, districtId: q.district?.id ?? null };
  const l = await labels(ctx);
  const range = { from: q.from, to: q.to };
  const now = ctx.clock.now();
  const f = await figures(ctx, range, filter, l, asOfInstant(range, now));
  const samples = await sampleTickets(ctx.store.db, range, filter, sampleCount);
  const periodLabel = `${q.fromDate} 至 ${q.toDate}`;
  // The trend of a topic: the preceding ranges of the same length.
  const days = Math.round((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000);
  const trend: TrendPoint[] = [];
  for (let i = TREND_PERIODS - 1; i >= 0; i--) {
    const to = new Date(Date.parse(q.to) - i * days * 86_400_000).toISOString();
    const from = new Date(Date.parse(q.from) - i * days * 86_400_000).toISOString();
    const label = `${formatShanghai(from).slice(0, 10)}起${days}日`;
    if (i === 0) trend.push({ period: periodLabel, label, ...f.totals });
    else trend.push({ ...(await trendPoint(ctx, { kind: 'daily', key: label, label, firstDate: '', lastDate: '', from, to }, filter, now)) });
  }
  const title = `${ctx.city.name}12345热线专报：${q.terms.join('、')}${q.district ? `（${q.district.name}）` : ''}`;
  return {
    kind: 'topic',
    kindLabel: '专报',
    period: `${q.fromDate}/${q.toDate}`,
    title,
    periodLabel,
    firstDate: q.fromDate,
    lastDate: q.toDate,
    from: q.from,
    to: q.to,
    scope: { unit: scope.unit, label: scopeLabel(scope) },
    topic: { terms: q.terms, district: q.district ? { code: q.district.code, name: q.district.name } : null },
    generatedAt: now,
    ...asOfFields(range, now),
    ...f,
    trend,
    samples: samples.map((s) => ({
      no: s.no,
      createdAt: formatShanghai(s.created_at),
      channel: CHANNEL_LABELS[s.channel as keyof typeof CHANNEL_LABELS] ?? s.channel,
      type: TICKET_TYPE_LABELS[s.type as keyof typeof TICKET_TYPE_LABELS] ?? s.type,
      status: STATUS_LABELS[s.status as keyof typeof STATUS_LABELS] ?? s.status,
      category: s.category_id == null ? null : l.category(s.category_id),
      district: s.district_unit_id == null ? null : l.unit(s.district_unit_id),
      leadUnit: s.lead_unit_id == null ? null : l.unit(s.lead_unit_id),
      facts: maskFacts(s.facts),
      requester: s.confidential || s.requester_kind !== 'person' ? null : maskName(s.requester_name),
    })),
  };
}
