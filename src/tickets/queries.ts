// Reading tickets: one ticket with everything about it, the filtered list, and the timeline.
import { sql, type ExpressionBuilder } from 'kysely';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Database } from '../store/schema.ts';
import { isUnitRole, seesRequesterContact } from '../domain/roles.ts';
import { callOfTicket } from '../calls/records.ts';
import { ACTION_RULES, FINISHED_STATUSES, STATUS_LABELS, actionsFor, type TicketStatus } from '../domain/ticket-states.ts';
import { invalid } from '../server/problem.ts';
import { refusedTicketRead } from '../audit/refusals.ts';
import { computeDeadline, formatShanghai } from '../domain/deadline.ts';
import { at, dutyView, eventActorView, freeTextFor, maskDetail, requesterView, ticketSummary, unitRef, worstLight } from './view.ts';
import { ticketNumbered, unitCanSee, type DutyRow, type TicketRow } from './model.ts';
import { QUEUES, WORKBENCH, queueCondition, unitLimit, unitTicketIds, withDutyOf, withOpenDuty, type Queue } from './queues.ts';
import { REVIEW_ACTION_LABELS } from '../domain/ratings.ts';
import { maskText } from '../domain/masking.ts';
import type { Role } from '../domain/roles.ts';
import type { TicketDetail, TicketEvent } from './contract.ts';
import { archivedTicketEvents } from '../audit/archive-records.ts';
import { assigneesOf } from './owner-actions.ts';
import { attachmentsOfTicket } from './attachments.ts';

/** The Chinese name of a timeline entry: a ticket action's label, or one of the entries below. */
export function eventActionLabel(action: string): string {
  return (ACTION_RULES as Record<string, { label: string }>)[action]?.label ?? TIMELINE_LABELS[action] ?? action;
}

/** Timeline entries that are not ticket actions of ACTION_RULES: intake, merges, supervision. */
const TIMELINE_LABELS: Record<string, string> = {
  intake: '受理',
  merged_in: '并入重复诉求',
  supervise: '督办',
  supervision_reply: '督办回复',
  supervision_close: '督办办结',
  supervision_send_back: '督办退回',
  deadline_warning: '临期预警',
  deadline_escalation: '超期升级',
  rating: '网上评价',
  open311_comment: '外部系统转来诉求人补充',
  transfer_update: '上级平台更新转办内容',
  rating_bad: '差评待核实',
  ...Object.fromEntries(Object.entries(REVIEW_ACTION_LABELS).map(([action, label]) => [`rating_${action}`, `差评${label}`])),
};

/** Parts of a ticket its caller knows to be empty (a ticket it has just created), not read again. */
export type TicketPart = 'submissions' | 'requests' | 'callbacks' | 'links' | 'email' | 'comments' | 'assignees';

