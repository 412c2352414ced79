// The month's evaluation counts recomputed from every raw row in plain code, by the definitions in
// src/domain/evaluation.ts and docs/evaluation.md, written a second time on purpose: the SQL of
// src/evaluation/counts.ts must agree with it on hand-made months and on generated histories.
import type { TestApp } from './app.ts';
import { EMPTY_COUNTS, type UnitMonthCounts } from '../../src/domain/evaluation.ts';
import { SATISFIED_LEVELS } from '../../src/domain/ticket-types.ts';

export type TicketCounts = Omit<UnitMonthCounts, 'kbDue' | 'kbOnTime' | 'kbExpired'>;

export async function recompute(t: TestApp, month: { from: string; to: string }, now: string): Promise<Map<number, TicketCounts>> {
  const db = t.ctx.store.db;
  const [duties, requests, callbacks, decisions] = await Promise.all([
    db.selectFrom('duties').selectAll().execute(),
    db.selectFrom('unit_requests').selectAll().execute(),
    db.selectFrom('callbacks').selectAll().execute(),
    db.selectFrom('evaluation_exclusions').selectAll().orderBy('id').execute(),
  ]);
  const ms = (iso: unknown) => (iso === null || iso === undefined ? NaN : Date.parse(String(iso)));
  const inMonth = (iso: unknown) => ms(iso) >= Date.parse(month.from) && ms(iso) < Date.parse(month.to);
  const out = new Map<number, TicketCounts>();
  const { kbDue: _a, kbOnTime: _b, kbExpired: _c, ...empty } = EMPTY_COUNTS;
  const of = (id: number) => out.get(id) ?? out.set(id, { ...empty }).get(id)!;
  const extended = new Set(requests.filter((r) => r.kind === 'extension' && r.duty_id !== null).map((r) => Number(r.duty_id)));
  // A cancelled duty counts when the unit stopped after its deadline, or returned late (第十五条).
  const cancelledCounts = (d: (typeof duties)[number]) => {
    const own = requests.find(
      (r) => Number(r.ticket_id) === Number(d.ticket_id) && r.unit_id === d.unit_id && (r.kind === 'return' || r.kind === 'dispute') && r.status === 'approved' && ms(r.decided_at) === ms(d.completed_at),
    );
    if (own) return Number(own.late) === 1 || ms(own.requested_at) > ms(d.due_at);
    return ms(d.completed_at) > ms(d.due_at);
  };
  for (const d of duties) {
    if (d.unit_id === null) continue;
    const counted = d.status === 'done' || (d.status === 'open' && ms(d.due_at) < Date.parse(now)) || (d.status === 'cancelled' && cancelledCounts(d));
    const onTime = d.status === 'done' && !Number(d.late);
    if (d.kind === 'sign' && inMonth(d.started_at)) {
      const c = of(d.unit_id);
      if (d.party === 'lead') c.leadAssigned++;
      if (!counted) continue;
      c.assigned++;
      if (d.status === 'done') c.signed++;
      if (onTime) c.signedOnTime++;
    }
    if ((d.kind === 'reply' || d.kind === 'opinion') && inMonth(d.due_at) && counted) {
      const c = of(d.unit_id);
      c.due++;
      if (d.status === 'done') c.completed++;
      if (onTime) c.completedOnTime++;
      if (!onTime && !extended.has(Number(d.id))) c.overdueUnexplained++;
      if (!onTime && d.party === 'co') c.coHandlingLate++;
    }
  }
  for (const r of requests) {
    if (inMonth(r.requested_at) && r.kind === 'return') of(r.unit_id).returns++;
    if (inMonth(r.requested_at) && r.kind === 'extension') of(r.unit_id).extensions++;
    if (inMonth(r.decided_at) && r.kind === 'return' && Number(r.improper)) of(r.unit_id).improperReturns++;
  }
  const latest = new Map<number, number>();
  for (const x of decisions) latest.set(Number(x.callback_id), Number(x.exclude));
  for (const cb of callbacks) {
    if (!inMonth(cb.created_at) || !cb.reached || !cb.satisfaction || cb.unit_id === null) continue;
    const c = of(cb.unit_id);
    if (cb.exempt_class) c.ratedExempt++;
    else if (latest.get(Number(cb.id)) === 1) c.ratedExcluded++;
    else {
      c.rated++;
      if ((SATISFIED_LEVELS as readonly string[]).includes(cb.satisfaction)) c.satisfied++;
      if (cb.reasonable === 0) c.ratedUnreasonable++;
    }
  }
  return out;
}

/** The API's rows as unit code → ticket counts, for the units with any record in the month. */
export function apiCounts(rows: Array<{ unit: { code: string }; counts: UnitMonthCounts }>): Map<string, TicketCounts> {
  const out = new Map<string, TicketCounts>();
  for (const r of rows) {
    const { kbDue: _a, kbOnTime: _b, kbExpired: _c, ...c } = r.counts;
    if (Object.values(c).some((v) => v > 0)) out.set(r.unit.code, c);
  }
  return out;
}
