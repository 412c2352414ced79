// /api/v1/ratings: the 差评 reviews (好差评). The centre verifies, classifies and calls back; the unit
// rectifies, explains or appeals; the authority decides appeals. Units see only their own subtree's
// reviews and never the rater's identity.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { REVIEW_ACTION_RULES, REVIEW_ACTIONS, type ReviewAction } from '../domain/ratings.ts';
import { getReview, listReviews, reviewActionSchema, runReviewAction, type ReviewActionBody } from './reviews.ts';

const ROLES = ['centre', 'team_lead', 'authority', 'admin', 'unit_staff', 'unit_head'] as const;

export const ratingRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { status?: string; ticketNo?: string; page?: number; pageSize?: number } }>(
    '/ratings/reviews',
    {
      schema: {
        tags: ['ratings'],
        summary: '差评核查整改列表',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', maxLength: 200 },
            ticketNo: { type: 'string', maxLength: 40 },
            page: { type: 'integer', minimum: 1, maximum: 100000 },
            pageSize: { type: 'integer', minimum: 1, maximum: 200 },
          },
        },
      },
      onRequest: requireRole(...ROLES),
    },
    async (request) => listReviews(ctx, actorOf(request), request.query),
  );

  app.get<{ Params: { id: number } }>(
    '/ratings/reviews/:id',
    {
      schema: { tags: ['ratings'], summary: '差评记录详情', params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } },
      onRequest: requireRole(...ROLES),
    },
    async (request) => getReview(ctx, actorOf(request), request.params.id),
  );

  app.post<{ Params: { id: number; action: ReviewAction }; Body: ReviewActionBody }>(
    '/ratings/reviews/:id/actions/:action',
    {
      schema: {
        tags: ['ratings'],
        summary: '差评处理：verify 核实分类 / rectify 整改反馈 / appeal 申诉复核 / decide_appeal 申诉裁定 / callback 整改回访',
        params: {
          type: 'object',
          properties: { id: { type: 'integer', minimum: 1 }, action: { type: 'string', enum: [...REVIEW_ACTIONS] } },
          required: ['id', 'action'],
        },
        body: reviewActionSchema,
      },
      onRequest: requireRole(...ROLES),
      config: { rolesByParam: { action: Object.fromEntries(REVIEW_ACTIONS.map((a) => [a, REVIEW_ACTION_RULES[a].roles])) } },
    },
    async (request) => runReviewAction(ctx, actorOf(request), request.params.id, request.params.action, request.body ?? {}),
  );
};
