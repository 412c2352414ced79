// PostgreSQL: the partitioned tickets' unique keys (`ticket_numbers`, `ticket_external_ids`, see
// ./2026-12-10-history-partitions.ts) are recorded once per INSERT statement from its new rows,
// instead of once per row. A multi-row insert or a COPY of many tickets (`hotline generate`, an
// Open311 or provincial import) then costs one set-based insert per key table rather than a
// function call and two lookups per ticket; a duplicate is refused as before, in the same statement.
// Updates of a number or transfer key stay per row (a column list cannot go with transition tables).
import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      if (engine !== 'postgres') return;
      // A row inserted again with the same id (partition maintenance moving it out of the DEFAULT
      // partition) keeps its entries. EXECUTE plans each time, for the rows and table sizes at hand:
      // a plan cached on a connection's first insert, into a still empty table, would scan it whole.
      await sql`create function ticket_keys_record_inserted() returns trigger language plpgsql as $$
        begin
          execute 'insert into ticket_numbers (no, ticket_id)
            select n.no, n.id from inserted n
            where not exists (select 1 from ticket_numbers t where t.no = n.no and t.ticket_id = n.id)';
          execute 'insert into ticket_external_ids (origin, external_id, ticket_id)
            select n.origin, n.external_id, n.id from inserted n
            where n.external_id is not null and not exists (
              select 1 from ticket_external_ids x where x.origin = n.origin and x.external_id = n.external_id and x.ticket_id = n.id)';
          return null;
        end $$`.execute(db);
      await sql`drop trigger tickets_keys on tickets`.execute(db);
      await sql`create trigger tickets_keys_inserted after insert on tickets referencing new table as inserted
                for each statement execute function ticket_keys_record_inserted()`.execute(db);
      await sql`create trigger tickets_keys_updated after update of no, origin, external_id on tickets
                for each row execute function ticket_keys_record()`.execute(db);
    },
  };
}
