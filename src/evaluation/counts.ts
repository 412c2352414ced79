// The month's counts per unit, aggregated in the database: each figure of UnitMonthCounts is one
// SUM over an index range of the month (duties by started_at / due_at, callbacks and requests by
// their time), so the cost grows with the month's records, not with the whole history. Figures are
// as of now: a duty of the month done late next month counts as done, late; a published month is
// a snapshot, so its ranking does not move afterwards. Which duty counts how is said once, in
// dutyOutcome (src/domain/evaluation.ts); the conditions below are that function in SQL, and
// src/evaluation/drilldown.ts lists the same records through the function itself (the tests hold the
// two equal).
import { sql } from 'kysely';
import type { AppContext } from '../server/context.ts';
import type { Db } from '../store/db.ts';
import type { StoreCapabilities } from '../store/capabilities.ts';
import { EMPTY_COUNTS, type MonthRange, type UnitMonthCounts } from '../domain/evaluation.ts';
import { SATISFIED_LEVELS } from '../domain/ticket-types.ts';
import { kbUpkeepCounts } from './kb-upkeep.ts';

export type { MonthRange };


const count = (condition: ReturnType<typeof sql>) => sql<number>`sum(case when ${condition} then 1 else 0 end)`;

type ByUnit = Map<number, UnitMonthCounts>;

function add(into: ByUnit, unitId: number | null, figures: Partial<Record<keyof UnitMonthCounts, unknown>>): void {
  if (unitId === null) return;
  const c = into.get(unitId) ?? { ...EMPTY_COUNTS };
  for (const [k, v] of Object.entries(figures)) c[k as keyof UnitMonthCounts] += Number(v ?? 0);
  into.set(unitId, c);
}

/**
 * The unit's own 退单 accepted or 异议 upheld at the instant the duty was cancelled (the decision
 * cancels the duties in the same transaction, at the same instant); `extra` narrows it further.
 */
const ownRequest = (extra: ReturnType<typeof sql> = sql``) =>
  sql`exists (select 1 from unit_requests q where q.ticket_id = duties.ticket_id and q.unit_id = duties.unit_id and q.kind in ('return', 'dispute') and q.status = 'approved' and q.decided_at = duties.completed_at ${extra})`;

/**
 * A cancelled duty that counts against its unit (dutyOutcome: cancelled_overdue, late_return): ended by
 * its own late return, or by its own request filed after the deadline, or otherwise cancelled after it.
 */
const cancelledCounted = sql`(${ownRequest(sql`and (q.late = 1 or q.requested_at > duties.due_at)`)} or (duties.completed_at > duties.due_at and not ${ownRequest()}))`;

/**
 * Sign duties opened in the month: 派单, 签收, 按时签收, and the lead's tickets. A duty still open
 * whose deadline has not passed yet (the month under way) is not counted either way; a cancelled
 * one only when it counts against the unit (a second, small query: cancelled duties are few).
 */
async function signFigures(db: Db, r: MonthRange, now: string, into: ByUnit) {
  const rows = await db
    .selectFrom('duties')
    .select([
      'unit_id',
      count(sql`status = 'done' or (status = 'open' and due_at < ${now})`).as('assigned'),
      count(sql`status = 'done'`).as('signed'),
      count(sql`status = 'done' and late = 0`).as('signedOnTime'),
      count(sql`party = 'lead'`).as('leadAssigned'),
    ])
    .where('kind', '=', 'sign')
    .where('started_at', '>=', r.from)
    .where('started_at', '<', r.to)
    .groupBy('unit_id')
    .execute();
  for (const { unit_id, ...f } of rows) add(into, unit_id, f);
  const cancelled = await db
    .selectFrom('duties')
    .select(['unit_id', count(sql`true`).as('assigned')])
    .where('kind', '=', 'sign')
    .where('started_at', '>=', r.from)
    .where('started_at', '<', r.to)
    .where('status', '=', 'cancelled')
    .where(cancelledCounted as never)
    .groupBy('unit_id')
    .execute();
  for (const { unit_id, ...f } of cancelled) add(into, unit_id, f);
}

/**
 * Reply and opinion duties due in the month: 应办结, 办结, 按时办结, and the late ones. A duty still
 * open counts once its deadline has passed (by `now`, for the month under way), as late; it is
 * "explained" when the unit asked for an extension of it.
 */
