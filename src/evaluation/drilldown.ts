// 指标下钻: the records behind one published figure of one unit in one month, each with why it counts.
// The month's figures are SUMs in SQL (./counts.ts); this lists the unit's own records and classifies
// each by the domain's functions (dutyOutcome, ratingOutcome), so the list is the rule itself and
// the tests hold its counts equal to the published figures.
import type { AppContext } from '../server/context.ts';
import { invalid, notFound } from '../server/problem.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { DUTY_KIND_LABELS } from '../domain/duty-kinds.ts';
import { SATISFACTION_LABELS, SATISFIED_LEVELS } from '../domain/ticket-types.ts';
import {
  CASE_CLASS_LABELS,
  DUTY_OUTCOME_LABELS,
  INDICATORS,
  countsAsDone,
  countsAsDue,
  countsAsOverdue,
  dutyOutcome,
  ratingOutcome,
  type CaseClass,
  type DutyOutcome,
  type IndicatorKey,
} from '../domain/evaluation.ts';
import { monthRange, ticketNumbers } from './monthly.ts';

import { DRILLABLE, type Drillable, type DrillItem, type Drilldown } from './contract.ts';

export { DRILLABLE, type Drillable, type DrillItem, type Drilldown };

const COUNT_LABELS: Record<'overdueUnexplained' | 'coHandlingLate', { label: string; formula: string }> = {
  overdueUnexplained: { label: '超期且未申请延期', formula: '当月到期的答复与协办意见中超期（超期完成、超期未完成、超期后撤销、超期退回）且未申请延期的件数' },
  coHandlingLate: { label: '协办意见超期', formula: '当月到期的协办意见中超期（含主办答复时仍未提交且已过时限）的件数' },
};


type Row = Record<string, any>;
const iso = (v: unknown) => (v === null || v === undefined ? null : String(v));
const shown = (v: unknown) => (v === null || v === undefined ? null : formatShanghai(String(v)));

async function unitDuties(ctx: AppContext, unitId: number, kinds: string[], by: 'started_at' | 'due_at', r: { from: string; to: string }) {
  const duties = await ctx.store.db
    .selectFrom('duties')
    .select(['id', 'ticket_id', 'party', 'kind', 'status', 'due_at', 'completed_at', 'late'])
    .where('unit_id', '=', unitId)
    .where('kind', 'in', kinds)
    .where(by, '>=', r.from)
    .where(by, '<', r.to)
    .orderBy('id')
    .execute();
  const cancelledTickets = [...new Set(duties.filter((d) => d.status === 'cancelled').map((d) => Number(d.ticket_id)))];
  const requests: Row[] = [];
  for (let i = 0; i < cancelledTickets.length; i += 500) {
    requests.push(
      ...(await ctx.store.db
        .selectFrom('unit_requests')
        .select(['ticket_id', 'late', 'requested_at', 'decided_at'])
        .where('ticket_id', 'in', cancelledTickets.slice(i, i + 500))
        .where('unit_id', '=', unitId)
        .where('kind', 'in', ['return', 'dispute'])
        .where('status', '=', 'approved')
        .execute()),
    );
  }
  const extended = new Set<number>();
  const ids = duties.map((d) => Number(d.id));
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await ctx.store.db.selectFrom('unit_requests').select('duty_id').where('kind', '=', 'extension').where('duty_id', 'in', ids.slice(i, i + 500)).execute();
    for (const x of rows) extended.add(Number(x.duty_id));
  }
  const now = ctx.clock.now();
  const numbers = await ticketNumbers(ctx, duties.map((d) => Number(d.ticket_id)));
  return duties.map((d) => {
    const own =
      d.status === 'cancelled'
        ? requests.find((q) => Number(q.ticket_id) === Number(d.ticket_id) && iso(q.decided_at) !== null && Date.parse(iso(q.decided_at)!) === Date.parse(iso(d.completed_at) ?? ''))
        : undefined;
    const outcome = dutyOutcome(
      { status: d.status, due_at: iso(d.due_at)!, completed_at: iso(d.completed_at), late: Number(d.late), ownRequest: own ? { late: Number(own.late) === 1, requestedAt: iso(own.requested_at)! } : null },
      now,
    );
    return { ...d, id: Number(d.id), ticketNo: numbers.get(Number(d.ticket_id)) ?? '', outcome, extended: extended.has(Number(d.id)), ownRequest: !!own };
  });
}

type ClassifiedDuty = Awaited<ReturnType<typeof unitDuties>>[number];

