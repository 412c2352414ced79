// /api/v1/tickets: intake, read, list, timeline, duplicate check, and one route per action.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { ACTIONS, ACTION_RULES, type Action } from '../domain/ticket-states.ts';
import { TICKET_STATUSES } from '../domain/ticket-states.ts';
import { TICKET_TYPES } from '../domain/ticket-types.ts';
import { parseInstant } from '../domain/deadline.ts';
import { invalid } from '../server/problem.ts';
import { createTicket, intakeSchema, PHONE_SCHEMA, type IntakeRequest } from './intake.ts';
import { getTicket, listTickets, requesterHistory, statusCounts, ticketAfterAction, ticketEvents, workbench, type ListQuery } from './queries.ts';
import { QUEUES, type Queue } from './queues.ts';
import { runAction, type ActionDefinition } from './action-runner.ts';
import { unitActions } from './unit-actions.ts';
import { centreActions } from './centre-actions.ts';
import { ownerActions, unitMembers } from './owner-actions.ts';
import { findDuplicates } from './duplicates.ts';
import { obj, text } from '../server/schemas.ts';
import { duplicateGroups, findCrossCaller, mergeGroup, mergeGroupSchema, type MergeGroupRequest } from './cross-caller.ts';
import { BULK_ACTIONS, bulkSchema, exportSchema, exportSelected, runBulk, type BulkRequest } from './bulk.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { viewerMark, viewerOf } from '../server/watermark.ts';
import type { Role } from '../domain/roles.ts';
import multipart from '@fastify/multipart';
import { ATTACHABLE_ACTIONS, downloadDisposition } from '../domain/attachments.ts';
import { attachmentForDownload, MULTIPART_LIMITS, readMultipartAction, type UploadedFile } from './attachments.ts';

export const ACTION_DEFINITIONS: Record<Action, ActionDefinition> = { ...unitActions, ...centreActions, ...ownerActions };

const noParam = { type: 'object', properties: { no: { type: 'string', pattern: '^[A-Z]{2,8}[0-9]{14}$' } }, required: ['no'] };

