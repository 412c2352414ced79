// CTI ingestion: a batch of switch events in ONE transaction. Each event is stored once per
// (switch, call, sequence number) — a repeat is counted and ignored — and every call the batch
// touched is folded again from all its stored events, so the order of arrival never matters.
// Then: seats follow the calls (answered → busy, ended → wrap-up) and the switch's agent_state
// events; a call offered from a restricted number (第三十二条) is marked and the adapter told; a call
// left unanswered goes to the 漏接回拨 queue.
import type { AppContext } from '../server/context.ts';
import type { Tx } from '../store/db.ts';
import { inTransaction } from '../store/db.ts';
import type { CtiIngestResult, SeatState } from '../domain/call-contract.ts';
import type { CtiEventIn } from './cti-events.ts';
import { foldCall, isMissed, seatEffectsOf, type FoldEvent, type FoldedCall } from '../domain/call-fold.ts';
import { shanghaiDay } from '../domain/seat-states.ts';
import { formatShanghai } from '../domain/deadline.ts';
import type { SeatInput } from '../domain/seat-states.ts';
import { applyInputs, loadSeatsForUpdate, saveSeats, seatRules, type SeatChanges, type StoredSeat } from './seat-store.ts';
import { activeRestrictionsFor, restrictionNotice } from './restrictions.ts';

const CHUNK = 400;

const keyOf = (callId: string, seq: number) => `${callId}\u0000${seq}`;

/** The fields of an event the fold needs, from the stored payload. */
function foldEventOf(e: CtiEventIn): FoldEvent {
  return { seq: e.seq, type: e.type, at: e.at, caller: e.caller, trunk: e.trunk, queue: e.queue, agent: e.agent, transfer: e.transfer, recordingUrl: e.recordingUrl, transcript: e.transcript };
}

/** PostgreSQL's deadlock and serialization failures: the transaction rolled back and may simply run again. */
function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

export async function ingestEvents(ctx: AppContext, switchId: number, events: CtiEventIn[]): Promise<CtiIngestResult> {
  // A batch is idempotent, so a rolled-back attempt is run again rather than refused.
  for (let attempt = 1; ; attempt++) {
    try {
      return await ingestOnce(ctx, switchId, events);
    } catch (err) {
      if (attempt >= 3 || !isRetryable(err)) throw err;
    }
  }
}