function dutyItem(d: ClassifiedDuty, inNumerator: boolean, extra = ''): DrillItem {
  const why = DUTY_OUTCOME_LABELS[d.outcome as DutyOutcome] + (d.ownRequest && d.outcome !== 'late_return' ? '（按本单位提出退单/异议的时间判断）' : '') + extra;
  return {
    ticketNo: d.ticketNo,
    dutyId: d.id,
    callbackId: null,
    requestId: null,
    kind: DUTY_KIND_LABELS[d.kind] ?? d.kind,
    party: d.party === 'co' ? '协办' : '主办',
    dueAt: shown(d.due_at),
    endedAt: shown(d.completed_at),
    outcome: d.outcome,
    inNumerator,
    why,
  };
}

/** The records behind `indicator` of unit `code` in `month`, as they stand now. */
export async function drilldown(ctx: AppContext, month: string, code: string, indicator: string): Promise<Drilldown> {
  if (!(DRILLABLE as readonly string[]).includes(indicator)) throw invalid('indicator', `字段「指标」取值无效：${indicator}`);
  const range = monthRange(month);
  if (range.from > ctx.clock.now()) throw invalid('month', `月份 ${month} 尚未开始`);
  const unit = ctx.org.byCodeOrUndefined(code);
  if (!unit) throw notFound(`单位「${code}」不存在`);
  const key = indicator as Drillable;
  const base = {
    month,
    unit: { code: unit.code, name: unit.name },
    indicator: key,
    ...(key in COUNT_LABELS ? COUNT_LABELS[key as keyof typeof COUNT_LABELS] : { label: INDICATORS[key as IndicatorKey].label, formula: INDICATORS[key as IndicatorKey].formula }),
    generatedAt: formatShanghai(ctx.clock.now()),
  };
  const rate = (items: DrillItem[], leftOut: DrillItem[]): Drilldown => {
    const numerator = items.filter((i) => i.inNumerator).length;
    return { ...base, numerator, denominator: items.length, value: items.length ? numerator / items.length : null, items, leftOut };
  };

  if (key === 'signRate' || key === 'signOnTimeRate') {
    const duties = await unitDuties(ctx, unit.id, ['sign'], 'started_at', range);
    const inFigure = duties.filter((d) => countsAsDue(d.outcome));
    const numerator = (d: ClassifiedDuty) => (key === 'signRate' ? countsAsDone(d.outcome) : d.outcome === 'on_time');
    return rate(inFigure.map((d) => dutyItem(d, numerator(d))), duties.filter((d) => !countsAsDue(d.outcome)).map((d) => dutyItem(d, false)));
  }
  if (key === 'completionRate' || key === 'completionOnTimeRate' || key === 'overdueUnexplained' || key === 'coHandlingLate') {
    const duties = await unitDuties(ctx, unit.id, ['reply', 'opinion'], 'due_at', range);
    const inFigure = duties.filter((d) => countsAsDue(d.outcome));
    if (key === 'completionRate' || key === 'completionOnTimeRate') {
      const numerator = (d: ClassifiedDuty) => (key === 'completionRate' ? countsAsDone(d.outcome) : d.outcome === 'on_time');
      return rate(inFigure.map((d) => dutyItem(d, numerator(d))), duties.filter((d) => !countsAsDue(d.outcome)).map((d) => dutyItem(d, false)));
    }
    const hits = inFigure.filter((d) => countsAsOverdue(d.outcome) && (key === 'coHandlingLate' ? d.party === 'co' : !d.extended));
    const items = hits.map((d) => dutyItem(d, true, key === 'overdueUnexplained' ? '；未申请延期' : ''));
    const leftOut =
      key === 'overdueUnexplained'
        ? inFigure.filter((d) => countsAsOverdue(d.outcome) && d.extended).map((d) => dutyItem(d, false, '；已申请延期，视为已说明情况'))
        : [];
    return { ...base, numerator: items.length, denominator: null, value: null, items, leftOut };
  }
  if (key === 'satisfactionRate') return satisfactionDrill(ctx, unit.id, range, rate);
  return requestDrill(ctx, unit.id, key, range, rate);
}

