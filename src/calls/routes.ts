// Call handling's routes (话务管理), under /api/v1: the CTI boundary (API keys) and the staff's seats,
// calls, queues, restrictions and figures (logins). Shapes: ./contract.ts.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { obj, text } from '../server/schemas.ts';
import { invalid } from '../server/problem.ts';
import { STATS_INTERVALS } from '../domain/service-levels.ts';
import { ctiRoutes } from './cti-routes.ts';
import { listSeats, mySeat, setMyState, setSkills } from './seats.ts';
import { callDetail, CALL_OUTCOMES, listCalls, type CallListQuery } from './records.ts';
import { callStats, liveStats, type CallStatsParams } from './stats.ts';
import { PAGING_PROPERTIES, type PagingQuery } from './paging.ts';
import { ATTEMPT_OUTCOMES, claimMissedCall, listMissedCalls, recordAttempt, type AttemptOutcome } from './missed-calls.ts';
import { claimMessage, listMessages, MESSAGE_STATUSES, parseReplyText, replyMessage, type MessageStatus } from './messages.ts';
import { decideRestriction, listRestrictions, requestRestriction, revokeRestriction, type RestrictionRequest, type RestrictionStatus } from './restrictions.ts';
import { PHONE_SCHEMA } from '../server/schemas.ts';

