// A table read through a named index on SQLite (`INDEXED BY`), for the few queries where SQLite's
// planner, misled by the statistics of a real history, picks a much slower index. PostgreSQL gets the
// plain table. Kysely has no syntax for the hint: a raw table expression stands in for the name,
// which Kysely passes through as written (the query's types stay those of the table).
import { sql } from 'kysely';
import type { Engine } from './db.ts';
import type { Database } from './schema.ts';

export function readThrough<T extends keyof Database & string>(engine: Engine, table: T, index: string): T {
  if (engine !== 'sqlite') return table;
  return sql`${sql.table(table)} indexed by ${sql.id(index)}` as unknown as T;
}
