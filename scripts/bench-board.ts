// The 效能监察 board over many open duties: fills a fresh store with tickets and open duties spread over
// every handling unit and every light, then times the board as the centre and as one unit sees it.
//   node bin/run-ts.js scripts/bench-board.ts [--duties 200000] [--json]
// HOTLINE_BENCH_BOARD_PG_URL=postgres://… runs it on PostgreSQL, in a database it may fill.
// scripts/bench.ts may call benchBoard() and report its keys.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { bootstrap } from '../src/app/bootstrap.ts';
import { ManualClock } from '../src/server/context.ts';
import { HANDLING_UNIT_KINDS } from '../src/org/seed.ts';
import { boardItems, boardSummary } from '../src/supervision/board.ts';
import type { Actor } from '../src/domain/actor.ts';

export interface BoardBenchResult {
  engine: string;
  duties: number;
  board_p50_ms: number;
  board_max_ms: number;
  board_unit_p50_ms: number;
  board_items_p50_ms: number;
  /** The board's core straight through the driver: open duties per unit and light in one GROUP BY. */
  bare_p50_ms: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] * 10) / 10;
}

async function time(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    out.push(performance.now() - start);
  }
  return out;
}

export async function benchBoard(options: { duties?: number; databaseUrl?: string; runs?: number } = {}): Promise<BoardBenchResult> {
  const total = options.duties ?? 200_000;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-board-'));
  const now = '2026-03-16T02:00:00.000Z';
  const clock = new ManualClock(now);
  const ctx = await bootstrap({ databaseUrl: options.databaseUrl, dataDir: dir, clock });
  try {
    const db = ctx.store.db;
    const units = ctx.org.all().filter((u) => HANDLING_UNIT_KINDS.has(u.kind));
    const perTicket = 4;
    const tickets = Math.ceil(total / perTicket);
    const base = Date.parse(now);
    const hour = 3_600_000;
    let written = 0;
    for (let start = 0; start < tickets; start += 1000) {
      const count = Math.min(1000, tickets - start);
      await db.transaction().execute(async (tx) => {
        const rows = await tx
          .insertInto('tickets')
          .values(
            Array.from({ length: count }, (_, i) => ({
              no: `BENCH${String(start + i).padStart(12, '0')}`,
              channel: 'phone',
              origin: 'local',
              external_id: null,
              type: 'complaint',
              category_id: null,
              requester_kind: 'person',
              requester_name: null,
              requester_phone: null,
              requester_id_no: null,
              confidential: 0,
              facts: 'bench',
              address: null,
              district_unit_id: null,
              special: 'none',
              status: 'in_progress',
              lead_unit_id: units[(start + i) % units.length].id,
              round: 1,
              next_due_at: null,
              provisional: 0,
              supervised: 0,
              satisfaction: null,
              resolution: null,
              resolution_note: null,
              merged_into_id: null,
              repeat_count: 0,
              call_id: null,
              created_by: null,
              created_at: now,
              updated_at: now,
              closed_at: null,
            })),
          )
          .returning('id')
          .execute();
        const duties = [];
        for (const [i, t] of rows.entries()) {
          for (let k = 0; k < perTicket && written < total; k++, written++) {
            // Due from 10 days ago to 20 days ahead: every light is represented.
            const due = base + ((((start + i) * 7 + k * 13) % 720) - 240) * hour;
            duties.push({
              ticket_id: Number(t.id),
              unit_id: units[(start + i + k) % units.length].id,
              handler_unit_id: null,
              party: k === 3 ? 'co' : 'lead',
              kind: ['sign', 'reply', 'progress', 'opinion'][k],
              round: 1,
              limit_key: 'sign',
              limit_unit: 'working_days',
              limit_amount: 1,
              started_at: new Date(due - 48 * hour).toISOString(),
              due_at: new Date(due).toISOString(),
              yellow_at: new Date(due - 24 * hour).toISOString(),
              provisional: 0,
              status: 'open',
              completed_at: null,
              late: 0,
              extensions: 0,
            });
          }
        }
        for (let j = 0; j < duties.length; j += 500) await tx.insertInto('duties').values(duties.slice(j, j + 500)).execute();
      });
    }
    const runs = options.runs ?? 9;
    const unitActor: Actor = { userId: 0, username: 'bench', displayName: 'bench', role: 'unit_staff', unitId: units[0].id, unitScope: ctx.org.subtreeIds(units[0].id) };
    if (ctx.store.engine === 'sqlite') await sql`analyze`.execute(db);
    await boardSummary(ctx, null); // warm up
    const all = await time(runs, () => boardSummary(ctx, null));
    const unit = await time(runs, () => boardSummary(ctx, unitActor));
    const items = await time(runs, () => boardItems(ctx, null, { unit: units[1].code }, 1, 50));
    const bare = await time(runs, () =>
      sql`select unit_id, count(*) as total, sum(case when due_at < ${now} then 1 else 0 end) as red,
                 sum(case when due_at >= ${now} and yellow_at <= ${now} then 1 else 0 end) as yellow
          from duties where status = 'open' group by unit_id`.execute(db),
    );
    const check = await boardSummary(ctx, null);
    if (check.totals.total !== total) throw new Error(`board counted ${check.totals.total} of ${total}`);
    return {
      engine: ctx.store.engine,
      duties: total,
      board_p50_ms: median(all),
      board_max_ms: Math.round(Math.max(...all) * 10) / 10,
      board_unit_p50_ms: median(unit),
      board_items_p50_ms: median(items),
      bare_p50_ms: median(bare),
    };
  } finally {
    await ctx.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench-board.ts')) {
  const { values } = parseArgs({ options: { duties: { type: 'string' }, json: { type: 'boolean' } } });
  const result = await benchBoard({ duties: values.duties ? Number(values.duties) : undefined, databaseUrl: process.env.HOTLINE_BENCH_BOARD_PG_URL || undefined });
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${Object.entries(result).map(([k, v]) => `${k.padEnd(20)} ${v}`).join('\n')}\n`);
}
