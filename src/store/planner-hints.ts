// Where one engine's planner, given a real history, picks a much slower plan than the other's, the
// few queries concerned say how to read: measured at 1,000,000 tickets (docs/benchmark.md).
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Engine } from './db-types.ts';
import type { Database } from './schema.ts';

/**
 * A table read through a named index on SQLite (`INDEXED BY`); PostgreSQL gets the plain table.
 * Kysely has no syntax for the hint: a raw table expression stands in for the name, which Kysely
 * passes through as written (the query's types stay those of the table).
 */
export function readThrough<T extends keyof Database & string>(engine: Engine, table: T, index: string): T {
  if (engine !== 'sqlite') return table;
  return sql`${sql.table(table)} indexed by ${sql.id(index)}` as unknown as T;
}

/**
 * `column IN (subquery)` for a subquery that yields few ids (the tickets of the work in hand: open
 * duties, pending requests). On PostgreSQL the subquery is turned into an array first, so each
 * month's partition of tickets is probed by its index for those ids; planned as a semi-join, it
 * read every partition whole.
 */
export function amongFew(engine: Engine, column: string, ids: Expression<unknown>): RawBuilder<SqlBool> {
  return engine === 'postgres' ? sql<SqlBool>`${sql.ref(column)} = any(array(${ids}))` : sql<SqlBool>`${sql.ref(column)} in (${ids})`;
}

/**
 * A column SQLite must not start from (`+column`): its condition is then checked row by row against
 * what the other conditions found. SQLite cannot tell how many ids a subquery yields, so it would
 * start from a unit's whole history to find the few of its tickets in progress or overdue.
 */
export function checkedOnly(engine: Engine, column: string): RawBuilder<unknown> {
  return engine === 'sqlite' ? sql`+${sql.ref(column)}` : sql.ref(column);
}