export const ticketRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // multipart/form-data, for the actions whose text may carry files; parts are read by the route itself.
  await app.register(multipart, { limits: MULTIPART_LIMITS, throwFileSizeLimit: true });
  const filesOf = new WeakMap<object, UploadedFile[]>();
  app.post<{ Body: IntakeRequest }>(
    '/tickets',
    { schema: { tags: ['tickets'], summary: '受理诉求（登记并处置）', body: intakeSchema }, onRequest: requireRole('agent', 'team_lead', 'centre', 'admin') },
    async (request, reply) => {
      const created = await createTicket(ctx, actorOf(request), request.body);
      reply.code(201);
      return getTicket(ctx, actorOf(request), created.no, { empty: created.empty });
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: '工单列表（筛选、分页）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', pattern: `^((${TICKET_STATUSES.join('|')}),?)+$` },
            unit: text(40),
            type: { type: 'string', enum: [...TICKET_TYPES] },
            light: { type: 'string', enum: ['red', 'yellow', 'green'] },
            from: text(40),
            to: text(40),
            q: text(100),
            page: { type: 'integer', minimum: 1, maximum: 100000 },
            pageSize: { type: 'integer', minimum: 1, maximum: 100 },
            sort: { type: 'string', enum: ['due', 'created'] },
            queue: { type: 'string', enum: Object.keys(QUEUES) },
          },
        },
      },
      onRequest: requireRole(),
    },
    async (request) => {
      const q = { ...request.query };
      for (const key of ['from', 'to'] as const) {
        if (q[key] === undefined) continue;
        const parsed = parseInstant(q[key]!) ?? (/^\d{4}-\d{2}-\d{2}$/.test(q[key]!) ? parseInstant(`${q[key]}T00:00:00+08:00`) : null);
        if (!parsed) throw invalid(key, `字段「${key === 'from' ? '开始时间' : '结束时间'}」应为日期（YYYY-MM-DD）或带时区的时间`);
        q[key] = parsed;
      }
      return listTickets(ctx, actorOf(request), q);
    },
  );

  app.post<{ Body: { phone?: string; facts: string; categoryCode?: string; address?: string; districtCode?: string } }>(
    '/tickets/duplicate-check',
    {
      schema: { tags: ['tickets'], summary: '重复诉求检查（派单前）：同一诉求人的相似诉求（candidates），及其他来电人反映的疑似同一事项（otherCallers）', body: obj({ phone: text(20), facts: text(4000), categoryCode: text(40), address: text(300, 0), districtCode: text(40) }, ['facts']) },
      onRequest: requireRole('agent', 'team_lead', 'centre', 'admin'),
    },
    async (request) => {
      const b = request.body;
      const cat = b.categoryCode ? await ctx.store.db.selectFrom('categories').select('id').where('code', '=', b.categoryCode).executeTakeFirst() : undefined;
      const phone = b.phone?.replace(/[\s-]/g, '') || null;
      const district = b.districtCode ? ctx.org.byCodeOrUndefined(b.districtCode) : undefined;
      const [candidates, otherCallers] = await Promise.all([
        findDuplicates(ctx, ctx.store.db, { phone, facts: b.facts, categoryId: cat?.id ?? null, address: b.address }),
        findCrossCaller(ctx, ctx.store.db, { phone, facts: b.facts, categoryId: cat?.id ?? null, districtId: district?.kind === 'district' ? district.id : null, address: b.address }),
      ]);
      const own = new Set(candidates.map((c) => c.no));
      return { candidates, otherCallers: otherCallers.filter((c) => !own.has(c.no)) };
    },
  );

  app.get(
    '/tickets/duplicate-groups',
    { schema: { tags: ['tickets'], summary: '疑似同一事项的多人来电（并单候选组）' }, onRequest: requireRole('team_lead', 'centre', 'admin') },
    async () => duplicateGroups(ctx),
  );

  app.post<{ Body: MergeGroupRequest }>(
    '/tickets/merge-group',
    { schema: { tags: ['ticket actions'], summary: '并单：多名诉求人就同一事项的工单并入一张主工单（一个事务，全部或全不）', body: mergeGroupSchema }, onRequest: requireRole('team_lead', 'centre', 'admin') },
    async (request) => {
      const r = await mergeGroup(ctx, actorOf(request), request.body);
      return { ...r, main: await getTicket(ctx, actorOf(request), r.mainNo) };
    },
  );

  // 批量操作: the roles of the bulk actions may call it; each ticket is checked as its single action.
  const bulkRoles = [...new Set(BULK_ACTIONS.flatMap((a) => ACTION_RULES[a].roles))] as Role[];
  app.post<{ Body: BulkRequest }>(
    '/tickets/bulk',
    { schema: { tags: ['ticket actions'], summary: `批量操作（${BULK_ACTIONS.map((a) => ACTION_RULES[a].label).join('、')}；每张工单单独提交，逐张返回结果，至多 200 张）`, body: bulkSchema }, onRequest: requireRole(...bulkRoles) },
    async (request) => runBulk(ctx, ACTION_DEFINITIONS, actorOf(request), request.body),
  );

  app.post<{ Body: { nos: string[] } }>(
    '/tickets/export.xlsx',
    { schema: { tags: ['tickets'], summary: '导出所选工单（.xlsx，至多 200 张，按当前用户的可见范围与脱敏规则）', body: exportSchema }, onRequest: requireRole() },
    async (request, reply) => {
      const actor = actorOf(request);
      const at = ctx.clock.now();
      const { file, rows } = await exportSelected(ctx, actor, request.body.nos, viewerMark(viewerOf(ctx, actor), at));
      await inTransaction(ctx.store.db, (tx) => writeEvent(tx, actor, at, { action: 'tickets_exported', detail: { requested: request.body.nos.length, rows, format: 'xlsx' } }));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="tickets.xlsx"; filename*=UTF-8''${encodeURIComponent('工单导出.xlsx')}`)
        .send(file);
    },
  );

  app.get<{ Querystring: { queue?: Queue } }>(
    '/tickets/counts',
    {
      schema: {
        tags: ['tickets'],
        summary: '各状态工单数（当前用户可见范围；queue 指定时只计该队列，如「我的待办」）',
        querystring: { type: 'object', additionalProperties: false, properties: { queue: { type: 'string', enum: Object.keys(QUEUES) } } },
      },
      onRequest: requireRole(),
    },
    async (request) => statusCounts(ctx, actorOf(request), request.query.queue),
  );

  app.get('/workbench', { schema: { tags: ['tickets'], summary: '工作台：当前角色的待办队列及数量' }, onRequest: requireRole() }, async (request) =>
    workbench(ctx, actorOf(request)),
  );

  // Who of the caller's unit may be named 承办人 (the assign action's choices).
  app.get(
    '/units/mine/members',
    { schema: { tags: ['tickets'], summary: '本单位在职人员（指定承办人的可选范围）' }, onRequest: requireRole('unit_staff', 'unit_head') },
    async (request) => {
      const actor = actorOf(request);
      return { items: actor.unitId == null ? [] : (await unitMembers(ctx.store.db, actor.unitId)).map(({ id: _id, ...m }) => m) };
    },
  );

  app.post<{ Body: { phone: string } }>(
    '/requesters/history',
    {
      schema: { tags: ['tickets'], summary: '诉求人历史工单（受理台）', body: obj({ phone: PHONE_SCHEMA }, ['phone']) },
      onRequest: requireRole('agent', 'team_lead', 'centre', 'admin'),
    },
    async (request) => requesterHistory(ctx, actorOf(request), request.body.phone.replace(/[\s-]/g, '')),
  );

  app.get<{ Params: { no: string } }>(
    '/tickets/:no',
    { schema: { tags: ['tickets'], summary: '工单详情', params: noParam }, onRequest: requireRole() },
    async (request) => getTicket(ctx, actorOf(request), request.params.no),
  );

  app.get<{ Params: { no: string } }>(
    '/tickets/:no/events',
    { schema: { tags: ['tickets'], summary: '工单流转记录（审计事件）', params: noParam }, onRequest: requireRole() },
    async (request) => ticketEvents(ctx, actorOf(request), request.params.no),
  );

  app.get<{ Params: { no: string; id: number } }>(
    '/tickets/:no/attachments/:id',
    {
      schema: {
        tags: ['tickets'],
        summary: '下载答复附件（能查看该工单的用户；一律作为下载，不在页面中打开）',
        params: { type: 'object', properties: { no: noParam.properties.no, id: { type: 'integer', minimum: 1, maximum: 2 ** 53 - 1 } }, required: ['no', 'id'] },
      },
      onRequest: requireRole(),
    },
    async (request, reply) => {
      const file = await attachmentForDownload(ctx, actorOf(request), request.params.no, request.params.id);
      return reply
        .type(file.contentType)
        .header('content-disposition', downloadDisposition(file.name))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, no-store')
        .send(file.data);
    },
  );

  const attachable = new Set<string>(ATTACHABLE_ACTIONS);
  for (const action of ACTIONS) {
    const def = ACTION_DEFINITIONS[action];
    const rule = ACTION_RULES[action];
    const withFiles = attachable.has(action);
    app.post<{ Params: { no: string } }>(
      `/tickets/:no/actions/${action}`,
      {
        schema: {
          tags: ['ticket actions'],
          summary: `${rule.label}（角色：${rule.roles.join('、')}）${withFiles ? '；可用 multipart/form-data 同时上传附件（字段 attachments，每个至多 10 MB，至多 5 个）' : ''}`,
          params: noParam,
          body: def.body,
        },
        onRequest: requireRole(),
        config: { roles: rule.roles },
        // The form's text fields become the body the schema then checks; its files are checked here.
        ...(withFiles
          ? {
              preValidation: async (request: import('fastify').FastifyRequest) => {
                if (!request.isMultipart()) return;
                const { body, files } = await readMultipartAction(request);
                request.body = body;
                filesOf.set(request, files);
              },
            }
          : {}),
      },
      async (request) => {
        const actor = actorOf(request);
        const result = await runAction(ctx, ACTION_DEFINITIONS, actor, request.params.no, action, request.body, filesOf.get(request));
        // Committed: the answer is 2xx even when the action took the ticket out of the user's sight.
        return { ...(await ticketAfterAction(ctx, actor, result.ticketNo, result.status)), ...(result.response ?? {}) };
      },
    );
  }
};
