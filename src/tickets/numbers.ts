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
 * On PostgreSQL, a number taken before the ticket's transaction opens, in a statement of its own:
 * counted in the transaction, the day's counter row stays locked until the commit, and every creation
 * of every process waits in one line behind it. The price is a gap in the day's numbers when a
 * creation is refused after this point (input checks come before it) or its transaction fails.
 * On SQLite (one writer at a time anyway) null: the number is counted in the ticket's transaction.
 */
export async function takeTicketNo(store: Store, prefix: string, nowIso: string): Promise<string | null> {
  return store.engine === 'postgres' ? nextTicketNo(store.db, prefix, nowIso) : null;
}
