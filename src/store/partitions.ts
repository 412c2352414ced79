// Monthly partitions of the history on PostgreSQL: `tickets` by `created_at`, `events` by `at`
// (src/store/migrations/2026-12-10-history-partitions.ts makes the tables partitioned). Months are Shanghai months, the
// ones the reports and the evaluation count by, so a month's report reads one partition. Each table
// has a DEFAULT partition for rows no month holds yet; the job below creates the coming months ahead
// of time so it stays empty. SQLite keeps single tables: every function here is a no-op on it.
import { sql, type Kysely } from 'kysely';
import type { Engine } from './db-types.ts';
import type { Database } from './schema.ts';

type AnyDb = Kysely<any>;

/** The partitioned history tables, their partition key and the function their TRUNCATE triggers call. */
export const HISTORY_TABLES = [
  { table: 'tickets', key: 'created_at', refuse: 'tickets_no_delete' },
  { table: 'events', key: 'at', refuse: 'events_append_only' },
] as const;

/** Key of the advisory lock that serializes partition maintenance (a constant unique in this database). */
const PARTITION_LOCK_KEY = 12_345_011;
/** How many months after the current one have their partitions made in advance. */
export const MONTHS_AHEAD = 3;
const SHANGHAI_MS = 8 * 3_600_000;

export interface Month {
  year: number;
  /** 1–12 */
  month: number;
}

/** The Shanghai month an instant falls in. */
export function monthOf(iso: string | number): Month {
  const d = new Date((typeof iso === 'number' ? iso : Date.parse(iso)) + SHANGHAI_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

export function addMonths(m: Month, n: number): Month {
  const index = m.year * 12 + (m.month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The month's first instant, 00:00 Shanghai, as an ISO string with its offset. */
export function monthStart(m: Month): string {
  return `${m.year}-${pad(m.month)}-01T00:00:00+08:00`;
}

/** `tickets_p202612` */
export function partitionName(table: string, m: Month): string {
  return `${table}_p${m.year}${pad(m.month)}`;
}

/** Every month from the one holding `from` to the one holding `to`, both included. */
export function monthsBetween(from: string | number, to: string | number): Month[] {
  const out: Month[] = [];
  const last = monthOf(to);
  for (let m = monthOf(from); m.year * 12 + m.month <= last.year * 12 + last.month; m = addMonths(m, 1)) out.push(m);
  return out;
}

export interface PartitionInfo {
  name: string;
  /** PostgreSQL's own text of the bounds: `FOR VALUES FROM (…) TO (…)` or `DEFAULT`. */
  bounds: string;
}

/** The partitions of a table as pg_inherits lists them, by name. */
export async function partitionsOf(db: AnyDb, table: string): Promise<PartitionInfo[]> {
  const { rows } = await sql<PartitionInfo>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bounds
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${table}::regclass
    order by c.relname`.execute(db);
  return rows;
}

/**
 * Inside the caller's transaction: creates the monthly partitions of both history tables for
 * `months` and their DEFAULT partitions, where missing; returns the names created. Rows that wait
 * in a DEFAULT partition for a month being created are moved into it (the DEFAULT partition is
 * detached, the new months attached, its rows inserted again through the parent and the old table
 * dropped: no DELETE, which the history's triggers refuse).
 */
export async function ensurePartitionsIn(tx: AnyDb, months: Month[]): Promise<string[]> {
  await sql`select pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`.execute(tx);
  const created: string[] = [];
  for (const { table, key, refuse } of HISTORY_TABLES) {
    const existing = new Set((await partitionsOf(tx, table)).map((p) => p.name));
    const defaultName = `${table}_default`;
    const missing = months.filter((m) => !existing.has(partitionName(table, m)));
    const create = async (name: string, bounds: ReturnType<typeof sql>, isNew = true) => {
      await sql`create table ${sql.id(name)} partition of ${sql.id(table)} ${bounds}`.execute(tx);
      // Statement triggers stay on the table they are declared on: each partition refuses TRUNCATE itself.
      await sql`create trigger ${sql.id(`${name}_no_truncate`)} before truncate on ${sql.id(name)} for each statement execute function ${sql.id(refuse)}()`.execute(tx);
      if (isNew) created.push(name);
    };
    const createMonths = async () => {
      for (const m of missing) {
        await create(partitionName(table, m), sql`for values from (${sql.lit(monthStart(m))}) to (${sql.lit(monthStart(addMonths(m, 1)))})`);
      }
    };
    if (!existing.has(defaultName)) {
      await createMonths();
      await create(defaultName, sql`default`);
      continue;
    }
    if (!missing.length) continue;
    let waiting = false;
    for (const m of missing) {
      const { rows } = await sql`select 1 from ${sql.id(defaultName)}
        where ${sql.ref(key)} >= ${monthStart(m)}::timestamptz and ${sql.ref(key)} < ${monthStart(addMonths(m, 1))}::timestamptz limit 1`.execute(tx);
      waiting ||= rows.length > 0;
    }
    if (!waiting) {
      await createMonths();
      continue;
    }
    const parked = `${table}_default_moving`;
    await sql`alter table ${sql.id(table)} detach partition ${sql.id(defaultName)}`.execute(tx);
    await sql`alter table ${sql.id(defaultName)} rename to ${sql.id(parked)}`.execute(tx);
    await createMonths();
    await create(defaultName, sql`default`, false);
    await sql`insert into ${sql.id(table)} select * from ${sql.id(parked)}`.execute(tx);
    await sql`drop table ${sql.id(parked)}`.execute(tx);
  }
  return created;
}

/** Creates the partitions for every month from `from` to `to` in a transaction of its own (PostgreSQL only). */
export async function ensureHistoryPartitions(db: AnyDb, engine: Engine, from: string | number, to: string | number): Promise<string[]> {
  if (engine !== 'postgres') return [];
  return db.transaction().execute(async (tx) => {
    // Creating a partition locks its parent briefly: rather than queue behind a long report (and
    // make every writer queue behind it), give up and try again at the next run.
    await sql`set local lock_timeout = '5s'`.execute(tx);
    return ensurePartitionsIn(tx, monthsBetween(from, to));
  });
}

/** The job's run: this month's partitions and the next MONTHS_AHEAD months'. */
export function ensureComingPartitions(ctx: { store: { db: Kysely<Database>; engine: Engine }; clock: { now(): string } }): Promise<string[]> {
  const now = ctx.clock.now();
  return ensureHistoryPartitions(ctx.store.db, ctx.store.engine, now, monthStart(addMonths(monthOf(now), MONTHS_AHEAD)));
}

