// Seats in the store: read (locked on PostgreSQL, so two batches touching one seat take turns),
// apply inputs through the pure state machine, write the seat and its closed stretches (cut at
// Shanghai midnights), and record each call's after-call work on the call.
import { sql } from 'kysely';
import type { Db, Tx } from '../store/db.ts';
import type { StoreCapabilities } from '../store/capabilities.ts';
import type { SeatState } from '../domain/call-contract.ts';
import { applySeatInput, instantRank, loggedOffSeat, settleSeat, splitAtMidnights, type ClosedInterval, type Seat, type SeatInput, type SeatRefusal, type SeatRules } from '../domain/seat-states.ts';
import type { CallsConfig } from '../domain/call-config.ts';

export interface StoredSeat extends Seat {
  messageId: number | null;
  skills: string[];
  exists: boolean;
}

export function seatRules(config: CallsConfig): SeatRules {
  return { wrapUpSeconds: config.wrapUpSeconds, notReadyReasons: config.notReadyReasons };
}

type SeatRow = { agent: string; state: string; reason: string | null; since: string; call_id: number | null; message_id: number | null; wrap_up_until: string | null; skills: string };

export function seatOfRow(r: SeatRow): StoredSeat {
  return {
    agent: r.agent,
    state: r.state as SeatState,
    reason: r.reason,
    since: r.since,
    callId: r.call_id == null ? null : Number(r.call_id),
    wrapUpUntil: r.wrap_up_until,
    messageId: r.message_id == null ? null : Number(r.message_id),
    skills: JSON.parse(r.skills) as string[],
    exists: true,
  };
}

/** The seats of these agents, locked for this transaction on PostgreSQL; absent ones logged off since `at`. */
export async function loadSeatsForUpdate(tx: Tx, store: { capabilities: StoreCapabilities }, agents: string[], at: string): Promise<Map<string, StoredSeat>> {
  const sorted = [...new Set(agents)].sort();
  const out = new Map<string, StoredSeat>();
  if (!sorted.length) return out;
  const rows = await tx
    .selectFrom('seats')
    .selectAll()
    .where('agent', 'in', sorted)
    .orderBy('agent')
    .$call(store.capabilities.lockRows)
    .execute();
  for (const r of rows) out.set(r.agent, seatOfRow(r));
  for (const a of sorted) if (!out.has(a)) out.set(a, { ...loggedOffSeat(a, at), messageId: null, skills: [], exists: false });
  return out;
}

/** Seats loaded for a change, the agents whose seat changed, and the stretches closed on the way. */
export interface SeatChanges {
  seats: Map<string, StoredSeat>;
  changed: Set<string>;
  closed: ClosedInterval[];
}

/** Applies the inputs in time order to the loaded seats; returns the refusal of the last input, if any. */
export function applyInputs(changes: SeatChanges, inputs: Array<{ agent: string; input: SeatInput }>, rules: SeatRules): SeatRefusal | null {
  let refusal: SeatRefusal | null = null;
  // In time order; within one instant in the order changes happen (instantRank), a call's own answer before its end.
  const answers = new Set(inputs.filter((i) => i.input.source === 'call' && i.input.state === 'busy').map((i) => `${i.agent}|${(i.input as { callId: number }).callId}|${i.input.at}`));
  const rankOf = (i: { agent: string; input: SeatInput }) =>
    i.input.source === 'call' && i.input.state === 'wrap_up' && answers.has(`${i.agent}|${i.input.callId}|${i.input.at}`) ? 3 : instantRank(i.input.state);
  const ordered = [...inputs].sort((a, b) => (a.input.at < b.input.at ? -1 : a.input.at > b.input.at ? 1 : rankOf(a) - rankOf(b)));
  for (const { agent, input } of ordered) {
    const seat = changes.seats.get(agent)!;
    const result = applySeatInput(seat, input, rules);
    if (!result.ok) {
      refusal = result.refusal;
      continue;
    }
    refusal = null;
    if (!result.changed) continue;
    changes.closed.push(...result.closed);
    changes.changed.add(agent);
    changes.seats.set(agent, { ...seat, ...result.seat });
  }
  return refusal;
}

/** Writes changed seats (one upsert) and the closed stretches; the wrap-up of a call is recorded on it. */
export async function saveSeats(tx: Tx, changes: SeatChanges, now: string): Promise<void> {
  const rows = [...changes.changed].map((agent) => {
    const seat = changes.seats.get(agent)!;
    return { agent, state: seat.state, reason: seat.reason, since: seat.since, call_id: seat.callId, message_id: seat.messageId, wrap_up_until: seat.wrapUpUntil, skills: JSON.stringify(seat.skills), updated_at: now };
  });
  for (let i = 0; i < rows.length; i += 500) {
    await tx
      .insertInto('seats')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.column('agent').doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          reason: eb.ref('excluded.reason'),
          since: eb.ref('excluded.since'),
          call_id: eb.ref('excluded.call_id'),
          wrap_up_until: eb.ref('excluded.wrap_up_until'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  await writeIntervals(tx, changes.closed);
}

async function writeIntervals(tx: Tx, closed: ClosedInterval[]): Promise<void> {
  if (!closed.length) return;
  const rows = closed.flatMap(splitAtMidnights).map((c) => ({ agent: c.agent, state: c.state, reason: c.reason, call_id: c.callId, from_at: c.from, to_at: c.to }));
  for (let i = 0; i < rows.length; i += 500) await tx.insertInto('seat_intervals').values(rows.slice(i, i + 500)).execute();
  // Each call's after-call work, in one statement for the batch.
  const wrapUps = closed.filter((c) => c.state === 'wrap_up' && c.callId != null).map((c) => ({ id: c.callId!, seconds: Math.round((Date.parse(c.to) - Date.parse(c.from)) / 1000) }));
  for (let i = 0; i < wrapUps.length; i += 300) {
    const part = wrapUps.slice(i, i + 300);
    const cases = sql.join(part.map((w) => sql`when ${w.id} then cast(${w.seconds} as integer)`), sql` `);
    await tx
      .updateTable('calls')
      .set({ wrap_up_seconds: sql<number>`case id ${cases} end` })
      .where('id', 'in', part.map((w) => w.id))
      .execute();
  }
}

/**
 * After-call work past its limit becomes ready by itself; readers call this first so what they show
 * and count is the seat as it is now. A seat another process settled meanwhile is left alone.
 */
export async function settleExpiredSeats(db: Db, now: string): Promise<number> {
  const due = await db.selectFrom('seats').selectAll().where('state', '=', 'wrap_up').where('wrap_up_until', '<=', now).execute();
  let settled = 0;
  for (const row of due) {
    const seat = seatOfRow(row);
    const result = settleSeat(seat, now);
    if (!result.closed.length) continue;
    await db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('seats')
        .set({ state: result.seat.state, reason: null, since: result.seat.since, call_id: null, wrap_up_until: null, updated_at: now })
        .where('agent', '=', seat.agent)
        .where('state', '=', 'wrap_up')
        .where('since', '=', seat.since)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return;
      await writeIntervals(tx, result.closed);
      settled += 1;
    });
  }
  return settled;
}