export async function getTicket(ctx: AppContext, actor: Actor, no: string, known: { empty?: ReadonlyArray<TicketPart> } = {}) {
  const empty = new Set(known.empty ?? []);
  const none = <T,>(part: TicketPart, read: () => Promise<T>, nothing: T): Promise<T> => (empty.has(part) ? Promise.resolve(nothing) : read());
  const db = ctx.store.db;
  const t = await ticketNumbered(db, no).selectAll().executeTakeFirst();
  if (!t || !(await unitCanSee(db, actor, t.id))) throw await refusedTicketRead(ctx, actor, no, !!t);
  const now = ctx.clock.now();
  const [duties, submissions, requests, callbacks, links, category, email, comments, attachments] = await Promise.all([
    db.selectFrom('duties').selectAll().where('ticket_id', '=', t.id).orderBy('id').execute(),
    none('submissions', () => db.selectFrom('submissions').selectAll().where('ticket_id', '=', t.id).orderBy('id').execute(), []),
    none('requests', () => db.selectFrom('unit_requests').selectAll().where('ticket_id', '=', t.id).orderBy('id').execute(), []),
    none('callbacks', () => db.selectFrom('callbacks').selectAll().where('ticket_id', '=', t.id).orderBy('id').execute(), []),
    none(
      'links',
      () =>
        db
          .selectFrom('ticket_links as l')
          .innerJoin('tickets as o', (j) => j.on((eb) => eb.or([eb('o.id', '=', eb.ref('l.other_ticket_id')), eb('o.id', '=', eb.ref('l.ticket_id'))])))
          .select(['l.kind', 'l.ticket_id', 'o.id as other_id', 'o.no', 'o.status'])
          .where((eb) => eb.or([eb('l.ticket_id', '=', t.id), eb('l.other_ticket_id', '=', t.id)]))
          .where('o.id', '!=', t.id)
          .execute(),
      [],
    ),
    t.category_id ? db.selectFrom('categories').select(['code', 'name']).where('id', '=', t.category_id).executeTakeFirst() : undefined,
    none('email', () => db.selectFrom('requester_emails').select('email').where('ticket_id', '=', t.id).executeTakeFirst(), undefined),
    none('comments', () => db.selectFrom('open311_updates').select(['id', 'created_at', 'description', 'status']).where('ticket_id', '=', t.id).orderBy('id').execute(), []),
    // Files ride on submissions: a ticket known to have none has none.
    none('submissions', () => attachmentsOfTicket(db, t.id, t.no), []),
  ]);
  const visibleLinks = isUnitRole(actor.role) ? [] : links;
  // A direct answer records the knowledge-base article it was given from (its id in reason_code).
  const articleIds = submissions.filter((s) => s.kind === 'direct_answer' && s.reason_code && /^\d+$/.test(s.reason_code)).map((s) => Number(s.reason_code));
  const articles = articleIds.length ? await db.selectFrom('kb_articles').select(['id', 'title']).where('id', 'in', articleIds).execute() : [];
  const text = freeTextFor(t, actor);
  const assignees = empty.has('assignees') ? [] : ((await assigneesOf(ctx, actor, [t.id])).get(t.id) ?? []);
  const detail: TicketDetail = {
    ...ticketSummary(ctx, t, actor, worstLight(duties, now), category?.name ?? null),
    assignees,
    facts: text(t.facts) ?? '',
    origin: t.origin,
    externalId: t.external_id,
    categoryCode: category?.code ?? null,
    requester: requesterView({ ...t, requester_email: email?.email ?? null }, actor),
    // What the requester added later through an Open311 client (FixMyStreet's servicerequestupdates).
    comments: comments.map((c) => ({ id: Number(c.id), at: formatShanghai(c.created_at), text: c.description, clientStatus: c.status })),
    address: t.address,
    district: unitRef(ctx, t.district_unit_id),
    round: t.round,
    satisfaction: t.satisfaction,
    resolution: t.resolution,
    resolutionNote: t.resolution_note,
    repeatCount: t.repeat_count,
    callId: t.call_id,
    call: await callOfTicket(db, t.call_id, seesRequesterContact(actor.role)),
    updatedAt: formatShanghai(t.updated_at),
    closedAt: at(t.closed_at),
    duties: duties.map((d) => dutyView(ctx, d, now)),
    submissions: submissions.map((s) => ({
      id: Number(s.id),
      unit: unitRef(ctx, s.unit_id),
      kind: s.kind,
      round: s.round,
      content: text(s.content),
      reasonCode: s.reason_code,
      article: s.kind === 'direct_answer' ? (articles.find((a) => String(a.id) === s.reason_code) ?? null) : null,
      approval: s.approval,
      /** The centre's 反馈审核 of a reply: pending | accepted | rejected. */
      review: s.review,
      createdAt: formatShanghai(s.created_at),
      attachments: attachments.filter((a) => a.submissionId === Number(s.id)).map(({ submissionId: _s, ...a }) => a),
    })),
    requests: requests.map((r) => ({
      kind: r.kind,
      unit: unitRef(ctx, r.unit_id),
      reason: text(r.reason),
      basis: text(r.basis),
      suggestedUnit: unitRef(ctx, r.suggested_unit_id),
      amount: r.amount,
      signedBy: r.signed_by,
      status: r.status,
      late: !!r.late,
      improper: !!r.improper,
      requestedAt: formatShanghai(r.requested_at),
      decidedAt: at(r.decided_at),
      decisionNote: text(r.decision_note),
      designatedUnit: unitRef(ctx, r.designated_unit_id),
    })),
    callbacks: callbacks.map((c) => ({
      round: c.round,
      reached: !!c.reached,
      satisfaction: c.satisfaction,
      words: text(c.requester_words),
      reasonable: c.reasonable == null ? null : !!c.reasonable,
      createdAt: formatShanghai(c.created_at),
    })),
    links: visibleLinks.map((l) => ({ kind: l.ticket_id === t.id ? l.kind : `${l.kind}:reverse`, no: l.no, status: l.status })),
    actions: allowedActions(ctx, actor, t, duties, new Set(requests.filter((r) => r.status === 'pending').map((r) => r.kind)), now),
  };
  return detail;
}

