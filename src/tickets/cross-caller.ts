// Likely duplicates across callers and 并单 (国办函〔2025〕66号): neighbours reporting one event (same
// category, same place, similar facts, within the city's window) are shown at intake and, as groups,
// on the centre's desk; the centre merges a group into one main ticket. The merged tickets close as
// 已并单 with their open duties cancelled (the evaluation counts a cancelled duty only when it was
// already overdue, src/evaluation/counts.ts), and every caller is told by SMS at the merge and again
// when the main ticket's reply is accepted (notifyMergedCallers).
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Db, Tx } from '../store/db.ts';
import { inTransaction } from '../store/db.ts';
import { OPEN_STATUSES, STATUS_LABELS, type TicketStatus } from '../domain/ticket-states.ts';
import { crossCallerScore, type MatterForComparison } from '../domain/similarity.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { indexTokens } from '../knowledge/segment.ts';
import { invalid } from '../server/problem.ts';
import { writeEvent } from '../audit/events.ts';
import { enqueue } from '../outbox/outbox.ts';
import { cancelOpenDuties, refreshTicketDue } from './duties.ts';
import { lockTicket, type TicketRow } from './model.ts';

/** States a ticket may be merged from: not while a return, dispute, approval or review is pending. */
export const MERGEABLE: readonly TicketStatus[] = ['pending_dispatch', 'dispatched', 'in_progress'];
export const MERGE_GROUP_MAX = 50;

type Row = Pick<TicketRow, 'id' | 'no' | 'status' | 'created_at' | 'facts' | 'category_id' | 'district_unit_id' | 'address' | 'requester_phone_hash'>;
const COLUMNS = ['id', 'no', 'status', 'created_at', 'facts', 'category_id', 'district_unit_id', 'address', 'requester_phone_hash'] as const;

const matter = (r: Row): MatterForComparison => ({ categoryId: r.category_id, districtId: r.district_unit_id, address: r.address, words: indexTokens(r.facts) });

export interface CrossCallerCandidate {
  no: string;
  status: string;
  createdAt: string;
  similarity: number;
  facts: string;
  otherCaller: true;
}

async function recentOpen(ctx: AppContext, db: Db | Tx, categoryId: number | null, limit: number): Promise<Row[]> {
  const since = new Date(Date.parse(ctx.clock.now()) - ctx.city.crossCaller.windowDays * 86_400_000).toISOString();
  return db
    .selectFrom('tickets')
    .select([...COLUMNS])
    .where('created_at', '>=', since)
    .where('status', 'in', [...OPEN_STATUSES])
    .$if(categoryId != null, (q) => q.where('category_id', '=', categoryId!))
    .$if(categoryId == null, (q) => q.where('category_id', 'is not', null))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute() as Promise<Row[]>;
}

/** Other callers' open tickets that look like the same event as the matter being recorded. */
export async function findCrossCaller(
  ctx: AppContext,
  db: Db | Tx,
  q: { phone?: string | null; facts: string; categoryId: number | null; districtId?: number | null; address?: string | null },
): Promise<CrossCallerCandidate[]> {
  if (q.categoryId == null) return [];
  const own = q.phone ? ctx.store.crypto.phoneLookupHash(q.phone) : null;
  const me: MatterForComparison = { categoryId: q.categoryId, districtId: q.districtId ?? null, address: q.address || null, words: indexTokens(q.facts) };
  const rows = await recentOpen(ctx, db, q.categoryId, 300);
  return rows
    .filter((r) => !own || r.requester_phone_hash !== own)
    .map((r) => ({ r, score: crossCallerScore(me, matter(r), ctx.city.crossCaller) }))
    .filter((x): x is { r: Row; score: number } => x.score !== null)
    .sort((a, b) => b.score - a.score)
    .slice(0, 10)
    .map(({ r, score }) => ({ no: r.no, status: r.status, createdAt: formatShanghai(r.created_at), similarity: score, facts: r.facts, otherCaller: true as const }));
}

