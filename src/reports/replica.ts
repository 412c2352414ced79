// Reports and exports may read from a streaming replica (HOTLINE_REPLICA_URL), sparing the primary
// their long scans. A replica is behind by its replication lag; the answer says where it was read and
// how stale it may be. A replica that does not answer is passed over for the primary.
import { sql } from 'kysely';
import type { AppContext } from '../server/context.ts';

import type { ReadFrom } from './contract.ts';

export type { ReadFrom };

/**
 * The context to build a report in (its store's db the replica when there is one), and where it reads:
 * said only when a replica is configured (without one, every read is on the primary anyway).
 */
export async function reportReadContext(ctx: AppContext): Promise<{ ctx: AppContext; readFrom?: ReadFrom }> {
  const replica = ctx.store.replica;
  if (!replica) return { ctx };
  try {
    // An idle primary replays nothing for a long time; only WAL received but not yet replayed is lag.
    const { rows } = await sql<{ lag: number | null }>`
      select case
        when not pg_is_in_recovery() or pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
        else extract(epoch from now() - pg_last_xact_replay_timestamp())
      end as lag`.execute(replica);
    const lagSeconds = Math.max(0, Math.round(Number(rows[0]?.lag ?? 0) * 10) / 10);
    return { ctx: { ...ctx, store: { ...ctx.store, db: replica } }, readFrom: { source: 'replica', lagSeconds } };
  } catch {
    return { ctx, readFrom: { source: 'primary', lagSeconds: 0 } };
  }
}