/**
 * The answer to a committed action: the ticket as the user now sees it, or, when the action took it
 * out of the user's units, only its number and state (never a 404 for a change that was made).
 */
export async function ticketAfterAction(ctx: AppContext, actor: Actor, no: string, status: TicketStatus) {
  const t = await ticketNumbered(ctx.store.db, no).select(['id']).executeTakeFirst();
  if (t && (await unitCanSee(ctx.store.db, actor, t.id))) return getTicket(ctx, actor, no);
  return { no, status, statusLabel: STATUS_LABELS[status], visible: false, actions: [] as string[] };
}

/** Exactly the actions this viewer may take now (the console shows these and no others). */
function allowedActions(ctx: AppContext, actor: Actor, t: TicketRow, duties: DutyRow[], pending: Set<string>, now: string): string[] {
  const scope = new Set(actor.unitScope ?? []);
  const unitRole = isUnitRole(actor.role);
  const current = duties.filter((d) => d.round === t.round);
  const mine = unitRole ? current.filter((d) => scope.has(d.unit_id ?? -1) || scope.has(d.handler_unit_id ?? -1)) : current;
  const open = (kind: string, party?: string) => mine.some((d) => d.status === 'open' && d.kind === kind && (!party || d.party === party));
  // The same time rules the actions enforce (第十四条, 第十五条): an extension before the deadline and
  // at most maxExtensions times, a dispute within its window from the dispatch to the lead unit.
  const extendable = () =>
    mine.some((d) => d.status === 'open' && d.kind === 'reply' && d.party === 'lead' && d.extensions < ctx.city.maxExtensions && Date.parse(now) <= Date.parse(d.due_at));
  const disputable = () => {
    const start = mine.filter((d) => d.party === 'lead').map((d) => d.started_at).sort()[0];
    return !!start && Date.parse(now) <= Date.parse(computeDeadline(start, ctx.city.limits['dispute.raise'], ctx.calendar.current()).dueAt);
  };
  const applicable: Partial<Record<string, () => boolean>> = {
    sign: () => open('sign'),
    opinion: () => open('opinion', 'co'),
    first_response: () => open('first_response', 'lead'),
    progress: () => open('progress', 'lead'),
    reply: () => open('reply', 'lead'),
    decline: () => open('reply', 'lead'),
    request_extension: () =>
      extendable() && !pending.has('extension') && (t.type !== 'consultation' || actor.role === 'admin'),
    dispute: disputable,
    decide_extension: () => pending.has('extension'),
    decide_return: () => pending.has('return'),
    settle_dispute: () => pending.has('dispute'),
    approve_reply: () => mine.some((d) => d.party === 'lead'),
    // A confidential requester's identity is shown to nobody outside the centre; others' only to the
    // unit holding open work on the ticket now (see revealContact).
    reveal_contact: () => !t.confidential && mine.some((d) => d.status === 'open'),
    assign: () => actor.unitId != null && mine.some((d) => d.status === 'open'),
    // Delegation needs a sub-unit below the user's own unit (第九条: down the tree, never sideways).
    delegate: () => {
      const lead = mine.find((d) => d.party === 'lead' && d.unit_id != null);
      return !!lead && actor.unitId != null && ctx.org.subtreeIds(actor.unitId).length > 1;
    },
  };
  return actionsFor(t.status as TicketStatus, actor.role).filter((a) => {
    const need = ACTION_RULES[a].unitDuty;
    if (unitRole && need && need !== 'any' && !mine.some((d) => d.party === need)) return false;
    if (unitRole && need === 'any' && !mine.length && a !== 'reveal_contact') return false;
    return applicable[a]?.() ?? true;
  });
}

