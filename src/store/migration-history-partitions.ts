// PostgreSQL: the history partitioned by month — `tickets` by `created_at`, `events` by `at` (README
// "Partitioning by month"). SQLite keeps its single tables. The tables are rebuilt: a partitioned
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
import type { Engine } from './db.ts';
import { ensurePartitionsIn, monthsBetween, monthStart, addMonths, monthOf, MONTHS_AHEAD } from './partitions.ts';

type AnyDb = Kysely<any>;

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

export function historyPartitionsMigration(engine: Engine): Migration {
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
