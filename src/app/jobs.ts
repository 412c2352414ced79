// The background jobs a serving process runs, in one list: each starts with the context and gives
// back its stop. The stops run in the list's order at shutdown (the jobs that write into the outbox
// first, the relays that empty it last).
import { join } from 'node:path';
import type { AppContext } from '../server/context.ts';
import { FileSmsGateway, HttpSmsGateway, type SmsGateway } from '../outbox/sms-gateway.ts';
import { startWebhookRelay } from '../interop/webhooks-relay.ts';
import { startRelay } from '../outbox/relay.ts';
import { startAlertJob } from '../supervision/alerts.ts';
import { ensureComingPartitions } from '../store/partitions.ts';
import { startPeriodicJob } from '../server/periodic-job.ts';
import { startReportScheduler } from '../reports/scheduler.ts';
import { startProvincialSync } from '../interop/transfer.ts';
import { auditHeadIntervalMs, startAuditHeadJob } from '../outbox/audit-head-job.ts';

export interface JobLog {
  error(obj: { err: unknown }, msg: string): void;
  info(obj: object, msg: string): void;
}

type Stop = () => Promise<void>;

interface Job {
  name: string;
  start(ctx: AppContext, log: JobLog): Stop;
}

// The HOTLINE_WEBHOOK_* and HOTLINE_SMS_* variables shorten the schedule in tests.
const envMs = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);

/** SMS: the operator's HTTP gateway when HOTLINE_SMS_GATEWAY_URL is set, else a file for development. */
function smsGateway(ctx: AppContext): SmsGateway {
  return process.env.HOTLINE_SMS_GATEWAY_URL
    ? new HttpSmsGateway({ url: process.env.HOTLINE_SMS_GATEWAY_URL, apiKey: process.env.HOTLINE_SMS_GATEWAY_KEY || undefined, signName: ctx.city.sms?.signName ?? '12345热线', templateIds: ctx.city.sms?.templateIds ?? {} })
    : new FileSmsGateway(join(ctx.dataDir, 'sms.log'));
}

/** PostgreSQL: the history's partitions for this month and the next three, shortly after start and then hourly. */
function startPartitionJob(ctx: AppContext, intervalMs: number, onError: (err: unknown) => void): Stop {
  if (!ctx.store.capabilities.partitionedHistory) return async () => undefined;
  return startPeriodicJob(() => ensureComingPartitions(ctx), intervalMs, onError);
}

export const JOBS: Job[] = [
  { name: 'supervision alerts', start: (ctx, log) => startAlertJob(ctx, 60_000, (err) => log.error({ err }, 'supervision alert job failed')) },
  // Replies and callback results of provincial/national tickets into the outbox (topic provincial.sync).
  { name: 'provincial sync', start: (ctx, log) => startProvincialSync(ctx, 30_000, (err) => log.error({ err }, 'provincial sync failed')) },
  // PostgreSQL: the history's partitions for this month and the next three (src/store/partitions.ts).
  { name: 'partitions', start: (ctx, log) => startPartitionJob(ctx, 3_600_000, (err) => log.error({ err }, 'partition job failed')) },
  // The audit chain's head to the log and the outbox (audit.head), for an outside record (src/outbox/audit-head-job.ts).
  {
    name: 'audit head',
    start: (ctx, log) => startAuditHeadJob(ctx, auditHeadIntervalMs(ctx), (line, head) => log.info({ auditHead: head }, line), (err) => log.error({ err }, 'audit head job failed')),
  },
  { name: 'sms relay', start: (ctx) => startRelay(ctx, smsGateway(ctx), envMs('HOTLINE_SMS_INTERVAL_MS'), { leaseMs: envMs('HOTLINE_SMS_LEASE_MS') }) },
  {
    name: 'webhook relay',
    start: (ctx, log) => {
      const backoffCap = envMs('HOTLINE_WEBHOOK_BACKOFF_CAP_MS');
      return startWebhookRelay(
        ctx,
        envMs('HOTLINE_WEBHOOK_INTERVAL_MS') ?? 1000,
        { timeoutMs: envMs('HOTLINE_WEBHOOK_TIMEOUT_MS'), leaseMs: envMs('HOTLINE_WEBHOOK_LEASE_MS'), backoff: backoffCap ? { baseMs: Math.min(1000, backoffCap), capMs: backoffCap } : undefined },
        (err) => log.error({ err }, 'webhook relay failed'),
      );
    },
  },
  // 日报、周报、月报 from 00:10 each day, and the 社情民意 spike check (src/reports/scheduler.ts).
  { name: 'reports', start: (ctx, log) => startReportScheduler(ctx, 60_000, (err) => log.error({ err }, 'report job failed')) },
];

/** Starts every job; the returned function stops them all, in the list's order. */
export function startJobs(ctx: AppContext, log: JobLog, jobs: Job[] = JOBS): Stop {
  const stops = jobs.map((job) => job.start(ctx, log));
  return async () => {
    for (const stop of stops) await stop();
  };
}