export interface ListQuery {
  status?: string;
  unit?: string;
  type?: string;
  light?: 'red' | 'yellow' | 'green';
  from?: string;
  to?: string;
  q?: string;
  page?: number;
  pageSize?: number;
  sort?: 'due' | 'created';
  queue?: Queue;
}

type TicketEb = ExpressionBuilder<Database & { t: Database['tickets'] }, 't'>;

export async function listTickets(ctx: AppContext, actor: Actor, query: ListQuery) {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;

  // Past its deadline, past its yellow instant, or any open duty (./queues.ts gathers their tickets).
  const lit = (cond: 'red' | 'yellow' | 'any') => (q: any) =>
    cond === 'red' ? q.where('d.due_at', '<', now) : cond === 'yellow' ? q.where('d.yellow_at', '<=', now) : q;
  const withLight = (eb: TicketEb, cond: 'red' | 'yellow' | 'any') => withOpenDuty(eb, ctx.store.capabilities, lit(cond));
  const withoutLight = (eb: TicketEb, cond: 'red' | 'yellow') => eb.not(withOpenDuty(eb, ctx.store.capabilities, lit(cond)));

  let unitFilter: number[] | null = null;
  if (query.unit) {
    const unit = ctx.org.byCodeOrUndefined(query.unit);
    if (!unit) throw invalid('unit', `单位「${query.unit}」不存在`);
    unitFilter = ctx.org.subtreeIds(unit.id);
  }
  const statuses = query.status?.split(',').filter(Boolean);

  const limit = unitLimit(actor);
  // States of unfinished tickets, a queue or a light gather the work in hand, far fewer tickets than
  // a unit's history: the unit's tickets are then checked against them.
  const workInHand = !!((statuses?.length && !statuses.some((st) => FINISHED_STATUSES.includes(st as TicketStatus))) || query.queue || query.light);
  const unitsHow = workInHand ? 'checked' : 'gathered';
  let base = db.selectFrom('tickets as t');
  if (limit) base = base.where((eb) => withDutyOf(eb, ctx.store.capabilities, limit, unitsHow));
  if (unitFilter) base = base.where((eb) => withDutyOf(eb, ctx.store.capabilities, unitFilter!, unitsHow));
  if (statuses?.length) base = base.where('t.status', 'in', statuses);
  if (query.queue) base = base.where((eb) => queueCondition(eb, ctx.store.capabilities, query.queue!, actor, now));
  if (query.type) base = base.where('t.type', '=', query.type);
  if (query.from) base = base.where('t.created_at', '>=', query.from);
  if (query.to) base = base.where('t.created_at', '<', query.to);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // The address is stored sealed, so the search matches the facts (which name the place) and the number only.
    // A role that sees the facts masked cannot search them for a phone or ID number: the hit would
    // confirm whose number it is (a confidential requester's, too); seven digits or more in a row count.
    const personal = !seesRequesterContact(actor.role) && (maskText(query.q) !== query.q || /\d{7,}/.test(query.q.replace(/[\s-]/g, '')));
    base = personal
      ? base.where('t.no', '=', query.q)
      : base.where((eb) => eb.or([eb('t.facts', 'like', sql<string>`${like} escape '\\'`), eb('t.no', '=', query.q!)]));
  }
  if (query.light === 'red') base = base.where((eb) => withLight(eb, 'red'));
  if (query.light === 'yellow') base = base.where((eb) => eb.and([withLight(eb, 'yellow'), withoutLight(eb, 'red')]));
  if (query.light === 'green') base = base.where((eb) => eb.and([withLight(eb, 'any'), withoutLight(eb, 'yellow')]));

  // A unit's whole list, with no other filter, is counted from its duties alone: no ticket is read.
  const onlyUnits = limit && unitFilter ? null : (limit ?? unitFilter);
  const otherFilter = !!(statuses?.length || query.queue || query.light || query.type || query.from || query.to || query.q);
  const totalRow =
    onlyUnits && !otherFilter
      ? await db
          .selectFrom((eb) => unitTicketIds(eb, ctx.store.capabilities, onlyUnits).as('s'))
          .select((eb) => eb.fn.count<number>('s.ticket_id').distinct().as('n'))
          .executeTakeFirst()
      : await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  let rows = base.selectAll('t');
  rows =
    query.sort === 'due'
      ? rows.orderBy(sql`case when t.next_due_at is null then 1 else 0 end`).orderBy('t.next_due_at', 'asc').orderBy('t.id', 'asc')
      : rows.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc');
  const tickets = await rows.limit(pageSize).offset((page - 1) * pageSize).execute();

  const ids = tickets.map((t) => t.id);
  const duties = ids.length
    ? await db.selectFrom('duties').select(['ticket_id', 'due_at', 'yellow_at', 'status']).where('ticket_id', 'in', ids).where('status', '=', 'open').execute()
    : [];
  const categoryIds = [...new Set(tickets.map((t) => t.category_id).filter((id): id is number => id != null))];
  const categories = categoryIds.length ? await db.selectFrom('categories').select(['id', 'name']).where('id', 'in', categoryIds).execute() : [];
  const catName = new Map(categories.map((c) => [c.id, c.name]));
  const assignees = await assigneesOf(ctx, actor, ids);
  return {
    items: tickets.map((t) => ({
      ...ticketSummary(ctx, t, actor, worstLight(duties.filter((d) => d.ticket_id === t.id), now), catName.get(t.category_id ?? -1) ?? null),
      assignees: assignees.get(t.id) ?? [],
    })),
    total: Number(totalRow?.n ?? 0),
    page,
    pageSize,
  };
}

