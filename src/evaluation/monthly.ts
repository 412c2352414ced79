// 月度考核 (第二十九条): every 承办单位's counts, indicators, score and rank for a month, the 通报
// triggers it hit (第三十一条(二)) with the authority's decision on each, and the published ranking.
import { DateTime } from 'luxon';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { conflict, invalid, notFound } from '../server/problem.ts';
import { ZONE } from '../domain/calendar.ts';
import { formatShanghai } from '../domain/deadline.ts';
import {
  EMPTY_COUNTS,
  INDICATOR_KEYS,
  INDICATORS,
  TRIGGER_KEYS,
  indicatorsOf,
  monthsBack,
  rankInTiers,
  scoreOf,
  triggersOf,
  type TriggerKey,
  type UnitMonthCounts,
} from '../domain/evaluation.ts';
import { monthCounts } from './counts.ts';
import type { MonthRange } from '../domain/evaluation.ts';
// The evaluation ranks the 承办单位, not the centre, the authority or the city government.
import { HANDLING_UNIT_KINDS } from '../org/seed.ts';


import type { Decision, EvaluationRow, Exclusion, MonthlyEvaluation } from './contract.ts';

export type { Decision, EvaluationRow, Exclusion, MonthlyEvaluation };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function monthRange(month: string): MonthRange {
  if (!MONTH.test(month)) throw invalid('month', `字段「月份」格式应为 YYYY-MM，收到「${month}」`);
  const start = DateTime.fromISO(`${month}-01`, { zone: ZONE });
  return { from: start.toUTC().toISO()!, to: start.plus({ months: 1 }).toUTC().toISO()! };
}

/** The month as it stands now, computed from the records. */
export async function evaluateMonth(ctx: AppContext, month: string): Promise<MonthlyEvaluation> {
  const range = monthRange(month);
  const now = ctx.clock.now();
  if (range.from > now) throw invalid('month', `月份 ${month} 尚未开始`);
  const config = ctx.city.evaluation;
  // The month and the two before it: 连续三个月 needs them.
  const history: Array<Map<number, UnitMonthCounts>> = [];
  for (const [i, m] of monthsBack(month, 3).entries()) history.push(await monthCounts(ctx, monthRange(m), { satisfactionOnly: i > 0 }));
  const decisions = await ctx.store.db.selectFrom('evaluation_findings').selectAll().where('month', '=', month).execute();
  const units = ctx.org.all().filter((u) => HANDLING_UNIT_KINDS.has(u.kind) && (u.active || history[0].has(u.id)));
  const exclusions = await exclusionsInEffect(ctx, month);
  const rows = units.map((u) => {
    const months = history.map((h) => h.get(u.id) ?? { ...EMPTY_COUNTS });
    const indicators = indicatorsOf(months[0]);
    return {
      unit: { code: u.code, name: u.name, kind: u.kind },
      counts: months[0],
      indicators,
      score: scoreOf(indicators, config.weights),
      triggers: triggersOf(months, config).map((t) => {
        const d = decisions.find((x) => x.unit_id === u.id && x.trigger === t.key);
        return { ...t, decision: (d?.decision as Decision | undefined) ?? null, note: d?.note ?? null };
      }),
      exclusions: exclusions.get(u.id) ?? [],
    };
  });
  const publication = await ctx.store.db
    .selectFrom('evaluation_publications as p')
    .leftJoin('users as u', 'u.id', 'p.published_by')
    .select(['p.published_at', 'u.display_name'])
    .where('p.month', '=', month)
    .executeTakeFirst();
  return {
    month,
    from: formatShanghai(range.from),
    to: formatShanghai(range.to),
    complete: range.to <= now,
    generatedAt: formatShanghai(now),
    indicators: INDICATOR_KEYS.map((k) => ({ key: k, label: INDICATORS[k].label, formula: INDICATORS[k].formula, weight: config.weights[k], lowerIsBetter: !!INDICATORS[k].lowerIsBetter })),
    thresholds: config.thresholds,
    ranking: { minTickets: config.ranking.minTickets, tiers: config.ranking.tiers.map((t) => ({ ...t })) },
    rows: rankInTiers(rows, config.ranking).map(({ unit, counts, indicators, score, tier, rank, rankNote, triggers, exclusions }) => ({ unit, counts, indicators, score, tier, rank, rankNote, triggers, exclusions })),
    published: publication ? { at: formatShanghai(publication.published_at), by: publication.display_name } : null,
  };
}

