// Call records as people read them: the list (one Shanghai day at a time, by index), one call with
// its events, and the screen-pop of the call an agent is on. The caller's number is shown in full only
// to roles that work with requesters (seesRequesterContact); others see 139****1111.
import type { Selectable } from 'kysely';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { CallTable } from '../store/schema-calls.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { maskPhone } from '../domain/masking.ts';
import { seesRequesterContact } from '../domain/roles.ts';
import { OPEN_STATUSES, STATUS_LABELS, type TicketStatus } from '../domain/ticket-states.ts';
import { TICKET_TYPE_LABELS, type TicketType } from '../domain/ticket-types.ts';
import { shanghaiDay } from '../domain/seat-states.ts';
import { invalid, notFound } from '../server/problem.ts';
import { restrictionNow } from './restrictions.ts';
import { instantMs } from './cti-events.ts';

type CallRow = Selectable<CallTable>;

export const CALL_OUTCOMES = ['answered', 'abandoned', 'restricted', 'running', 'other'] as const;
export type CallOutcomeFilter = (typeof CALL_OUTCOMES)[number];

const at = (iso: string | null) => (iso ? formatShanghai(iso) : null);
const seconds = (a: string | null, b: string | null) => (a && b ? Math.max(0, Math.round((Date.parse(b) - Date.parse(a)) / 1000)) : null);

export function callView(ctx: AppContext, c: CallRow, actor: Actor, ticketNo: string | null) {
  const queue = ctx.city.calls.queues.find((q) => q.code === c.queue);
  return {
    id: Number(c.id),
    callId: c.switch_call_id,
    caller: seesRequesterContact(actor.role) ? c.caller : maskPhone(c.caller),
    trunk: c.trunk,
    queue: c.queue,
    queueLabel: queue?.name ?? c.queue,
    agent: c.agent,
    status: c.status,
    outcome: c.outcome,
    offeredAt: formatShanghai(c.offered_at),
    answeredAt: at(c.answered_at),
    abandonedAt: at(c.abandoned_at),
    endedAt: at(c.ended_at),
    waitSeconds: seconds(c.offered_at, c.answered_at ?? c.abandoned_at),
    talkSeconds: c.answered_at ? seconds(c.answered_at, c.ended_at) : null,
    wrapUpSeconds: c.wrap_up_seconds,
    transfer: c.transfer ? (JSON.parse(c.transfer) as { mode: string; target: unknown; at: string }) : null,
    recordingUrl: c.recording_url,
    restricted: !!c.restricted,
    ticketNo,
    ticket: ticketNo ? { no: ticketNo } : null,
  };
}

async function ticketNos(ctx: AppContext, rows: CallRow[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.map((r) => r.ticket_id).filter((x): x is number => x != null).map(Number))];
  if (!ids.length) return new Map();
  const tickets = await ctx.store.db.selectFrom('tickets').select(['id', 'no']).where('id', 'in', ids).execute();
  return new Map(tickets.map((t) => [Number(t.id), t.no]));
}

export interface CallListQuery {
  day?: string;
  queue?: string;
  agent?: string;
  outcome?: CallOutcomeFilter;
  page?: number;
  pageSize?: number;
}

export async function listCalls(ctx: AppContext, actor: Actor, query: CallListQuery) {
  const day = query.day ?? shanghaiDay(ctx.clock.now());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || instantMs(`${day}T00:00:00Z`) === null) throw invalid('day', '字段「日期」应为存在的日期 YYYY-MM-DD');
  if (query.queue && !ctx.city.calls.queues.some((q) => q.code === query.queue)) throw invalid('queue', `队列「${query.queue}」不存在`);
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 50;
  let q = ctx.store.db.selectFrom('calls').where('local_day', '=', day);
  if (query.queue) q = q.where('queue', '=', query.queue);
  if (query.agent) q = q.where('agent', '=', query.agent);
  if (query.outcome === 'running') q = q.where('outcome', 'is', null).where('status', '!=', 'ended');
  else if (query.outcome === 'other') q = q.where('outcome', 'is', null).where('status', '=', 'ended');
  else if (query.outcome) q = q.where('outcome', '=', query.outcome);
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy('offered_at', 'desc').orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const nos = await ticketNos(ctx, rows);
  return { day, total: Number(total.n), page, pageSize, items: rows.map((r) => callView(ctx, r, actor, r.ticket_id == null ? null : (nos.get(Number(r.ticket_id)) ?? null))) };
}