/** The centre's list: groups of open tickets from two or more callers that look like one event. */
export async function duplicateGroups(ctx: AppContext) {
  const rows = await recentOpen(ctx, ctx.store.db, null, 2000);
  const distinct = await ctx.store.db.selectFrom('ticket_links').select(['ticket_id', 'other_ticket_id']).where('kind', '=', 'distinct_from').execute();
  const ruledOut = new Set(distinct.map((d) => `${Number(d.ticket_id)}:${Number(d.other_ticket_id)}`));
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  const best = new Map<number, number>();
  const byCategory = new Map<number, Array<{ row: Row; m: MatterForComparison }>>();
  for (const r of rows) {
    parent.set(r.id, r.id);
    const list = byCategory.get(r.category_id!) ?? [];
    list.push({ row: r, m: matter(r) });
    byCategory.set(r.category_id!, list);
  }
  for (const list of byCategory.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!.row;
        const b = list[j]!.row;
        if (a.requester_phone_hash && a.requester_phone_hash === b.requester_phone_hash) continue;
        if (ruledOut.has(`${a.id}:${b.id}`) || ruledOut.has(`${b.id}:${a.id}`)) continue;
        const s = crossCallerScore(list[i]!.m, list[j]!.m, ctx.city.crossCaller);
        if (s === null) continue;
        const ra = find(a.id);
        const rb = find(b.id);
        if (ra !== rb) parent.set(ra, rb);
        for (const id of [a.id, b.id]) best.set(id, Math.max(best.get(id) ?? 0, s));
      }
    }
  }
  const groups = new Map<number, Row[]>();
  for (const r of rows) {
    if (!best.has(r.id)) continue;
    const root = find(r.id);
    groups.set(root, [...(groups.get(root) ?? []), r]);
  }
  const categories = new Map((await ctx.store.db.selectFrom('categories').select(['id', 'name']).execute()).map((c) => [c.id, c.name]));
  return {
    items: [...groups.values()]
      .map((g) => {
        const sorted = [...g].sort((a, b) => a.created_at.localeCompare(b.created_at));
        return {
          category: categories.get(sorted[0]!.category_id!) ?? null,
          callers: new Set(sorted.map((r) => r.requester_phone_hash ?? `#${r.id}`)).size,
          score: Math.max(...sorted.map((r) => best.get(r.id) ?? 0)),
          tickets: sorted.map((r) => ({ no: r.no, status: r.status, statusLabel: STATUS_LABELS[r.status as TicketStatus], createdAt: formatShanghai(r.created_at), facts: r.facts.length > 120 ? `${r.facts.slice(0, 120)}…` : r.facts, address: r.address, mergeable: MERGEABLE.includes(r.status as TicketStatus) })),
        };
      })
      .sort((a, b) => b.tickets.length - a.tickets.length || b.score - a.score),
  };
}

export interface MergeGroupRequest {
  mainNo: string;
  nos: string[];
  note?: string;
}

export const mergeGroupSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['mainNo', 'nos'],
  properties: {
    mainNo: { type: 'string', pattern: '^[A-Z]{2,8}[0-9]{14}$' },
    nos: { type: 'array', minItems: 1, maxItems: MERGE_GROUP_MAX, items: { type: 'string', pattern: '^[A-Z]{2,8}[0-9]{14}$' } },
    note: { type: 'string', minLength: 0, maxLength: 1000 },
  },
};

/**
 * 并单 of many callers' tickets into one main ticket, in one transaction: all or nothing. A ticket
 * already holding merged tickets hands them on to the main one, so every caller stays reachable.
 */
