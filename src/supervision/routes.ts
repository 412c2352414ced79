// /api/v1/supervision: the 效能监察 board, notifications, and 督办 items (第二十五条–第二十七条).
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { REPLY_OUTCOMES, SUPERVISION_KINDS, SUPERVISION_STATUSES } from '../domain/supervision.ts';
import { obj, text, codes } from '../server/schemas.ts';
import { invalid } from '../server/problem.ts';
import { boardItems, boardSummary, DUTY_KINDS, type BoardFilter } from './board.ts';
import { closeItem, createItem, getItem, listItems, replyItem, type CloseRequest, type CreateItemRequest, type ItemQuery, type ReplyRequest } from './items.ts';
import { listNotifications, markRead } from '../notifications/notifications.ts';

const LIGHT = { type: 'string', enum: ['red', 'yellow', 'green'] };
const boardQuery = {
  unit: text(40),
  district: text(40),
  light: LIGHT,
  kind: { type: 'string', enum: [...DUTY_KINDS] },
};
const idParam = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] };
const BOARD_ROLES = ['centre', 'team_lead', 'authority', 'admin', 'unit_staff', 'unit_head'] as const;
const ITEM_ROLES = BOARD_ROLES;

export const supervisionRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: BoardFilter }>(
    '/supervision/board',
    {
      schema: { tags: ['supervision'], summary: '效能监察：未完成办理职责按单位、红黄灯、类别统计', querystring: { type: 'object', additionalProperties: false, properties: boardQuery } },
      onRequest: requireRole(...BOARD_ROLES),
    },
    async (request) => boardSummary(ctx, actorOf(request), request.query),
  );

  app.get<{ Querystring: BoardFilter & { page?: number; pageSize?: number } }>(
    '/supervision/board/items',
    {
      schema: {
        tags: ['supervision'],
        summary: '效能监察：未完成办理职责明细（按剩余时间）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...boardQuery, page: { type: 'integer', minimum: 1, maximum: 100000 }, pageSize: { type: 'integer', minimum: 1, maximum: 200 } },
        },
      },
      onRequest: requireRole(...BOARD_ROLES),
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return boardItems(ctx, actorOf(request), filter, page, pageSize);
    },
  );

  app.get<{ Querystring: { unread?: boolean; limit?: number } }>(
    '/supervision/notifications',
    {
      schema: {
        tags: ['supervision'],
        summary: '本单位通知（未读在前）',
        querystring: { type: 'object', additionalProperties: false, properties: { unread: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 200 } } },
      },
      onRequest: requireRole(),
    },
    async (request) => listNotifications(ctx, actorOf(request), { unreadOnly: request.query.unread, limit: request.query.limit }),
  );

  app.post<{ Params: { id: number } }>(
    '/supervision/notifications/:id/read',
    { schema: { tags: ['supervision'], summary: '标记通知已读', params: idParam }, onRequest: requireRole() },
    async (request) => markRead(ctx, actorOf(request), request.params.id),
  );

  app.post('/supervision/notifications/read-all', { schema: { tags: ['supervision'], summary: '全部标记已读' }, onRequest: requireRole() }, async (request) =>
    markRead(ctx, actorOf(request), 'all'),
  );

  app.post<{ Body: CreateItemRequest }>(
    '/supervision/items',
    {
      schema: {
        tags: ['supervision'],
        summary: '发起督办（第二十七条）',
        body: obj(
          {
            // Checked below: the shared field label of `kind` names the requester's kind.
            kind: {},
            ticketNo: { type: 'string', pattern: '^[A-Z]{2,8}[0-9]{14}$' },
            unitCode: text(40),
            coUnitCodes: codes(),
            matter: text(2000),
          },
          ['matter'],
        ),
      },
      onRequest: requireRole('centre', 'team_lead', 'authority', 'admin'),
    },
    async (request, reply) => {
      const kind = request.body.kind as unknown;
      if (kind === undefined) throw invalid('kind', '缺少必填字段「督办方式」');
      if (typeof kind !== 'string' || !(SUPERVISION_KINDS as readonly string[]).includes(kind)) {
        throw invalid('kind', `字段「督办方式」取值无效，可选值：${SUPERVISION_KINDS.join('、')}`);
      }
      reply.code(201);
      return createItem(ctx, actorOf(request), request.body);
    },
  );

  app.get<{ Querystring: ItemQuery }>(
    '/supervision/items',
    {
      schema: {
        tags: ['supervision'],
        summary: '督办事项列表',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', pattern: `^((${SUPERVISION_STATUSES.join('|')}),?)+$` },
            kind: { type: 'string', enum: [...SUPERVISION_KINDS] },
            unit: text(40),
            light: LIGHT,
            ticketNo: text(40),
            page: { type: 'integer', minimum: 1, maximum: 100000 },
            pageSize: { type: 'integer', minimum: 1, maximum: 100 },
          },
        },
      },
      onRequest: requireRole(...ITEM_ROLES),
    },
    async (request) => listItems(ctx, actorOf(request), request.query),
  );

  app.get<{ Params: { id: number } }>(
    '/supervision/items/:id',
    { schema: { tags: ['supervision'], summary: '督办事项详情', params: idParam }, onRequest: requireRole(...ITEM_ROLES) },
    async (request) => getItem(ctx, actorOf(request), request.params.id),
  );

  app.post<{ Params: { id: number }; Body: ReplyRequest }>(
    '/supervision/items/:id/reply',
    {
      schema: {
        tags: ['supervision'],
        summary: '被督办单位书面回复',
        params: idParam,
        body: obj({ content: text(4000), outcome: { type: 'string', enum: [...REPLY_OUTCOMES] }, planEndDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } }, ['content']),
      },
      onRequest: requireRole('unit_staff', 'unit_head'),
    },
    async (request) => replyItem(ctx, actorOf(request), request.params.id, request.body),
  );

  app.post<{ Params: { id: number }; Body: CloseRequest }>(
    '/supervision/items/:id/close',
    {
      schema: { tags: ['supervision'], summary: '督办发起方验收（办结或退回重新回复）', params: idParam, body: obj({ accept: { type: 'boolean' }, note: text(2000, 0) }, ['accept']) },
      onRequest: requireRole('centre', 'team_lead', 'authority', 'admin'),
    },
    async (request) => closeItem(ctx, actorOf(request), request.params.id, request.body),
  );
};