/** The ranking as published to every unit (第二十九条 在全市通报): the snapshot taken when published. */
export async function publishedEvaluation(ctx: AppContext, month: string): Promise<MonthlyEvaluation> {
  monthRange(month);
  const row = await ctx.store.db.selectFrom('evaluation_publications').select('snapshot').where('month', '=', month).executeTakeFirst();
  if (!row) throw notFound(`${month} 的考核结果尚未发布`);
  return JSON.parse(row.snapshot) as MonthlyEvaluation;
}

export async function listPublished(ctx: AppContext): Promise<Array<{ month: string; publishedAt: string }>> {
  const rows = await ctx.store.db.selectFrom('evaluation_publications').select(['month', 'published_at']).orderBy('month', 'desc').execute();
  return rows.map((r) => ({ month: r.month, publishedAt: formatShanghai(r.published_at) }));
}

/** Publishes a finished month: the figures as they stand become the ranking every unit sees. */
export async function publishEvaluation(ctx: AppContext, actor: Actor, month: string): Promise<MonthlyEvaluation> {
  const evaluation = await evaluateMonth(ctx, month);
  if (!evaluation.complete) throw conflict(`${month} 尚未结束，不能发布考核结果`);
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const published = { ...evaluation, published: { at: formatShanghai(now), by: actor.displayName } };
    const snapshot = JSON.stringify(published);
    const existing = await tx.selectFrom('evaluation_publications').select('month').where('month', '=', month).executeTakeFirst();
    if (existing) await tx.updateTable('evaluation_publications').set({ snapshot, published_by: actor.userId, published_at: now }).where('month', '=', month).execute();
    else await tx.insertInto('evaluation_publications').values({ month, snapshot, published_by: actor.userId, published_at: now }).execute();
    await writeEvent(tx, actor, now, { action: 'evaluation_publish', detail: { month, units: evaluation.rows.length, republished: !!existing } });
    return published;
  });
}

/** The authority confirms a trigger as a 通报, or dismisses it with a reason. */
export async function decideFinding(
  ctx: AppContext,
  actor: Actor,
  month: string,
  body: { unitCode: string; trigger: string; decision: Decision; note?: string },
): Promise<{ unitCode: string; trigger: TriggerKey; decision: Decision }> {
  if (!(TRIGGER_KEYS as readonly string[]).includes(body.trigger)) throw invalid('trigger', `字段「通报情形」取值无效：${body.trigger}`);
  const unit = ctx.org.byCodeOrUndefined(body.unitCode);
  if (!unit) throw invalid('unitCode', `单位「${body.unitCode}」不存在`);
  if (body.decision === 'dismissed' && !body.note?.trim()) throw invalid('note', '不予通报须说明理由');
  const evaluation = await evaluateMonth(ctx, month);
  const hit = evaluation.rows.find((r) => r.unit.code === unit.code)?.triggers.find((t) => t.key === body.trigger);
  if (!hit) throw conflict(`${unit.name} 在 ${month} 未触发该通报情形`);
  await inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const values = { decision: body.decision, detail: hit.detail, note: body.note?.trim() || null, decided_by: actor.userId, decided_at: now };
    const existing = await tx.selectFrom('evaluation_findings').select('month').where('month', '=', month).where('unit_id', '=', unit.id).where('trigger', '=', body.trigger).executeTakeFirst();
    if (existing) await tx.updateTable('evaluation_findings').set(values).where('month', '=', month).where('unit_id', '=', unit.id).where('trigger', '=', body.trigger).execute();
    else await tx.insertInto('evaluation_findings').values({ month, unit_id: unit.id, trigger: body.trigger, ...values }).execute();
    await writeEvent(tx, actor, now, { action: 'evaluation_finding', detail: { month, unit: unit.code, trigger: body.trigger, decision: body.decision } });
  });
  return { unitCode: unit.code, trigger: body.trigger as TriggerKey, decision: body.decision };
}

