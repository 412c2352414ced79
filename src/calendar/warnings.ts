// A year whose holiday arrangement is unknown makes deadlines provisional: say so in /healthz and the API.
import type { AppContext } from '../server/context.ts';
import { shanghaiDate } from '../domain/deadline.ts';

export async function calendarWarnings(ctx: AppContext): Promise<{ warnings: string[]; provisionalOpenDuties: number }> {
  const today = shanghaiDate(ctx.clock.now());
  const year = Number(today.slice(0, 4));
  const warnings: string[] = [];
  for (const y of [year, year + 1]) {
    if (!ctx.calendar.current().isOfficialYear(y)) {
      warnings.push(`${y} 年节假日安排尚未导入，涉及该年的期限按周末计算并标记为暂定；国务院通知发布后请在“工作日历”中导入`);
    }
  }
  const row = await ctx.store.db
    .selectFrom('duties')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'open')
    .where('provisional', '=', 1)
    .executeTakeFirst();
  return { warnings, provisionalOpenDuties: Number(row?.n ?? 0) };
}
