// /api/v1/units, /api/v1/categories, /api/v1/users
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { ROLES } from '../domain/roles.ts';
import { describeLimit, type LimitUnit } from '../domain/time-limits.ts';
import { createUser, type NewUser } from './users.ts';
import { obj, text } from '../tickets/schemas.ts';

export const orgRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/units', { schema: { tags: ['organisation'], summary: '单位（树形，含下级承办单位）' }, onRequest: requireRole() }, async () => {
    const units = ctx.org.all().sort((a, b) => a.id - b.id);
    return {
      items: units.map((u) => ({ code: u.code, name: u.name, kind: u.kind, parent: ctx.org.get(u.parentId)?.code ?? null, depth: u.path.split('/').filter(Boolean).length - 1 })),
    };
  });

  app.get('/categories', { schema: { tags: ['organisation'], summary: '诉求分类（派单目录）' }, onRequest: requireRole() }, async () => {
    const rows = await ctx.store.db.selectFrom('categories').selectAll().where('active', '=', 1).orderBy('id').execute();
    const byId = new Map(rows.map((r) => [r.id, r.code]));
    return {
      items: rows.map((r) => ({
        code: r.code,
        name: r.name,
        parent: r.parent_id ? byId.get(r.parent_id) ?? null : null,
        defaultUnit: ctx.org.get(r.default_unit_id) ? { code: ctx.org.get(r.default_unit_id)!.code, name: ctx.org.get(r.default_unit_id)!.name } : null,
        replyLimit: r.reply_limit_unit && r.reply_limit_amount ? describeLimit({ unit: r.reply_limit_unit as LimitUnit, amount: r.reply_limit_amount }) : null,
        legalBasis: r.legal_basis,
        keywords: r.keywords ? r.keywords.split(',') : [],
      })),
    };
  });

  app.get('/users', { schema: { tags: ['organisation'], summary: '用户列表（管理员）' }, onRequest: requireRole('admin') }, async () => {
    const rows = await ctx.store.db.selectFrom('users').select(['username', 'display_name', 'role', 'unit_id', 'active']).orderBy('id').execute();
    return { items: rows.map((u) => ({ username: u.username, displayName: u.display_name, role: u.role, unit: ctx.org.get(u.unit_id)?.code ?? null, active: !!u.active })) };
  });

  app.post<{ Body: NewUser }>(
    '/users',
    {
      schema: {
        tags: ['organisation'],
        summary: '新建用户（管理员）',
        body: obj({ username: text(64), password: text(200), role: { type: 'string', enum: [...ROLES] }, unitCode: text(40), displayName: text(40) }, ['username', 'password', 'role']),
      },
      onRequest: requireRole('admin'),
    },
    async (request, reply) => {
      const user = await createUser(ctx, actorOf(request), request.body);
      reply.code(201);
      return user;
    },
  );
};
