// PostgreSQL: the audit chain's append as one server-side function, so a committing transaction
// holds the chain's lock for one statement instead of four round trips (src/audit/chain.ts says
// why that matters). The function takes the lock, finds the head (the last chained event; an
// archive always leaves its own event online), and for each event draws its id, hashes
// `prev hash + "\n" + canonical content` and inserts it. The application builds the canonical
// content (chain.ts `canonical`) except the id, drawn here; SHA-256 over the same UTF-8 bytes
// gives the hash `hotline audit verify` recomputes. SQLite appends in the application.
import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './_helpers-2026.ts';

export function migration({ engine }: MigrationContext): Migration {
  return {
    async up(db: Kysely<any>) {
      if (engine !== 'postgres') return;
      await sql`
        create function audit_chain_append(lock_key bigint, batch jsonb) returns void
        language plpgsql as $$
        declare
          head_seq bigint;
          head_hash text;
          e jsonb;
          new_id bigint;
          new_hash text;
        begin
          perform pg_advisory_xact_lock(lock_key);
          select chain_seq, hash into head_seq, head_hash from events
            where chain_seq is not null order by chain_seq desc limit 1;
          head_seq := coalesce(head_seq, 0);
          head_hash := coalesce(head_hash, repeat('0', 64));
          for e in select value from jsonb_array_elements(batch) loop
            new_id := nextval(pg_get_serial_sequence('events', 'id'));
            new_hash := encode(sha256(convert_to(head_hash || E'\n' || '[1,' || new_id || ',' || (e->>'tail'), 'UTF8')), 'hex');
            head_seq := head_seq + 1;
            insert into events
              select * from jsonb_populate_record(null::events, (e->'row') || jsonb_build_object(
                'id', new_id, 'chain_seq', head_seq, 'prev_hash', head_hash, 'hash', new_hash));
            head_hash := new_hash;
          end loop;
        end $$`.execute(db);
    },
  };
}
