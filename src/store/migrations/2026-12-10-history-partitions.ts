// PostgreSQL: the history partitioned by month — `tickets` by `created_at`, `events` by `at`
// (docs/operations/scale.md, "Partitioning by month"). SQLite keeps its single tables. The tables are rebuilt: a partitioned
// table of the same columns, drawing ids from the same sequences, takes the rows; then the keys and
// indexes are declared on it (PostgreSQL builds them on every partition). What PostgreSQL cannot
// declare on a partitioned table is replaced:
// - the primary keys become (id, created_at) and (id, at); ids stay unique because one sequence
//   numbers every partition;
// - tickets.no unique → `ticket_numbers (no primary key, ticket_id)`, and (origin, external_id)
//   unique → `ticket_external_ids`, both written by a trigger in the ticket's own statement, so a
//   duplicate is refused as before (unique violation, same transaction);
// - events.chain_seq unique → a plain index: the chain writer numbers events under an advisory lock
//   (src/audit/chain.ts) and `hotline audit verify` reports any gap or repeat;
// - foreign keys to tickets(id) are dropped (they would need the ticket's month in every referencing
//   row) and tickets can no longer be deleted or truncated: a trigger refuses it, so no reference
//   can dangle.
import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

type AnyDb = Kysely<any>;

// The monthly partitions as the store made them on this date (a frozen copy of its partition
// maintenance): Shanghai months, a DEFAULT partition per table, each partition refusing TRUNCATE.
const HISTORY_TABLES = [
  { table: 'tickets', key: 'created_at', refuse: 'tickets_no_delete' },
  { table: 'events', key: 'at', refuse: 'events_append_only' },
] as const;
/** Key of the advisory lock that serializes partition maintenance (a constant unique in this database). */
const PARTITION_LOCK_KEY = 12_345_011;
/** How many months after the current one have their partitions made in advance. */
const MONTHS_AHEAD = 3;
const SHANGHAI_MS = 8 * 3_600_000;

interface Month {
  year: number;
  /** 1–12 */
  month: number;
}

