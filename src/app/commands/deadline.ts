// `hotline deadline`: the due time of a limit from a moment, on the city's working-day calendar.
import { parseArgs } from 'node:util';
import { computeDeadline, formatShanghai, parseInstant } from '../../domain/deadline.ts';
import { usageError, type Command } from './command.ts';

export const deadlineCommand: Command = {
  usage: `  deadline --from <时刻> (--working-days N | --hours N | --days N)
                             计算期限，输出 YYYY-MM-DDTHH:mm:ss+08:00`,
  async run(args, withContext) {
    const { values } = parseArgs({ args, options: { from: { type: 'string' }, 'working-days': { type: 'string' }, hours: { type: 'string' }, days: { type: 'string' } } });
    const from = values.from ? parseInstant(values.from) : null;
    if (!from) throw usageError('--from 须为带时区的时刻，如 2026-09-30T16:00:00+08:00');
    const given = values['working-days'] ? (['working_days', values['working-days']] as const) : values.hours ? (['hours', values.hours] as const) : values.days ? (['days', values.days] as const) : null;
    if (!given) throw usageError('须给出 --working-days、--hours 或 --days');
    const [unit, raw] = given;
    const amount = Number(raw);
    if (!Number.isFinite(amount) || amount <= 0 || (unit !== 'hours' && !Number.isInteger(amount))) throw usageError(`时限须为正数${unit === 'hours' ? '' : '（整数）'}：${raw}`);
    await withContext(async (ctx) => {
      const d = computeDeadline(from, { unit, amount }, ctx.calendar.current());
      process.stdout.write(`${formatShanghai(d.dueAt)}\n`);
      if (d.provisional) process.stderr.write('注意：期限涉及尚未导入节假日安排的年份，为暂定期限\n');
    });
  },
};
