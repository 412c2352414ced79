// What a change of the working calendar moves (an imported year's notice, a single day's override):
// every deadline counted in working days over the changed days — open duties, finished duties and
// their 超期 (`late`) flag, 督办 items and their reply's lateness, and the 好差评 review stages. Open
// ones always; finished ones within the city's window (`calendar.recomputeFinishedDays`), so a
// record judged long ago keeps its deadline. Runs inside the caller's transaction; the caller writes
// the one audit event with the summary this returns.
import type { Tx } from '../store/db.ts';
import type { WorkCalendar } from '../domain/calendar.ts';
import { computeDeadline, extendedDeadline, formatShanghai, isLate, type Deadline } from '../domain/deadline.ts';
import type { LimitKey, LimitUnit, TimeLimit } from '../domain/time-limits.ts';
import { supervisionDeadlines } from '../domain/supervision.ts';
import type { SupervisionKind } from '../domain/supervision-kinds.ts';
import type { CityConfig } from '../config/city.ts';

/** Three months when the city sets nothing. */
export const DEFAULT_RECOMPUTE_FINISHED_DAYS = 92;
/** How many changed objects the answer and the audit event list (the counts cover all). */
export const CHANGED_SAMPLE = 100;
const OPEN_REVIEW_STATUSES = ['verifying', 'rectifying', 'appealing', 'callback'];
const CHUNK = 500;

import type { ChangedKind, ChangedObject, RecomputeSummary } from './contract.ts';

export type { ChangedKind, ChangedObject, RecomputeSummary };

export function finishedWindowDays(city: Pick<CityConfig, 'calendar'>): number {
  return city.calendar?.recomputeFinishedDays ?? DEFAULT_RECOMPUTE_FINISHED_DAYS;
}

const sameDeadline = (d: Deadline, dueAt: string | null, yellowAt: string | null) => d.dueAt === dueAt && d.yellowAt === yellowAt;
const shown = (iso: string | null) => (iso ? formatShanghai(iso) : '');

function chunks<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

export async function recomputeDeadlines(
  tx: Tx,
  cal: WorkCalendar,
  city: Pick<CityConfig, 'limits' | 'calendar'>,
  fromDate: string,
  nowIso: string,
): Promise<{ summary: RecomputeSummary; tickets: Set<number> }> {
  const days = finishedWindowDays(city);
  const summary: RecomputeSummary = {
    fromDate,
    finishedSince: new Date(Date.parse(nowIso) - days * 86_400_000).toISOString(),
    finishedWindowDays: days,
    openDuties: 0,
    finishedDuties: 0,
    lateFlags: 0,
    supervisionItems: 0,
    ratingReviews: 0,
    total: 0,
    changed: [],
    more: 0,
  };
  const record = (c: ChangedObject) => {
    summary.total++;
    if (summary.changed.length < CHANGED_SAMPLE) summary.changed.push(c);
    else summary.more++;
  };
  // A deadline before the first changed day cannot depend on it: only those on or after it (or provisional) move.
  const from = `${fromDate}T00:00:00.000Z`;
  const tickets = await recomputeDuties(tx, cal, from, summary, record);
  await recomputeItems(tx, cal, city.limits, from, summary, record);
  await recomputeReviews(tx, cal, city.limits, from, summary, record);
  return { summary, tickets };
}

