// The store layer of the reports: every figure is an aggregate the database computes (count, sum,
// group by) over an instant range [from, to). Written once in SQL both engines accept; instants are
// compared as UTC ISO strings on SQLite and as timestamptz on PostgreSQL, which order the same.
// The only rows read into JS are a period's tickets with their stored keywords, and the facts of
// those not segmented yet (see ./keywords.ts).
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/db.ts';
// The one definition of an authority exclusion in force (latest decision per callback), shared with the evaluation.
import { excludedByAuthority } from '../evaluation/counts.ts';

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

/** Whether the filter narrows the tickets at all: city-wide figures need not join the tickets. */
function narrows(f: TicketFilter): boolean {
  return f.unitScope !== null || f.districtId != null || !!f.terms?.length;
}

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
  const categories = dimension === 'top_category' ? sql`left join categories c on c.id = t.category_id` : sql``;
  const { rows } = await sql<KeyCount>`
    select ${key} as key, count(*) as n
    from tickets t ${categories}
    where t.created_at >= ${range.from} and t.created_at < ${range.to} and ${ticketConditions(f)}
    group by ${key}`.execute(db);
  return rows.map((r) => ({ key: r.key, n: Number(r.n) }));
}

export interface BreakdownRow {
  channel: string;
  type: string;
  category: number | null;
  district: number | null;
  leadUnit: number | null;
  n: number;
}

/**
 * 受理量 of the range by channel, type, leaf category, district and lead unit together, in one pass
 * over the range's tickets; each dimension's counts are sums over these rows (./report.ts).
 */
export async function ticketBreakdown(db: Db, range: Range, f: TicketFilter): Promise<BreakdownRow[]> {
  const { rows } = await sql<BreakdownRow>`
    select t.channel as channel, t.type as type, t.category_id as category, t.district_unit_id as district, t.lead_unit_id as "leadUnit", count(*) as n
    from tickets t
    where t.created_at >= ${range.from} and t.created_at < ${range.to} and ${ticketConditions(f)}
    group by t.channel, t.type, t.category_id, t.district_unit_id, t.lead_unit_id`.execute(db);
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
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
  /** Duties overdue and not yet done at `asOf`: started before it, due before it, completed (or cancelled) at or after it or never. */
  openOverdue: number;
}

/**
 * 超期: per (unit, duty kind). A duty is in the unit user's scope when its unit or handler unit is.
 * The open count reconstructs the state at `asOf` — the range's end once it is over, so a past
 * period's figure does not change later; `now` while it runs (./periods.ts asOfInstant), so a duty due
 * later in the period is not counted overdue before its deadline.
 */
export async function overdueDuties(db: Db, range: Range, f: TicketFilter, asOf: string): Promise<OverdueCount[]> {
  const lateDone = sql`d.status = 'done' and d.late = 1 and d.completed_at >= ${range.from} and d.completed_at < ${range.to}`;
  const openOverdue = sql`d.started_at < ${asOf} and d.due_at < ${asOf} and (d.completed_at is null or d.completed_at >= ${asOf})`;
  const ids = f.unitScope ? (f.unitScope.length ? f.unitScope : [-1]) : null;
  const dutyScope = ids ? sql`(d.unit_id in (${sql.join(ids)}) or d.handler_unit_id in (${sql.join(ids)}))` : sql`1 = 1`;
  const tickets = narrows(f) ? sql`join tickets t on t.id = d.ticket_id` : sql``;
  const conditions = narrows(f) ? ticketConditions(f) : sql`1 = 1`;
  // Both counts concern only duties completed from the range's start on or not completed at all:
  // two ranges of duties_completed (answered from it alone), instead of every duty ever opened.
  const counted = (completed: RawBuilder<unknown>) => sql`
    select d.unit_id as unit, d.kind as kind,
      case when ${lateDone} then 1 else 0 end as late_done,
      case when ${openOverdue} then 1 else 0 end as open_overdue
    from duties d ${tickets}
    where ${completed} and ((${lateDone}) or (${openOverdue})) and ${dutyScope} and ${conditions}`;
  const { rows } = await sql<OverdueCount>`
    select unit, kind, sum(late_done) as "lateDone", sum(open_overdue) as "openOverdue"
    from (${counted(sql`d.completed_at >= ${range.from}`)} union all ${counted(sql`d.completed_at is null`)}) x
    group by unit, kind`.execute(db);
  return rows.map((r) => ({ unit: r.unit, kind: r.kind, lateDone: Number(r.lateDone), openOverdue: Number(r.openOverdue) }));
}