/** Per unit, the month's ratings whose latest authority decision leaves them out. */
async function exclusionsInEffect(ctx: AppContext, month: string): Promise<Map<number, Exclusion[]>> {
  const rows = await ctx.store.db
    .selectFrom('evaluation_exclusions as x')
    .innerJoin('callbacks as c', 'c.id', 'x.callback_id')
    .leftJoin('users as u', 'u.id', 'x.decided_by')
    .select(['x.id', 'x.callback_id', 'x.ticket_id', 'x.unit_id', 'x.exclude', 'x.reason', 'x.decided_at', 'u.display_name', 'c.satisfaction'])
    .where('x.month', '=', month)
    .orderBy('x.id')
    .execute();
  const latest = new Map<number, (typeof rows)[number]>();
  for (const r of rows) latest.set(Number(r.callback_id), r);
  const standing = [...latest.values()].filter((r) => r.exclude === 1);
  const numbers = await ticketNumbers(ctx, standing.map((r) => Number(r.ticket_id)));
  const out = new Map<number, Exclusion[]>();
  for (const r of standing) {
    if (r.unit_id === null) continue;
    const list = out.get(r.unit_id) ?? out.set(r.unit_id, []).get(r.unit_id)!;
    list.push({ callbackId: Number(r.callback_id), ticketNo: numbers.get(Number(r.ticket_id)) ?? '', satisfaction: r.satisfaction, reason: r.reason, by: r.display_name, at: formatShanghai(r.decided_at) });
  }
  return out;
}

/** Ticket numbers by id, for the few tickets a list names. */
export async function ticketNumbers(ctx: AppContext, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await ctx.store.db.selectFrom('tickets').select(['id', 'no']).where('id', 'in', unique.slice(i, i + 500)).execute();
    for (const r of rows) out.set(Number(r.id), r.no);
  }
  return out;
}

/**
 * The authority leaves a rating out of the unit's 满意率, or puts it back, with a reason (第二十五条
 * exempts only 行政调解类、执法办案类 complaints by itself; anything else is this decision, recorded and
 * shown in the unit's evaluation). The latest decision on a rating stands; each is an audit event.
 */
export async function decideExclusion(
  ctx: AppContext,
  actor: Actor,
  month: string,
  body: { callbackId: number; exclude: boolean; reason: string },
): Promise<{ callbackId: number; ticketNo: string; unitCode: string | null; exclude: boolean }> {
  const range = monthRange(month);
  const reason = body.reason.trim();
  if (!reason) throw invalid('reason', '字段「理由」不能为空：排除或恢复一条评价须说明理由');
  const cb = await ctx.store.db
    .selectFrom('callbacks')
    .select(['id', 'ticket_id', 'unit_id', 'reached', 'satisfaction', 'exempt_class', 'created_at'])
    .where('id', '=', body.callbackId)
    .executeTakeFirst();
  if (!cb) throw invalid('callbackId', `字段「回访评价」不存在：${body.callbackId}`);
  const at = Date.parse(String(cb.created_at));
  if (at < Date.parse(range.from) || at >= Date.parse(range.to)) throw invalid('callbackId', `字段「回访评价」${body.callbackId} 不是 ${month} 的回访`);
  if (!cb.reached || !cb.satisfaction) throw conflict('该次回访未联系上诉求人，没有评价可排除');
  if (cb.exempt_class) throw conflict('该评价已按第二十五条（行政调解类、执法办案类投诉举报）不计入满意率，无需决定');
  const ticketNo = (await ticketNumbers(ctx, [Number(cb.ticket_id)])).get(Number(cb.ticket_id)) ?? '';
  const unit = ctx.org.get(cb.unit_id);
  await inTransaction(ctx.store.db, async (tx) => {
    // Read in the transaction that writes: the decision it answers is the latest one.
    const last = await tx.selectFrom('evaluation_exclusions').select('exclude').where('callback_id', '=', cb.id).orderBy('id', 'desc').executeTakeFirst();
    if ((last?.exclude === 1) === body.exclude) throw conflict(body.exclude ? '该评价已被排除' : '该评价已计入满意率，无需恢复');
    const now = ctx.clock.now();
    await tx
      .insertInto('evaluation_exclusions')
      .values({ callback_id: cb.id, ticket_id: cb.ticket_id, unit_id: cb.unit_id, month, exclude: body.exclude ? 1 : 0, reason, decided_by: actor.userId, decided_at: now })
      .execute();
    await writeEvent(tx, actor, now, {
      ticketId: Number(cb.ticket_id),
      action: 'evaluation_exclusion',
      detail: { month, callbackId: Number(cb.id), unit: unit?.code ?? null, satisfaction: cb.satisfaction, exclude: body.exclude, reason, before: last ? last.exclude === 1 : false },
    });
  });
  return { callbackId: Number(cb.id), ticketNo, unitCode: unit?.code ?? null, exclude: body.exclude };
}