async function ingestOnce(ctx: AppContext, switchId: number, events: CtiEventIn[]): Promise<CtiIngestResult> {
  const config = ctx.city.calls;
  // Repeats inside the batch: the first copy stands.
  const distinct = new Map<string, CtiEventIn>();
  for (const e of events) {
    const k = keyOf(e.callId, e.seq);
    if (!distinct.has(k)) distinct.set(k, e);
  }
  const batch = [...distinct.values()];

  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const callIds = [...new Set(batch.filter((e) => e.type !== 'agent_state').map((e) => e.callId))].sort();
    // Two batches with events of one call take turns, so each folds what the other committed.
    await ctx.store.capabilities.transactionLocks(tx, `${switchId}:`, callIds);

    const inserted = new Set<string>();
    for (let i = 0; i < batch.length; i += CHUNK) {
      const rows = await tx
        .insertInto('call_events')
        .values(batch.slice(i, i + CHUNK).map((e) => ({ switch_id: switchId, switch_call_id: e.callId, seq: e.seq, type: e.type, at: e.at, received_at: now, payload: JSON.stringify(e) })))
        .onConflict((oc) => oc.columns(['switch_id', 'switch_call_id', 'seq']).doNothing())
        .returning(['switch_call_id', 'seq'])
        .execute();
      for (const r of rows) inserted.add(keyOf(r.switch_call_id, Number(r.seq)));
    }
    const result: CtiIngestResult = { accepted: inserted.size, duplicates: events.length - inserted.size, restrictions: [] };
    const fresh = batch.filter((e) => inserted.has(keyOf(e.callId, e.seq)));

    // Calls to fold again: those with a new event. Calls whose offer came again are read for the notice.
    const touched = [...new Set(fresh.filter((e) => e.type !== 'agent_state').map((e) => e.callId))];
    const offeredAgain = batch.filter((e) => e.type === 'offered' && !inserted.has(keyOf(e.callId, e.seq))).map((e) => e.callId);
    const wanted = [...new Set([...touched, ...offeredAgain])];
    const existing = new Map<string, { id: number; restricted: number; restriction_id: number | null; ticket_id: number | null; wrap_up_seconds: number | null; outcome: string | null; caller: string | null }>();
    for (let i = 0; i < wanted.length; i += CHUNK) {
      const rows = await tx
        .selectFrom('calls')
        .select(['id', 'switch_call_id', 'restricted', 'restriction_id', 'ticket_id', 'wrap_up_seconds', 'outcome', 'caller'])
        .where('switch_id', '=', switchId)
        .where('switch_call_id', 'in', wanted.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) existing.set(r.switch_call_id, { ...r, id: Number(r.id), ticket_id: r.ticket_id == null ? null : Number(r.ticket_id) });
    }

    // Every stored event of the calls that existed before; new calls have only this batch's events.
    const eventsByCall = new Map<string, FoldEvent[]>();
    const earlier = touched.filter((c) => existing.has(c));
    for (let i = 0; i < earlier.length; i += CHUNK) {
      const rows = await tx
        .selectFrom('call_events')
        .select(['switch_call_id', 'payload'])
        .where('switch_id', '=', switchId)
        .where('switch_call_id', 'in', earlier.slice(i, i + CHUNK))
        .where('type', '!=', 'agent_state')
        .execute();
      for (const r of rows) {
        const list = eventsByCall.get(r.switch_call_id) ?? [];
        list.push(foldEventOf(JSON.parse(r.payload) as CtiEventIn));
        eventsByCall.set(r.switch_call_id, list);
      }
    }
    for (const e of fresh) {
      if (e.type === 'agent_state' || existing.has(e.callId)) continue;
      const list = eventsByCall.get(e.callId) ?? [];
      list.push(foldEventOf(e));
      eventsByCall.set(e.callId, list);
    }

    const folded = new Map<string, FoldedCall>();
    for (const callId of touched) {
      const f = foldCall(eventsByCall.get(callId) ?? [], config.defaultQueue);
      if (f) folded.set(callId, f);
    }

    // 第三十二条: a call offered from a number restricted at that moment is marked once and for all.
    const offerCallers = [...folded.entries()].filter(([id, f]) => f.caller && !existing.get(id)?.restricted).map(([, f]) => f.caller!);
    const restrictions = await activeRestrictionsFor(tx, ctx.store.crypto, offerCallers);
    const restrictionOf = new Map<string, { id: number; until: string }>();
    for (const [callId, f] of folded) {
      const prior = existing.get(callId);
      if (prior?.restricted) {
        restrictionOf.set(callId, { id: prior.restriction_id ?? 0, until: '' });
        continue;
      }
      const r = f.caller ? restrictions.find((x) => x.phone === f.caller && x.approvedAt <= f.offeredAt && x.expiresAt > f.offeredAt && (!x.revokedAt || x.revokedAt > f.offeredAt)) : undefined;
      if (r) restrictionOf.set(callId, { id: r.id, until: r.expiresAt });
    }

    // The seats these changes move are locked before any call row is written: every batch takes its
    // locks in one order (calls, seats, rows), so two batches never wait on each other in a circle.
    const seatInputs = pendingSeatInputs(fresh, folded, restrictionOf);
    const seats = seatInputs.length
      ? await loadSeatsForUpdate(tx, ctx.store, seatInputs.map((i) => i.agent), seatInputs.reduce((min, i) => (i.at < min ? i.at : min), seatInputs[0]!.at))
      : null;

    // One statement writes every folded call, new or changed.
    const ids = new Map<string, number>();
    const rows = [...folded.entries()].map(([callId, f]) => {
      const prior = existing.get(callId);
      const restriction = restrictionOf.get(callId);
      return {
        switch_id: switchId,
        switch_call_id: callId,
        caller: f.caller,
        trunk: f.trunk,
        queue: f.queue,
        agent: f.agent,
        ringing_agent: f.ringingAgent,
        offered_at: f.offeredAt,
        queued_at: f.queuedAt,
        ringing_at: f.ringingAt,
        answered_at: f.answeredAt,
        abandoned_at: f.abandonedAt,
        ended_at: f.endedAt,
        status: f.status,
        outcome: restriction ? 'restricted' : f.outcome,
        transfer: f.transfer ? JSON.stringify(f.transfer) : null,
        recording_url: f.recordingUrl,
        transcript: f.transcript,
        ticket_id: prior?.ticket_id ?? null,
        restricted: restriction ? 1 : 0,
        restriction_id: restriction ? restriction.id || (prior?.restriction_id ?? null) : null,
        wrap_up_seconds: prior?.wrap_up_seconds ?? null,
        local_day: shanghaiDay(f.offeredAt),
        last_seq: f.lastSeq,
        event_count: f.events,
        updated_at: now,
      };
    });
    for (let i = 0; i < rows.length; i += CHUNK) {
      const written = await tx
        .insertInto('calls')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) =>
          // The store seals the caller and sets caller_hash from excluded.caller_hash along with it.
          oc.columns(['switch_id', 'switch_call_id']).doUpdateSet((eb) => ({
            caller: eb.ref('excluded.caller'),
            trunk: eb.ref('excluded.trunk'),
            queue: eb.ref('excluded.queue'),
            agent: eb.ref('excluded.agent'),
            ringing_agent: eb.ref('excluded.ringing_agent'),
            offered_at: eb.ref('excluded.offered_at'),
            queued_at: eb.ref('excluded.queued_at'),
            ringing_at: eb.ref('excluded.ringing_at'),
            answered_at: eb.ref('excluded.answered_at'),
            abandoned_at: eb.ref('excluded.abandoned_at'),
            ended_at: eb.ref('excluded.ended_at'),
            status: eb.ref('excluded.status'),
            outcome: eb.ref('excluded.outcome'),
            transfer: eb.ref('excluded.transfer'),
            recording_url: eb.ref('excluded.recording_url'),
            transcript: eb.ref('excluded.transcript'),
            restricted: eb.ref('excluded.restricted'),
            restriction_id: eb.ref('excluded.restriction_id'),
            local_day: eb.ref('excluded.local_day'),
            last_seq: eb.ref('excluded.last_seq'),
            event_count: eb.ref('excluded.event_count'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returning(['id', 'switch_call_id'])
        .execute();
      for (const w of written) ids.set(w.switch_call_id, Number(w.id));
    }

    // The adapter's instruction for each offer from a restricted number (also when the offer came again).
    const notified = new Set<string>();
    for (const e of batch) {
      if (e.type !== 'offered' || notified.has(e.callId)) continue;
      const restriction = restrictionOf.get(e.callId);
      const prior = existing.get(e.callId);
      if (restriction || prior?.restricted) {
        const until = restriction?.until || (await restrictionUntil(tx, prior?.restriction_id ?? null));
        result.restrictions.push({ callId: e.callId, until: until ? formatShanghai(until) : '', notice: restrictionNotice(config, until) });
        notified.add(e.callId);
      }
    }

    await updateMissedCalls(ctx, tx, folded, ids, restrictionOf, now);
    if (seats) await moveSeats(ctx, tx, seats, seatInputs, ids, now);
    return result;
  });
}

async function restrictionUntil(tx: Tx, id: number | null): Promise<string | null> {
  if (!id) return null;
  const r = await tx.selectFrom('call_restrictions').select('expires_at').where('id', '=', id).executeTakeFirst();
  return r?.expires_at ?? null;
}

/** 漏接回拨: a call left unanswered opens an entry; one answered after all (a late event) closes its untouched entry. */
async function updateMissedCalls(ctx: AppContext, tx: Tx, folded: Map<string, FoldedCall>, ids: Map<string, number>, restricted: Map<string, unknown>, now: string): Promise<void> {
  const config = ctx.city.calls;
  const missed: Array<{ id: number; f: FoldedCall }> = [];
  const notMissed: number[] = [];
  const answeredCallers: Array<{ caller: string; at: string }> = [];
  for (const [callId, f] of folded) {
    const id = ids.get(callId)!;
    if (!restricted.has(callId) && isMissed(f, config.shortAbandonSeconds, config.callbackShortAbandons)) missed.push({ id, f });
    else notMissed.push(id);
    if (f.outcome === 'answered' && f.caller) answeredCallers.push({ caller: f.caller, at: f.answeredAt! });
  }
  for (let i = 0; i < missed.length; i += CHUNK) {
    await tx
      .insertInto('missed_calls')
      .values(missed.slice(i, i + CHUNK).map(({ id, f }) => ({ call_id: id, caller: f.caller, queue: f.queue, missed_at: f.abandonedAt!, status: 'open', claimed_by: null, claimed_at: null, attempts: 0, last_outcome: null, done_at: null, created_at: now })))
      .onConflict((oc) => oc.column('call_id').doNothing())
      .execute();
  }
  for (let i = 0; i < notMissed.length; i += CHUNK) {
    await tx.deleteFrom('missed_calls').where('call_id', 'in', notMissed.slice(i, i + CHUNK)).where('status', '=', 'open').where('attempts', '=', 0).execute();
  }
  // A caller who got through later needs no call back: the open entries before that answer are done.
  // One read finds them (usually none), so a batch of answered calls costs one statement. The
  // numbers are sealed: the entries are found by the callers' lookup hashes, and read back opened.
  const hashes = [...new Set(answeredCallers.map((a) => ctx.store.crypto.phoneLookupHash(a.caller)!))];
  for (let i = 0; i < hashes.length; i += CHUNK) {
    const open = await tx.selectFrom('missed_calls').select(['id', 'caller', 'missed_at']).where('caller_hash', 'in', hashes.slice(i, i + CHUNK)).where('status', 'in', ['open', 'claimed']).execute();
    for (const entry of open) {
      const answer = answeredCallers.filter((a) => a.caller === entry.caller && a.at > entry.missed_at).sort((a, b) => (a.at < b.at ? -1 : 1))[0];
      if (answer) await tx.updateTable('missed_calls').set({ status: 'done', last_outcome: 'called_again', done_at: answer.at }).where('id', '=', entry.id).execute();
    }
  }
}

type PendingSeatInput = { agent: string; at: string } & ({ source: 'call'; state: 'busy' | 'wrap_up'; switchCallId: string } | { source: 'switch'; state: SeatState; reason: string | null });

/** The seat changes of the batch: the folded calls' (not restricted ones) and the switch's agent_state events. */
function pendingSeatInputs(fresh: CtiEventIn[], folded: Map<string, FoldedCall>, restricted: Map<string, unknown>): PendingSeatInput[] {
  const inputs: PendingSeatInput[] = [];
  for (const [callId, f] of folded) {
    if (restricted.has(callId)) continue;
    for (const effect of seatEffectsOf(f)) inputs.push({ agent: effect.agent, at: effect.at, source: 'call', state: effect.state, switchCallId: callId });
  }
  for (const e of fresh) {
    if (e.type === 'agent_state' && e.agent && e.state) inputs.push({ agent: e.agent, at: e.at, source: 'switch', state: e.state, reason: e.reason ?? null });
  }
  return inputs;
}

/** Seats follow the calls and the switch's agent_state events, in the order they happened. */
async function moveSeats(ctx: AppContext, tx: Tx, seats: Map<string, StoredSeat>, pending: PendingSeatInput[], ids: Map<string, number>, now: string): Promise<void> {
  const inputs = pending.map((p): { agent: string; input: SeatInput } =>
    p.source === 'call'
      ? { agent: p.agent, input: { source: 'call', state: p.state, callId: ids.get(p.switchCallId)!, at: p.at } }
      : { agent: p.agent, input: { source: 'switch', state: p.state, reason: p.reason, at: p.at } },
  );
  const changes: SeatChanges = { seats, changed: new Set(), closed: [] };
  applyInputs(changes, inputs, seatRules(ctx.city.calls));
  await saveSeats(tx, changes, now);
}
