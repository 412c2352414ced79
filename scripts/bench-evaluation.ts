// The monthly evaluation over a large history: synthetic tickets spread evenly over twelve months
// (each with its lead sign and reply duties; some co-handled, called back, returned or extended),
// written by the engine itself in bulk, then `evaluateMonth` timed for the last full month.
import { sql } from 'kysely';
import { bootstrap } from '../src/server/bootstrap.ts';
import { ManualClock } from '../src/server/context.ts';
import { evaluateMonth } from '../src/evaluation/monthly.ts';
import { createUser } from '../src/org/users.ts';
import { scratchDatabase } from './bench-database.ts';

export interface EvaluationFigures {
  engine: 'sqlite' | 'postgres';
  tickets: number;
  duties: number;
  monthTickets: number;
  generateSeconds: number;
  /** Each run of evaluateMonth, ms. */
  runs: number[];
  units: number;
}

const MONTHS = 12;
const START = Date.parse('2025-11-01T00:00:00+08:00') / 1000;
const END = Date.parse('2026-11-01T00:00:00+08:00') / 1000;

export async function evaluationBench(engine: 'sqlite' | 'postgres', tickets: number, log: (line: string) => void): Promise<EvaluationFigures> {
  const scratch = await scratchDatabase(engine, 'eval');
  const clock = new ManualClock(new Date(END * 1000 + 2 * 86400_000).toISOString());
  const ctx = await bootstrap({ databaseUrl: scratch.databaseUrl, sqliteFile: scratch.sqliteFile, dataDir: scratch.dir, clock });
  try {
    const db = ctx.store.db;
    const units = ctx.org.all().filter((u) => ['district', 'department', 'utility'].includes(u.kind)).map((u) => u.id);
    await db.schema.createTable('bench_units').addColumn('i', 'integer').addColumn('id', 'integer').execute();
    await db.insertInto('bench_units' as never).values(units.map((id, i) => ({ i, id })) as never).execute();
    const k = units.length;
    const user = (await createUser(ctx, null, { username: 'bench', password: 'bench-password', role: 'centre', unitCode: 'MDJ12345' })).id;
    const step = (END - START) / tickets;
    const pgEngine = engine === 'postgres';
    // n = 1…tickets; the instant of ticket n, and n's lead unit and co-handler.
    const series = pgEngine ? sql`generate_series(1, ${sql.lit(tickets)}) as s(n)` : sql`seq`;
    const prefix = pgEngine ? sql`` : sql`with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${sql.lit(tickets)}) `;
    const at = (offsetSeconds: string) =>
      pgEngine ? sql.raw(`to_timestamp(${START} + n * ${step} + ${offsetSeconds})`) : sql.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', ${START} + n * ${step} + ${offsetSeconds}, 'unixepoch')`);
    const started = performance.now();
    log(`evaluation on ${engine}: writing ${tickets.toLocaleString('en')} tickets over ${MONTHS} months…`);
    await sql`${prefix}insert into tickets (id, no, channel, origin, type, requester_kind, facts, special, status, lead_unit_id, round, created_at, updated_at)
      select n, 'B' || n, 'phone', 'local', 'complaint', 'person', '压测', 'none', 'closed', (select id from bench_units where i = n % ${sql.lit(k)}), 0, ${at('0')}, ${at('0')} from ${series}`.execute(db);
    // Lead sign (1 day, 8% late, 1% never signed), lead reply (15 days, 10% late, 3% open).
    await sql`${prefix}insert into duties (ticket_id, unit_id, party, kind, round, limit_key, limit_unit, limit_amount, started_at, due_at, yellow_at, status, completed_at, late)
      select n, (select id from bench_units where i = n % ${sql.lit(k)}), 'lead', 'sign', 0, 'sign', 'working_days', 1, ${at('0')}, ${at('86400')}, ${at('0')},
        case when n % 100 = 7 then 'open' else 'done' end, ${at('3600')}, case when n % 25 in (1, 2) then 1 else 0 end from ${series}`.execute(db);
    await sql`${prefix}insert into duties (ticket_id, unit_id, party, kind, round, limit_key, limit_unit, limit_amount, started_at, due_at, yellow_at, status, completed_at, late)
      select n, (select id from bench_units where i = n % ${sql.lit(k)}), 'lead', 'reply', 0, 'reply.complaint', 'working_days', 15, ${at('0')}, ${at('1296000')}, ${at('1209600')},
        case when n % 33 = 5 then 'open' else 'done' end, ${at('864000')}, case when n % 10 = 3 then 1 else 0 end from ${series}`.execute(db);
    // One in five co-handled by the next unit: its sign and its opinion.
    for (const [kind, due] of [['sign', '86400'], ['opinion', '1296000']] as const) {
      await sql`${prefix}insert into duties (ticket_id, unit_id, party, kind, round, limit_key, limit_unit, limit_amount, started_at, due_at, yellow_at, status, completed_at, late)
        select n, (select id from bench_units where i = (n + 1) % ${sql.lit(k)}), 'co', ${kind}, 0, ${kind === 'sign' ? 'sign' : 'reply.complaint'}, 'working_days', ${sql.lit(kind === 'sign' ? 1 : 15)}, ${at('0')}, ${at(due)}, ${at('0')}, 'done', ${at('3000')}, case when n % 45 = 0 then 1 else 0 end
        from ${series} where n % 5 = 0`.execute(db);
    }
    // Three in five called back 11 days on; one in eight of those unsatisfied.
    await sql`${prefix}insert into callbacks (ticket_id, unit_id, round, reached, satisfaction, reasonable, created_by, created_at)
      select n, (select id from bench_units where i = n % ${sql.lit(k)}), 0, 1, case when n % 8 = 0 then 'unsatisfied' else 'satisfied' end, case when n % 8 = 0 then 1 else null end, ${sql.lit(user)}, ${at('950400')} from ${series} where n % 5 < 3`.execute(db);
    // 3% returned (a third of them improper), 2% extended.
    await sql`${prefix}insert into unit_requests (ticket_id, unit_id, kind, reason, status, requested_by, requested_at, decided_at, improper)
      select n, (select id from bench_units where i = n % ${sql.lit(k)}), 'return', '压测', 'refused', ${sql.lit(user)}, ${at('1800')}, ${at('7200')}, case when n % 3 = 0 then 1 else 0 end from ${series} where n % 100 < 3`.execute(db);
    await sql`${prefix}insert into unit_requests (ticket_id, unit_id, kind, reason, status, requested_by, requested_at, amount)
      select n, (select id from bench_units where i = n % ${sql.lit(k)}), 'extension', '压测', 'approved', ${sql.lit(user)}, ${at('600000')}, 5 from ${series} where n % 50 = 1`.execute(db);
    // What autovacuum keeps up to date on a live server: statistics, and the visibility map that
    // lets PostgreSQL answer from an index alone.
    await sql.raw(pgEngine ? 'vacuum analyze' : 'analyze').execute(db);
    const generateSeconds = Math.round((performance.now() - started) / 100) / 10;
    const duties = Number((await db.selectFrom('duties').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    log(`  …written in ${generateSeconds} s (${duties.toLocaleString('en')} duties); evaluating 2026-10 three times`);
    const runs: number[] = [];
    let evaluated = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const e = await evaluateMonth(ctx, '2026-10');
      runs.push(Math.round(performance.now() - t0));
      evaluated = e.rows.filter((r) => r.score !== null).length;
    }
    return { engine, tickets, duties, monthTickets: Math.round(tickets / MONTHS), generateSeconds, runs, units: evaluated };
  } finally {
    await ctx.store.close();
    // BENCH_EVAL_KEEP=1 keeps the database for a look at the query plans.
    if (process.env.BENCH_EVAL_KEEP === '1') log(`  kept: ${scratch.databaseUrl ?? scratch.sqliteFile}`);
    else await scratch.drop();
  }
}
