// /api/v1/evaluation/…: the monthly evaluation. The authority and the centre see the month as it
// stands and decide on the 通报 triggers; the authority publishes a finished month, and from then
// every unit sees the published ranking (第二十九条 在全市通报). The authority alone leaves a rating
// out of a unit's 满意率 (or puts it back), with a reason; every figure opens down to its records, for
// the authority and the centre on any unit, for a unit on its own figures once the month is published.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { obj, text } from '../server/schemas.ts';
import { TRIGGER_KEYS } from '../domain/evaluation.ts';
import { decideExclusion, decideFinding, evaluateMonth, listPublished, publishEvaluation, publishedEvaluation, type Decision } from './monthly.ts';
import { DRILLABLE, drilldown } from './drilldown.ts';
import { forbidden, Problem } from '../server/problem.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { viewerMark, viewerOf } from '../server/watermark.ts';
import { PDF_TYPE, XLSX_TYPE } from '../server/pdf.ts';
import { rankingFileName, rankingPdf, rankingXlsx } from './ranking-export.ts';

const monthParam = { type: 'object', properties: { month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } }, required: ['month'] };
const STEERING = ['authority', 'centre', 'admin'] as const;

export const evaluationRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['evaluation'];

  app.get('/evaluation/published', { schema: { tags, summary: '已发布的月度考核（全市通报）' }, onRequest: requireRole() }, async () => ({ items: await listPublished(ctx) }));

  app.get<{ Params: { month: string } }>(
    '/evaluation/months/:month',
    { schema: { tags, summary: '月度考核：各承办单位的指标、得分、排名与触发的通报情形（热线主管部门、热线管理机构看实时结果；其他角色看已发布结果）', params: monthParam }, onRequest: requireRole() },
    async (request) => {
      const actor = actorOf(request);
      return (STEERING as readonly string[]).includes(actor.role) ? evaluateMonth(ctx, request.params.month) : publishedEvaluation(ctx, request.params.month);
    },
  );

  // The ranking as the 全市通报 files: what the viewer sees on the page (the month as it stands for
  // the steering roles, the published snapshot for the others), marked for them, each export audited.
  for (const ext of ['xlsx', 'pdf'] as const) {
    app.get<{ Params: { month: string } }>(
      `/evaluation/months/:month/ranking.${ext}`,
      { schema: { tags, summary: `月度考核排名（全市通报表）导出为 ${ext === 'xlsx' ? 'Excel' : 'PDF（含各档得分图）'}；范围同月度考核查看`, params: monthParam }, onRequest: requireRole() },
      async (request, reply) => {
        const actor = actorOf(request);
        const { month } = request.params;
        const evaluation = (STEERING as readonly string[]).includes(actor.role) ? await evaluateMonth(ctx, month) : await publishedEvaluation(ctx, month);
        const at = ctx.clock.now();
        const what = { month, format: ext, published: !!evaluation.published };
        let body: Buffer;
        try {
          const mark = viewerMark(viewerOf(ctx, actor), at);
          body = ext === 'xlsx' ? await rankingXlsx(evaluation, mark) : await rankingPdf(evaluation, mark);
        } catch (err) {
          await inTransaction(ctx.store.db, (tx) => writeEvent(tx, actor, at, { action: 'evaluation_exported', outcome: 'failure', detail: { ...what, reason: err instanceof Problem ? err.type : 'error' } }));
          throw err;
        }
        await inTransaction(ctx.store.db, (tx) => writeEvent(tx, actor, at, { action: 'evaluation_exported', detail: what }));
        return reply
          .type(ext === 'xlsx' ? XLSX_TYPE : PDF_TYPE)
          .header('cache-control', 'private, no-store')
          .header('content-disposition', `attachment; filename="ranking.${ext}"; filename*=UTF-8''${encodeURIComponent(rankingFileName(month, ext))}`)
          .send(body);
      },
    );
  }

  app.get<{ Params: { month: string } }>(
    '/evaluation/months/:month/published',
    { schema: { tags, summary: '已发布的月度考核结果', params: monthParam }, onRequest: requireRole() },
    async (request) => publishedEvaluation(ctx, request.params.month),
  );

  app.post<{ Params: { month: string } }>(
    '/evaluation/months/:month/publish',
    { schema: { tags, summary: '发布月度考核结果（热线主管部门；仅已结束的月份）', params: monthParam }, onRequest: requireRole('authority', 'admin') },
    async (request) => publishEvaluation(ctx, actorOf(request), request.params.month),
  );

  app.post<{ Params: { month: string }; Body: { unitCode: string; trigger: string; decision: Decision; note?: string } }>(
    '/evaluation/months/:month/findings',
    {
      schema: {
        tags,
        summary: '对触发的通报情形作出决定：确认通报或不予通报（须说明理由）',
        params: monthParam,
        body: obj({ unitCode: text(40), trigger: { type: 'string', enum: [...TRIGGER_KEYS] }, decision: { type: 'string', enum: ['confirmed', 'dismissed'] }, note: text(1000, 0) }, ['unitCode', 'trigger', 'decision']),
      },
      onRequest: requireRole('authority', 'admin'),
    },
    async (request) => decideFinding(ctx, actorOf(request), request.params.month, request.body),
  );

  app.post<{ Params: { month: string }; Body: { callbackId: number; exclude: boolean; reason: string } }>(
    '/evaluation/months/:month/exclusions',
    {
      schema: {
        tags,
        summary: '热线主管部门决定某条回访评价不计入（或恢复计入）该单位当月满意率，须说明理由；第二十五条豁免的行政调解类、执法办案类投诉举报无需决定',
        params: monthParam,
        body: obj({ callbackId: { type: 'integer', minimum: 1 }, exclude: { type: 'boolean' }, reason: text(1000) }, ['callbackId', 'exclude', 'reason']),
      },
      onRequest: requireRole('authority'),
    },
    async (request) => decideExclusion(ctx, actorOf(request), request.params.month, request.body),
  );

  app.get<{ Params: { month: string; code: string; indicator: string } }>(
    '/evaluation/months/:month/units/:code/indicators/:indicator',
    {
      schema: {
        tags,
        summary: '指标下钻：某单位某月某项指标由哪些工单、哪些办理时限或回访构成，每条说明计入或不计入的理由（本单位只能看本单位、已发布月份）',
        params: {
          type: 'object',
          properties: { month: monthParam.properties.month, code: text(40), indicator: { type: 'string', enum: [...DRILLABLE] } },
          required: ['month', 'code', 'indicator'],
        },
      },
      onRequest: requireRole(),
      // Steering roles on any unit; a unit user on its own unit once published (checked below).
      config: { rolesByParam: { indicator: Object.fromEntries(DRILLABLE.map((i) => [i, [...STEERING, 'unit_staff', 'unit_head']])) } },
    },
    async (request) => {
      const actor = actorOf(request);
      const { month, code, indicator } = request.params;
      if (!(STEERING as readonly string[]).includes(actor.role)) {
        const own = actor.unitId !== null && ctx.org.byCodeOrUndefined(code)?.id === actor.unitId;
        if (!own || !['unit_staff', 'unit_head'].includes(actor.role)) throw forbidden('只能查看本单位的考核明细');
        // A unit sees its evaluation once published (第二十九条 在全市通报), and so its records behind it.
        await publishedEvaluation(ctx, month);
      }
      return drilldown(ctx, month, code, indicator);
    },
  );
};
