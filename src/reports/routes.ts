// /api/v1/reports: 日报、周报、月报 (JSON, .xlsx, PDF), 专报 on a topic, the archive the scheduled job
// fills, 社情民意 hot topics and spike alerts. The centre, the authority and admins see the whole city;
// a unit user's reports cover its own subtree only.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { reportReadContext, type ReadFrom } from './replica.ts';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { invalid, notFound, Problem } from '../server/problem.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { viewerMark, viewerOf } from '../server/watermark.ts';
import { shanghaiDate } from '../domain/deadline.ts';
import type { Role } from '../domain/roles.ts';
import { addDays, dayStart, parseDateParam, parsePeriod, PERIOD_KINDS, PERIOD_PARAM, periodOf, type PeriodKind } from './periods.ts';
import { buildPeriodReport, buildTopicReport, scopeOf, type Report } from './report.ts';
import { exportFileName, PDF_TYPE, reportPdf, reportXlsx, XLSX_TYPE } from './exports.ts';
import { generateReport, listArchive, runReportJob, storedReport } from './scheduler.ts';
import { hotTopics, listAlerts } from './hot-topics.ts';

export const REPORT_ROLES: Role[] = ['centre', 'authority', 'admin', 'unit_staff', 'unit_head'];
const CITY_ROLES: Role[] = ['centre', 'authority', 'admin'];

type Format = 'json' | 'xlsx' | 'pdf';
const FORMATS = ['json', 'xlsx', 'pdf'];
const str = (max: number) => ({ type: 'string', maxLength: max });

/**
 * A report as JSON, or as a file made for the viewer (their watermark on every sheet and page). Each
 * file export is audited, with what was taken out and whether it succeeded.
 */