export interface CallbackCount {
  /** The rated unit (the ticket's lead unit at the callback, callbacks.unit_id). */
  unit: number | null;
  reached: number;
  satisfaction: string | null;
  /**
   * How the rating stands in the monthly evaluation's 满意率 (src/evaluation/counts.ts): counted,
   * exempt by 第二十五条 (exempt_class), or left out by the authority's standing decision.
   */
  basis: 'counted' | 'exempt' | 'excluded';
  n: number;
}

/**
 * 回访 recorded in [from, to), per (rated unit, reached, level, evaluation basis). A unit's report
 * counts the callbacks that rated a unit of its scope (callbacks.unit_id), as the evaluation does,
 * not every callback of a ticket it co-handled; the other filters (district, topic) are on the ticket.
 */
export async function callbacksBy(db: Db, range: Range, f: TicketFilter): Promise<CallbackCount[]> {
  const onTicket: TicketFilter = { ...f, unitScope: null };
  const tickets = narrows(onTicket) ? sql`join tickets t on t.id = c.ticket_id` : sql``;
  const ids = f.unitScope ? (f.unitScope.length ? f.unitScope : [-1]) : null;
  const rated = ids ? sql`c.unit_id in (${sql.join(ids)})` : sql`1 = 1`;
  const basis = sql`case when c.exempt_class is not null then 'exempt' when ${excludedByAuthority} then 'excluded' else 'counted' end`;
  const { rows } = await sql<CallbackCount>`
    select c.unit_id as unit, c.reached as reached, c.satisfaction as satisfaction, ${basis} as basis, count(*) as n
    from callbacks c ${tickets}
    where c.created_at >= ${range.from} and c.created_at < ${range.to} and ${rated} and ${narrows(onTicket) ? ticketConditions(onTicket) : sql`1 = 1`}
    group by c.unit_id, c.reached, c.satisfaction, ${basis}`.execute(db);
  return rows.map((r) => ({ unit: r.unit == null ? null : Number(r.unit), reached: Number(r.reached), satisfaction: r.satisfaction, basis: r.basis, n: Number(r.n) }));
}

export interface KeywordSourceRow {
  id: number;
  district: number | null;
  category: number | null;
  createdAt: string;
  /** The stored keywords (a JSON array), null when the ticket has not been segmented yet. */
  words: string | null;
  /** The facts, only where there are no stored keywords. */
  facts: string | null;
}

/** What keyword counting needs of the range's tickets: id, district, category, time, and stored keywords or else facts. */
export async function ticketKeywordSources(db: Db, range: Range, f: TicketFilter): Promise<KeywordSourceRow[]> {
  const { rows } = await sql<{ id: number; district: number | null; category: number | null; created_at: string; words: string | null; facts: string | null }>`
    select t.id as id, t.district_unit_id as district, t.category_id as category, t.created_at as created_at, k.words as words,
      case when k.words is null then t.facts end as facts
    from tickets t left join ticket_keywords k on k.ticket_id = t.id
    where t.created_at >= ${range.from} and t.created_at < ${range.to} and ${ticketConditions(f)}`.execute(db);
  return rows.map((r) => ({ id: Number(r.id), district: r.district, category: r.category, createdAt: r.created_at, words: r.words, facts: r.facts }));
}

/** Keeps tickets' keywords (JSON arrays); a ticket already kept keeps its row. */
export async function storeTicketKeywords(db: Db, rows: Array<{ id: number; words: string }>): Promise<void> {
  if (!rows.length) return;
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await sql`insert into ticket_keywords (ticket_id, words) values ${sql.join(chunk.map((r) => sql`(${r.id}, ${r.words})`))}
        on conflict (ticket_id) do nothing`.execute(tx);
    }
  });
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
