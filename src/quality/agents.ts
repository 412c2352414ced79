// 智能质检 (第三十一条(一)): the rules of src/domain/agent-qc.ts over the tickets agents recorded in a
// period; scores per agent and per shift; the 第三十一条(一) cases the team lead confirms or dismisses
// (audited); call transcripts attached to tickets. An agent sees only their own tickets, score and cases.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { conflict, forbidden, invalid, notFound } from '../server/problem.ts';
import { CASE_KINDS, checkTicket, DEFAULT_QUALITY, meanScore, QC_RULES, shiftOf, type QcHit, type QcTicket, type QualityConfig } from '../domain/agent-qc.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { asBody, onlyFields, period, requiredText, type Period } from './input.ts';
import { ticketNumbered } from '../tickets/model.ts';

export const SEES_ALL_AGENTS = ['team_lead', 'centre', 'admin'] as const;
const seesAll = (actor: Actor) => (SEES_ALL_AGENTS as readonly string[]).includes(actor.role);
const configOf = (ctx: AppContext): QualityConfig => ctx.city.quality ?? DEFAULT_QUALITY;

interface Checked {
  id: number;
  no: string;
  agentId: number;
  createdAt: string;
  score: number;
  hits: QcHit[];
  hasTranscript: boolean;
}

/** Runs the rules over tickets recorded in the period (or one ticket), optionally of one agent. */
async function checkedTickets(ctx: AppContext, filter: { period?: Period; agentId?: number; ticketId?: number }): Promise<Checked[]> {
  const db = ctx.store.db;
  let q = db
    .selectFrom('tickets as t')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .select(['t.id', 't.no', 't.type', 't.facts', 't.address', 't.requester_phone', 't.status', 't.created_by', 't.created_at', 't.lead_unit_id', 'c.code as category'])
    .where('t.created_by', 'is not', null);
  if (filter.period) q = q.where('t.created_at', '>=', filter.period.fromAt).where('t.created_at', '<', filter.period.toAt);
  if (filter.agentId !== undefined) q = q.where('t.created_by', '=', filter.agentId);
  if (filter.ticketId !== undefined) q = q.where('t.id', '=', filter.ticketId);
  const tickets = await q.orderBy('t.id').execute();
  const ids = tickets.map((t) => Number(t.id));
  const intake = new Map<number, string | null>();
  const dispatched = new Map<number, string>();
  const transcripts = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const events = await db.selectFrom('events').select(['ticket_id', 'action', 'to_status', 'at']).where('ticket_id', 'in', chunk).where('action', 'in', ['intake', 'dispatch']).orderBy('id').execute();
    for (const e of events) {
      const id = Number(e.ticket_id);
      if (e.action === 'intake' && !intake.has(id)) intake.set(id, e.to_status);
      if (e.action === 'dispatch' && !dispatched.has(id)) dispatched.set(id, e.at);
    }
    const ts = await db.selectFrom('qc_transcripts').select(['ticket_id', 'content']).where('ticket_id', 'in', chunk).execute();
    for (const t of ts) transcripts.set(Number(t.ticket_id), t.content);
  }
  const cfg = configOf(ctx);
  const now = ctx.clock.now();
  return tickets.map((t) => {
    const id = Number(t.id);
    const record: QcTicket = {
      type: t.type,
      categoryCode: t.category,
      facts: t.facts,
      address: t.address,
      requesterPhone: t.requester_phone,
      dispatched: dispatched.has(id) || t.lead_unit_id !== null,
      pendingFirst: intake.get(id) === 'pending_dispatch',
      createdAt: t.created_at,
      dispatchedAt: dispatched.get(id) ?? null,
      stillPending: t.status === 'pending_dispatch',
      now,
      transcript: transcripts.get(id) ?? null,
    };
    const { score, hits } = checkTicket(record, cfg);
    return { id, no: t.no, agentId: Number(t.created_by), createdAt: t.created_at, score, hits, hasTranscript: transcripts.has(id) };
  });
}

async function usersById(ctx: AppContext, ids: number[]) {
  const out = new Map<number, { id: number; username: string; name: string; role: string }>();
  if (!ids.length) return out;
  const rows = await ctx.store.db.selectFrom('users').select(['id', 'username', 'display_name', 'role']).where('id', 'in', ids).execute();
  for (const r of rows) out.set(Number(r.id), { id: Number(r.id), username: r.username, name: r.display_name, role: r.role });
  return out;
}

/** Whose tickets the caller may look at: everyone's, or only their own (an agent). */
async function scopeAgent(ctx: AppContext, actor: Actor, username: unknown): Promise<number | undefined> {
  if (username !== undefined && username !== '') {
    if (typeof username !== 'string') throw invalid('agent', '「话务员」应为用户名');
    const user = await ctx.store.db.selectFrom('users').select(['id']).where('username', '=', username).executeTakeFirst();
    if (!seesAll(actor) && (!user || Number(user.id) !== actor.userId)) throw forbidden('话务员只能查看本人的质检结果');
    if (!user) throw invalid('agent', `话务员 ${username} 不存在`);
    return Number(user.id);
  }
  return seesAll(actor) ? undefined : actor.userId;
}

