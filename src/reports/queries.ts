// The store layer of the reports: every figure is an aggregate the database computes (count, sum,
// group by) over an instant range [from, to). Written once in SQL both engines accept; instants are
// compared as UTC ISO strings on SQLite and as timestamptz on PostgreSQL, which order the same.
// The only rows read into JS are a period's facts, for keyword segmentation (see ./keywords.ts).
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/db.ts';

/** Which tickets a report covers. */
export interface TicketFilter {
  /** A unit user's subtree: tickets on which one of these units has or had a duty. Null: all. */
  unitScope: number[] | null;
  /** Only tickets of this 县（市）区. */
  districtId?: number | null;
  /** 专报: tickets whose facts or category name (leaf or parent) contain any of these words. */
  terms?: string[];
}

export interface Range {
  from: string;
  to: string;
}

const likeOf = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The filter as SQL conditions on the tickets aliased `t`. */
function ticketConditions(f: TicketFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`1 = 1`];
  if (f.unitScope) {
    const ids = f.unitScope.length ? f.unitScope : [-1];
    parts.push(
      sql`exists (select 1 from duties sd where sd.ticket_id = t.id and (sd.unit_id in (${sql.join(ids)}) or sd.handler_unit_id in (${sql.join(ids)})))`,
    );
  }
  if (f.districtId != null) parts.push(sql`t.district_unit_id = ${f.districtId}`);
  if (f.terms?.length) {
    const any = f.terms.map((term) => {
      const like = likeOf(term);
      return sql`(t.facts like ${like} escape '\\' or exists (select 1 from categories tc left join categories tp on tp.id = tc.parent_id where tc.id = t.category_id and (tc.name like ${like} escape '\\' or tp.name like ${like} escape '\\')))`;
    });
    parts.push(sql`(${sql.join(any, sql` or `)})`);
  }
  return sql.join(parts, sql` and `);
}

export interface KeyCount {
  key: string | number | null;
  n: number;
}

export type TicketDimension = 'channel' | 'type' | 'category' | 'top_category' | 'district' | 'lead_unit';

const DIMENSION_SQL: Record<TicketDimension, RawBuilder<unknown>> = {
  channel: sql`t.channel`,
  type: sql`t.type`,
  category: sql`t.category_id`,
  top_category: sql`coalesce(c.parent_id, c.id)`,
  district: sql`t.district_unit_id`,
  lead_unit: sql`t.lead_unit_id`,
};

/** 受理量 of the range by one dimension: tickets registered in [from, to), counted per key. */
export async function ticketsBy(db: Db, range: Range, f: TicketFilter, dimension: TicketDimension): Promise<KeyCount[]> {
  const key = DIMENSION_SQL[dimension];
  const { rows } = await sql<KeyCount>`
    select ${key} as key, count(*) as n
    from tickets t left join categories c on c.id = t.category_id
    where t.created_at >= ${range.from} and t.created_at < ${range.to} and ${ticketConditions(f)}
    group by ${key}`.execute(db);
  return rows.map((r) => ({ key: r.key, n: Number(r.n) }));
}

