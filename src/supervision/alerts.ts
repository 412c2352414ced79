// The warning job (第十五条 红黄灯, 第二十七条(一)): for each open duty whose yellow instant passed, ONE
// warning to its unit (SMS to the unit's duty phone through the outbox, and a console notification);
// for each that turned red, ONE escalation to the centre. Each is recorded as a unique
// (duty_id, kind) row written in the same transaction as its outbox message and notification, so
// running the job twice, or in two processes at once, sends nothing twice. The light itself never
// depends on this job: it is derived from the deadline when read.
import type { AppContext } from '../server/context.ts';
import { inTransaction, type Tx } from '../store/db.ts';
import { formatForPeople } from '../domain/deadline.ts';
import { SYSTEM_ACTOR } from '../domain/actor.ts';
import { writeEvent } from '../audit/events.ts';
import { enqueue } from '../outbox/outbox.ts';
import { notify } from '../notifications/notifications.ts';
import { DUTY_KIND_LABELS } from './board.ts';
import { startPeriodicJob } from '../server/periodic-job.ts';

const BATCH = 500;
type AlertKind = 'warning' | 'escalation';

interface DueRow {
  id: number;
  ticket_id: number;
  no: string;
  unit_id: number | null;
  kind: string;
  due_at: string;
}

async function candidates(ctx: AppContext, kind: AlertKind, now: string): Promise<DueRow[]> {
  return ctx.store.db
    .selectFrom('duties as d')
    .innerJoin('tickets as t', 't.id', 'd.ticket_id')
    .select(['d.id', 'd.ticket_id', 't.no', 'd.unit_id', 'd.kind', 'd.due_at'])
    .where('d.status', '=', 'open')
    .$if(kind === 'warning', (q) => q.where('d.yellow_at', '<=', now))
    .$if(kind === 'escalation', (q) => q.where('d.due_at', '<', now))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('supervision_alerts as a').select('a.id').whereRef('a.duty_id', '=', 'd.id').where('a.kind', '=', kind))))
    .orderBy('d.due_at')
    .limit(BATCH)
    .execute();
}

/** Records the alert; false when another run already did (the unique key decides). */
async function claim(tx: Tx, row: DueRow, kind: AlertKind, now: string): Promise<boolean> {
  const inserted = await tx
    .insertInto('supervision_alerts')
    .values({ duty_id: row.id, kind, ticket_id: row.ticket_id, unit_id: row.unit_id, created_at: now })
    .onConflict((oc) => oc.columns(['duty_id', 'kind']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return !!inserted;
}

async function warn(ctx: AppContext, tx: Tx, row: DueRow, now: string): Promise<void> {
  const unit = ctx.org.get(row.unit_id);
  const due = formatForPeople(row.due_at);
  const what = DUTY_KIND_LABELS[row.kind] ?? row.kind;
  if (unit?.smsPhone) await enqueue(tx, 'sms', { to: unit.smsPhone, template: 'deadline_warning', params: { ticketNo: row.no, dueAt: due } }, now);
  if (unit) await notify(tx, { unitId: unit.id, kind: 'warning', ticketId: row.ticket_id, title: `工单 ${row.no} ${what}即将到期`, body: `期限 ${due}，请及时办理。`, link: `/tickets/${row.no}` }, now);
  await writeEvent(tx, SYSTEM_ACTOR, now, { ticketId: row.ticket_id, action: 'deadline_warning', detail: { dutyId: row.id, kind: row.kind, unit: unit?.code ?? null } });
}

async function escalate(ctx: AppContext, tx: Tx, row: DueRow, now: string): Promise<void> {
  const unit = ctx.org.get(row.unit_id);
  const centre = ctx.org.firstOfKind('centre');
  const what = DUTY_KIND_LABELS[row.kind] ?? row.kind;
  if (centre) {
    await notify(
      tx,
      { unitId: centre.id, kind: 'escalation', ticketId: row.ticket_id, title: `工单 ${row.no} ${what}已超期`, body: `${unit?.name ?? '承办单位'}的${what}期限 ${formatForPeople(row.due_at)} 已过，请督办。`, link: `/tickets/${row.no}` },
      now,
    );
    if (centre.smsPhone) await enqueue(tx, 'sms', { to: centre.smsPhone, template: 'supervision', params: { ticketNo: row.no, matter: `${unit?.name ?? '承办单位'}${what}已超期，请督办` } }, now);
  }
  await writeEvent(tx, SYSTEM_ACTOR, now, { ticketId: row.ticket_id, action: 'deadline_escalation', detail: { dutyId: row.id, kind: row.kind, unit: unit?.code ?? null } });
}

/** One pass of the job at the clock's instant; returns how many warnings and escalations it sent. */
export async function runAlerts(ctx: AppContext): Promise<{ warnings: number; escalations: number }> {
  const now = ctx.clock.now();
  const sent = { warnings: 0, escalations: 0 };
  for (const kind of ['warning', 'escalation'] as const) {
    for (;;) {
      const rows = await candidates(ctx, kind, now);
      if (!rows.length) break;
      await inTransaction(ctx.store.db, async (tx) => {
        for (const row of rows) {
          if (!(await claim(tx, row, kind, now))) continue;
          if (kind === 'warning') await warn(ctx, tx, row, now);
          else await escalate(ctx, tx, row, now);
          if (kind === 'warning') sent.warnings += 1;
          else sent.escalations += 1;
        }
      });
      if (rows.length < BATCH) break;
    }
  }
  return sent;
}

/** Runs the job every `intervalMs` (and once shortly after start) until stopped; like the outbox relay. */
export function startAlertJob(ctx: AppContext, intervalMs = 60_000, onError: (err: unknown) => void = () => undefined): () => Promise<void> {
  return startPeriodicJob(() => runAlerts(ctx), intervalMs, onError);
}