async function completionFigures(db: Db, can: StoreCapabilities, r: MonthRange, now: string, into: ByUnit) {
  const late = sql`((status = 'done' and late = 1) or status = 'open')`;
  const explained = sql`exists (select 1 from unit_requests q where q.duty_id = duties.id and q.kind = 'extension')`;
  // SQLite's planner, with the statistics of a real history (many duties due at the same instant),
  // prefers skip-scans of the unit's open-duty index over this covering one: 412 against 62 ms for a
  // month at 1,000,000 tickets. PostgreSQL picks the covering index by itself.
  const rows = await db
    .selectFrom(can.readThrough('duties', 'duties_kind_due'))
    .select([
      'unit_id',
      count(sql`true`).as('due'),
      count(sql`status = 'done'`).as('completed'),
      count(sql`status = 'done' and late = 0`).as('completedOnTime'),
      count(sql`${late} and not ${explained}`).as('overdueUnexplained'),
      count(sql`party = 'co' and ${late}`).as('coHandlingLate'),
    ])
    .where('kind', 'in', ['reply', 'opinion'])
    .where('due_at', '>=', r.from)
    .where('due_at', '<', r.to)
    .where((eb) => eb.or([eb('status', '=', 'done'), eb.and([eb('status', '=', 'open'), eb('due_at', '<', now)])]))
    .groupBy('unit_id')
    .execute();
  for (const { unit_id, ...f } of rows) add(into, unit_id, f);
  // Cancelled duties that count: due, not completed, overdue (第十五条 超期退回; a co-handler whose
  // opinion the lead's reply superseded after its deadline). Few rows, read from the table.
  const cancelled = await db
    .selectFrom('duties')
    .select([
      'unit_id',
      count(sql`true`).as('due'),
      count(sql`not ${explained}`).as('overdueUnexplained'),
      count(sql`party = 'co'`).as('coHandlingLate'),
    ])
    .where('kind', 'in', ['reply', 'opinion'])
    .where('due_at', '>=', r.from)
    .where('due_at', '<', r.to)
    .where('status', '=', 'cancelled')
    .where(cancelledCounted as never)
    .groupBy('unit_id')
    .execute();
  for (const { unit_id, ...f } of cancelled) add(into, unit_id, f);
}

/** The authority's latest decision on a callback is to leave it out (evaluation_exclusions, newest row stands). */
export const excludedByAuthority = sql`exists (select 1 from evaluation_exclusions x where x.callback_id = c.id and x.exclude = 1
  and x.id = (select max(y.id) from evaluation_exclusions y where y.callback_id = c.id))`;

/**
 * Callbacks of the month on the unit's tickets (the lead unit whose answer was rated), by rating.
 * 第二十五条 exempts 投诉/举报 of 行政调解类/执法办案类 categories (exempt_class); the authority may
 * leave out any other by a recorded decision. The centre's "unreasonable" judgement is counted as
 * information (ratedUnreasonable) and leaves the rating in.
 */
async function satisfactionFigures(db: Db, r: MonthRange, into: ByUnit) {
  const counted = sql`(c.exempt_class is null and not ${excludedByAuthority})`;
  const rows = await db
    .selectFrom('callbacks as c')
    .select([
      'c.unit_id',
      count(counted).as('rated'),
      count(sql`${counted} and c.satisfaction in (${sql.join(SATISFIED_LEVELS)})`).as('satisfied'),
      count(sql`${counted} and c.reasonable = 0`).as('ratedUnreasonable'),
      count(sql`c.exempt_class is not null`).as('ratedExempt'),
      count(sql`c.exempt_class is null and ${excludedByAuthority}`).as('ratedExcluded'),
    ])
    .where('c.created_at', '>=', r.from)
    .where('c.created_at', '<', r.to)
    .where('c.reached', '=', 1)
    .where('c.satisfaction', 'is not', null)
    .groupBy('c.unit_id')
    .execute();
  for (const { unit_id, ...f } of rows) add(into, unit_id, f);
}

/** 退单 and 延期 filed in the month, and 退单 found improper in the month. */
async function requestFigures(db: Db, r: MonthRange, into: ByUnit) {
  const filed = await db
    .selectFrom('unit_requests')
    .select(['unit_id', count(sql`kind = 'return'`).as('returns'), count(sql`kind = 'extension'`).as('extensions')])
    .where('requested_at', '>=', r.from)
    .where('requested_at', '<', r.to)
    .groupBy('unit_id')
    .execute();
  for (const { unit_id, ...f } of filed) add(into, unit_id, f);
  const improper = await db
    .selectFrom('unit_requests')
    .select(['unit_id', count(sql`true`).as('improperReturns')])
    .where('kind', '=', 'return')
    .where('improper', '=', 1)
    .where('decided_at', '>=', r.from)
    .where('decided_at', '<', r.to)
    .groupBy('unit_id')
    .execute();
  for (const { unit_id, ...f } of improper) add(into, unit_id, f);
}

/**
 * Every unit's counts for the month; units with no record in it are absent. `satisfactionOnly`
 * counts the callbacks alone: earlier months matter only to the three-month satisfaction rule.
 */
export async function monthCounts(ctx: AppContext, r: MonthRange, options: { satisfactionOnly?: boolean } = {}): Promise<Map<number, UnitMonthCounts>> {
  const db = ctx.store.db;
  const into: ByUnit = new Map();
  if (options.satisfactionOnly) {
    await satisfactionFigures(db, r, into);
    return into;
  }
  const now = ctx.clock.now();
  // Sequential on purpose: one connection on SQLite, and on PostgreSQL the month's pages stay warm.
  await signFigures(db, r, now, into);
  await completionFigures(db, ctx.store.capabilities, r, now, into);
  await satisfactionFigures(db, r, into);
  await requestFigures(db, r, into);
  for (const [unitId, f] of await kbUpkeepCounts(ctx, r)) add(into, unitId, f);
  return into;
}
