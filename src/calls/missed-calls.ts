// 漏接回拨: calls the hotline lost (the caller hung up before an answer, or the call ended unanswered)
// wait here for a call back by the same seats. An agent claims one, records each attempt; reached or
// an invalid number ends it, as does the caller getting through on a later call (ingestion).
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { maskPhone } from '../domain/masking.ts';
import { seesRequesterContact } from '../domain/roles.ts';
import { conflict, forbidden, notFound } from '../server/problem.ts';
import { pagingOf, type PagingQuery } from './paging.ts';

export const ATTEMPT_OUTCOMES = ['reached', 'no_answer', 'busy', 'invalid_number'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
export const ATTEMPT_LABELS: Record<AttemptOutcome | 'called_again', string> = {
  reached: '已联系上',
  no_answer: '无人接听',
  busy: '占线',
  invalid_number: '空号/错号',
  called_again: '来电人已再次来电接通',
};
/** Outcomes that end the call back. */
const FINAL: ReadonlySet<string> = new Set(['reached', 'invalid_number']);

export async function listMissedCalls(ctx: AppContext, actor: Actor, status: 'open' | 'done', query: PagingQuery = {}) {
  const { page, pageSize, offset } = pagingOf(query);
  // Open entries oldest first (the longest waiting is called back first), done ones newest first.
  const order = status === 'open' ? 'asc' : 'desc';
  const base = ctx.store.db
    .selectFrom('missed_calls as m')
    .innerJoin('calls as c', 'c.id', 'm.call_id')
    .where('m.status', status === 'open' ? 'in' : '=', status === 'open' ? ['open', 'claimed'] : 'done');
  const [rows, count] = await Promise.all([
    base
      .select(['m.id', 'm.call_id', 'm.caller', 'm.queue', 'm.missed_at', 'm.status', 'm.claimed_by', 'm.claimed_at', 'm.attempts', 'm.last_outcome', 'm.done_at', 'c.offered_at'])
      .orderBy('m.missed_at', order)
      .orderBy('m.id', order)
      .limit(pageSize)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const full = seesRequesterContact(actor.role);
  const queues = new Map(ctx.city.calls.queues.map((q) => [q.code, q.name]));
  const ids = rows.map((r) => Number(r.id));
  const attempts = ids.length ? await ctx.store.db.selectFrom('missed_call_attempts').select(['missed_call_id', 'agent', 'outcome', 'note', 'at']).where('missed_call_id', 'in', ids).orderBy('id').execute() : [];
  const attemptsOf = new Map<number, ReturnType<typeof attemptView>[]>();
  for (const a of attempts) {
    const list = attemptsOf.get(Number(a.missed_call_id)) ?? [];
    list.push(attemptView(a));
    attemptsOf.set(Number(a.missed_call_id), list);
  }
  return {
    total: Number(count.n),
    page,
    pageSize,
    items: rows.map((r) => ({
      id: Number(r.id),
      callId: Number(r.call_id),
      caller: full ? r.caller : maskPhone(r.caller),
      queue: r.queue,
      queueLabel: queues.get(r.queue) ?? r.queue,
      offeredAt: formatShanghai(r.offered_at),
      abandonedAt: formatShanghai(r.missed_at),
      waitSeconds: Math.round((Date.parse(r.missed_at) - Date.parse(r.offered_at)) / 1000),
      status: r.status,
      claimedBy: r.claimed_by,
      claimedAt: r.claimed_at ? formatShanghai(r.claimed_at) : null,
      attemptCount: r.attempts,
      attempts: attemptsOf.get(Number(r.id)) ?? [],
      lastOutcome: r.last_outcome,
      lastOutcomeLabel: r.last_outcome ? (ATTEMPT_LABELS[r.last_outcome as AttemptOutcome] ?? r.last_outcome) : null,
      doneAt: r.done_at ? formatShanghai(r.done_at) : null,
    })),
  };
}

function attemptView(a: { agent: string; outcome: string; note: string | null; at: string }) {
  return { agent: a.agent, outcome: a.outcome, outcomeLabel: ATTEMPT_LABELS[a.outcome as AttemptOutcome] ?? a.outcome, note: a.note, at: formatShanghai(a.at) };
}

async function loadEntry(ctx: AppContext, id: number) {
  const row = await ctx.store.db.selectFrom('missed_calls').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`漏接记录 ${id} 不存在`);
  return row;
}

export async function claimMissedCall(ctx: AppContext, actor: Actor, id: number) {
  const now = ctx.clock.now();
  await loadEntry(ctx, id);
  await inTransaction(ctx.store.db, async (tx) => {
    const u = await tx.updateTable('missed_calls').set({ status: 'claimed', claimed_by: actor.username, claimed_at: now }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) throw conflict('该漏接来电已被认领或已处理');
    await writeEvent(tx, actor, now, { action: 'missed_call_claim', fromStatus: 'open', toStatus: 'claimed', detail: { missedCallId: id } });
  });
  return entryView(ctx, actor, id);
}

export async function recordAttempt(ctx: AppContext, actor: Actor, id: number, outcome: AttemptOutcome, note: string | undefined) {
  const now = ctx.clock.now();
  const entry = await loadEntry(ctx, id);
  if (entry.status === 'done') throw conflict('该漏接来电已处理完毕');
  if (entry.status === 'open') throw conflict('请先认领该漏接来电再回拨');
  if (entry.claimed_by !== actor.username && actor.role === 'agent') throw forbidden('该漏接来电由其他坐席回拨');
  await inTransaction(ctx.store.db, async (tx) => {
    await tx.insertInto('missed_call_attempts').values({ missed_call_id: id, agent: actor.username, outcome, note: note ?? null, at: now }).execute();
    const done = FINAL.has(outcome);
    await tx
      .updateTable('missed_calls')
      .set({ attempts: entry.attempts + 1, last_outcome: outcome, ...(done ? { status: 'done', done_at: now } : {}) })
      .where('id', '=', id)
      .execute();
    await writeEvent(tx, actor, now, { action: 'missed_call_attempt', fromStatus: entry.status, toStatus: done ? 'done' : entry.status, detail: { missedCallId: id, outcome } });
  });
  return entryView(ctx, actor, id);
}

async function entryView(ctx: AppContext, actor: Actor, id: number) {
  const row = await loadEntry(ctx, id);
  const attempts = await ctx.store.db.selectFrom('missed_call_attempts').select(['agent', 'outcome', 'note', 'at']).where('missed_call_id', '=', id).orderBy('id').execute();
  return {
    id: Number(row.id),
    callId: Number(row.call_id),
    caller: seesRequesterContact(actor.role) ? row.caller : maskPhone(row.caller),
    queue: row.queue,
    abandonedAt: formatShanghai(row.missed_at),
    status: row.status,
    claimedBy: row.claimed_by,
    attemptCount: row.attempts,
    attempts: attempts.map(attemptView),
    doneAt: row.done_at ? formatShanghai(row.done_at) : null,
  };
}