const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
// Row ids: bigint for calls, missed calls and messages; a restriction's id is an integer column.
const ID = obj({ id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } }, ['id']);
const RESTRICTION_ID = obj({ id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, ['id']);
const SEAT_ROLES = ['agent', 'team_lead', 'centre', 'admin'] as const;
const LEAD_ROLES = ['team_lead', 'centre', 'admin'] as const;

export async function callRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  await app.register(ctiRoutes, { ctx });
  const tags = ['calls'];

  // Seats
  app.get('/seats', { preHandler: requireRole(...LEAD_ROLES), schema: { tags, summary: '坐席监控墙' } }, async (request) => listSeats(ctx, actorOf(request)));
  app.get('/seats/me', { preHandler: requireRole('agent', 'team_lead'), schema: { tags, summary: '本坐席状态与来电弹屏' } }, async (request) => mySeat(ctx, actorOf(request)));
  app.post<{ Body: { state: 'logged_off' | 'ready' | 'not_ready' | 'wrap_up'; reason?: string } }>(
    '/seats/me/state',
    {
      preHandler: requireRole('agent', 'team_lead'),
      schema: { tags, summary: '签入、就绪、示忙、话后处理、签出', body: obj({ state: { type: 'string', enum: ['logged_off', 'ready', 'not_ready', 'wrap_up'] }, reason: text(32) }, ['state']) },
    },
    async (request) => setMyState(ctx, actorOf(request), request.body.state, request.body.reason),
  );
  app.put<{ Params: { agent: string }; Body: { skills: string[] } }>(
    '/seats/:agent/skills',
    {
      preHandler: requireRole('team_lead', 'admin'),
      schema: { tags, summary: '坐席技能（队列）', params: obj({ agent: text(64) }, ['agent']), body: obj({ skills: { type: 'array', items: text(40), maxItems: 20 } }, ['skills']) },
    },
    async (request) => setSkills(ctx, actorOf(request), request.params.agent, request.body.skills),
  );

  // Call records
  app.get<{ Querystring: CallListQuery }>(
    '/calls',
    {
      preHandler: requireRole('agent', 'team_lead', 'centre', 'authority', 'admin'),
      schema: {
        tags,
        summary: '通话记录',
        querystring: obj({ day: DATE, queue: text(40), agent: text(64), outcome: { type: 'string', enum: [...CALL_OUTCOMES] }, page: { type: 'integer', minimum: 1, maximum: 10000 }, pageSize: { type: 'integer', minimum: 1, maximum: 200 } }),
      },
    },
    async (request) => listCalls(ctx, actorOf(request), request.query),
  );
  app.get<{ Params: { id: number } }>(
    '/calls/:id',
    { preHandler: requireRole('agent', 'team_lead', 'centre', 'authority', 'admin'), schema: { tags, summary: '通话详情', params: ID } },
    async (request) => callDetail(ctx, actorOf(request), request.params.id),
  );

  // Figures
  app.get<{ Querystring: CallStatsParams }>(
    '/call-stats',
    {
      preHandler: requireRole('team_lead', 'centre', 'authority', 'admin'),
      schema: {
        tags,
        summary: '话务服务水平（按时段、队列、坐席）',
        // `empty` is checked by callStats, to name it in Chinese (「无来电时段」).
        querystring: obj({
          from: DATE,
          to: DATE,
          interval: { type: 'string', enum: [...STATS_INTERVALS] },
          queue: text(40),
          agent: text(64),
          by: { type: 'string', enum: ['total', 'queue', 'agent'] },
          empty: { type: 'string' },
          ...PAGING_PROPERTIES,
        }),
      },
    },
    async (request) => callStats(ctx, request.query),
  );
  app.get('/call-stats/live', { preHandler: requireRole(...LEAD_ROLES, 'authority'), schema: { tags, summary: '实时话务' } }, async () => liveStats(ctx));

  // 漏接回拨
  app.get<{ Querystring: { status?: 'open' | 'done' } & PagingQuery }>(
    '/missed-calls',
    { preHandler: requireRole(...SEAT_ROLES), schema: { tags, summary: '漏接回拨队列', querystring: obj({ status: { type: 'string', enum: ['open', 'done'] }, ...PAGING_PROPERTIES }) } },
    async (request) => listMissedCalls(ctx, actorOf(request), request.query.status ?? 'open', request.query),
  );
  app.post<{ Params: { id: number } }>(
    '/missed-calls/:id/claim',
    { preHandler: requireRole(...SEAT_ROLES), schema: { tags, summary: '认领漏接来电', params: ID } },
    async (request) => claimMissedCall(ctx, actorOf(request), request.params.id),
  );
  app.post<{ Params: { id: number }; Body: { outcome: AttemptOutcome; note?: string } }>(
    '/missed-calls/:id/attempt',
    {
      preHandler: requireRole(...SEAT_ROLES),
      schema: { tags, summary: '记录回拨结果', params: ID, body: obj({ outcome: { type: 'string', enum: [...ATTEMPT_OUTCOMES] }, note: text(500, 0) }, ['outcome']) },
    },
    async (request) => recordAttempt(ctx, actorOf(request), request.params.id, request.body.outcome, request.body.note),
  );

  // Messages (the inbound POST is in ./cti-routes.ts, with an API key)
  app.get<{ Querystring: { status?: MessageStatus } & PagingQuery }>(
    '/messages',
    { preHandler: requireRole(...SEAT_ROLES), schema: { tags, summary: '短信与网络留言队列', querystring: obj({ status: { type: 'string', enum: [...MESSAGE_STATUSES] }, ...PAGING_PROPERTIES }) } },
    async (request) => listMessages(ctx, actorOf(request), request.query.status, request.query),
  );
  app.post<{ Params: { id: number } }>(
    '/messages/:id/claim',
    { preHandler: requireRole(...SEAT_ROLES), schema: { tags, summary: '认领留言', params: ID } },
    async (request) => claimMessage(ctx, actorOf(request), request.params.id),
  );
  app.post<{ Params: { id: number } }>(
    '/messages/:id/reply',
    { preHandler: requireRole(...SEAT_ROLES), schema: { tags, summary: '答复留言', params: ID } },
    async (request) => replyMessage(ctx, actorOf(request), request.params.id, parseReplyText(request.body)),
  );

  // 第三十二条 restrictions
  app.get<{ Querystring: { status?: RestrictionStatus; phone?: string } & PagingQuery }>(
    '/restrictions',
    {
      preHandler: requireRole(...SEAT_ROLES),
      schema: { tags, summary: '限制呼入名单', querystring: obj({ status: { type: 'string', enum: ['pending', 'active', 'expired', 'revoked', 'rejected'] }, phone: PHONE_SCHEMA, ...PAGING_PROPERTIES }) },
    },
    async (request) => listRestrictions(ctx, actorOf(request), request.query),
  );
  app.post<{ Body: RestrictionRequest }>(
    '/restrictions',
    {
      preHandler: requireRole('team_lead', 'admin'),
      schema: { tags, summary: '申请限制呼入（班长）', body: obj({ phone: PHONE_SCHEMA, reason: text(40), days: { type: 'integer' }, note: text(500, 0) }, ['phone', 'reason', 'days']) },
    },
    async (request, reply) => reply.code(201).send(await requestRestriction(ctx, actorOf(request), request.body)),
  );
  // The body is optional ({approve: false, note} refuses): checked by hand so a bare POST approves.
  app.post<{ Params: { id: number } }>(
    '/restrictions/:id/approve',
    { preHandler: requireRole('centre', 'admin'), schema: { tags, summary: '审批限制呼入（热线管理机构，申请人以外）', params: RESTRICTION_ID } },
    async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (typeof body !== 'object' || Array.isArray(body)) throw invalid('body', '请求体应为 JSON 对象');
      if (body.approve !== undefined && typeof body.approve !== 'boolean') throw invalid('approve', '字段「审批结论」应为布尔值（true/false）');
      if (body.note !== undefined && (typeof body.note !== 'string' || body.note.length > 500)) throw invalid('note', '字段「说明」应为不超过 500 个字符的文本');
      return decideRestriction(ctx, actorOf(request), request.params.id, (body.approve as boolean | undefined) ?? true, body.note as string | undefined);
    },
  );
  app.post<{ Params: { id: number }; Body: { reason: string } }>(
    '/restrictions/:id/revoke',
    { preHandler: requireRole('team_lead', 'centre', 'admin'), schema: { tags, summary: '撤销限制', params: RESTRICTION_ID, body: obj({ reason: text(500) }, ['reason']) } },
    async (request) => revokeRestriction(ctx, actorOf(request), request.params.id, request.body.reason),
  );
}