export async function ticketEvents(ctx: AppContext, actor: Actor, no: string): Promise<{ items: TicketEvent[]; archived: Awaited<ReturnType<typeof archivedTicketEvents>> }> {
  const db = ctx.store.db;
  const t = await ticketNumbered(db, no)
    .select(['id', 'requester_kind', 'requester_name', 'requester_phone', 'requester_id_no', 'confidential', 'origin', 'channel', 'external_id'])
    .executeTakeFirst();
  if (!t || !(await unitCanSee(db, actor, t.id))) throw await refusedTicketRead(ctx, actor, no, !!t, 'events');
  // Details hold codes, but also reasons and notes people typed: read through the viewer's masker.
  const text = freeTextFor(t, actor);
  const rows = await db
    .selectFrom('events as e')
    .leftJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.id', 'e.at', 'e.action', 'e.user_id', 'e.role', 'e.unit_id', 'e.from_status', 'e.to_status', 'e.detail', 'u.display_name'])
    .where('e.ticket_id', '=', t.id)
    .orderBy('e.id')
    .execute();
  // Events older than the audit archive's cutoff are no longer in the table: say how many.
  const archived = await archivedTicketEvents(db, t.id);
  // 内部备注 and 承办人: the note's text and the people's names, read from their own tables (the
  // event holds ids only). The viewer already passed the ticket's access check above.
  const noteIds = rows.filter((r) => r.action === 'note').map((r) => noteIdOf(r.detail)).filter((id): id is number => id != null);
  const notes = noteIds.length ? await db.selectFrom('ticket_notes').select(['id', 'body']).where('ticket_id', '=', t.id).where('id', 'in', noteIds).execute() : [];
  const noteText = new Map(notes.map((n) => [Number(n.id), n.body]));
  const assignDetails = rows.filter((r) => r.action === 'assign').map((r) => (r.detail ? (JSON.parse(r.detail) as { assignee?: number; previous?: number | null }) : {}));
  const userIds = [...new Set(assignDetails.flatMap((d) => [d.assignee, d.previous]).filter((id): id is number => typeof id === 'number'))];
  const users = userIds.length ? await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', userIds).execute() : [];
  const userName = new Map(users.map((u) => [u.id, u.display_name]));
  const internal = (action: string, detail: string | null) => {
    if (action === 'note') return { internal: true, note: text(noteText.get(noteIdOf(detail) ?? -1) ?? null) };
    if (action === 'assign' && detail) {
      const d = JSON.parse(detail) as { assignee?: number; previous?: number | null };
      return { internal: true, assignee: userName.get(d.assignee ?? -1) ?? null, previousAssignee: d.previous ? (userName.get(d.previous) ?? null) : null };
    }
    return {};
  };
  const items = rows.map((r) => {
    const detail = r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null;
    const who = eventActorView({ ...r, user_id: r.user_id == null ? null : Number(r.user_id), detail }, t);
    return {
      id: r.id,
      at: formatShanghai(r.at),
      action: r.action,
      actionLabel: eventActionLabel(r.action),
      actor: { name: who.name, role: who.role as Role | null, kind: who.kind, unit: who.kind === 'user' ? unitRef(ctx, r.unit_id) : null },
      fromStatus: r.from_status,
      toStatus: r.to_status,
      detail: detail ? (maskDetail(detail, text) as Record<string, unknown>) : null,
      ...internal(r.action, r.detail),
    };
  });
  return { items, archived };
}