const countHits = (list: Checked[]) => {
  const out: Record<string, number> = {};
  for (const t of list) for (const h of t.hits) out[h.rule] = (out[h.rule] ?? 0) + 1;
  return out;
};

export function ruleTable(ctx: AppContext) {
  const cfg = configOf(ctx);
  return {
    rules: QC_RULES.map((r) => ({ key: r.key, label: r.label, weight: r.weight, article31: r.article31 ?? null, caseLabel: r.article31 ? CASE_KINDS[r.article31] : null })),
    shifts: cfg.shifts,
    dispatchLimitMinutes: cfg.dispatchLimitMinutes,
    minFactsLength: cfg.minFactsLength,
  };
}

/** Scores per agent, per shift and per shift worked (date + shift) for the period. */
export async function agentScores(ctx: AppContext, actor: Actor, query: { from?: string; to?: string; agent?: string }) {
  const p = period(query, ctx.clock.now());
  const agentId = await scopeAgent(ctx, actor, query.agent);
  const checked = await checkedTickets(ctx, { period: p, agentId });
  const users = await usersById(ctx, [...new Set(checked.map((t) => t.agentId))]);
  const shifts = configOf(ctx).shifts;
  const byAgent = new Map<number, Checked[]>();
  const byShift = new Map<string, Checked[]>();
  const byShiftDay = new Map<string, Checked[]>();
  for (const t of checked) {
    byAgent.set(t.agentId, [...(byAgent.get(t.agentId) ?? []), t]);
    const s = shiftOf(t.createdAt, shifts);
    const code = s?.code ?? 'none';
    byShift.set(code, [...(byShift.get(code) ?? []), t]);
    const key = `${s?.date ?? ''}|${code}`;
    byShiftDay.set(key, [...(byShiftDay.get(key) ?? []), t]);
  }
  const nameOf = (code: string) => shifts.find((s) => s.code === code)?.name ?? '未排班时段';
  return {
    from: p.from,
    to: p.to,
    ...ruleTable(ctx),
    agents: [...byAgent.entries()]
      .map(([id, list]) => ({ agent: users.get(id) ?? { id, username: String(id), name: String(id), role: '' }, tickets: list.length, score: meanScore(list.map((t) => t.score)), hits: countHits(list), cases: list.reduce((n, t) => n + t.hits.filter((h) => h.article31).length, 0) }))
      .sort((a, b) => (a.score ?? 0) - (b.score ?? 0) || a.agent.username.localeCompare(b.agent.username)),
    shiftScores: shifts
      .map((s) => s.code)
      .concat(byShift.has('none') ? ['none'] : [])
      .map((code) => {
        const list = byShift.get(code) ?? [];
        return { code, name: nameOf(code), tickets: list.length, score: meanScore(list.map((t) => t.score)), hits: countHits(list) };
      }),
    shiftsWorked: [...byShiftDay.entries()]
      .map(([key, list]) => {
        const [date, code] = key.split('|');
        const agents = [...new Set(list.map((t) => t.agentId))].map((id) => users.get(id)?.name ?? String(id));
        return { date, code, name: nameOf(code), tickets: list.length, score: meanScore(list.map((t) => t.score)), agents };
      })
      .sort((a, b) => (a.date === b.date ? a.code.localeCompare(b.code) : b.date.localeCompare(a.date))),
  };
}

const STATUSES = ['open', 'confirmed', 'dismissed', 'all'] as const;

/** The 第三十一条(一) cases of the period with the team lead's decisions. */
export async function listCases(ctx: AppContext, actor: Actor, query: { from?: string; to?: string; agent?: string; status?: string }) {
  const p = period(query, ctx.clock.now());
  const status = query.status ?? 'all';
  if (!(STATUSES as readonly string[]).includes(status)) throw invalid('status', `「处理状态」取值无效，可选值：${STATUSES.join('、')}`);
  const agentId = await scopeAgent(ctx, actor, query.agent);
  const checked = (await checkedTickets(ctx, { period: p, agentId })).filter((t) => t.hits.some((h) => h.article31));
  const users = await usersById(ctx, [...new Set(checked.map((t) => t.agentId))]);
  const decisions = await decisionsFor(ctx, checked.map((t) => t.id));
  const items = checked.flatMap((t) =>
    t.hits
      .filter((h) => h.article31)
      .map((h) => {
        const d = decisions.get(`${t.id}|${h.rule}`);
        return {
          key: `${t.no}|${h.rule}`,
          ticketNo: t.no,
          rule: h.rule,
          label: h.label,
          kind: h.article31!,
          kindLabel: CASE_KINDS[h.article31!],
          detail: h.detail,
          agent: users.get(t.agentId) ?? null,
          recordedAt: formatShanghai(t.createdAt),
          status: d ? d.decision : 'open',
          note: d?.note ?? null,
          decidedBy: d?.by ?? null,
          decidedAt: d ? formatShanghai(d.at) : null,
        };
      }),
  );
  return { from: p.from, to: p.to, items: items.filter((i) => status === 'all' || i.status === status) };
}

