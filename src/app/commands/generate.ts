// `hotline generate --tickets N --months M [--seed K] [--end ISO] [--database-url URL]`: writes a
// synthetic history into the configured store (or the one --database-url names) and prints its size.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrap, envOptions } from '../bootstrap.ts';
import { Problem } from '../../server/problem.ts';
import { generateHistory } from '../../scale/generate.ts';

export const GENERATE_USAGE = `  generate --tickets N --months M [--seed K] [--end 时刻] [--database-url URL] [--json]
                             写入 N 张工单、M 个月的模拟历史（渠道、类型、分类、区县、单位、各状态、延期、回访、操作记录），同一种子数据相同`;

export async function generateCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { tickets: { type: 'string' }, months: { type: 'string' }, seed: { type: 'string' }, end: { type: 'string' }, 'database-url': { type: 'string' }, json: { type: 'boolean' } },
  });
  const tickets = Number(values.tickets);
  const months = Number(values.months ?? 12);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (!Number.isInteger(tickets) || tickets < 1 || !Number.isInteger(months) || months < 1 || (seed !== undefined && !Number.isInteger(seed))) {
    throw new Problem(400, 'usage', `--tickets、--months 须为正整数，--seed 须为整数\n用法:\n${GENERATE_USAGE}`);
  }
  if (values.end !== undefined && !Number.isFinite(Date.parse(values.end))) throw new Problem(400, 'usage', `--end 须为时刻，如 2026-11-01T00:00:00+08:00：${values.end}`);
  const env = envOptions();
  const databaseUrl = values['database-url'] || env.databaseUrl;
  const dataDir = env.dataDir ?? './data';
  const sqliteFile = join(dataDir, 'hotline.sqlite');
  const ctx = await bootstrap({ databaseUrl, dataDir, sqliteFile });
  try {
    let lastShown = 0;
    const result = await generateHistory(ctx, {
      tickets,
      months,
      seed,
      end: values.end,
      databaseUrl,
      onProgress: (done, total) => {
        if (values.json || done - lastShown < total / 20) return;
        lastShown = done;
        process.stderr.write(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')}\n`);
      },
    });
    if (values.json) process.stdout.write(`${JSON.stringify({ engine: ctx.store.engine, ...result })}\n`);
    else
      process.stdout.write(
        `已生成 ${result.tickets} 张工单（${ctx.store.engine}，${result.from} 至 ${result.to}）：` +
          `${result.duties} 项时限、${result.events} 条操作记录、${result.callbacks} 次回访、${result.requests} 个退单/延期申请，用时 ${result.seconds} 秒\n`,
      );
  } finally {
    await ctx.store.close();
  }
}