/** Open duties, and duties done within the window; returns the tickets whose open deadlines moved. */
async function recomputeDuties(tx: Tx, cal: WorkCalendar, from: string, summary: RecomputeSummary, record: (c: ChangedObject) => void): Promise<Set<number>> {
  const duties = await tx
    .selectFrom('duties as d')
    .innerJoin('tickets as t', 't.id', 'd.ticket_id')
    .select(['d.id', 'd.ticket_id', 'd.kind', 'd.status', 'd.started_at', 'd.limit_unit', 'd.limit_amount', 'd.due_at', 'd.yellow_at', 'd.provisional', 'd.completed_at', 'd.late', 't.no'])
    .where('d.limit_unit', '=', 'working_days')
    .where((eb) => eb.or([eb('d.status', '=', 'open'), eb.and([eb('d.status', '=', 'done'), eb('d.completed_at', '>=', summary.finishedSince)])]))
    .where((eb) => eb.or([eb('d.provisional', '=', 1), eb('d.due_at', '>=', from)]))
    .orderBy('d.id')
    .execute();
  const extensions = new Map<number, number[]>();
  for (const ids of chunks(duties.map((d) => Number(d.id)))) {
    const rows = await tx
      .selectFrom('unit_requests')
      .select(['duty_id', 'amount'])
      .where('kind', '=', 'extension')
      .where('status', '=', 'approved')
      .where('duty_id', 'in', ids)
      .orderBy('id')
      .execute();
    for (const r of rows) extensions.set(Number(r.duty_id), [...(extensions.get(Number(r.duty_id)) ?? []), r.amount ?? 0]);
  }
  const tickets = new Set<number>();
  for (const duty of duties) {
    const d = extendedDeadline(duty.started_at, { unit: duty.limit_unit as LimitUnit, amount: duty.limit_amount }, extensions.get(Number(duty.id)) ?? [], cal);
    const open = duty.status === 'open';
    const late = open ? Number(duty.late) === 1 : isLate(duty.completed_at!, d.dueAt);
    if (sameDeadline(d, duty.due_at, duty.yellow_at) && Number(d.provisional) === Number(duty.provisional) && late === (Number(duty.late) === 1)) continue;
    await tx
      .updateTable('duties')
      .set({ due_at: d.dueAt, yellow_at: d.yellowAt, provisional: d.provisional ? 1 : 0, ...(open ? {} : { late: late ? 1 : 0 }) })
      .where('id', '=', duty.id)
      .execute();
    if (open) {
      tickets.add(Number(duty.ticket_id));
      summary.openDuties++;
      record({ kind: 'open_duty', id: Number(duty.id), ticketNo: duty.no, what: duty.kind, dueFrom: shown(duty.due_at), dueTo: shown(d.dueAt) });
    } else {
      const flipped = late !== (Number(duty.late) === 1);
      summary.finishedDuties++;
      if (flipped) summary.lateFlags++;
      record({ kind: 'finished_duty', id: Number(duty.id), ticketNo: duty.no, what: duty.kind, dueFrom: shown(duty.due_at), dueTo: shown(d.dueAt), lateFrom: Number(duty.late) === 1, lateTo: late });
    }
  }
  return tickets;
}

/** 督办 items with a deadline: open ones, and those replied or closed within the window. */
async function recomputeItems(tx: Tx, cal: WorkCalendar, limits: Record<LimitKey, TimeLimit>, from: string, summary: RecomputeSummary, record: (c: ChangedObject) => void): Promise<void> {
  const since = summary.finishedSince;
  const items = await tx
    .selectFrom('supervision_items as s')
    .leftJoin('tickets as t', 't.id', 's.ticket_id')
    .select(['s.id', 's.kind', 's.status', 's.issued_at', 's.due_at', 's.yellow_at', 's.plan_due_at', 's.provisional', 's.reply_outcome', 's.replied_at', 's.reply_late', 't.no'])
    .where('s.status', '!=', 'recorded')
    .where((eb) => eb.or([eb('s.status', '=', 'open'), eb('s.replied_at', '>=', since), eb('s.closed_at', '>=', since)]))
    .where((eb) => eb.or([eb('s.provisional', '=', 1), eb('s.due_at', '>=', from), eb('s.plan_due_at', '>=', from)]))
    .orderBy('s.id')
    .execute();
  for (const item of items) {
    const d = supervisionDeadlines(item.kind as SupervisionKind, item.issued_at, limits, cal);
    if (!d.reply) continue; // 协商督办 and 电话督办 carry no deadline of their own
    const planDue = d.plan?.dueAt ?? null;
    const provisional = d.reply.provisional || !!d.plan?.provisional;
    const deadline = item.reply_outcome === 'plan' ? planDue : d.reply.dueAt;
    const lateBefore = Number(item.reply_late) === 1;
    const late = item.replied_at && deadline ? isLate(item.replied_at, deadline) : lateBefore;
    if (sameDeadline(d.reply, item.due_at, item.yellow_at) && planDue === item.plan_due_at && Number(provisional) === Number(item.provisional) && late === lateBefore) continue;
    await tx
      .updateTable('supervision_items')
      .set({ due_at: d.reply.dueAt, yellow_at: d.reply.yellowAt, plan_due_at: planDue, provisional: provisional ? 1 : 0, reply_late: late ? 1 : 0 })
      .where('id', '=', item.id)
      .execute();
    summary.supervisionItems++;
    if (late !== lateBefore) summary.lateFlags++;
    // Name the reply deadline unless only the plan's moved.
    const showReply = item.due_at !== d.reply.dueAt || planDue === item.plan_due_at;
    record({
      kind: 'supervision_item',
      id: Number(item.id),
      ticketNo: item.no ?? null,
      what: showReply ? 'reply' : 'plan',
      dueFrom: shown(showReply ? item.due_at : item.plan_due_at),
      dueTo: shown(showReply ? d.reply.dueAt : planDue),
      ...(item.replied_at ? { lateFrom: lateBefore, lateTo: late } : {}),
    });
  }
}

