// /api/v1/webhooks: the admin's webhook subscriptions (./webhooks.ts), their recent deliveries, and
// the deliveries given up on (dead letters) with their replay.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { obj, text } from '../server/schemas.ts';
import { conflict, notFound } from '../server/problem.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { createSubscription, listSubscriptions, orderingKey, updateSubscription, WEBHOOK_FORMATS, type SubscriptionInput, type WebhookDelivery } from './webhooks.ts';

const fields = {
  name: text(60),
  url: text(500),
  secret: text(200, 16),
  events: { type: 'array', minItems: 1, maxItems: 50, items: text(40) },
  format: { type: 'string', enum: [...WEBHOOK_FORMATS] },
  active: { type: 'boolean' },
  unitCode: { anyOf: [text(40), { type: 'null' }] },
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

  const dlParams = obj({ id: { type: 'integer', minimum: 1 }, letter: { type: 'integer', minimum: 1 } }, ['id', 'letter']);
  app.get<{ Params: { id: number } }>(
    '/webhooks/:id/dead-letters',
    { schema: { tags: ['interop'], summary: '放弃投递的推送（死信：4xx 拒收或重试次数用尽），可重放', params: idParams }, onRequest: requireRole('admin') },
    async (request) => {
      const id = request.params.id;
      const sub = await ctx.store.db.selectFrom('webhook_subscriptions').select('id').where('id', '=', id).executeTakeFirst();
      if (!sub) throw notFound(`订阅 ${id} 不存在`);
      const rows = await ctx.store.db.selectFrom('webhook_dead_letters').selectAll().where('subscription_id', '=', id).orderBy('id', 'desc').limit(500).execute();
      return {
        items: rows.map((r) => ({
          id: Number(r.id),
          eventId: r.event_id,
          reason: r.reason,
          reasonLabel: r.reason === 'rejected' ? '接收方拒收（4xx），不再重试' : '重试次数用尽',
          attempts: r.attempts,
          lastError: r.last_error,
          createdAt: r.created_at,
          deadAt: r.dead_at,
          replayedAt: r.replayed_at,
        })),
      };
    },
  );

  app.post<{ Params: { id: number; letter: number } }>(
    '/webhooks/:id/dead-letters/:letter/replay',
    { schema: { tags: ['interop'], summary: '重放一条死信（以原事件编号和原内容重新投递）', params: dlParams }, onRequest: requireRole('admin') },
    async (request) => {
      const { id, letter } = request.params;
      const now = ctx.clock.now();
      return inTransaction(ctx.store.db, async (tx) => {
        const row = await tx.selectFrom('webhook_dead_letters').selectAll().where('id', '=', letter).where('subscription_id', '=', id).executeTakeFirst();
        if (!row) throw notFound(`订阅 ${id} 没有死信 ${letter}`);
        // Only once: the replay is a new delivery, and if it fails again it becomes a new dead letter.
        const claimed = await tx.updateTable('webhook_dead_letters').set({ replayed_at: now }).where('id', '=', letter).where('replayed_at', 'is', null).executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) throw conflict(`死信 ${letter} 已于 ${row.replayed_at} 重放`);
        const outbox = await tx
          .insertInto('outbox')
          .values({ topic: 'webhook', payload: row.payload, created_at: now, available_at: now, attempts: 0, ordering_key: row.ordering_key })
          .returning('id')
          .executeTakeFirstOrThrow();
        await writeEvent(tx, actorOf(request), now, { action: 'webhook_replay', detail: { subscriptionId: id, deadLetter: letter, eventId: row.event_id } });
        return { id: letter, eventId: row.event_id, replayedAt: now, outboxId: Number(outbox.id) };
      });
    },
  );
};