export async function mergeGroup(ctx: AppContext, actor: Actor, req: MergeGroupRequest) {
  const nos = [...new Set(req.nos)];
  if (nos.length !== req.nos.length) throw invalid('nos', '并单的工单编号（nos）有重复');
  if (nos.includes(req.mainNo)) throw invalid('nos', `主工单 ${req.mainNo} 不能同时作为被并工单`);
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const main = await lockTicket(ctx, tx, req.mainNo).catch(() => {
      throw invalid('mainNo', `主工单 ${req.mainNo} 不存在`);
    });
    if (!OPEN_STATUSES.includes(main.status as TicketStatus)) throw invalid('mainNo', `主工单 ${main.no} 状态为「${STATUS_LABELS[main.status as TicketStatus]}」，已办结的工单不能作为并单主工单`);
    const merged: TicketRow[] = [];
    for (const no of nos) {
      const t = await lockTicket(ctx, tx, no).catch(() => {
        throw invalid('nos', `被并工单 ${no} 不存在`);
      });
      if (!MERGEABLE.includes(t.status as TicketStatus)) throw invalid('nos', `工单 ${no} 状态为「${STATUS_LABELS[t.status as TicketStatus]}」，只有待派单、待签收、办理中的工单可以并单`);
      merged.push(t);
    }
    for (const t of merged) {
      await cancelOpenDuties(tx, t.id, now);
      await tx.updateTable('tickets').set({ status: 'merged', merged_into_id: main.id, closed_at: now, updated_at: now, resolution: 'merged', resolution_note: main.no }).where('id', '=', t.id).execute();
      // Tickets merged into this one earlier follow it to the main ticket.
      await tx.updateTable('tickets').set({ merged_into_id: main.id }).where('merged_into_id', '=', t.id).execute();
      await tx.insertInto('ticket_links').values({ ticket_id: t.id, other_ticket_id: main.id, kind: 'merged_into', note: req.note ?? null, created_at: now }).execute();
      await writeEvent(tx, actor, now, { ticketId: t.id, action: 'merge', fromStatus: t.status, toStatus: 'merged', detail: { into: main.no, group: true } });
      await refreshTicketDue(tx, t.id);
      if (t.requester_phone) await enqueue(tx, 'sms', { to: t.requester_phone, template: 'merge_notice', params: { ticketNo: t.no, mainNo: main.no } }, now);
      const unit = t.lead_unit_id && t.lead_unit_id !== main.lead_unit_id ? ctx.org.get(t.lead_unit_id) : undefined;
      if (unit?.smsPhone) await enqueue(tx, 'sms', { to: unit.smsPhone, template: 'supervision', params: { ticketNo: t.no, matter: `已并入工单 ${main.no} 办理，本单不再办理` } }, now);
    }
    await tx.updateTable('tickets').set((eb) => ({ repeat_count: eb('repeat_count', '+', merged.length), updated_at: now })).where('id', '=', main.id).execute();
    await writeEvent(tx, actor, now, { ticketId: main.id, action: 'merged_in', fromStatus: main.status, toStatus: main.status, detail: { from: merged.map((t) => t.no), group: true } });
    return { mainNo: main.no, merged: merged.map((t) => t.no) };
  });
}

/**
 * 并单 callers are answered too: when the main ticket's reply is accepted, each merged ticket's
 * requester gets the result by SMS (in the same transaction as the review).
 */
export async function notifyMergedCallers(tx: Tx, main: Pick<TicketRow, 'id' | 'no'>, reply: string | null, now: string): Promise<number> {
  const rows = await tx.selectFrom('tickets').select(['no', 'requester_phone']).where('merged_into_id', '=', main.id).execute();
  const summary = reply ? (reply.length > 60 ? `${reply.slice(0, 60)}…` : reply) : '已办理';
  let n = 0;
  for (const r of rows) {
    if (!r.requester_phone) continue;
    await enqueue(tx, 'sms', { to: r.requester_phone, template: 'merged_reply', params: { ticketNo: r.no, mainNo: main.no, result: summary } }, now);
    n++;
  }
  return n;
}