/** 差评 reviews: open ones, and those closed within the window; each stage from the instant it began. */
async function recomputeReviews(tx: Tx, cal: WorkCalendar, limits: Record<LimitKey, TimeLimit>, from: string, summary: RecomputeSummary, record: (c: ChangedObject) => void): Promise<void> {
  const reviews = await tx
    .selectFrom('rating_reviews as r')
    .innerJoin('tickets as t', 't.id', 'r.ticket_id')
    .select([
      'r.id', 'r.status', 'r.created_at', 'r.provisional', 'r.updated_at',
      'r.verify_due_at', 'r.verify_yellow_at', 'r.verified_at',
      'r.rectify_due_at', 'r.rectify_yellow_at', 'r.rectified_at',
      'r.appeal_due_at', 'r.appeal_yellow_at', 'r.appealed_at',
      'r.callback_due_at', 'r.callback_yellow_at',
      't.no',
    ])
    .where((eb) => eb.or([eb('r.status', 'in', OPEN_REVIEW_STATUSES), eb('r.updated_at', '>=', summary.finishedSince)]))
    .where((eb) =>
      eb.or([eb('r.provisional', '=', 1), eb('r.verify_due_at', '>=', from), eb('r.rectify_due_at', '>=', from), eb('r.appeal_due_at', '>=', from), eb('r.callback_due_at', '>=', from)]),
    )
    .orderBy('r.id')
    .execute();
  const limit = (key: LimitKey, start: string) => computeDeadline(start, limits[key], cal);
  for (const r of reviews) {
    // The stages as they were opened (src/ratings/reviews.ts): verify from the 差评, rectify from the
    // verification, the callback from the rectification, the appeal's decision from the appeal.
    const stages: Array<{ what: string; d: Deadline; due: string | null; yellow: string | null; set: Record<string, string> }> = [];
    const add = (what: string, key: LimitKey, start: string | null, due: string | null, yellow: string | null) => {
      if (!start || !due) return;
      const d = limit(key, start);
      stages.push({ what, d, due, yellow, set: { [`${what}_due_at`]: d.dueAt, [`${what}_yellow_at`]: d.yellowAt } });
    };
    add('verify', 'rating.verify', r.created_at, r.verify_due_at, r.verify_yellow_at);
    add('rectify', 'rating.rectify', r.verified_at, r.rectify_due_at, r.rectify_yellow_at);
    add('appeal', 'rating.appeal_decide', r.appealed_at, r.appeal_due_at, r.appeal_yellow_at);
    add('callback', 'rating.callback', r.rectified_at, r.callback_due_at, r.callback_yellow_at);
    const moved = stages.filter((s) => !sameDeadline(s.d, s.due, s.yellow));
    const provisional = stages.some((s) => s.d.provisional);
    if (!moved.length && Number(provisional) === Number(r.provisional)) continue;
    await tx
      .updateTable('rating_reviews')
      .set({ ...Object.assign({}, ...moved.map((s) => s.set)), provisional: provisional ? 1 : 0 })
      .where('id', '=', r.id)
      .execute();
    summary.ratingReviews++;
    const first = moved[0] ?? stages[0];
    record({ kind: 'rating_review', id: Number(r.id), ticketNo: r.no, what: moved.map((s) => s.what).join(',') || first.what, dueFrom: shown(first.due), dueTo: shown(first.d.dueAt) });
  }
}
