// 质效审核 (第二十六条): the centre draws a reproducible sample of a period's closed tickets, stratified
// by the unit that closed them, and reviews each one: pass; 敷衍答复 → back to the same unit to redo it
// and listed as a 质效督办 item with its own deadline (`quality_send_back`); wrong unit → re-dispatched to the right one
// (`quality_redispatch`). A failed review is recorded inside the ticket action's own transaction.
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { conflict, invalid, notFound } from '../server/problem.ts';
import { drawSample, sizeForRate } from '../domain/quality-sample.ts';
import { DEFAULT_QUALITY } from '../domain/agent-qc.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { STATUS_LABELS, type TicketStatus } from '../domain/ticket-states.ts';
import { runAction, type ActionDefinition } from '../tickets/action-runner.ts';
import { ACTION_DEFINITIONS } from '../tickets/routes.ts';
import { asBody, onlyFields, optionalText, period, requiredText } from './input.ts';

export const OUTCOMES = { pass: '通过', perfunctory: '敷衍答复，退回重办', wrong_unit: '承办单位错误，改派' } as const;
export type Outcome = keyof typeof OUTCOMES;

const unitView = (ctx: AppContext, id: number | null) => {
  const u = ctx.org.get(id);
  return u ? { code: u.code, name: u.name } : null;
};

