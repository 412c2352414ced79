// Human-readable ticket numbers (MDJ20261122000123): city prefix, Shanghai date, a per-day counter.
// The counter is an atomic upsert in the ticket's own transaction, never max+1.
import { sql } from 'kysely';
import { shanghaiDate } from '../domain/deadline.ts';
import type { Tx } from '../store/db.ts';

export async function nextTicketNo(tx: Tx, prefix: string, nowIso: string): Promise<string> {
  const day = shanghaiDate(nowIso).replace(/-/g, '');
  const name = `ticket:${prefix}:${day}`;
  const row = await tx
    .insertInto('counters')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`counters.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return `${prefix}${day}${String(row.value).padStart(6, '0')}`;
}
