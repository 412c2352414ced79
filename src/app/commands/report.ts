// `hotline report …`: a 日报/周报/月报 as JSON (the same object as the API) or a file (.xlsx, PDF),
// for the whole city or one unit's subtree; `report run` runs the scheduled job once.
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { AppContext } from '../../server/context.ts';
import { Problem } from '../../server/problem.ts';
import { PERIOD_KINDS, PERIOD_PARAM, periodAt, periodOf, type PeriodKind } from '../../reports/periods.ts';
import { buildPeriodReport, CITY_SCOPE, type ReportScope } from '../../reports/report.ts';
import { reportPdf, reportXlsx } from '../../reports/exports.ts';
import { runReportJob } from '../../reports/scheduler.ts';
import { viewerMark } from '../../server/watermark.ts';
import { inTransaction } from '../../store/db.ts';
import { writeEvent } from '../../audit/events.ts';

export const REPORT_USAGE = `  report daily|weekly|monthly [--date YYYY-MM-DD | --week YYYY-Www | --month YYYY-MM]
         [--format json|xlsx|pdf] [--out 文件] [--unit CODE]
                             日报、周报、月报（缺省当前期间、全市、JSON 输出到标准输出）
  report run                 立即执行定时任务：补齐到期的日报、周报、月报，检查社情民意突增`;

const usage = (message: string) => new Problem(400, 'usage', `${message}\n用法:\n${REPORT_USAGE}`);

export async function reportCommand(args: string[], withContext: <T>(work: (ctx: AppContext) => Promise<T>) => Promise<T>): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'run') {
    await withContext(async (ctx) => {
      const result = await runReportJob(ctx);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
    return;
  }
  if (!(PERIOD_KINDS as readonly string[]).includes(sub ?? '')) throw usage('须指明 daily、weekly、monthly 或 run');
  const kind = sub as PeriodKind;
  const { values } = parseArgs({
    args: rest,
    options: { date: { type: 'string' }, week: { type: 'string' }, month: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, unit: { type: 'string' } },
  });
  const format = values.format ?? 'json';
  if (!['json', 'xlsx', 'pdf'].includes(format)) throw usage('--format 应为 json、xlsx 或 pdf');
  if (format !== 'json' && !values.out) throw usage(`--format ${format} 须给出 --out 文件`);
  const param = PERIOD_PARAM[kind];
  for (const other of ['date', 'week', 'month'] as const) if (other !== param && values[other]) throw usage(`${kind} 使用 --${param}，不接受 --${other}`);
  await withContext(async (ctx) => {
    const key = values[param];
    const period = key ? periodOf(kind, key) : periodAt(kind, ctx.clock.now());
    if (!period) throw usage(`--${param} 无效：${key}`);
    let scope: ReportScope = CITY_SCOPE;
    if (values.unit) {
      const unit = ctx.org.byCodeOrUndefined(values.unit);
      if (!unit) throw usage(`单位「${values.unit}」不存在`);
      scope = { unitScope: ctx.org.subtreeIds(unit.id), unit: { code: unit.code, name: unit.name } };
    }
    const report = await buildPeriodReport(ctx, period, scope);
    if (format === 'json') {
      const text = `${JSON.stringify(report, null, 2)}\n`;
      if (values.out) writeFileSync(values.out, text);
      else process.stdout.write(text);
      return;
    }
    // A file written on the server carries the system account that ran the command, and is audited.
    const osUser = userInfo().username;
    const at = ctx.clock.now();
    const mark = viewerMark({ displayName: '命令行导出', username: osUser, unitName: null }, at);
    writeFileSync(values.out!, format === 'xlsx' ? await reportXlsx(report, mark) : await reportPdf(report, mark));
    await inTransaction(ctx.store.db, (tx) =>
      writeEvent(tx, null, at, { action: 'report_exported', detail: { kind: report.kind, period: report.period, scope: scope.unit?.code ?? 'city', format, via: 'cli', osUser } }),
    );
    process.stderr.write(`已写入 ${values.out}（${report.title}）\n`);
  });
}
