// POST /api/v1/auth/login (and its second step /auth/login/totp), POST /api/v1/auth/logout,
// GET /api/v1/auth/me; two-step login for the signed-in user under /auth/totp; sessions under
// /auth/sessions; an admin's reset of another user's TOTP and sessions under /auth/admin.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { checkOwnPassword, completeLogin, hashToken, login, logout, revokeUserSessions, type OpenedSession } from './sessions.ts';
import { changeOwnPassword } from './own-password.ts';
import { SESSION_COOKIE, actorOf, requireRole, tokenOf } from './plugin.ts';
import { conflict, invalid, notFound, Problem } from '../server/problem.ts';
import { obj, text } from '../server/schemas.ts';
import { ROLE_LABELS } from '../domain/roles.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { checkCodeShape, confirmEnrolment, consumeCode, newRecoveryCodes, removeTotp, startEnrolment, totpRequired, totpStatus } from './two-step.ts';

const CODE = { type: 'string', minLength: 1, maxLength: 40 };

export const authRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const signedIn = (session: OpenedSession, request: FastifyRequest, reply: FastifyReply) => {
    // Secure when the request came over HTTPS, directly or as a trusted proxy says (HOTLINE_TRUST_PROXY).
    reply.setCookie(SESSION_COOKIE, session.token, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', expires: new Date(session.expiresAt) });
    const unit = ctx.org.get(session.actor.unitId);
    return { token: session.token, expiresAt: session.expiresAt, user: { ...publicActor(session.actor), unit: unit ? { code: unit.code, name: unit.name } : null } };
  };

  app.post<{ Body: { username: string; password: string } }>(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: '登录；启用两步验证的账户答复 step=totp 与 challenge，再以 /auth/login/totp 提交验证码（管理员须启用而未启用时 step=totp-enrol，附密钥）',
        body: obj({ username: text(64), password: text(200) }, ['username', 'password']),
      },
    },
    async (request, reply) => {
      const result = await login(ctx, request.body.username, request.body.password, request.ip);
      if (!result) throw new Problem(401, 'bad-credentials', '用户名或密码错误');
      if (result.step !== 'done') return result;
      return signedIn(result, request, reply);
    },
  );

  app.post<{ Body: { challenge: string; code: string } }>(
    '/auth/login/totp',
    { schema: { tags: ['auth'], summary: '登录第二步：提交动态验证码或恢复码，成功后才建立会话', body: obj({ challenge: text(100), code: CODE }, ['challenge', 'code']) } },
    async (request, reply) => {
      const code = checkCodeShape(request.body.code);
      const session = await completeLogin(ctx, request.body.challenge, code, request.ip);
      return { ...signedIn(session, request, reply), ...(session.recoveryCodes ? { recoveryCodes: session.recoveryCodes } : {}) };
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

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: '修改我的密码（须提交当前密码；新密码须符合密码策略）；我在其他设备上的会话随之退出',
        body: obj({ currentPassword: text(200), newPassword: text(200) }, ['currentPassword', 'newPassword']),
      },
      onRequest: requireRole(),
    },
    async (request) => {
      const actor = actorOf(request);
      if (!(await checkOwnPassword(ctx, actor, request.body.currentPassword, request.ip))) throw invalid('currentPassword', '当前密码错误');
      const token = tokenOf(request);
      const { revokedSessions } = await changeOwnPassword(ctx, actor, request.body.currentPassword, request.body.newPassword, token ? hashToken(token) : undefined);
      return { changed: true, revokedSessions };
    },
  );

  app.get('/auth/totp', { schema: { tags: ['auth'], summary: '我的两步验证状态' }, onRequest: requireRole() }, async (request) => {
    const actor = actorOf(request);
    return totpStatus(ctx, actor.userId, actor.role);
  });

  app.post('/auth/totp/enrol', { schema: { tags: ['auth'], summary: '开始启用两步验证：生成密钥（仅此一次返回 otpauth:// 地址），待首个验证码确认' }, onRequest: requireRole() }, async (request) => {
    const actor = actorOf(request);
    return startEnrolment(ctx, { id: actor.userId, username: actor.username });
  });

  app.post<{ Body: { code: string } }>(
    '/auth/totp/confirm',
    { schema: { tags: ['auth'], summary: '以首个验证码确认启用两步验证；答复 10 个恢复码（仅此一次）', body: obj({ code: CODE }, ['code']) }, onRequest: requireRole() },
    async (request) => {
      const actor = actorOf(request);
      const code = checkCodeShape(request.body.code, 'code', false);
      const now = ctx.clock.now();
      const codes = await inTransaction(ctx.store.db, (tx) => confirmEnrolment(tx, actor, code, now));
      if (!codes) throw new Problem(400, 'bad-totp', '验证码错误，请核对手机上的动态验证码后重试', { errors: [{ field: 'code', message: '验证码错误' }] });
      return { enabled: true, recoveryCodes: codes };
    },
  );

  app.post<{ Body: { code: string } }>(
    '/auth/totp/disable',
    { schema: { tags: ['auth'], summary: '停用两步验证（须提交验证码或恢复码）', body: obj({ code: CODE }, ['code']) }, onRequest: requireRole() },
    async (request) => {
      const actor = actorOf(request);
      const code = checkCodeShape(request.body.code);
      if (totpRequired(ctx, actor.role)) throw conflict('管理员须启用两步验证，不能停用');
      const now = ctx.clock.now();
      await inTransaction(ctx.store.db, async (tx) => {
        if (!(await consumeCode(tx, actor.userId, code, now))) throw new Problem(400, 'bad-totp', '验证码错误', { errors: [{ field: 'code', message: '验证码错误' }] });
        await removeTotp(tx, actor.userId);
        await writeEvent(tx, actor, now, { action: 'totp_disabled', detail: { username: actor.username } });
      });
      return { enabled: false };
    },
  );

  app.post<{ Body: { code: string } }>(
    '/auth/totp/recovery-codes',
    { schema: { tags: ['auth'], summary: '重新生成恢复码（须提交验证码），旧恢复码作废', body: obj({ code: CODE }, ['code']) }, onRequest: requireRole() },
    async (request) => {
      const actor = actorOf(request);
      const code = checkCodeShape(request.body.code, 'code', false);
      const now = ctx.clock.now();
      const codes = await inTransaction(ctx.store.db, async (tx) => {
        if (!(await consumeCode(tx, actor.userId, code, now))) throw new Problem(400, 'bad-totp', '验证码错误', { errors: [{ field: 'code', message: '验证码错误' }] });
        const fresh = await newRecoveryCodes(tx, actor.userId);
        await writeEvent(tx, actor, now, { action: 'totp_recovery_codes_renewed', detail: { username: actor.username } });
        return fresh;
      });
      return { recoveryCodes: codes };
    },
  );

  app.post('/auth/sessions/revoke-others', { schema: { tags: ['auth'], summary: '退出我在其他设备上的全部会话' }, onRequest: requireRole() }, async (request) => {
    const actor = actorOf(request);
    const now = ctx.clock.now();
    const revoked = await inTransaction(ctx.store.db, async (tx) => {
      const n = await revokeUserSessions(tx, actor.userId, now, tokenOf(request) ?? undefined);
      await writeEvent(tx, actor, now, { action: 'sessions_revoked', detail: { username: actor.username, scope: 'others', revokedSessions: n } });
      return n;
    });
    return { revokedSessions: revoked };
  });

  const targetUser = async (username: string) => {
    const user = await ctx.store.db.selectFrom('users').select(['id', 'username']).where('username', '=', username).executeTakeFirst();
    if (!user) throw notFound(`用户「${username}」不存在`);
    return { id: Number(user.id), username: user.username };
  };

  app.post<{ Body: { username: string } }>(
    '/auth/admin/revoke-sessions',
    { schema: { tags: ['auth'], summary: '管理员：强制退出某用户的全部会话', body: obj({ username: text(64) }, ['username']) }, onRequest: requireRole('admin') },
    async (request) => {
      const actor = actorOf(request);
      const user = await targetUser(request.body.username);
      const now = ctx.clock.now();
      const revoked = await inTransaction(ctx.store.db, async (tx) => {
        const n = await revokeUserSessions(tx, user.id, now, user.id === actor.userId ? (tokenOf(request) ?? undefined) : undefined);
        await writeEvent(tx, actor, now, { action: 'sessions_revoked', detail: { username: user.username, scope: 'all', revokedSessions: n } });
        return n;
      });
      return { username: user.username, revokedSessions: revoked };
    },
  );

  app.post<{ Body: { username: string } }>(
    '/auth/admin/reset-totp',
    { schema: { tags: ['auth'], summary: '管理员：重置某用户的两步验证（删除密钥与恢复码并强制退出其会话）', body: obj({ username: text(64) }, ['username']) }, onRequest: requireRole('admin') },
    async (request) => {
      const actor = actorOf(request);
      const user = await targetUser(request.body.username);
      if (user.id === actor.userId) throw conflict('不能重置自己的两步验证，请由另一名管理员操作');
      const now = ctx.clock.now();
      return inTransaction(ctx.store.db, async (tx) => {
        const removed = await removeTotp(tx, user.id);
        const n = await revokeUserSessions(tx, user.id, now);
        await writeEvent(tx, actor, now, { action: 'totp_reset', detail: { username: user.username, hadTotp: removed, revokedSessions: n } });
        return { username: user.username, reset: removed, revokedSessions: n };
      });
    },
  );
};

function publicActor(a: ReturnType<typeof actorOf>) {
  return { username: a.username, displayName: a.displayName, role: a.role, roleLabel: ROLE_LABELS[a.role], ...(a.mustChangePassword ? { mustChangePassword: true } : {}) };
}
