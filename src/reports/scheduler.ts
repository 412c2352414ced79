// Scheduled generation: from 00:10 Shanghai each day the previous day's 日报, on Mondays the previous
// week's 周报, on the 1st the previous month's 月报 are built city-wide and stored (unique kind and
// period, so running again changes nothing), and the previous day is checked for 社情民意 spikes.
// The job catches up: a server that was down at 00:10 generates the missing reports when it runs.
import { sql } from 'kysely';
import type { AppContext } from '../server/context.ts';
import { PERIOD_KINDS, periodAt, previousPeriod, type Period, type PeriodKind } from './periods.ts';
import type { StoredReportMeta } from './contract.ts';

export type { StoredReportMeta };
import { buildPeriodReport, CITY_SCOPE, type Report } from './report.ts';
import { flagSpikes, type SpikeView } from './hot-topics.ts';
import { startPeriodicJob } from '../server/periodic-job.ts';

/** Reports are due from 00:10 (Shanghai) of the day after their period. */
const DUE_AFTER_MS = 10 * 60_000;

/** The periods whose reports are due at `now`: the last complete day, ISO week and month by 00:10. */
export function duePeriods(nowIso: string): Period[] {
  const reference = new Date(Date.parse(nowIso) - DUE_AFTER_MS).toISOString();
  return PERIOD_KINDS.map((kind) => previousPeriod(periodAt(kind, reference)));
}

/**
 * Builds and stores a period's city-wide report unless it is stored already; returns whether it was
 * new or replaced. A report stored while its period was still running (generated before the period's
 * end, and saying 截至 when) is not final: the next run after the period is over replaces it, so the
 * archive never keeps a running period's figures as the period's own.
 */
export async function generateReport(ctx: AppContext, period: Period): Promise<boolean> {
  const db = ctx.store.db;
  const existing = await db.selectFrom('reports').select(['id', 'generated_at']).where('kind', '=', period.kind).where('period', '=', period.key).executeTakeFirst();
  if (existing && Date.parse(existing.generated_at) >= Date.parse(period.to)) return false;
  const report = await buildPeriodReport(ctx, period, CITY_SCOPE);
  if (existing) {
    // Only the row as read is replaced: a second process that replaced it first keeps its own.
    const updated = await db
      .updateTable('reports')
      .set({ json: JSON.stringify(report), generated_at: report.generatedAt })
      .where('id', '=', existing.id)
      .where('generated_at', '=', existing.generated_at)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows ?? 0) > 0;
  }
  // Two processes may race: the unique (kind, period) keeps the first; the second inserts nothing.
  const result = await db
    .insertInto('reports')
    .values({ kind: period.kind, period: period.key, json: JSON.stringify(report), generated_at: report.generatedAt })
    .onConflict((oc) => oc.columns(['kind', 'period']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

const checkedDay = new WeakMap<AppContext, string>();

export interface JobResult {
  generated: Array<{ kind: PeriodKind; period: string }>;
  spikes: SpikeView[];
}

/** One run of the job at the clock's now: the due reports and the previous day's spikes. */
export async function runReportJob(ctx: AppContext): Promise<JobResult> {
  const generated: JobResult['generated'] = [];
  const due = duePeriods(ctx.clock.now());
  for (const period of due) if (await generateReport(ctx, period)) generated.push({ kind: period.kind, period: period.key });
  // The spike check reads a fortnight of facts: once per day and process (flagging is idempotent anyway).
  const day = due.find((p) => p.kind === 'daily')!;
  if (checkedDay.get(ctx) === day.key) return { generated, spikes: [] };
  const spikes = await flagSpikes(ctx, day.to);
  checkedDay.set(ctx, day.key);
  return { generated, spikes };
}

/** Runs the job shortly after start and then every `intervalMs`, one run at a time, until stopped. */
export function startReportScheduler(ctx: AppContext, intervalMs = 60_000, onError: (err: unknown) => void = () => {}): () => Promise<void> {
  return startPeriodicJob(() => runReportJob(ctx), intervalMs, onError);
}

/** The stored reports, newest period first. */
export async function listArchive(ctx: AppContext, kind?: PeriodKind): Promise<StoredReportMeta[]> {
  let q = ctx.store.db.selectFrom('reports').select(['id', 'kind', 'period', 'generated_at']).orderBy('period', 'desc').orderBy('kind').limit(1000);
  if (kind) q = q.where('kind', '=', kind);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind as PeriodKind, period: r.period, generatedAt: r.generated_at }));
}

export async function storedReport(ctx: AppContext, id: number): Promise<(StoredReportMeta & { report: Report }) | undefined> {
  const row = await ctx.store.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, kind: row.kind as PeriodKind, period: row.period, generatedAt: row.generated_at, report: JSON.parse(row.json) as Report };
}

/** Rows in the reports tables (tests compare before and after a re-run). */
export async function reportTableCounts(ctx: AppContext): Promise<{ reports: number; alerts: number; outbox: number }> {
  const count = async (table: 'reports' | 'report_alerts' | 'outbox') =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(ctx.store.db)).rows[0].n);
  return { reports: await count('reports'), alerts: await count('report_alerts'), outbox: await count('outbox') };
}
