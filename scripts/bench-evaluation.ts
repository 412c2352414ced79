// The product over a large history: `hotline generate`'s history of N tickets over twelve months
// (src/scale/generate.ts), then, timed on it, the monthly evaluation of its last month, a ticket's
// page with its timeline, a filtered ticket list, and the month's report; each beside the bare
// engine doing the core of the same work in one SQL statement through the driver.
import { sql } from 'kysely';
import { bootstrap } from '../src/app/bootstrap.ts';
import { ManualClock } from '../src/server/context.ts';
import { evaluateMonth } from '../src/evaluation/monthly.ts';
import { generateHistory } from '../src/scale/generate.ts';
import { getTicket, listTickets, statusCounts, ticketEvents, workbench } from '../src/tickets/queries.ts';
import { buildPeriodReport, CITY_SCOPE } from '../src/reports/report.ts';
import { periodAt } from '../src/reports/periods.ts';
import type { Actor } from '../src/domain/actor.ts';
import { scratchDatabase } from './bench-database.ts';

export interface EvaluationFigures {
  engine: 'sqlite' | 'postgres';
  tickets: number;
  duties: number;
  events: number;
  generateSeconds: number;
  /** Each run of evaluateMonth, ms. */
  runs: number[];
  units: number;
  /** The month's duty counts per unit in one GROUP BY, straight through the driver, ms (median of 3). */
  bareEvalMs: number;
  /** getTicket + ticketEvents for tickets across the year, p50 / p95 ms. */
  pageP50: number;
  pageP95: number;
  /** The same ticket's row, duties and events in three primary-key/index reads, p50 ms. */
  barePageP50: number;
  /** The centre's list of one unit's tickets in progress, sorted by deadline, p50 ms. */
  listP50: number;
  /** Other lists the centre opens, p50 ms: every overdue ticket by deadline; the month's complaints, newest first; the month's tickets whose facts say 多次反映. */
  listRedP50: number;
  listMonthTypeP50: number;
  listWordP50: number;
  /** What a unit's staff open, p50 ms: the busiest unit's workbench, its whole list (newest first, with the total) and the list's status tabs; a small unit's whole list. */
  unitWorkbenchP50: number;
  unitListP50: number;
  unitTabsP50: number;
  smallUnitListP50: number;
  /** The month's 月报 built city-wide the first time (its tickets' keywords segmented and kept), ms. */
  reportMs: number;
  /** The same 月报 built again (keywords read back), ms. */
  reportAgainMs: number;
}

const END = '2026-11-01T00:00:00+08:00';
const MONTH = '2026-10';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const round1 = (x: number) => Math.round(x * 10) / 10;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