async function decisionsFor(ctx: AppContext, ticketIds: number[]) {
  const out = new Map<string, { decision: string; note: string; by: string | null; at: string }>();
  for (let i = 0; i < ticketIds.length; i += 500) {
    const rows = await ctx.store.db
      .selectFrom('qc_case_decisions as d')
      .leftJoin('users as u', 'u.id', 'd.decided_by')
      .select(['d.ticket_id', 'd.rule', 'd.decision', 'd.note', 'd.decided_at', 'u.display_name'])
      .where('d.ticket_id', 'in', ticketIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(`${Number(r.ticket_id)}|${r.rule}`, { decision: r.decision, note: r.note, by: r.display_name, at: r.decided_at });
  }
  return out;
}

async function ticketFor(ctx: AppContext, actor: Actor, no: unknown) {
  if (typeof no !== 'string' || !no) throw invalid('ticketNo', '缺少必填字段「工单编号」');
  const t = await ticketNumbered(ctx.store.db, no).select(['id', 'no', 'created_by']).executeTakeFirst();
  // An agent never learns about another agent's tickets here.
  if (!t || (!seesAll(actor) && Number(t.created_by) !== actor.userId)) throw notFound(`工单 ${no} 不存在`);
  return { id: Number(t.id), no: t.no, agentId: t.created_by === null ? null : Number(t.created_by) };
}

/** One ticket's QC: score, hits and decisions (an agent: own tickets only). */
export async function ticketQc(ctx: AppContext, actor: Actor, no: string) {
  const t = await ticketFor(ctx, actor, no);
  const [checked] = await checkedTickets(ctx, { ticketId: t.id });
  if (!checked) throw notFound(`工单 ${no} 没有话务员受理记录`);
  const decisions = await decisionsFor(ctx, [t.id]);
  const transcript = await ctx.store.db.selectFrom('qc_transcripts').select(['content', 'attached_at']).where('ticket_id', '=', t.id).executeTakeFirst();
  return {
    ticketNo: t.no,
    score: checked.score,
    hits: checked.hits.map((h) => ({ ...h, decision: decisions.get(`${t.id}|${h.rule}`)?.decision ?? (h.article31 ? 'open' : null) })),
    transcript: transcript ? { content: transcript.content, attachedAt: formatShanghai(transcript.attached_at) } : null,
  };
}

export async function decideCase(ctx: AppContext, actor: Actor, raw: unknown) {
  const body = asBody(raw);
  onlyFields(body, ['ticketNo', 'rule', 'decision', 'note']);
  const t = await ticketFor(ctx, actor, body.ticketNo);
  const rule = QC_RULES.find((r) => r.key === body.rule && r.article31);
  if (!rule) throw invalid('rule', `「质检规则」取值无效，可选值：${QC_RULES.filter((r) => r.article31).map((r) => r.key).join('、')}`);
  if (body.decision !== 'confirmed' && body.decision !== 'dismissed') throw invalid('decision', '「决定」取值无效，可选值：confirmed（确认通报）、dismissed（不予认定）');
  const note = requiredText(body, 'note', '说明', 1000);
  const [checked] = await checkedTickets(ctx, { ticketId: t.id });
  if (!checked?.hits.some((h) => h.rule === rule.key)) throw conflict(`工单 ${t.no} 未触发「${rule.label}」`);
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const existing = await tx.selectFrom('qc_case_decisions').select('decision').where('ticket_id', '=', t.id).where('rule', '=', rule.key).executeTakeFirst();
    if (existing) throw conflict('该质检案例已处理，不能重复处理');
    await tx.insertInto('qc_case_decisions').values({ ticket_id: t.id, rule: rule.key, agent_id: t.agentId, decision: body.decision as string, note, decided_by: actor.userId, decided_at: now }).execute();
    await writeEvent(tx, actor, now, { ticketId: t.id, action: body.decision === 'confirmed' ? 'qc_case_confirmed' : 'qc_case_dismissed', detail: { rule: rule.key, agent: t.agentId } });
    return { ticketNo: t.no, rule: rule.key, decision: body.decision, note, decidedAt: formatShanghai(now) };
  });
}

export async function attachTranscript(ctx: AppContext, actor: Actor, raw: unknown) {
  const body = asBody(raw);
  onlyFields(body, ['ticketNo', 'content']);
  const t = await ticketFor(ctx, actor, body.ticketNo);
  const content = requiredText(body, 'content', '通话文本', 50_000);
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const had = await tx.selectFrom('qc_transcripts').select('ticket_id').where('ticket_id', '=', t.id).executeTakeFirst();
    if (had) await tx.updateTable('qc_transcripts').set({ content, attached_by: actor.userId, attached_at: now }).where('ticket_id', '=', t.id).execute();
    else await tx.insertInto('qc_transcripts').values({ ticket_id: t.id, content, attached_by: actor.userId, attached_at: now }).execute();
    await writeEvent(tx, actor, now, { ticketId: t.id, action: 'transcript_attached', detail: { chars: content.length, replaced: !!had } });
    return { ticketNo: t.no, attachedAt: formatShanghai(now), chars: content.length };
  });
}
