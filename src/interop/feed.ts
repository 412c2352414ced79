// The change feed: ticket events (受理信息、工单记录、回访评价) in the order their transactions
// committed, numbered 1, 2, 3, … with no gaps, for `GET /api/v1/events?after=` and for the webhook
// fan-out (./webhooks.ts).
//
// Why a separate sequence: `events.id` comes from a sequence that is drawn when the row is inserted,
// not when the transaction commits. On PostgreSQL two writers can draw 41 and 42 and commit 42 first;
// a reader that saw 42 and then asks for "after 42" would never see 41. So the feed does not serve
// `events.id` directly. A sequencer (run by the relay each tick and by the feed endpoint) numbers the
// committed events in `event_feed`: it takes a transaction-scoped advisory lock (one sequencer at a
// time), then `LOCK TABLE events IN SHARE MODE`, which waits for every transaction that is inserting
// events to finish and holds new inserts back for the few milliseconds the numbering takes. Under
// that lock every id up to the largest one visible is final (committed or rolled back for good), so
// the sequencer numbers everything above its frontier in id order and moves the frontier: an event
// committed late gets a higher `seq` than everything served before it. `seq` is assigned in one
// transaction and becomes visible at once, so a reader paging by `seq` never skips or repeats. On
// SQLite writes are serialized (one writer, ids in commit order), and the same code runs without
// the locks.
import type { AppContext } from '../server/context.ts';
import type { Db, Tx } from '../store/db.ts';
import { inTransaction } from '../store/db.ts';
import { maskIdNumber, maskName, maskPhone, maskText } from '../domain/masking.ts';
import { INTERNAL_ACTIONS } from '../domain/ticket-states.ts';

const SEQUENCE_BATCH = 5_000;
/** Key of the sequencer's advisory lock (any constant unique in this database). */
const FEED_LOCK_KEY = 12_345_001;

async function counter(tx: Tx, name: string): Promise<number> {
  const row = await tx.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  return Number(row?.value ?? 0);
}

/** Numbers the committed ticket events not yet in the feed; returns how many it numbered. */
export async function sequenceEvents(ctx: AppContext): Promise<number> {
  let total = 0;
  for (let round = 0; round < 20; round++) {
    const { numbered, scanned } = await inTransaction(ctx.store.db, async (tx) => {
      // Another process is numbering right now: what it numbers is served all the same.
      if (!(await ctx.store.capabilities.tryTransactionLock(tx, FEED_LOCK_KEY))) return { numbered: 0, scanned: 0 };
      // Transactions still writing events commit first: one committing later with a lower id would fall behind the frontier.
      await ctx.store.capabilities.holdWritersOf(tx, 'events');
      const frontier = await counter(tx, 'event_feed.frontier');
      let seq = await counter(tx, 'event_feed.seq');
      const rows = await tx.selectFrom('events').select(['id', 'ticket_id', 'action']).where('id', '>', frontier).orderBy('id').limit(SEQUENCE_BATCH).execute();
      if (!rows.length) return { numbered: 0, scanned: 0 };
      // Internal notes and owners stay inside the platform: never fed to other systems.
      const feed = rows.filter((r) => r.ticket_id !== null && !INTERNAL_ACTIONS.includes(r.action)).map((r) => ({ seq: ++seq, event_id: Number(r.id), ticket_id: Number(r.ticket_id) }));
      for (let i = 0; i < feed.length; i += 500) await tx.insertInto('event_feed').values(feed.slice(i, i + 500)).execute();
      await tx.updateTable('counters').set({ value: Number(rows[rows.length - 1]!.id) }).where('name', '=', 'event_feed.frontier').execute();
      await tx.updateTable('counters').set({ value: seq }).where('name', '=', 'event_feed.seq').execute();
      return { numbered: feed.length, scanned: rows.length };
    });
    total += numbered;
    if (scanned < SEQUENCE_BATCH) break;
  }
  return total;
}

export async function lastFeedSeq(db: Db | Tx): Promise<number> {
  const row = await db.selectFrom('counters').select('value').where('name', '=', 'event_feed.seq').executeTakeFirst();
  return Number(row?.value ?? 0);
}

export interface FeedRow {
  seq: number;
  event_id: number;
  ticket_id: number;
  at: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  role: string | null;
  detail: string | null;
  actor_unit: string | null;
  no: string;
  type: string;
  channel: string;
  category: string | null;
  district: string | null;
  confidential: number;
  requester_kind: string;
  requester_name: string | null;
  requester_phone: string | null;
  requester_id_no: string | null;
  facts: string;
  lead_unit: string | null;
  lead_unit_name: string | null;
}

/** Feed entries after `afterSeq`, oldest first, with what the payloads need. */
export async function readFeed(db: Db | Tx, afterSeq: number, limit: number): Promise<FeedRow[]> {
  const rows = await db
    .selectFrom('event_feed as f')
    .innerJoin('events as e', 'e.id', 'f.event_id')
    .innerJoin('tickets as t', 't.id', 'f.ticket_id')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .leftJoin('units as d', 'd.id', 't.district_unit_id')
    .leftJoin('units as au', 'au.id', 'e.unit_id')
    .leftJoin('units as lu', 'lu.id', 't.lead_unit_id')
    .select([
      'f.seq',
      'f.event_id',
      'f.ticket_id',
      'e.at',
      'e.action',
      'e.from_status',
      'e.to_status',
      'e.role',
      'e.detail',
      'au.code as actor_unit',
      't.no',
      't.type',
      't.channel',
      'c.code as category',
      'd.code as district',
      't.confidential',
      't.requester_kind',
      't.requester_name',
      't.requester_phone',
      't.requester_id_no',
      't.facts',
      'lu.code as lead_unit',
      'lu.name as lead_unit_name',
    ])
    .where('f.seq', '>', afterSeq)
    .orderBy('f.seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), event_id: Number(r.event_id), ticket_id: Number(r.ticket_id) })) as FeedRow[];
}

/** Phone and ID numbers written into free text, masked. */
export function maskFreeText(text: string): string {
  return maskText(text);
}

/** Stable id of an event, the same in the feed, in every webhook delivery and every retry. */
export const eventId = (id: number) => `evt-${id}`;

/**
 * The JSON of one event for the feed and for webhooks. Requester data is masked (name to the
 * surname, numbers to 138****5678); a confidential ticket carries none; intake events carry the
 * matter with numbers in it masked.
 */
export function eventBody(row: FeedRow): Record<string, unknown> {
  const confidential = row.confidential === 1;
  const person = row.requester_kind === 'person';
  return {
    id: eventId(row.event_id),
    seq: row.seq,
    type: `ticket.${row.action}`,
    occurredAt: row.at,
    ticket: {
      no: row.no,
      type: row.type,
      channel: row.channel,
      category: row.category,
      district: row.district,
      leadUnit: row.lead_unit,
      confidential,
      requester: confidential
        ? null
        : {
            kind: row.requester_kind,
            name: person ? maskName(row.requester_name) : row.requester_name,
            phone: maskPhone(row.requester_phone),
            idNumber: maskIdNumber(row.requester_id_no),
          },
      ...(row.action === 'intake' && !confidential ? { facts: maskFreeText(row.facts) } : {}),
    },
    action: row.action,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    actor: { role: row.role, unit: row.actor_unit },
    detail: row.detail ? (JSON.parse(row.detail) as unknown) : null,
  };
}