export async function createSample(ctx: AppContext, actor: Actor, raw: unknown) {
  const body = asBody(raw);
  onlyFields(body, ['from', 'to', 'size', 'rate', 'unitCode', 'seed']);
  const p = period(body, ctx.clock.now(), true);
  if (body.size !== undefined && body.rate !== undefined) throw invalid('size', '「抽样数量」与「抽样比例」只能填写一项');
  let requestedSize: number | null = null;
  let rate: number | null = null;
  if (body.size !== undefined) {
    if (typeof body.size !== 'number' || !Number.isInteger(body.size) || body.size < 1 || body.size > 1000) throw invalid('size', '「抽样数量」应为 1 到 1000 之间的整数');
    requestedSize = body.size;
  } else if (body.rate !== undefined) {
    if (typeof body.rate !== 'number' || !(body.rate > 0) || body.rate > 1) throw invalid('rate', '「抽样比例」应为大于 0、不超过 1 的小数');
    rate = body.rate;
  } else {
    rate = (ctx.city.quality ?? DEFAULT_QUALITY).defaultSampleRate;
  }
  const unitCode = optionalText(body, 'unitCode', '承办单位', 40);
  const unit = unitCode ? ctx.org.byCodeOrUndefined(unitCode) : undefined;
  if (unitCode && !unit) throw invalid('unitCode', `承办单位 ${unitCode} 不存在`);
  const seed = optionalText(body, 'seed', '随机种子', 64) ?? randomBytes(6).toString('hex');

  return inTransaction(ctx.store.db, async (tx) => {
    let q = tx
      .selectFrom('tickets')
      .select(['id', 'lead_unit_id'])
      .where('status', '=', 'closed')
      .where('lead_unit_id', 'is not', null)
      .where('closed_at', '>=', p.fromAt)
      .where('closed_at', '<', p.toAt);
    if (unit) q = q.where('lead_unit_id', '=', unit.id);
    const population = (await q.execute()).map((r) => ({ id: Number(r.id), stratum: Number(r.lead_unit_id) }));
    if (!population.length) throw conflict(`${p.from} 至 ${p.to} 没有可抽查的已办结工单`);
    const size = requestedSize !== null ? Math.min(requestedSize, population.length) : sizeForRate(population.length, rate!);
    const picked = drawSample(population, size, seed);
    const now = ctx.clock.now();
    const sample = await tx
      .insertInto('quality_samples')
      .values({ period_from: p.from, period_to: p.to, unit_id: unit?.id ?? null, requested_size: requestedSize, rate, seed, population: population.length, size: picked.length, created_by: actor.userId, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sampleId = Number(sample.id);
    for (let i = 0; i < picked.length; i += 200) {
      await tx
        .insertInto('quality_reviews')
        .values(picked.slice(i, i + 200).map((t) => ({ sample_id: sampleId, ticket_id: t.id, unit_id: t.stratum, outcome: 'pending', note: null, target_unit_id: null, reviewed_by: null, reviewed_at: null })))
        .execute();
    }
    await writeEvent(tx, actor, now, { action: 'quality_sample', detail: { sample: sampleId, from: p.from, to: p.to, unit: unit?.code ?? null, population: population.length, size: picked.length, seed } });
    return getSampleIn(ctx, tx, sampleId);
  });
}

type Reader = Parameters<Parameters<typeof inTransaction>[1]>[0] | AppContext['store']['db'];

async function progressOf(db: Reader, sampleIds: number[]) {
  const out = new Map<number, Record<Outcome | 'pending', number>>();
  if (!sampleIds.length) return out;
  const rows = await db
    .selectFrom('quality_reviews')
    .select(['sample_id', 'outcome', (eb) => eb.fn.countAll<number>().as('n')])
    .where('sample_id', 'in', sampleIds)
    .groupBy(['sample_id', 'outcome'])
    .execute();
  for (const r of rows) {
    const id = Number(r.sample_id);
    const p = out.get(id) ?? { pending: 0, pass: 0, perfunctory: 0, wrong_unit: 0 };
    p[r.outcome as Outcome | 'pending'] = Number(r.n);
    out.set(id, p);
  }
  return out;
}

function sampleView(ctx: AppContext, s: any, progress: Record<string, number> | undefined, by: string | null) {
  const p = progress ?? { pending: 0, pass: 0, perfunctory: 0, wrong_unit: 0 };
  return {
    id: Number(s.id),
    from: s.period_from,
    to: s.period_to,
    unit: unitView(ctx, s.unit_id),
    requestedSize: s.requested_size,
    rate: s.rate === null ? null : Number(s.rate),
    seed: s.seed,
    population: Number(s.population),
    size: Number(s.size),
    createdAt: formatShanghai(s.created_at),
    createdBy: by,
    progress: { ...p, reviewed: Number(s.size) - p.pending },
  };
}

export async function listSamples(ctx: AppContext) {
  const rows = await ctx.store.db
    .selectFrom('quality_samples as s')
    .leftJoin('users as u', 'u.id', 's.created_by')
    .selectAll('s')
    .select('u.display_name as by')
    .orderBy('s.id', 'desc')
    .limit(100)
    .execute();
  const progress = await progressOf(ctx.store.db, rows.map((r) => Number(r.id)));
  return { items: rows.map((r) => sampleView(ctx, r, progress.get(Number(r.id)), r.by)) };
}

async function getSampleIn(ctx: AppContext, db: Reader, id: number) {
  const s = await db.selectFrom('quality_samples as s').leftJoin('users as u', 'u.id', 's.created_by').selectAll('s').select('u.display_name as by').where('s.id', '=', id).executeTakeFirst();
  if (!s) throw notFound(`抽样批次 ${id} 不存在`);
  const progress = await progressOf(db, [id]);
  const reviews = await db
    .selectFrom('quality_reviews as r')
    .innerJoin('tickets as t', 't.id', 'r.ticket_id')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .leftJoin('users as u', 'u.id', 'r.reviewed_by')
    .select(['r.id', 'r.unit_id', 'r.outcome', 'r.note', 'r.target_unit_id', 'r.reviewed_at', 't.no', 't.type', 't.status', 't.facts', 't.closed_at', 't.satisfaction', 't.supervised', 'c.name as category', 'u.display_name as reviewer'])
    .where('r.sample_id', '=', id)
    .orderBy('r.id')
    .execute();
  return {
    ...sampleView(ctx, s, progress.get(id), s.by),
    reviews: reviews.map((r) => ({
      id: Number(r.id),
      ticket: { no: r.no, type: r.type, category: r.category, status: r.status, statusLabel: STATUS_LABELS[r.status as TicketStatus] ?? r.status, facts: r.facts.length > 120 ? `${r.facts.slice(0, 120)}…` : r.facts, closedAt: r.closed_at ? formatShanghai(r.closed_at) : null, satisfaction: r.satisfaction, supervised: !!r.supervised },
      unit: unitView(ctx, r.unit_id),
      outcome: r.outcome,
      outcomeLabel: r.outcome === 'pending' ? '待审核' : OUTCOMES[r.outcome as Outcome],
      note: r.note,
      targetUnit: unitView(ctx, r.target_unit_id),
      reviewedAt: r.reviewed_at ? formatShanghai(r.reviewed_at) : null,
      reviewer: r.reviewer,
    })),
  };
}

export async function getSample(ctx: AppContext, id: number) {
  return getSampleIn(ctx, ctx.store.db, id);
}

/** Records one review; a failed one runs the ticket action and is recorded in its transaction. */
export async function reviewTicket(ctx: AppContext, actor: Actor, reviewId: number, raw: unknown) {
  const body = asBody(raw);
  onlyFields(body, ['outcome', 'note', 'leadUnitCode']);
  const outcome = body.outcome;
  if (outcome === undefined) throw invalid('outcome', '缺少必填字段「审核结论」');
  if (typeof outcome !== 'string' || !(outcome in OUTCOMES)) throw invalid('outcome', `「审核结论」取值无效，可选值：${Object.keys(OUTCOMES).join('、')}`);
  const note = outcome === 'pass' ? optionalText(body, 'note', '审核意见', 2000) : requiredText(body, 'note', '审核意见', 2000);
  const leadUnitCode = optionalText(body, 'leadUnitCode', '改派单位', 40);
  if (outcome === 'wrong_unit' && !leadUnitCode) throw invalid('leadUnitCode', '改派时须填写「改派单位」');
  if (outcome !== 'wrong_unit' && leadUnitCode) throw invalid('leadUnitCode', '只有改派时才填写「改派单位」');
  const review = await ctx.store.db.selectFrom('quality_reviews as r').innerJoin('tickets as t', 't.id', 'r.ticket_id').select(['r.id', 'r.sample_id', 'r.outcome', 'r.ticket_id', 't.no']).where('r.id', '=', reviewId).executeTakeFirst();
  if (!review) throw notFound(`审核记录 ${reviewId} 不存在`);
  if (review.outcome !== 'pending') throw conflict('该工单已审核，不能重复审核');

  const record = async (tx: Parameters<Parameters<typeof inTransaction>[1]>[0], now: string, targetUnitId: number | null) => {
    const res = await tx
      .updateTable('quality_reviews')
      .set({ outcome, note: note ?? null, target_unit_id: targetUnitId, reviewed_by: actor.userId, reviewed_at: now })
      .where('id', '=', reviewId)
      .where('outcome', '=', 'pending')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw conflict('该工单已审核，不能重复审核');
  };

  if (outcome === 'pass') {
    await inTransaction(ctx.store.db, async (tx) => {
      const now = ctx.clock.now();
      await record(tx, now, null);
      await writeEvent(tx, actor, now, { ticketId: Number(review.ticket_id), action: 'quality_pass', detail: { sample: Number(review.sample_id), review: reviewId } });
    });
  } else {
    const action = outcome === 'perfunctory' ? 'quality_send_back' : 'quality_redispatch';
    const base = ACTION_DEFINITIONS[action] as ActionDefinition<any>;
    const wrapped: ActionDefinition<any> = {
      body: base.body,
      async run(call) {
        const out = await base.run(call);
        const target = outcome === 'wrong_unit' ? (ctx.org.byCodeOrUndefined(leadUnitCode!)?.id ?? null) : null;
        await record(call.tx, call.now, target);
        return { ...out, detail: { ...(out.detail ?? {}), sample: Number(review.sample_id), review: reviewId } };
      },
    };
    await runAction(ctx, { ...ACTION_DEFINITIONS, [action]: wrapped }, actor, review.no, action, outcome === 'perfunctory' ? { note } : { leadUnitCode, note });
  }
  const sample = await getSample(ctx, Number(review.sample_id));
  return sample.reviews.find((r) => r.id === reviewId)!;
}

/** 不当退单 the centre judged in the period (第三十一条(二)6): already recorded on the return requests. */
export async function improperReturns(ctx: AppContext, query: { from?: string; to?: string }) {
  const p = period(query, ctx.clock.now());
  const rows = await ctx.store.db
    .selectFrom('unit_requests as r')
    .innerJoin('tickets as t', 't.id', 'r.ticket_id')
    .leftJoin('users as u', 'u.id', 'r.decided_by')
    .select(['r.id', 'r.unit_id', 'r.reason', 'r.decision_note', 'r.decided_at', 'r.requested_at', 't.no', 'u.display_name as decidedBy'])
    .where('r.kind', '=', 'return')
    .where('r.improper', '=', 1)
    .where('r.decided_at', '>=', p.fromAt)
    .where('r.decided_at', '<', p.toAt)
    .orderBy('r.decided_at', 'desc')
    .limit(500)
    .execute();
  return {
    from: p.from,
    to: p.to,
    items: rows.map((r) => ({ id: Number(r.id), ticketNo: r.no, unit: unitView(ctx, r.unit_id), reason: r.reason, decisionNote: r.decision_note, requestedAt: formatShanghai(r.requested_at), decidedAt: r.decided_at ? formatShanghai(r.decided_at) : null, decidedBy: r.decidedBy })),
  };
}