async function satisfactionDrill(ctx: AppContext, unitId: number, r: { from: string; to: string }, rate: (items: DrillItem[], leftOut: DrillItem[]) => Drilldown): Promise<Drilldown> {
  const rows = await ctx.store.db
    .selectFrom('callbacks')
    .select(['id', 'ticket_id', 'satisfaction', 'reasonable', 'exempt_class', 'created_at'])
    .where('unit_id', '=', unitId)
    .where('created_at', '>=', r.from)
    .where('created_at', '<', r.to)
    .where('reached', '=', 1)
    .where('satisfaction', 'is not', null)
    .orderBy('id')
    .execute();
  const decisions = new Map<number, { exclude: number; reason: string; at: string; by: string | null }>();
  const ids = rows.map((c) => Number(c.id));
  for (let i = 0; i < ids.length; i += 500) {
    const found = await ctx.store.db
      .selectFrom('evaluation_exclusions as x')
      .leftJoin('users as u', 'u.id', 'x.decided_by')
      .select(['x.callback_id', 'x.exclude', 'x.reason', 'x.decided_at', 'u.display_name'])
      .where('x.callback_id', 'in', ids.slice(i, i + 500))
      .orderBy('x.id')
      .execute();
    for (const x of found) decisions.set(Number(x.callback_id), { exclude: Number(x.exclude), reason: x.reason, at: formatShanghai(String(x.decided_at)), by: x.display_name });
  }
  const numbers = await ticketNumbers(ctx, rows.map((c) => Number(c.ticket_id)));
  const items: DrillItem[] = [];
  const leftOut: DrillItem[] = [];
  for (const c of rows) {
    const decision = decisions.get(Number(c.id));
    const outcome = ratingOutcome({ exemptClass: c.exempt_class, excludedByAuthority: decision?.exclude === 1 });
    const level = SATISFACTION_LABELS[c.satisfaction as keyof typeof SATISFACTION_LABELS] ?? c.satisfaction!;
    const satisfied = (SATISFIED_LEVELS as readonly string[]).includes(c.satisfaction!);
    const item: DrillItem = {
      ticketNo: numbers.get(Number(c.ticket_id)) ?? '',
      dutyId: null,
      callbackId: Number(c.id),
      requestId: null,
      kind: '回访评价',
      party: null,
      dueAt: null,
      endedAt: shown(c.created_at),
      outcome,
      inNumerator: outcome === 'counted' && satisfied,
      why:
        outcome === 'exempt'
          ? `${level}；${CASE_CLASS_LABELS[c.exempt_class as CaseClass]}投诉举报事项，按第二十五条不计入满意率`
          : outcome === 'excluded'
            ? `${level}；热线主管部门决定不计入：${decision!.reason}（${decision!.by ?? ''}，${decision!.at}）`
            : `${level}${c.reasonable === 0 ? '；热线管理机构判定诉求不合理（仅供参考，仍计入，可由热线主管部门决定排除）' : ''}${decision ? `；热线主管部门已恢复计入：${decision.reason}（${decision.by ?? ''}，${decision.at}）` : ''}`,
    };
    (outcome === 'counted' ? items : leftOut).push(item);
  }
  return rate(items, leftOut);
}

async function requestDrill(
  ctx: AppContext,
  unitId: number,
  key: 'returnRate' | 'improperReturnRate' | 'extensionRate',
  r: { from: string; to: string },
  rate: (items: DrillItem[], leftOut: DrillItem[]) => Drilldown,
): Promise<Drilldown> {
  // The denominator: the unit's lead tickets of the month (退单率) or its 应办结 (延期率).
  const base = key === 'extensionRate' ? await unitDuties(ctx, unitId, ['reply', 'opinion'], 'due_at', r) : await unitDuties(ctx, unitId, ['sign'], 'started_at', r);
  const denominator = key === 'extensionRate' ? base.filter((d) => countsAsDue(d.outcome)) : base.filter((d) => d.party === 'lead');
  const requests = await ctx.store.db
    .selectFrom('unit_requests')
    .select(['id', 'ticket_id', 'kind', 'status', 'late', 'improper', 'requested_at', 'decided_at'])
    .where('unit_id', '=', unitId)
    .where('kind', '=', key === 'extensionRate' ? 'extension' : 'return')
    .where(key === 'improperReturnRate' ? 'decided_at' : 'requested_at', '>=', r.from)
    .where(key === 'improperReturnRate' ? 'decided_at' : 'requested_at', '<', r.to)
    .orderBy('id')
    .execute();
  const counted = requests.filter((q) => key !== 'improperReturnRate' || Number(q.improper) === 1);
  const numbers = await ticketNumbers(ctx, counted.map((q) => Number(q.ticket_id)));
  const label = key === 'extensionRate' ? '延期申请' : '退单';
  const hits: DrillItem[] = counted.map((q) => ({
    ticketNo: numbers.get(Number(q.ticket_id)) ?? '',
    dutyId: null,
    callbackId: null,
    requestId: Number(q.id),
    kind: label,
    party: '主办',
    dueAt: null,
    endedAt: shown(key === 'improperReturnRate' ? q.decided_at : q.requested_at),
    outcome: q.status,
    inNumerator: true,
    why: key === 'improperReturnRate' ? '热线管理机构认定为不当退单' : `当月提出的${label}${Number(q.late) ? '（超期退回）' : ''}`,
  }));
  // A rate over another population: the numerator's records are listed, the denominator given as a count.
  const drill = rate(hits, []);
  return { ...drill, denominator: denominator.length, value: denominator.length ? hits.length / denominator.length : null };
}
