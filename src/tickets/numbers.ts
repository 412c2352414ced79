// Human-readable ticket numbers (MDJ20261122000123): city prefix, Shanghai date, a per-day counter.
// The counter is an atomic upsert, never max+1.
import { sql } from 'kysely';
import { shanghaiDate } from '../domain/deadline.ts';
import type { Db, Store, Tx } from '../store/db.ts';

/** The next number of the day, counted in `db` (the ticket's own transaction, or a statement of its own). */
export async function nextTicketNo(db: Db | Tx, prefix: string, nowIso: string): Promise<string> {
  const day = shanghaiDate(nowIso).replace(/-/g, '');
  const name = `ticket:${prefix}:${day}`;
  const row = await db
    .insertInto('counters')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`counters.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return `${prefix}${day}${String(row.value).padStart(6, '0')}`;
}

/**
 * Where writers run side by side (PostgreSQL), a number taken before the ticket's transaction opens, in a statement of its own:
 * counted in the transaction, the day's counter row stays locked until the commit, and every creation
 * of every process waits in one line behind it. The price is a gap in the day's numbers when a
 * creation is refused after this point (input checks come before it) or its transaction fails.
 * Where there is one writer at a time anyway (SQLite) null: the number is counted in the ticket's transaction.
 */
export async function takeTicketNo(store: Store, prefix: string, nowIso: string): Promise<string | null> {
  return store.capabilities.singleWriter ? null : nextTicketNo(store.db, prefix, nowIso);
}

/**
 * The instants between which the ticket numbered `no` was created: the number carries its Shanghai
 * day, so a lookup by number can name its month partition on PostgreSQL instead of probing every
 * month's index. A day either side, so no clock step at midnight can hide a ticket. Null when `no`
 * carries no date.
 */
export function createdWindowOfTicketNo(no: string): { from: string; to: string } | null {
  const m = /(\d{4})(\d{2})(\d{2})\d{6}$/.exec(no);
  if (!m) return null;
  // Shanghai keeps UTC+8 all year.
  const dayStart = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 8 * 3_600_000;
  return { from: new Date(dayStart - 86_400_000).toISOString(), to: new Date(dayStart + 2 * 86_400_000).toISOString() };
}
