// Admin API for external systems' keys: /api/v1/apikeys (admin only). A key is in the answer of
// create and rotate only; lists show its prefix.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { obj, text } from '../server/schemas.ts';
import { SCOPES, SCOPE_LABELS, createApiKey, listApiKeys, parseRate, parseScopes, revokeApiKey, rotateApiKey } from '../auth/api-keys.ts';

const createBody = obj(
  {
    name: text(100),
    scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] }, minItems: 1, maxItems: SCOPES.length },
    ratePerMinute: { type: 'integer', minimum: 1, maximum: 100000 },
  },
  ['name', 'scopes'],
);
const idParams = obj({ id: { type: 'string', pattern: '^[0-9]{1,9}$' } }, ['id']);

export async function apiKeyRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  const admin = { preHandler: requireRole('admin') };
  // The scopes with their Chinese names travel with the list, so the console's picker names them as the server does.
  app.get('/apikeys', admin, async () => ({ items: await listApiKeys(ctx), scopes: SCOPES.map((value) => ({ value, label: SCOPE_LABELS[value] })) }));
  app.post<{ Body: { name: string; scopes: string[]; ratePerMinute?: number } }>('/apikeys', { ...admin, schema: { body: createBody } }, async (request, reply) => {
    const b = request.body;
    const created = await createApiKey(ctx, actorOf(request), { name: b.name, scopes: parseScopes(b.scopes), ratePerMinute: parseRate(b.ratePerMinute) });
    return reply.code(201).send({ ...created.info, key: created.key, notice: '密钥只显示这一次，请立即妥善保存' });
  });
  app.post<{ Params: { id: string } }>('/apikeys/:id/rotate', { ...admin, schema: { params: idParams } }, async (request) => {
    const rotated = await rotateApiKey(ctx, actorOf(request), request.params.id);
    return { ...rotated.info, key: rotated.key, notice: '新密钥只显示这一次，旧密钥已失效' };
  });
  app.post<{ Params: { id: string } }>('/apikeys/:id/revoke', { ...admin, schema: { params: idParams } }, async (request) => revokeApiKey(ctx, actorOf(request), request.params.id));
}
