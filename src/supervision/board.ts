// 效能监察 live board (第二十五条, 第二十九条): every open duty grouped by unit, counted by light and by
// kind, and the most urgent items. Lights are derived from each duty's deadline at read time: the
// SQL below counts with exactly the conditions of `lightAt` (red: now > due_at; yellow: now ≥
// yellow_at; else green), so one aggregate query over the open duties (index duties_open_due /
// duties_unit_open) answers, whatever the number of duties.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Database } from '../store/schema.ts';
import type { Db } from '../store/db.ts';
import { formatShanghai, lightAt, type Light } from '../domain/deadline.ts';
import { isUnitRole } from '../domain/roles.ts';
import { UNIT_KIND_LABELS, type UnitKind } from '../domain/unit-kinds.ts';
import { describeRemaining } from '../domain/supervision.ts';
import { invalid } from '../server/problem.ts';
import { DUTY_KINDS, DUTY_KIND_LABELS } from '../domain/duty-kinds.ts';

export { DUTY_KINDS, DUTY_KIND_LABELS };


export interface BoardFilter {
  /** A unit code: that unit and its sub-units. */
  unit?: string;
  /** A 县（市）区 code: every unit in that district. */
  district?: string;
  light?: Light;
  kind?: string;
}

export interface LightCounts {
  red: number;
  yellow: number;
  green: number;
  total: number;
}

const zero = (): LightCounts => ({ red: 0, yellow: 0, green: 0, total: 0 });

/**
 * The unit ids a query is limited to: the viewer's subtree for unit roles, narrowed by the unit and
 * district filters; null means every unit.
 */
export function boardScope(ctx: AppContext, actor: Actor | null, filter: BoardFilter): number[] | null {
  let scope: number[] | null = actor && isUnitRole(actor.role) ? (actor.unitScope ?? []) : null;
  const narrow = (ids: number[]) => (scope = scope ? scope.filter((id) => ids.includes(id)) : ids);
  if (filter.unit) {
    const unit = ctx.org.byCodeOrUndefined(filter.unit);
    if (!unit) throw invalid('unit', `单位「${filter.unit}」不存在`);
    narrow(ctx.org.subtreeIds(unit.id));
  }
  if (filter.district) {
    const district = ctx.org.byCodeOrUndefined(filter.district);
    if (!district || district.kind !== 'district') throw invalid('district', `「${filter.district}」不是县（市）区`);
    narrow(ctx.org.subtreeIds(district.id));
  }
  return scope;
}

type DutyQuery<O> = SelectQueryBuilder<Database, 'duties', O>;

/** Open duties in scope, of a kind and a light, as conditions on any query over `duties`. */
function filtered<O>(q: DutyQuery<O>, scope: number[] | null, filter: BoardFilter, now: string): DutyQuery<O> {
  let out = q.where('duties.status', '=', 'open');
  if (scope) out = scope.length ? out.where('duties.unit_id', 'in', scope) : out.where(sql<boolean>`1 = 0`);
  if (filter.kind) out = out.where('duties.kind', '=', filter.kind);
  if (filter.light === 'red') out = out.where('duties.due_at', '<', now);
  if (filter.light === 'yellow') out = out.where('duties.due_at', '>=', now).where('duties.yellow_at', '<=', now);
  if (filter.light === 'green') out = out.where('duties.yellow_at', '>', now);
  return out;
}

function unitView(ctx: AppContext, id: number | null) {
  const u = ctx.org.get(id);
  if (!u) return { code: null, name: '（未指定单位）', kind: null, kindLabel: null, district: null };
  const district = ctx.org.districtOf(u.id);
  return { code: u.code, name: u.name, kind: u.kind, kindLabel: UNIT_KIND_LABELS[u.kind as UnitKind] ?? u.kind, district: district ? { code: district.code, name: district.name } : null };
}

export interface BoardItem {
  dutyId: number;
  ticketNo: string;
  kind: string;
  kindLabel: string;
  party: string;
  unit: { code: string | null; name: string };
  dueAt: string;
  light: Light;
  remaining: string;
  /** Seconds left; negative when overdue. */
  remainingSeconds: number;
}