async function send(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, report: Report, format: Format, archiveId?: number, readFrom?: ReadFrom) {
  // Where the figures were read and how stale they may be (a replica's lag), on every format.
  if (readFrom) reply.header('x-hotline-read-from', `${readFrom.source}; lag=${readFrom.lagSeconds}`);
  if (format === 'json') return readFrom ? { ...report, readFrom } : report;
  const actor = actorOf(request);
  const at = ctx.clock.now();
  const mark = viewerMark(viewerOf(ctx, actor), at);
  const what = { kind: report.kind, period: report.period, scope: report.scope.unit?.code ?? 'city', format, ...(archiveId ? { archiveId } : {}) };
  let body: Buffer;
  try {
    body = format === 'xlsx' ? await reportXlsx(report, mark) : await reportPdf(report, mark);
  } catch (err) {
    const reason = err instanceof Problem ? err.type : 'error';
    await inTransaction(ctx.store.db, (tx) => writeEvent(tx, actor, at, { action: 'report_exported', outcome: 'failure', detail: { ...what, reason } }));
    throw err;
  }
  await inTransaction(ctx.store.db, (tx) => writeEvent(tx, actor, at, { action: 'report_exported', detail: what }));
  const name = exportFileName(report, format);
  return reply
    .type(format === 'xlsx' ? XLSX_TYPE : PDF_TYPE)
    .header('cache-control', 'private, no-store')
    .header('content-disposition', `attachment; filename="report.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .send(body);
}

/** Dates a range is given in: from and to are inclusive Shanghai dates. */
function dateRange(ctx: AppContext, query: { from?: string; to?: string }, defaultDays: number) {
  const today = shanghaiDate(ctx.clock.now());
  const toDate = query.to ? parseDateParam('to', '结束日期', query.to) : today;
  const fromDate = query.from ? parseDateParam('from', '开始日期', query.from) : addDays(toDate, -(defaultDays - 1));
  if (fromDate > toDate) throw invalid('from', '参数「开始日期」（from）不能晚于结束日期');
  if (addDays(fromDate, 366) <= toDate) throw invalid('from', '参数「开始日期」（from）与结束日期相隔不能超过一年');
  return { fromDate, toDate, from: dayStart(fromDate), to: dayStart(addDays(toDate, 1)), today };
}

function districtParam(ctx: AppContext, code: string | undefined) {
  if (!code) return null;
  const unit = ctx.org.byCodeOrUndefined(code);
  if (!unit || unit.kind !== 'district') throw invalid('district', `参数「县（市）区」（district）无效：「${code}」不是县（市）区的单位代码`);
  return { id: unit.id, code: unit.code, name: unit.name };
}

export const reportRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  for (const kind of PERIOD_KINDS) {
    const param = PERIOD_PARAM[kind];
    for (const ext of ['', '.xlsx', '.pdf'] as const) {
      app.get<{ Querystring: Record<string, string | undefined> }>(
        `/reports/${kind}${ext}`,
        {
          schema: {
            tags: ['reports'],
            summary: `${{ daily: '日报', weekly: '周报', monthly: '月报' }[kind]}${ext ? `（${ext.slice(1)} 导出）` : ''}：${param}=${{ daily: 'YYYY-MM-DD', weekly: 'YYYY-Www', monthly: 'YYYY-MM' }[kind]}，缺省为当前期间`,
            querystring: { type: 'object', additionalProperties: false, properties: { [param]: str(20), format: { type: 'string', enum: FORMATS } } },
          },
          onRequest: requireRole(...REPORT_ROLES),
        },
        async (request, reply) => {
          const period = parsePeriod(kind, request.query[param], ctx.clock.now());
          const read = await reportReadContext(ctx);
          const report = await buildPeriodReport(read.ctx, period, scopeOf(ctx, actorOf(request)));
          return send(ctx, request, reply, report, (ext ? ext.slice(1) : (request.query.format ?? 'json')) as Format, undefined, read.readFrom);
        },
      );
    }
  }

  for (const ext of ['', '.xlsx', '.pdf'] as const) {
    app.get<{ Querystring: { q?: string; from?: string; to?: string; district?: string; format?: Format } }>(
      `/reports/topic${ext}`,
      {
        schema: {
          tags: ['reports'],
          summary: '专报：诉求事实或分类含关键词（空格分隔，任一）的工单，from/to 为日期（含），缺省近 30 日',
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { q: str(100), from: str(20), to: str(20), district: str(40), format: { type: 'string', enum: FORMATS } },
          },
        },
        onRequest: requireRole(...REPORT_ROLES),
      },
      async (request, reply) => {
        const terms = [...new Set((request.query.q ?? '').split(/[\s,，、;；]+/).map((t) => t.trim()).filter(Boolean))];
        if (!terms.length) throw invalid('q', '参数「关键词」（q）不能为空');
        if (terms.length > 5) throw invalid('q', '参数「关键词」（q）最多 5 个');
        const range = dateRange(ctx, request.query, 30);
        const district = districtParam(ctx, request.query.district);
        const read = await reportReadContext(ctx);
        const report = await buildTopicReport(read.ctx, { terms, district, ...range }, scopeOf(ctx, actorOf(request)));
        return send(ctx, request, reply, report, (ext ? ext.slice(1) : (request.query.format ?? 'json')) as Format, undefined, read.readFrom);
      },
    );
  }

  app.get<{ Querystring: { kind?: PeriodKind } }>(
    '/reports/archive',
    {
      schema: { tags: ['reports'], summary: '已生成的日报、周报、月报（全市）', querystring: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: [...PERIOD_KINDS] } } } },
      onRequest: requireRole(...CITY_ROLES),
    },
    async (request) => ({ items: await listArchive(ctx, request.query.kind) }),
  );

  app.get<{ Params: { id: number }; Querystring: { format?: Format } }>(
    '/reports/archive/:id',
    {
      schema: {
        tags: ['reports'],
        summary: '一份已生成的报告（format=json|xlsx|pdf）',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: FORMATS } } },
      },
      onRequest: requireRole(...CITY_ROLES),
    },
    async (request, reply) => {
      const stored = await storedReport(ctx, request.params.id);
      if (!stored) throw notFound(`报告 ${request.params.id} 不存在`);
      if ((request.query.format ?? 'json') === 'json') return stored;
      return send(ctx, request, reply, stored.report, request.query.format!, request.params.id);
    },
  );

  app.post<{ Body: { kind?: PeriodKind; period?: string } | undefined }>(
    '/reports/generate',
    {
      schema: {
        tags: ['reports'],
        summary: '立即生成：无参数时补齐到期的日报、周报、月报并检查社情民意突增；或指定 kind 与 period 生成一份',
        body: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: [...PERIOD_KINDS] }, period: str(20) } },
      },
      onRequest: requireRole('centre', 'admin'),
    },
    async (request) => {
      const body = request.body ?? {};
      if (!body.kind && !body.period) return runReportJob(ctx);
      if (!body.kind) throw invalid('kind', '缺少必填字段「报告类型」（kind）');
      const period = body.period ? periodOf(body.kind, body.period) : null;
      if (!period) throw invalid('period', '字段「期间」（period）应与报告类型相符：日报 YYYY-MM-DD、周报 YYYY-Www、月报 YYYY-MM');
      const created = await generateReport(ctx, period);
      return { generated: created ? [{ kind: period.kind, period: period.key }] : [], spikes: [] };
    },
  );

  app.get<{ Querystring: { from?: string; to?: string; district?: string } }>(
    '/reports/hot-topics',
    {
      schema: {
        tags: ['reports'],
        summary: '社情民意：各县（市）区热点诉求（分词热词与分类）及近 24 小时突增，from/to 为日期（含），缺省近 7 日',
        querystring: { type: 'object', additionalProperties: false, properties: { from: str(20), to: str(20), district: str(40) } },
      },
      onRequest: requireRole(...REPORT_ROLES),
    },
    async (request) => {
      const range = dateRange(ctx, request.query, 7);
      const district = districtParam(ctx, request.query.district);
      // Up to today: the spikes of the last 24 hours; a past range: of its last day.
      const end = range.toDate >= range.today ? ctx.clock.now() : range.to;
      const topics = await hotTopics(ctx, { from: range.from, to: end }, scopeOf(ctx, actorOf(request)), district?.id ?? null);
      return { ...topics, fromDate: range.fromDate, toDate: range.toDate };
    },
  );

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/reports/alerts',
    {
      schema: {
        tags: ['reports'],
        summary: '社情民意突增预警（每日任务标记，每个只标记一次）',
        querystring: { type: 'object', additionalProperties: false, properties: { from: str(20), to: str(20) } },
      },
      onRequest: requireRole(...REPORT_ROLES),
    },
    async (request) => {
      const fromDate = request.query.from ? parseDateParam('from', '开始日期', request.query.from) : undefined;
      const toDate = request.query.to ? parseDateParam('to', '结束日期', request.query.to) : undefined;
      return { items: await listAlerts(ctx, scopeOf(ctx, actorOf(request)), { fromDate, toDate }) };
    },
  );
};