function noteIdOf(detail: string | null): number | null {
  if (!detail) return null;
  const id = (JSON.parse(detail) as { note?: unknown }).note;
  return typeof id === 'number' ? id : null;
}

/** Counts of the viewer's workbench queues (each queue is already limited to a unit user's own duties). */
export async function workbench(ctx: AppContext, actor: Actor) {
  const now = ctx.clock.now();
  const queues = [];
  for (const key of WORKBENCH[actor.role]) {
    const row = await ctx.store.db
      .selectFrom('tickets as t')
      .where((eb) => queueCondition(eb, ctx.store.capabilities, key, actor, now))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    queues.push({ key, label: QUEUES[key], count: Number(row.n) });
  }
  return { queues };
}

/** Tickets per status that the viewer may see (for the list's status tabs). */
export async function statusCounts(ctx: AppContext, actor: Actor, queue?: Queue) {
  const limit = unitLimit(actor);
  const now = ctx.clock.now();
  const rows = await ctx.store.db
    .selectFrom('tickets as t')
    .$if(!!limit, (q) => q.where((eb) => withDutyOf(eb, ctx.store.capabilities, limit!)))
    // The tabs of one queue (我的待办) count that queue's tickets, as its list shows them.
    .$if(!!queue, (q) => q.where((eb) => queueCondition(eb, ctx.store.capabilities, queue!, actor, now)))
    .select(['t.status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('t.status')
    .execute();
  return { counts: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) };
}

/** The requester's earlier tickets, newest first, for the intake desk (agents see full data anyway). */
export async function requesterHistory(ctx: AppContext, actor: Actor, phone: string) {
  const hash = ctx.store.crypto.phoneLookupHash(phone);
  const rows = await ctx.store.db.selectFrom('tickets').selectAll().where('requester_phone_hash', '=', hash).orderBy('created_at', 'desc').limit(20).execute();
  return { items: rows.map((t) => ticketSummary(ctx, t, actor, null, null)) };
}