export async function ticketCount(db: Db, range: Range, f: TicketFilter): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from tickets t
    where t.created_at >= ${range.from} and t.created_at < ${range.to} and ${ticketConditions(f)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Tickets per (district, leaf category) of the range: 社情民意 categories per district. */
export async function ticketsByDistrictCategory(db: Db, range: Range, f: TicketFilter): Promise<Array<{ district: number | null; category: number | null; n: number }>> {
  const { rows } = await sql<{ district: number | null; category: number | null; n: number }>`
    select t.district_unit_id as district, t.category_id as category, count(*) as n
    from tickets t
    where t.created_at >= ${range.from} and t.created_at < ${range.to} and ${ticketConditions(f)}
    group by t.district_unit_id, t.category_id`.execute(db);
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

export interface OverdueCount {
  unit: number | null;
  kind: string;
  /** Duties done after their deadline, completed in [from, to). */
  lateDone: number;
  /** Duties overdue and not yet done at `to`: started before it, due before it, completed (or cancelled) at or after it or never. */
  openOverdue: number;
}

/**
 * 超期: per (unit, duty kind). A duty is in the unit user's scope when its unit or handler unit is.
 * The open count reconstructs the state at `to`, so a past period's figure does not change later.
 */
export async function overdueDuties(db: Db, range: Range, f: TicketFilter): Promise<OverdueCount[]> {
  const lateDone = sql`d.status = 'done' and d.late = 1 and d.completed_at >= ${range.from} and d.completed_at < ${range.to}`;
  const openOverdue = sql`d.started_at < ${range.to} and d.due_at < ${range.to} and (d.completed_at is null or d.completed_at >= ${range.to})`;
  const ids = f.unitScope ? (f.unitScope.length ? f.unitScope : [-1]) : null;
  const dutyScope = ids ? sql`(d.unit_id in (${sql.join(ids)}) or d.handler_unit_id in (${sql.join(ids)}))` : sql`1 = 1`;
  const { rows } = await sql<OverdueCount>`
    select d.unit_id as unit, d.kind as kind,
      sum(case when ${lateDone} then 1 else 0 end) as "lateDone",
      sum(case when ${openOverdue} then 1 else 0 end) as "openOverdue"
    from duties d join tickets t on t.id = d.ticket_id
    where ((${lateDone}) or (${openOverdue})) and ${dutyScope} and ${ticketConditions(f)}
    group by d.unit_id, d.kind`.execute(db);
  return rows.map((r) => ({ unit: r.unit, kind: r.kind, lateDone: Number(r.lateDone), openOverdue: Number(r.openOverdue) }));
}

export interface CallbackCount {
  reached: number;
  satisfaction: string | null;
  n: number;
}

/** 回访 recorded in [from, to), per (reached, level). */
export async function callbacksBy(db: Db, range: Range, f: TicketFilter): Promise<CallbackCount[]> {
  const { rows } = await sql<CallbackCount>`
    select cb.reached as reached, cb.satisfaction as satisfaction, count(*) as n
    from callbacks cb join tickets t on t.id = cb.ticket_id
    where cb.created_at >= ${range.from} and cb.created_at < ${range.to} and ${ticketConditions(f)}
    group by cb.reached, cb.satisfaction`.execute(db);
  return rows.map((r) => ({ reached: Number(r.reached), satisfaction: r.satisfaction, n: Number(r.n) }));
}

export interface FactsRow {
  id: number;
  facts: string;
  district: number | null;
  category: number | null;
  createdAt: string;
}

/** What keyword counting needs of the range's tickets: id, facts, district, category, time. */
export async function ticketFacts(db: Db, range: Range, f: TicketFilter): Promise<FactsRow[]> {
  const { rows } = await sql<{ id: number; facts: string; district: number | null; category: number | null; created_at: string }>`
    select t.id as id, t.facts as facts, t.district_unit_id as district, t.category_id as category, t.created_at as created_at
    from tickets t
    where t.created_at >= ${range.from} and t.created_at < ${range.to} and ${ticketConditions(f)}`.execute(db);
  return rows.map((r) => ({ id: Number(r.id), facts: r.facts, district: r.district, category: r.category, createdAt: r.created_at }));
}

export interface SampleRow {
  no: string;
  created_at: string;
  channel: string;
  type: string;
  status: string;
  category_id: number | null;
  district_unit_id: number | null;
  lead_unit_id: number | null;
  facts: string;
  address: string | null;
  requester_name: string | null;
  requester_kind: string;
  confidential: number;
}

/** The latest tickets of the range (专报 samples). */
export async function sampleTickets(db: Db, range: Range, f: TicketFilter, limit: number): Promise<SampleRow[]> {
  const { rows } = await sql<SampleRow>`
    select t.no, t.created_at, t.channel, t.type, t.status, t.category_id, t.district_unit_id, t.lead_unit_id, t.facts, t.address,
      t.requester_name, t.requester_kind, t.confidential
    from tickets t
    where t.created_at >= ${range.from} and t.created_at < ${range.to} and ${ticketConditions(f)}
    order by t.created_at desc, t.id desc
    limit ${limit}`.execute(db);
  return rows;
}

/** Category names and parents (a few hundred rows at most), for labelling. */
export async function categoryNames(db: Db): Promise<Map<number, { code: string; name: string; parentId: number | null }>> {
  const rows = await db.selectFrom('categories').select(['id', 'code', 'name', 'parent_id']).execute();
  return new Map(rows.map((r) => [r.id, { code: r.code, name: r.name, parentId: r.parent_id }]));
}