export async function evaluationBench(engine: 'sqlite' | 'postgres', tickets: number, log: (line: string) => void): Promise<EvaluationFigures> {
  const scratch = await scratchDatabase(engine, 'eval');
  const clock = new ManualClock(new Date(Date.parse(END) + 2 * 86_400_000).toISOString());
  const ctx = await bootstrap({ databaseUrl: scratch.databaseUrl, sqliteFile: scratch.sqliteFile, dataDir: scratch.dir, clock });
  try {
    const db = ctx.store.db;
    log(`history on ${engine}: generating ${tickets.toLocaleString('en')} tickets over 12 months…`);
    let shown = 0;
    const generated = await generateHistory(ctx, {
      tickets,
      months: 12,
      seed: 20261101,
      end: END,
      databaseUrl: scratch.databaseUrl,
      onProgress: (done) => {
        if (done - shown < tickets / 10) return;
        shown = done;
        log(`  ${done.toLocaleString('en')}…`);
      },
    });
    log(`  …written in ${generated.seconds} s (${generated.duties.toLocaleString('en')} duties, ${generated.events.toLocaleString('en')} events); evaluating ${MONTH} three times`);
    const runs: number[] = [];
    let evaluated = 0;
    for (let i = 0; i < 3; i++) {
      runs.push(Math.round(await timed(async () => (evaluated = (await evaluateMonth(ctx, MONTH)).rows.filter((r) => r.score !== null).length))));
    }
    const from = new Date(Date.parse(`${MONTH}-01T00:00:00+08:00`)).toISOString();
    const to = new Date(Date.parse(END)).toISOString();
    const bare = [];
    for (let i = 0; i < 3; i++) {
      bare.push(
        await timed(() =>
          sql`select unit_id, count(*) as n, sum(case when status = 'done' then 1 else 0 end) as done, sum(late) as late
              from duties where kind = 'sign' and started_at >= ${from} and started_at < ${to} group by unit_id`.execute(db),
        ),
      );
    }
    // Tickets across the year, each page as the centre opens it: the ticket with its duties, requests
    // and links, then its timeline.
    const centre: Actor = { userId: 0, username: 'bench', displayName: 'bench', role: 'centre', unitId: ctx.org.firstOfKind('centre')?.id ?? null, unitScope: null } as Actor;
    const sample = [];
    for (let i = 1; i <= 60; i++) sample.push(Math.max(1, Math.floor((generated.lastTicketId * i) / 61)));
    const numbers = (await db.selectFrom('tickets').select(['id', 'no']).where('id', 'in', sample).execute()).map((r) => ({ id: Number(r.id), no: r.no }));
    for (const { no } of numbers.slice(0, 5)) await getTicket(ctx, centre, no);
    const page: number[] = [];
    const barePage: number[] = [];
    for (const { id, no } of numbers) {
      page.push(await timed(async () => {
        await getTicket(ctx, centre, no);
        await ticketEvents(ctx, centre, no);
      }));
      barePage.push(await timed(async () => {
        await sql`select * from tickets where no = ${no}`.execute(db);
        await sql`select * from duties where ticket_id = ${id}`.execute(db);
        await sql`select * from events where ticket_id = ${id} order by id`.execute(db);
      }));
    }
    const busiest = await db.selectFrom('tickets').select(['lead_unit_id', (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'in_progress').groupBy('lead_unit_id').orderBy('n', 'desc').limit(1).executeTakeFirst();
    const unitCode = busiest?.lead_unit_id ? ctx.org.get(Number(busiest.lead_unit_id))?.code : undefined;
    const p50Of = async (work: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 9; i++) times.push(await timed(work));
      return round1(median(times));
    };
    const listP50 = await p50Of(() => listTickets(ctx, centre, { status: 'in_progress', unit: unitCode, sort: 'due', pageSize: 20 }));
    const listed = async (query: Parameters<typeof listTickets>[2]) => p50Of(() => listTickets(ctx, centre, { pageSize: 20, ...query }));
    const monthFrom = new Date(Date.parse(`${MONTH}-01T00:00:00+08:00`)).toISOString();
    const listRedP50 = await listed({ light: 'red', sort: 'due' });
    const listMonthTypeP50 = await listed({ type: 'complaint', from: monthFrom, to, sort: 'created' });
    const listWordP50 = await listed({ q: '多次反映', from: monthFrom, to });
    // A unit's staff: the busiest unit's, and those of a unit at the 80th percentile by duties (most units are small).
    const perUnit = await db.selectFrom('duties').select(['unit_id', (eb) => eb.fn.countAll<number>().as('n')]).where('unit_id', 'is not', null).groupBy('unit_id').orderBy('n', 'desc').execute();
    const staffOf = (unitId: number): Actor => ({ userId: 0, username: 'bench', displayName: 'bench', role: 'unit_staff', unitId, unitScope: ctx.org.subtreeIds(unitId) }) as Actor;
    const busiestStaff = staffOf(busiest?.lead_unit_id ? Number(busiest.lead_unit_id) : Number(perUnit[0].unit_id));
    const smallStaff = staffOf(Number(perUnit[Math.floor(perUnit.length * 0.8)].unit_id));
    const unitWorkbenchP50 = await p50Of(() => workbench(ctx, busiestStaff));
    const unitListP50 = await p50Of(() => listTickets(ctx, busiestStaff, { pageSize: 20 }));
    const unitTabsP50 = await p50Of(() => statusCounts(ctx, busiestStaff));
    const smallUnitListP50 = await p50Of(() => listTickets(ctx, smallStaff, { pageSize: 20 }));
    log(`  month report ${MONTH}…`);
    // The first 月报 over the month segments its tickets' facts and keeps their keywords; the second reads them.
    const month = periodAt('monthly', `${MONTH}-15T12:00:00+08:00`);
    const reportMs = await timed(() => buildPeriodReport(ctx, month, CITY_SCOPE));
    const reportAgainMs = await timed(() => buildPeriodReport(ctx, month, CITY_SCOPE));
    log(`  month report ${MONTH}: ${Math.round(reportMs)} ms, again ${Math.round(reportAgainMs)} ms`);
    return {
      engine,
      tickets,
      duties: generated.duties,
      events: generated.events,
      generateSeconds: generated.seconds,
      runs,
      units: evaluated,
      bareEvalMs: round1(median(bare)),
      pageP50: round1(median(page)),
      pageP95: round1(pct(page, 0.95)),
      barePageP50: round1(median(barePage)),
      listP50,
      listRedP50,
      listMonthTypeP50,
      listWordP50,
      unitWorkbenchP50,
      unitListP50,
      unitTabsP50,
      smallUnitListP50,
      reportMs: Math.round(reportMs),
      reportAgainMs: Math.round(reportAgainMs),
    };
  } finally {
    await ctx.store.close();
    // BENCH_EVAL_KEEP=1 keeps the database for a look at the query plans.
    if (process.env.BENCH_EVAL_KEEP === '1') log(`  kept: ${scratch.databaseUrl ?? scratch.sqliteFile}`);
    else await scratch.drop();
  }
}
