// POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { login, logout } from './sessions.ts';
import { SESSION_COOKIE, actorOf, requireRole, tokenOf } from './plugin.ts';
import { Problem } from '../server/problem.ts';
import { obj, text } from '../tickets/schemas.ts';
import { ROLE_LABELS } from '../domain/roles.ts';

export const authRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post<{ Body: { username: string; password: string } }>(
    '/auth/login',
    { schema: { tags: ['auth'], summary: '登录', body: obj({ username: text(64), password: text(200) }, ['username', 'password']) } },
    async (request, reply) => {
      const session = await login(ctx, request.body.username, request.body.password);
      if (!session) throw new Problem(401, 'bad-credentials', '用户名或密码错误');
      reply.setCookie(SESSION_COOKIE, session.token, { path: '/', httpOnly: true, sameSite: 'strict', expires: new Date(session.expiresAt) });
      const unit = ctx.org.get(session.actor.unitId);
      return { token: session.token, expiresAt: session.expiresAt, user: { ...publicActor(session.actor), unit: unit ? { code: unit.code, name: unit.name } : null } };
    },
  );

  app.post('/auth/logout', { schema: { tags: ['auth'], summary: '退出登录' } }, async (request, reply) => {
    const token = tokenOf(request);
    if (token) await logout(ctx, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/auth/me', { schema: { tags: ['auth'], summary: '当前用户' }, onRequest: requireRole() }, async (request) => {
    const actor = actorOf(request);
    const unit = ctx.org.get(actor.unitId);
    return { ...publicActor(actor), unit: unit ? { code: unit.code, name: unit.name } : null };
  });
};

function publicActor(a: ReturnType<typeof actorOf>) {
  return { username: a.username, displayName: a.displayName, role: a.role, roleLabel: ROLE_LABELS[a.role] };
}
