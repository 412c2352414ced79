// /api/v1/units, /api/v1/categories, /api/v1/users, /api/v1/limits. Every write is the admin's.
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole, tokenOf } from '../auth/plugin.ts';
import { ROLES } from '../domain/roles.ts';
import { forbidden } from '../server/problem.ts';
import { createUser, resetPassword, updateUser, type NewUser, type UserChange } from './users.ts';
import { UNIT_KINDS, createUnit, listAllUnits, updateUnit, type NewUnit, type UnitChange } from './units.ts';
import { LIMIT_UNITS, categoryView, updateCategory, type CategoryChange } from './categories.ts';
import { listLimits } from './limits.ts';
import { withLabels } from './validation.ts';
import { obj, text } from '../server/schemas.ts';

const nullableText = (max: number) => ({ type: ['string', 'null'], maxLength: max });

const UNIT_LABELS = { code: '单位编码', name: '单位名称', kind: '单位类型', parentCode: '上级单位', smsPhone: '短信值班电话', active: '启用状态' };
const USER_LABELS = { role: '角色', unitCode: '所属单位', displayName: '姓名', active: '启用状态', password: '密码', username: '用户名' };
const CATEGORY_LABELS = { defaultUnitCode: '默认承办单位', replyLimit: '法定办理时限', unit: '时限单位', amount: '时限数量', legalBasis: '法定依据', code: '分类编码' };

export const orgRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { includeInactive?: boolean } }>(
    '/units',
    {
      schema: {
        tags: ['organisation'],
        summary: '单位（树形，含下级承办单位）；includeInactive=true 时含已停用单位（管理员）',
        querystring: obj({ includeInactive: { type: 'boolean' } }),
      },
      onRequest: requireRole(),
    },
    async (request) => {
      if (request.query.includeInactive) {
        if (actorOf(request).role !== 'admin') throw forbidden('只有系统管理员可以查看已停用的单位');
        return { items: await listAllUnits(ctx) };
      }
      const units = ctx.org.all().sort((a, b) => a.id - b.id);
      return {
        items: units.map((u) => ({
          code: u.code,
          name: u.name,
          kind: u.kind,
          parent: ctx.org.get(u.parentId)?.code ?? null,
          depth: u.path.split('/').filter(Boolean).length - 1,
          smsPhone: u.smsPhone,
          active: true,
        })),
      };
    },
  );

  app.post<{ Body: NewUnit }>(
    '/units',
    {
      schema: {
        tags: ['organisation'],
        summary: '新增单位（管理员）',
        body: obj(
          { code: text(40), name: text(60), kind: { type: 'string', enum: [...UNIT_KINDS] }, parentCode: nullableText(40), smsPhone: nullableText(30) },
          ['code', 'name', 'kind'],
        ),
      },
      attachValidation: true,
      onRequest: requireRole('admin'),
      preHandler: withLabels(UNIT_LABELS),
    },
    async (request, reply) => {
      const unit = await createUnit(ctx, actorOf(request), request.body);
      reply.code(201);
      return unit;
    },
  );

  app.put<{ Params: { code: string }; Body: UnitChange }>(
    '/units/:code',
    {
      schema: {
        tags: ['organisation'],
        summary: '修改单位名称、短信值班电话、启用状态（管理员）',
        params: obj({ code: text(40) }, ['code']),
        body: obj({ name: text(60), smsPhone: nullableText(30), active: { type: 'boolean' } }),
      },
      attachValidation: true,
      onRequest: requireRole('admin'),
      preHandler: withLabels(UNIT_LABELS),
    },
    async (request) => updateUnit(ctx, actorOf(request), request.params.code, request.body),
  );

  app.get('/categories', { schema: { tags: ['organisation'], summary: '诉求分类（派单目录）' }, onRequest: requireRole() }, async () => {
    const rows = await ctx.store.db.selectFrom('categories').selectAll().where('active', '=', 1).orderBy('id').execute();
    const byId = new Map(rows.map((r) => [r.id, r.code]));
    return { items: rows.map((r) => categoryView(ctx, r, r.parent_id ? byId.get(r.parent_id) ?? null : null)) };
  });

  app.put<{ Params: { code: string }; Body: CategoryChange }>(
    '/categories/:code',
    {
      schema: {
        tags: ['organisation'],
        summary: '修改分类的默认承办单位、法定办理时限及其依据（管理员）',
        params: obj({ code: text(40) }, ['code']),
        body: obj({
          defaultUnitCode: nullableText(40),
          replyLimit: {
            type: ['object', 'null'],
            additionalProperties: false,
            required: ['unit', 'amount'],
            properties: { unit: { type: 'string', enum: [...LIMIT_UNITS] }, amount: { type: 'integer', minimum: 1, maximum: 365 } },
          },
          legalBasis: nullableText(1000),
        }),
      },
      attachValidation: true,
      onRequest: requireRole('admin'),
      preHandler: withLabels(CATEGORY_LABELS),
    },
    async (request) => updateCategory(ctx, actorOf(request), request.params.code, request.body),
  );

  app.get('/limits', { schema: { tags: ['organisation'], summary: '本市默认办理时限（只读）' }, onRequest: requireRole() }, async () => listLimits(ctx));

  app.get('/users', { schema: { tags: ['organisation'], summary: '用户列表（管理员）；totpEnabled：是否已启用两步验证' }, onRequest: requireRole('admin') }, async () => {
    // totpEnabled tells the admin whose two-step login there is to reset; a pending enrolment does not count.
    const rows = await ctx.store.db
      .selectFrom('users as u')
      .leftJoin('user_totp as t', 't.user_id', 'u.id')
      .select(['u.username', 'u.display_name', 'u.role', 'u.unit_id', 'u.active', 't.enabled_at'])
      .orderBy('u.id')
      .execute();
    return {
      items: rows.map((u) => ({ username: u.username, displayName: u.display_name, role: u.role, unit: ctx.org.get(u.unit_id)?.code ?? null, active: !!u.active, totpEnabled: !!u.enabled_at })),
    };
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

  app.put<{ Params: { username: string }; Body: UserChange }>(
    '/users/:username',
    {
      schema: {
        tags: ['organisation'],
        summary: '修改用户的角色、所属单位、姓名，停用或启用（管理员）',
        params: obj({ username: text(64) }, ['username']),
        body: obj({ role: { type: 'string', enum: [...ROLES] }, unitCode: nullableText(40), displayName: text(40), active: { type: 'boolean' } }),
      },
      attachValidation: true,
      onRequest: requireRole('admin'),
      preHandler: withLabels(USER_LABELS),
    },
    async (request) => updateUser(ctx, actorOf(request), request.params.username, request.body),
  );

  app.post<{ Params: { username: string }; Body: { password: string } }>(
    '/users/:username/password',
    {
      schema: {
        tags: ['organisation'],
        summary: '重置用户密码（管理员）；该用户的其他登录会话随之失效',
        params: obj({ username: text(64) }, ['username']),
        body: obj({ password: text(200) }, ['password']),
      },
      attachValidation: true,
      onRequest: requireRole('admin'),
      preHandler: withLabels(USER_LABELS),
    },
    async (request) => {
      // The admin's own session survives resetting their own password (hashed as src/auth/sessions.ts does).
      const token = tokenOf(request);
      const keep = token ? createHash('sha256').update(token).digest('hex') : undefined;
      return resetPassword(ctx, actorOf(request), request.params.username, request.body.password, keep);
    },
  );
};
