// The call-handling figures of a period of whole Shanghai days, for the 日报/周报/月报 and the live
// wall: the service levels (loaded and computed as GET /call-stats does), the messages answered within
// the target, and the 漏接回拨 figures (src/domain/missed-call-figures.ts) as of the period's end.
import type { AppContext } from '../server/context.ts';
import { CONNECT_RATE_TARGET, type MessageFigures, type PeriodCallFigures } from '../domain/call-contract.ts';

export { CONNECT_RATE_TARGET, type MessageFigures, type PeriodCallFigures };
import { figuresFor, windowOfDates } from '../domain/service-levels.ts';
import { missedCallFigures } from '../domain/missed-call-figures.ts';
import { loadCallRecords, loadMissedCallRows, loadSeatIntervals } from './stats.ts';
import { settleExpiredSeats } from './seat-store.ts';


const dayList = (fromDay: string, toDay: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${fromDay}T00:00:00Z`); t <= Date.parse(`${toDay}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};


/** The figures of the Shanghai days fromDay…toDay; the 漏接回拨 and seat time as of min(now, end). */
export async function periodCallFigures(ctx: AppContext, fromDay: string, toDay: string): Promise<PeriodCallFigures> {
  const now = ctx.clock.now();
  await settleExpiredSeats(ctx.store.db, now);
  const window = windowOfDates(fromDay, toDay);
  if (!window) throw new Error(`bad period ${fromDay}…${toDay}`);
  const from = new Date(Date.parse(window.from)).toISOString();
  const to = new Date(Date.parse(window.to)).toISOString();
  const asOf = Date.parse(now) < Date.parse(to) ? new Date(Date.parse(now)).toISOString() : to;
  const calls = ctx.city.calls;
  const [records, seats, messages, missedRows] = await Promise.all([
    loadCallRecords(ctx, fromDay, toDay),
    loadSeatIntervals(ctx, from, to),
    ctx.store.db.selectFrom('messages').select(['reply_seconds']).where('local_day', 'in', dayList(fromDay, toDay)).execute(),
    loadMissedCallRows(ctx, from, to, asOf),
  ]);
  const rules = { answerTargetSeconds: calls.answerTargetSeconds, shortAbandonSeconds: calls.shortAbandonSeconds };
  const serviceLevels = figuresFor(records, seats, window, rules, { now });
  const answered = messages.filter((m) => m.reply_seconds != null);
  const within = answered.filter((m) => m.reply_seconds! <= calls.messageResponseSeconds).length;
  return {
    serviceLevels,
    answerTargetSeconds: calls.answerTargetSeconds,
    connectRateTarget: CONNECT_RATE_TARGET,
    connectRateMet: serviceLevels.connectRate === null ? null : serviceLevels.connectRate >= CONNECT_RATE_TARGET,
    messages: {
      received: messages.length,
      answered: answered.length,
      answeredWithinTarget: within,
      withinTargetRate: messages.length ? within / messages.length : null,
      targetSeconds: calls.messageResponseSeconds,
    },
    missedCalls: missedCallFigures(missedRows, calls.missedCallback, asOf),
  };
}