export async function callDetail(ctx: AppContext, actor: Actor, id: number) {
  const row = await ctx.store.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`通话 ${id} 不存在`);
  const [nos, events] = await Promise.all([
    ticketNos(ctx, [row]),
    ctx.store.db.selectFrom('call_events').select(['seq', 'type', 'at', 'received_at', 'payload']).where('switch_id', '=', row.switch_id).where('switch_call_id', '=', row.switch_call_id).orderBy('seq').execute(),
  ]);
  const full = seesRequesterContact(actor.role);
  return {
    ...callView(ctx, row, actor, row.ticket_id == null ? null : (nos.get(Number(row.ticket_id)) ?? null)),
    transcript: row.transcript,
    events: events.map((e) => {
      const p = JSON.parse(e.payload) as Record<string, unknown>;
      return {
        seq: e.seq,
        type: e.type,
        at: formatShanghai(e.at),
        receivedAt: formatShanghai(e.received_at),
        agent: (p.agent as string | undefined) ?? null,
        queue: (p.queue as string | undefined) ?? null,
        ...(p.caller ? { caller: full ? p.caller : maskPhone(p.caller as string) } : {}),
        ...(p.transfer ? { transfer: p.transfer } : {}),
      };
    }),
  };
}

/** The screen-pop: the call, the caller's earlier tickets and open ones, and any restriction of the number. */
export async function screenPop(ctx: AppContext, actor: Actor, callId: number) {
  const row = await ctx.store.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
  if (!row) return null;
  const nos = await ticketNos(ctx, [row]);
  const call = callView(ctx, row, actor, row.ticket_id == null ? null : (nos.get(Number(row.ticket_id)) ?? null));
  if (!row.caller) return { ...call, history: { earlierTickets: 0, openTickets: [] }, restriction: null };
  // Tickets are found by the phone's keyed hash: the phone itself is stored sealed.
  const phoneHash = ctx.store.crypto.phoneLookupHash(row.caller);
  const [count, open, restriction] = await Promise.all([
    ctx.store.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).where('requester_phone_hash', '=', phoneHash).executeTakeFirstOrThrow(),
    ctx.store.db
      .selectFrom('tickets')
      .select(['no', 'status', 'type', 'facts', 'created_at'])
      .where('requester_phone_hash', '=', phoneHash)
      .where('status', 'in', [...OPEN_STATUSES])
      .orderBy('created_at', 'desc')
      .limit(20)
      .execute(),
    restrictionNow(ctx, row.caller),
  ]);
  return {
    ...call,
    history: {
      earlierTickets: Number(count.n),
      openTickets: open.map((t) => ({
        no: t.no,
        status: t.status,
        statusLabel: STATUS_LABELS[t.status as TicketStatus],
        type: t.type,
        typeLabel: TICKET_TYPE_LABELS[t.type as TicketType],
        facts: t.facts.length > 80 ? `${t.facts.slice(0, 80)}…` : t.facts,
        createdAt: formatShanghai(t.created_at),
      })),
    },
    restriction,
  };
}

/** Intake's link: a platform call id names the call the ticket came from (the first ticket stays on the call). */
export async function linkCallToTicket(tx: import('../store/db.ts').Tx, callId: string | undefined, ticketId: number): Promise<boolean> {
  if (!callId || !/^\d{1,15}$/.test(callId)) return true;
  // Conditional update: of two registrations racing for one call, exactly one links it.
  const r = await tx.updateTable('calls').set({ ticket_id: ticketId }).where('id', '=', Number(callId)).where('ticket_id', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The ticket a platform call was already registered as, if any (one ticket per call unless a second matter). */
export async function ticketOfCall(db: import('../store/db.ts').Db | import('../store/db.ts').Tx, callId: string): Promise<string | null> {
  if (!/^\d{1,15}$/.test(callId)) return null;
  const row = await db.selectFrom('calls as c').innerJoin('tickets as t', 't.id', 'c.ticket_id').select('t.no').where('c.id', '=', Number(callId)).executeTakeFirst();
  return row?.no ?? null;
}

/** Whether a platform call id names a call (intake refuses a numeric callId that does not). */
export async function callExists(db: import('../store/db.ts').Db | import('../store/db.ts').Tx, callId: string): Promise<boolean> {
  const row = await db.selectFrom('calls').select('id').where('id', '=', Number(callId)).executeTakeFirst();
  return !!row;
}

/** What the ticket detail shows of its call; the recording (the caller's voice) only to roles that see the contact. */
export async function callOfTicket(db: import('../store/db.ts').Db, callId: string | null, withRecording: boolean): Promise<{ id: number; recordingUrl: string | null } | null> {
  if (!callId || !/^\d{1,15}$/.test(callId)) return null;
  const row = await db.selectFrom('calls').select(['id', 'recording_url']).where('id', '=', Number(callId)).executeTakeFirst();
  return row ? { id: Number(row.id), recordingUrl: withRecording ? row.recording_url : null } : null;
}
