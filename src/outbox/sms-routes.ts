// /api/v1/sms: the centre's SMS opt-out list (a requester who asked for no SMS) and the delivery log.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { obj, text } from '../server/schemas.ts';
import { maskPhone } from '../domain/masking.ts';
import { isOptedOut, removeOptOut, setOptOut } from './sms-opt-out.ts';

export const smsRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/sms/opt-outs', { schema: { tags: ['sms'], summary: '拒收短信的号码（脱敏）' }, onRequest: requireRole('centre', 'team_lead', 'admin') }, async () => {
    const rows = await ctx.store.db.selectFrom('sms_opt_outs').selectAll().orderBy('created_at', 'desc').limit(500).execute();
    return { items: rows.map((r) => ({ id: Number(r.id), phone: maskPhone(r.phone), note: r.note, createdAt: r.created_at })) };
  });

  app.get<{ Querystring: { phone: string } }>(
    '/sms/opt-outs/status',
    { schema: { tags: ['sms'], summary: '某号码是否拒收短信', querystring: obj({ phone: text(30, 7) }, ['phone']) }, onRequest: requireRole('centre', 'team_lead', 'agent', 'admin') },
    async (request) => ({ phone: maskPhone(request.query.phone), optedOut: await isOptedOut(ctx, request.query.phone) }),
  );

  app.put<{ Body: { phone: string; optedOut: boolean; note?: string } }>(
    '/sms/opt-outs',
    { schema: { tags: ['sms'], summary: '设置号码拒收或恢复接收短信', body: obj({ phone: text(30, 7), optedOut: { type: 'boolean' }, note: text(200, 0) }, ['phone', 'optedOut']) }, onRequest: requireRole('centre', 'team_lead', 'agent', 'admin') },
    async (request) => setOptOut(ctx, actorOf(request), request.body.phone, request.body.optedOut, request.body.note),
  );

  // The list shows numbers masked, so the console removes an entry by its id rather than by number.
  app.post<{ Params: { id: number } }>(
    '/sms/opt-outs/:id/remove',
    { schema: { tags: ['sms'], summary: '移除一条拒收记录（该号码恢复接收短信）', params: obj({ id: { type: 'integer', minimum: 1 } }, ['id']) }, onRequest: requireRole('centre', 'team_lead', 'admin') },
    async (request) => removeOptOut(ctx, actorOf(request), request.params.id),
  );

  app.get('/sms/deliveries', { schema: { tags: ['sms'], summary: '短信投递记录（最近 200 条）' }, onRequest: requireRole('centre', 'admin') }, async () => {
    const rows = await ctx.store.db.selectFrom('sms_deliveries').selectAll().orderBy('updated_at', 'desc').limit(200).execute();
    return {
      items: rows.map((r) => ({ outboxId: Number(r.outbox_id), to: r.to_masked, template: r.template, status: r.status, attempts: r.attempts, providerMessageId: r.provider_message_id, error: r.error, updatedAt: r.updated_at })),
    };
  });
};