function itemView(ctx: AppContext, r: { id: number; no: string; kind: string; party: string; unit_id: number | null; due_at: string; yellow_at: string }, now: string): BoardItem {
  const unit = ctx.org.get(r.unit_id);
  return {
    dutyId: Number(r.id),
    ticketNo: r.no,
    kind: r.kind,
    kindLabel: DUTY_KIND_LABELS[r.kind] ?? r.kind,
    party: r.party,
    unit: { code: unit?.code ?? null, name: unit?.name ?? '（未指定单位）' },
    dueAt: formatShanghai(r.due_at),
    light: lightAt({ dueAt: r.due_at, yellowAt: r.yellow_at }, now),
    remaining: describeRemaining(r.due_at, now),
    remainingSeconds: Math.round((Date.parse(r.due_at) - Date.parse(now)) / 1000),
  };
}

async function openItems(ctx: AppContext, db: Db, scope: number[] | null, filter: BoardFilter, now: string, limit: number, offset = 0) {
  const rows = await filtered(
    db
      .selectFrom('duties')
      .innerJoin('tickets', 'tickets.id', 'duties.ticket_id')
      .select(['duties.id', 'tickets.no', 'duties.kind', 'duties.party', 'duties.unit_id', 'duties.due_at', 'duties.yellow_at']),
    scope,
    filter,
    now,
  )
    .orderBy('duties.due_at')
    .orderBy('duties.id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => itemView(ctx, r, now));
}

/** The board: counts by light for every unit (and by kind), totals, and the most urgent open duties. */
export async function boardSummary(ctx: AppContext, actor: Actor | null, filter: BoardFilter = {}, options: { worst?: number } = {}) {
  const now = ctx.clock.now();
  const scope = boardScope(ctx, actor, filter);
  const db = ctx.store.db;
  const rows = await filtered(
    db
      .selectFrom('duties')
      .select([
        'duties.unit_id',
        'duties.kind',
        sql<number>`sum(case when duties.due_at < ${now} then 1 else 0 end)`.as('red'),
        sql<number>`sum(case when duties.due_at >= ${now} and duties.yellow_at <= ${now} then 1 else 0 end)`.as('yellow'),
        sql<number>`count(*)`.as('total'),
      ]),
    scope,
    filter,
    now,
  )
    .groupBy(['duties.unit_id', 'duties.kind'])
    .execute();

  const totals = zero();
  const byKind = new Map<string, LightCounts>();
  const byUnit = new Map<number | null, LightCounts & { byKind: Record<string, number> }>();
  for (const r of rows) {
    const red = Number(r.red);
    const yellow = Number(r.yellow);
    const total = Number(r.total);
    const counts = { red, yellow, green: total - red - yellow, total };
    for (const target of [totals, byKind.get(r.kind) ?? byKind.set(r.kind, zero()).get(r.kind)!]) add(target, counts);
    let unit = byUnit.get(r.unit_id);
    if (!unit) byUnit.set(r.unit_id, (unit = { ...zero(), byKind: {} }));
    add(unit, counts);
    unit.byKind[r.kind] = (unit.byKind[r.kind] ?? 0) + total;
  }
  const units = [...byUnit.entries()]
    .map(([id, counts]) => ({ unit: unitView(ctx, id), ...counts }))
    .sort((a, b) => b.red - a.red || b.yellow - a.yellow || b.total - a.total || String(a.unit.code).localeCompare(String(b.unit.code)));
  return {
    now: formatShanghai(now),
    filter,
    totals,
    byKind: DUTY_KINDS.filter((k) => byKind.has(k)).map((kind) => ({ kind, kindLabel: DUTY_KIND_LABELS[kind], ...byKind.get(kind)! })),
    units,
    worst: await openItems(ctx, db, scope, filter, now, options.worst ?? 20),
  };
}

function add(target: LightCounts, c: LightCounts) {
  target.red += c.red;
  target.yellow += c.yellow;
  target.green += c.green;
  target.total += c.total;
}

/** The open duties of a unit (or any filter), most urgent first, a page at a time: the drill-down. */
export async function boardItems(ctx: AppContext, actor: Actor | null, filter: BoardFilter, page = 1, pageSize = 50) {
  const now = ctx.clock.now();
  const scope = boardScope(ctx, actor, filter);
  const db = ctx.store.db;
  const count = await filtered(db.selectFrom('duties').select(sql<number>`count(*)`.as('n')), scope, filter, now).executeTakeFirstOrThrow();
  return {
    now: formatShanghai(now),
    total: Number(count.n),
    page,
    pageSize,
    items: await openItems(ctx, db, scope, filter, now, pageSize, (page - 1) * pageSize),
  };
}
