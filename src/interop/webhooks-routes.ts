// /api/v1/webhooks: the admin's webhook subscriptions (./webhooks.ts) and their recent deliveries.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { obj, text } from '../tickets/schemas.ts';
import { notFound } from '../server/problem.ts';
import { createSubscription, listSubscriptions, orderingKey, updateSubscription, WEBHOOK_FORMATS, type SubscriptionInput, type WebhookDelivery } from './webhooks.ts';

const fields = {
  name: text(60),
  url: text(500),
  secret: text(200, 16),
  events: { type: 'array', minItems: 1, maxItems: 50, items: text(40) },
  format: { type: 'string', enum: [...WEBHOOK_FORMATS] },
  active: { type: 'boolean' },
};
const idParams = obj({ id: { type: 'integer', minimum: 1 } }, ['id']);

export const webhookRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/webhooks', { schema: { tags: ['interop'], summary: '推送订阅列表' }, onRequest: requireRole('admin') }, async () => ({ items: await listSubscriptions(ctx) }));

  app.post<{ Body: SubscriptionInput }>(
    '/webhooks',
    { schema: { tags: ['interop'], summary: '新建推送订阅（签名密钥只在此返回一次）', body: obj({ ...fields, fromStart: { type: 'boolean' } }, ['name', 'url', 'events']) }, onRequest: requireRole('admin') },
    async (request, reply) => reply.code(201).send(await createSubscription(ctx, actorOf(request), request.body)),
  );

  app.put<{ Params: { id: number }; Body: Partial<SubscriptionInput> }>(
    '/webhooks/:id',
    { schema: { tags: ['interop'], summary: '修改推送订阅（停用、恢复、换密钥）', params: idParams, body: obj(fields) }, onRequest: requireRole('admin') },
    async (request) => updateSubscription(ctx, actorOf(request), request.params.id, request.body),
  );

  app.get<{ Params: { id: number } }>(
    '/webhooks/:id/deliveries',
    { schema: { tags: ['interop'], summary: '最近的推送投递（状态、重试次数、错误）', params: idParams }, onRequest: requireRole('admin') },
    async (request) => {
      const id = request.params.id;
      const sub = await ctx.store.db.selectFrom('webhook_subscriptions').select('id').where('id', '=', id).executeTakeFirst();
      if (!sub) throw notFound(`订阅 ${id} 不存在`);
      const rows = await ctx.store.db
        .selectFrom('outbox')
        .select(['id', 'payload', 'created_at', 'available_at', 'attempts', 'delivered_at', 'last_error'])
        .where('topic', '=', 'webhook')
        .where('ordering_key', 'like', `${orderingKey(id, '')}%`)
        .orderBy('id', 'desc')
        .limit(100)
        .execute();
      return {
        items: rows.map((r) => ({
          eventId: (JSON.parse(r.payload) as WebhookDelivery).eventId,
          createdAt: r.created_at,
          status: r.delivered_at ? 'delivered' : r.attempts ? 'retrying' : 'pending',
          attempts: r.attempts,
          nextAttemptAt: r.delivered_at ? null : r.available_at,
          deliveredAt: r.delivered_at,
          lastError: r.last_error,
        })),
      };
    },
  );
};
