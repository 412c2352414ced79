// /api/v1/calendar: the admin's year view, single-day overrides and the import of a year's notice.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { invalid } from '../server/problem.ts';
import { computeDeadline, formatShanghai, parseInstant, shanghaiDate } from '../domain/deadline.ts';
import { obj, text } from '../server/schemas.ts';
import { calendarWarnings } from './warnings.ts';

const dateSchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const daysSchema = { type: 'array', maxItems: 120, items: obj({ date: dateSchema, name: text(40, 0) }, ['date']) };

/** A real calendar date: Date.parse alone rolls 2027-02-30 over to March. */
function isDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

function checkDates(year: number, days: Array<{ date: string }>, field: string) {
  for (const d of days) {
    if (!d.date.startsWith(`${year}-`) || !isDate(d.date)) throw invalid(field, `日期 ${d.date} 无效或不属于 ${year} 年`);
  }
}

export const calendarRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Params: { year: number } }>(
    '/calendar/years/:year',
    { schema: { tags: ['calendar'], summary: '工作日历（年视图）', params: obj({ year: { type: 'integer', minimum: 2000, maximum: 2100 } }, ['year']) }, onRequest: requireRole() },
    async (request) => {
      const year = request.params.year;
      const status = ctx.calendar.yearStatus(year);
      return {
        ...status,
        warning: status.official ? null : `${year} 年的节假日安排尚未导入：该年按周末休息计算，期限标记为“暂定”`,
        days: ctx.calendar.yearDays(year),
      };
    },
  );

  app.post<{ Params: { year: number }; Body: { holidays: Array<{ date: string; name?: string }>; workdays: Array<{ date: string; name?: string }>; note?: string } }>(
    '/calendar/years/:year/import',
    {
      schema: {
        tags: ['calendar'],
        summary: '导入某年国务院节假日安排（重算受影响的期限：未办结与近期已办结的职责、督办事项、差评处理）',
        params: obj({ year: { type: 'integer', minimum: 2000, maximum: 2100 } }, ['year']),
        body: obj({ holidays: daysSchema, workdays: daysSchema, note: text(300, 0) }, ['holidays', 'workdays']),
      },
      onRequest: requireRole('admin'),
    },
    async (request) => {
      const { year } = request.params;
      checkDates(year, request.body.holidays, 'holidays');
      checkDates(year, request.body.workdays, 'workdays');
      // One transaction: the notice, every deadline it moves and the audit event, or nothing.
      const recomputed = await inTransaction(ctx.store.db, async (tx) => {
        const now = ctx.clock.now();
        const summary = await ctx.calendar.importYear(year, request.body, ctx.city, now, tx);
        await writeEvent(tx, actorOf(request), now, { action: 'calendar_import', detail: { year, holidays: request.body.holidays.length, workdays: request.body.workdays.length, recomputed: summary } });
        return summary;
      });
      await ctx.calendar.reload();
      return { year, recomputedDeadlines: recomputed.total, recomputed, status: ctx.calendar.yearStatus(year) };
    },
  );

  app.put<{ Params: { date: string }; Body: { kind: 'workday' | 'holiday' | null; name?: string } }>(
    '/calendar/days/:date',
    {
      schema: {
        tags: ['calendar'],
        summary: '单日调整（管理员）；kind 为 null 时取消调整',
        params: obj({ date: dateSchema }, ['date']),
        body: obj({ kind: { type: ['string', 'null'], enum: ['workday', 'holiday', null] }, name: text(40, 0) }, ['kind']),
      },
      onRequest: requireRole('admin'),
    },
    async (request) => {
      const { date } = request.params;
      if (!isDate(date)) throw invalid('date', `日期 ${date} 无效`);
      const recomputed = await inTransaction(ctx.store.db, async (tx) => {
        const now = ctx.clock.now();
        await ctx.calendar.setDay(date, request.body.kind, request.body.name ?? null, now, tx);
        const summary = await ctx.calendar.recompute(tx, ctx.city, date, now);
        await writeEvent(tx, actorOf(request), now, { action: 'calendar_day', detail: { date, kind: request.body.kind, recomputed: summary } });
        return summary;
      });
      await ctx.calendar.reload();
      return { date, kind: request.body.kind, recomputedDeadlines: recomputed.total, recomputed };
    },
  );

  app.get<{ Querystring: { from: string; workingDays?: number; days?: number; hours?: number } }>(
    '/calendar/deadline',
    {
      schema: {
        tags: ['calendar'],
        summary: '计算期限（N 个工作日 / N 日 / N 小时）',
        querystring: obj(
          { from: text(40), workingDays: { type: 'integer', minimum: 1, maximum: 365 }, days: { type: 'integer', minimum: 1, maximum: 365 }, hours: { type: 'number', exclusiveMinimum: 0, maximum: 8760 } },
          ['from'],
        ),
      },
      onRequest: requireRole(),
    },
    async (request) => {
      const q = request.query;
      const from = parseInstant(q.from);
      if (!from) throw invalid('from', '字段「开始时间」应为带时区的时间，如 2026-10-09T10:00:00+08:00');
      const limit = q.workingDays ? { unit: 'working_days' as const, amount: q.workingDays } : q.days ? { unit: 'days' as const, amount: q.days } : q.hours ? { unit: 'hours' as const, amount: q.hours } : null;
      if (!limit) throw invalid('workingDays', '须给出 workingDays、days 或 hours 之一');
      const d = computeDeadline(from, limit, ctx.calendar.current());
      return { from: formatShanghai(from), dueAt: formatShanghai(d.dueAt), yellowAt: formatShanghai(d.yellowAt), provisional: d.provisional, startDate: shanghaiDate(from) };
    },
  );

  app.get('/calendar/warnings', { schema: { tags: ['calendar'], summary: '日历告警（缺少官方节假日数据的年份）' }, onRequest: requireRole() }, async () => calendarWarnings(ctx));
};
