// /api/v1/quality/…: 质效审核 (第二十六条) for the centre, 智能质检 (第三十一条(一)) for the team lead;
// an agent sees only their own score and cases.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { invalid } from '../server/problem.ts';
import { createSample, getSample, improperReturns, listSamples, reviewTicket } from './reviews.ts';
import { agentScores, attachTranscript, decideCase, listCases, ruleTable, ticketQc } from './agents.ts';
import { qualityCountsByUnit } from './counts.ts';

const REVIEWERS = ['centre', 'team_lead', 'admin'] as const;
const QC_READERS = ['agent', 'team_lead', 'centre', 'admin'] as const;
const anyBody = { type: 'object' };
const idOf = (raw: string, field: string) => {
  if (!/^\d{1,9}$/.test(raw)) throw invalid(field, `「${field === 'id' ? '编号' : field}」应为正整数`);
  return Number(raw);
};

export const qualityRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['quality'];

  app.post('/quality/samples', { schema: { tags, summary: '质效审核：按期间抽取已办结工单（from、to 为上海日期；size 或 rate；可选 unitCode、seed，同一种子结果相同；按承办单位分层）', body: anyBody }, onRequest: requireRole('centre', 'admin') }, async (request, reply) => {
    reply.code(201);
    return createSample(ctx, actorOf(request), request.body);
  });
  app.get('/quality/samples', { schema: { tags, summary: '抽样批次及审核进度' }, onRequest: requireRole(...REVIEWERS) }, async () => listSamples(ctx));
  app.get<{ Params: { id: string } }>('/quality/samples/:id', { schema: { tags, summary: '抽样批次的工单与审核记录' }, onRequest: requireRole(...REVIEWERS) }, async (request) => getSample(ctx, idOf(request.params.id, 'id')));
  app.post<{ Params: { id: string } }>(
    '/quality/reviews/:id',
    { schema: { tags, summary: '审核一张抽中的工单：pass 通过；perfunctory 敷衍答复退回原单位重办并列入督办；wrong_unit 改派（leadUnitCode）', body: anyBody }, onRequest: requireRole(...REVIEWERS) },
    async (request) => reviewTicket(ctx, actorOf(request), idOf(request.params.id, 'id'), request.body),
  );
  app.get<{ Querystring: { from?: string; to?: string } }>('/quality/improper-returns', { schema: { tags, summary: '期间内被判定为不当退单的退单申请' }, onRequest: requireRole(...REVIEWERS, 'authority') }, async (request) => improperReturns(ctx, request.query));
  app.get<{ Querystring: { month?: string } }>('/quality/units', { schema: { tags, summary: '各承办单位本月质效审核数与不合格数' }, onRequest: requireRole(...REVIEWERS, 'authority') }, async (request) => {
    const month = request.query.month ?? '';
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw invalid('month', '参数「月份」（month）应为 YYYY-MM 格式');
    const counts = await qualityCountsByUnit(ctx.store.db, month);
    return { month, items: [...counts.entries()].map(([id, c]) => ({ unit: { code: ctx.org.get(id)?.code ?? String(id), name: ctx.org.get(id)?.name ?? '' }, ...c })) };
  });

  app.get('/quality/rules', { schema: { tags, summary: '智能质检规则、权重与班次' }, onRequest: requireRole(...QC_READERS) }, async () => ruleTable(ctx));
  app.get<{ Querystring: { from?: string; to?: string; agent?: string } }>('/quality/agents', { schema: { tags, summary: '智能质检：各话务员、各班次得分（话务员只看本人）' }, onRequest: requireRole(...QC_READERS) }, async (request) => agentScores(ctx, actorOf(request), request.query));
  app.get<{ Querystring: { from?: string; to?: string; agent?: string; status?: string } }>('/quality/cases', { schema: { tags, summary: '第三十一条(一)质检案例：态度蛮横或未用文明用语、延误派单、泄露诉求人信息' }, onRequest: requireRole(...QC_READERS) }, async (request) => listCases(ctx, actorOf(request), request.query));
  app.post('/quality/cases', { schema: { tags, summary: '班长确认或不予认定一个质检案例（须说明）', body: anyBody }, onRequest: requireRole('team_lead', 'admin') }, async (request) => decideCase(ctx, actorOf(request), request.body));
  app.get<{ Params: { no: string } }>('/quality/tickets/:no', { schema: { tags, summary: '一张工单的质检结果' }, onRequest: requireRole(...QC_READERS) }, async (request) => ticketQc(ctx, actorOf(request), request.params.no));
  app.post('/quality/transcripts', { schema: { tags, summary: '为工单附加通话文本（话务员只能附加本人受理的工单）', body: anyBody }, onRequest: requireRole(...QC_READERS) }, async (request, reply) => {
    reply.code(201);
    return attachTranscript(ctx, actorOf(request), request.body);
  });
};