function monthOf(iso: string | number): Month {
  const d = new Date((typeof iso === 'number' ? iso : Date.parse(iso)) + SHANGHAI_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

function addMonths(m: Month, n: number): Month {
  const index = m.year * 12 + (m.month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

const pad = (n: number) => String(n).padStart(2, '0');
const monthStart = (m: Month) => `${m.year}-${pad(m.month)}-01T00:00:00+08:00`;
const partitionName = (table: string, m: Month) => `${table}_p${m.year}${pad(m.month)}`;

function monthsBetween(from: string | number, to: string | number): Month[] {
  const out: Month[] = [];
  const last = monthOf(to);
  for (let m = monthOf(from); m.year * 12 + m.month <= last.year * 12 + last.month; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** Creates the monthly partitions of both history tables for `months` and their DEFAULT partitions (the tables are new and empty here). */
async function ensurePartitionsIn(tx: AnyDb, months: Month[]): Promise<void> {
  await sql`select pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`.execute(tx);
  for (const { table, refuse } of HISTORY_TABLES) {
    const { rows } = await sql<{ name: string }>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = ${table}::regclass`.execute(tx);
    const existing = new Set(rows.map((r) => r.name));
    const create = async (name: string, bounds: ReturnType<typeof sql>) => {
      if (existing.has(name)) return;
      await sql`create table ${sql.id(name)} partition of ${sql.id(table)} ${bounds}`.execute(tx);
      // Statement triggers stay on the table they are declared on: each partition refuses TRUNCATE itself.
      await sql`create trigger ${sql.id(`${name}_no_truncate`)} before truncate on ${sql.id(name)} for each statement execute function ${sql.id(refuse)}()`.execute(tx);
    };
    for (const m of months) await create(partitionName(table, m), sql`for values from (${sql.lit(monthStart(m))}) to (${sql.lit(monthStart(addMonths(m, 1)))})`);
    await create(`${table}_default`, sql`default`);
  }
}

/** The unique indexes of the old tables and what each becomes; any other unique index stops the migration. */
const REPLACED_UNIQUE: Record<string, string | null> = {
  tickets_pkey: null,
  events_pkey: null,
  tickets_no_key: 'create index tickets_no on tickets (no)',
  tickets_origin_external_unique: 'create index tickets_origin_external on tickets (origin, external_id) where external_id is not null',
  events_chain_seq: 'create index events_chain_seq on events (chain_seq)',
};
/** Covered by tickets_origin_external (every lookup names both columns and a non-null id). */
const DROPPED = new Set(['tickets_external']);

async function indexDefinitions(db: AnyDb, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string; def: string; unique: boolean }>`
    select c.relname as name, pg_get_indexdef(i.indexrelid) as def, i.indisunique as unique
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where i.indrelid = ${table}::regclass order by c.relname`.execute(db);
  const out: string[] = [];
  for (const r of rows) {
    if (DROPPED.has(r.name)) continue;
    if (!r.unique) out.push(r.def);
    else if (r.name in REPLACED_UNIQUE) {
      const replacement = REPLACED_UNIQUE[r.name];
      if (replacement) out.push(replacement);
    } else throw new Error(`history partitions: unique index ${r.name} on ${table} has no partitioned replacement`);
  }
  return out;
}

/** The foreign keys a table declares (to units, categories, users): declared again on the partitioned table. */
async function outgoingForeignKeys(db: AnyDb, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string; def: string }>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = ${table}::regclass and contype = 'f' order by conname`.execute(db);
  return rows.map((r) => `alter table ${table} add constraint ${r.name} ${r.def}`);
}

/** Renames `table` aside and creates the partitioned table of the same columns, owning the same id sequence. */
async function partitionedTwin(db: AnyDb, table: string, key: string): Promise<string> {
  const old = `${table}_unpartitioned`;
  await sql`alter table ${sql.id(table)} rename to ${sql.id(old)}`.execute(db);
  await sql`create table ${sql.id(table)} (like ${sql.id(old)} including defaults including constraints including storage including comments) partition by range (${sql.ref(key)})`.execute(db);
  await sql`alter sequence ${sql.id(`${table}_id_seq`)} owned by ${sql.ref(`${table}.id`)}`.execute(db);
  return old;
}

async function firstInstant(db: AnyDb, table: string, key: string): Promise<string | null> {
  const { rows } = await sql<{ first: string | null }>`select min(${sql.ref(key)}) as first from ${sql.table(table)}`.execute(db);
  return rows[0]?.first ?? null;
}

export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: AnyDb) {
      if (engine !== 'postgres') return;
      await sql`lock table tickets, events in access exclusive mode`.execute(db);
      const ticketIndexes = await indexDefinitions(db, 'tickets');
      const eventIndexes = await indexDefinitions(db, 'events');
      const ticketForeignKeys = await outgoingForeignKeys(db, 'tickets');
      const firsts = [await firstInstant(db, 'tickets', 'created_at'), await firstInstant(db, 'events', 'at')].filter((x): x is string => !!x);
      const now = Date.now();
      const from = Math.min(now, ...firsts.map((f) => Date.parse(f)));

      await sql`create function tickets_no_delete() returns trigger language plpgsql as $$
        begin
          raise exception '工单是政务服务记录，不可删除' using errcode = 'insufficient_privilege';
        end $$`.execute(db);
      // A ticket's number and transfer key, unique across all months. A row inserted again with the
      // same id (partition maintenance moving it out of the DEFAULT partition) keeps its entries.
      await sql`create function ticket_keys_record() returns trigger language plpgsql as $$
        begin
          if tg_op = 'UPDATE' then
            if new.no is distinct from old.no then
              delete from ticket_numbers where no = old.no and ticket_id = old.id;
            end if;
            if (new.origin, new.external_id) is distinct from (old.origin, old.external_id) then
              delete from ticket_external_ids where origin = old.origin and external_id = old.external_id and ticket_id = old.id;
            end if;
          end if;
          if not exists (select 1 from ticket_numbers where no = new.no and ticket_id = new.id) then
            insert into ticket_numbers (no, ticket_id) values (new.no, new.id);
          end if;
          if new.external_id is not null and not exists (
            select 1 from ticket_external_ids where origin = new.origin and external_id = new.external_id and ticket_id = new.id
          ) then
            insert into ticket_external_ids (origin, external_id, ticket_id) values (new.origin, new.external_id, new.id);
          end if;
          return null;
        end $$`.execute(db);

      const oldTickets = await partitionedTwin(db, 'tickets', 'created_at');
      const oldEvents = await partitionedTwin(db, 'events', 'at');
      await ensurePartitionsIn(db, monthsBetween(from, monthStart(addMonths(monthOf(now), MONTHS_AHEAD))));
      await sql`insert into tickets select * from ${sql.id(oldTickets)}`.execute(db);
      await sql`insert into events select * from ${sql.id(oldEvents)}`.execute(db);

      await sql`create table ticket_numbers (no text primary key, ticket_id bigint not null)`.execute(db);
      await sql`create table ticket_external_ids (origin text not null, external_id text not null, ticket_id bigint not null, primary key (origin, external_id))`.execute(db);
      await sql`insert into ticket_numbers (no, ticket_id) select no, id from tickets`.execute(db);
      await sql`insert into ticket_external_ids (origin, external_id, ticket_id) select origin, external_id, id from tickets where external_id is not null`.execute(db);

      // Every foreign key to a ticket goes: the DELETE trigger below keeps what it guaranteed.
      const { rows: references } = await sql<{ table: string; name: string }>`
        select conrelid::regclass::text as table, conname as name from pg_constraint
        where confrelid = ${oldTickets}::regclass and contype = 'f'`.execute(db);
      for (const r of references) await sql`alter table ${sql.id(r.table)} drop constraint ${sql.id(r.name)}`.execute(db);
      await sql`drop table ${sql.id(oldTickets)}`.execute(db);
      await sql`drop table ${sql.id(oldEvents)}`.execute(db);

      await sql`alter table tickets add constraint tickets_pkey primary key (id, created_at)`.execute(db);
      await sql`alter table events add constraint events_pkey primary key (id, at)`.execute(db);
      for (const statement of [...ticketIndexes, ...eventIndexes, ...ticketForeignKeys]) await sql.raw(statement).execute(db);

      // Row triggers declared on the parent apply to every partition, present and future.
      await sql`create trigger tickets_keys after insert or update of no, origin, external_id on tickets
                for each row execute function ticket_keys_record()`.execute(db);
      await sql`create trigger tickets_no_delete before delete on tickets for each row execute function tickets_no_delete()`.execute(db);
      await sql`create trigger tickets_no_truncate before truncate on tickets for each statement execute function tickets_no_delete()`.execute(db);
      await sql`create trigger events_append_only before update or delete on events for each row execute function events_append_only()`.execute(db);
      await sql`create trigger events_no_truncate before truncate on events for each statement execute function events_append_only()`.execute(db);
      // autovacuum analyzes partitions but never a partitioned parent.
      await sql`analyze tickets, events, ticket_numbers, ticket_external_ids`.execute(db);
    },
  };
}
