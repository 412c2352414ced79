// The portal's JSON API under /api/v1/public/portal (no login: captcha, categories, submit, track,
// the 好差评 SMS code, rate, a photo by signed link) and /api/v1/portal (staff: a ticket's photos).
// A staff session or token is refused on the code and rating routes: 好差评 is the requester's.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole, tokenOf } from '../auth/plugin.ts';
import { actorForToken } from '../auth/sessions.ts';
import { writeEvent } from '../audit/events.ts';
import { inTransaction } from '../store/db.ts';
import { SATISFACTION_LEVELS, TICKET_TYPES } from '../domain/ticket-types.ts';
import { forbidden, notFound } from '../server/problem.ts';
import { ticketNumbered, unitCanSee } from '../tickets/model.ts';
import { loadPortalSecret, PortalSigner } from './security.ts';
import { portalCategories, rateRequest, requestRatingCode, submitRequest, trackRequest, PHOTO_LIMITS, type PortalSubmission } from './service.ts';
import { newPortalState, type PortalState } from './security.ts';
import { codeConfigOf } from './rating-code.ts';
import { adoptPhotoFiles, photoBytes } from './photo-files.ts';

const states = new WeakMap<AppContext, Promise<PortalState>>();
/** One signer and one set of limits per running app, shared by the pages and the API. */
export function portalState(ctx: AppContext): Promise<PortalState> {
  let state = states.get(ctx);
  if (!state) {
    state = loadPortalSecret(ctx.store.db, ctx.clock.now()).then((secret) => newPortalState(new PortalSigner(secret), codeConfigOf(ctx)));
    states.set(ctx, state);
  }
  return state;
}

const str = (max: number, min = 1) => ({ type: 'string', minLength: min, maxLength: max });
const TICKET_NO = { type: 'string', pattern: '^[A-Za-z]{1,8}\\d{8,14}$', maxLength: 30 };
const LAST4 = { type: 'string', pattern: '^\\d{4}$' };
const CODE = { type: 'string', pattern: '^\\d{4,8}$' };
const CAPTCHA = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'answer'],
  properties: { token: str(200), answer: { type: 'string', maxLength: 8 } },
};
// Base64 of a 2 MB photo is 2.8 MB; the route allows three of them and the text.
const PHOTO_DATA_MAX = Math.ceil((PHOTO_LIMITS.maxBytes * 4) / 3) + 64;

async function sendPhoto(ctx: AppContext, reply: FastifyReply, row: { file: string; data: Buffer | null; mime: string }) {
  const data = await photoBytes(ctx, row);
  if (!data) throw notFound('照片不存在');
  return reply.type(row.mime).header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').send(data);
}

/**
 * Refuses a request carrying a live staff session (bearer token or the console's cookie, with or
 * without its CSRF header): staff never rate, whatever else they hold. The attempt is audited.
 */
async function refuseStaff(ctx: AppContext, request: FastifyRequest): Promise<void> {
  const token = tokenOf(request);
  const actor = request.actor ?? (token ? await actorForToken(ctx, token) : null);
  if (!actor) return;
  await inTransaction(ctx.store.db, (tx) => writeEvent(tx, actor, ctx.clock.now(), { action: 'portal_rating_refused', outcome: 'failure', detail: { route: request.routeOptions.url, reason: 'staff_session' } }));
  throw forbidden('工作人员账号不能参与好差评：评价须由诉求人本人凭短信验证码提交，请退出登录后再试');
}

export const portalRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const state = await portalState(ctx);
  // Photos older rows keep as files move into the store, so that its backup holds them.
  const adopted = await adoptPhotoFiles(ctx);
  if (adopted) app.log.info({ adopted }, 'portal photos copied into the store');

  app.get('/public/portal/captcha', { schema: { tags: ['portal'], summary: '网站诉求：获取验证码（算术题）', security: [] } }, async (request) => {
    const nowMs = Date.parse(ctx.clock.now());
    state.captchas.takeOrRefuse(request.ip, nowMs);
    return state.signer.challenge(nowMs);
  });

  app.get('/public/portal/categories', { schema: { tags: ['portal'], summary: '网站诉求：可选的诉求分类', security: [] } }, async () => ({ items: await portalCategories(ctx) }));

  app.post<{ Body: PortalSubmission }>(
    '/public/portal/requests',
    {
      bodyLimit: PHOTO_LIMITS.maxCount * PHOTO_DATA_MAX + 64 * 1024,
      schema: {
        tags: ['portal'],
        summary: '网站诉求：提交诉求（进入待派单）',
        security: [],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'facts', 'phone', 'captcha'],
          properties: {
            type: { type: 'string', enum: [...TICKET_TYPES] },
            categoryCode: str(40, 0),
            facts: str(4000, 5),
            address: str(300, 0),
            name: str(50, 0),
            phone: { type: 'string', pattern: '^[0-9 \\-]{7,20}$' },
            photos: {
              type: 'array',
              maxItems: PHOTO_LIMITS.maxCount,
              items: { type: 'object', additionalProperties: false, required: ['data'], properties: { name: str(200, 0), data: str(PHOTO_DATA_MAX) } },
            },
            captcha: CAPTCHA,
          },
        },
      },
    },
    async (request, reply) => reply.code(201).send(await submitRequest(ctx, state, request.ip, request.body)),
  );

  app.post<{ Body: { no: string; phoneLast4: string } }>(
    '/public/portal/track',
    {
      schema: {
        tags: ['portal'],
        summary: '网站诉求：凭工单编号和手机号后四位查询办理进度',
        security: [],
        body: { type: 'object', additionalProperties: false, required: ['no', 'phoneLast4'], properties: { no: TICKET_NO, phoneLast4: LAST4 } },
      },
    },
    async (request) => trackRequest(ctx, state, request.ip, request.body.no, request.body.phoneLast4),
  );

  app.post<{ Body: { no: string; phoneLast4: string } }>(
    '/public/portal/rating-code',
    {
      schema: {
        tags: ['portal'],
        summary: '好差评：向工单登记的手机发送短信验证码（答复经审核通过后）',
        security: [],
        body: { type: 'object', additionalProperties: false, required: ['no', 'phoneLast4'], properties: { no: TICKET_NO, phoneLast4: LAST4 } },
      },
      onRequest: (request) => refuseStaff(ctx, request),
    },
    async (request, reply) => reply.code(202).send(await requestRatingCode(ctx, state, request.ip, request.body)),
  );

  app.post<{ Body: { no: string; code: string; level: (typeof SATISFACTION_LEVELS)[number]; comment?: string } }>(
    '/public/portal/rate',
    {
      schema: {
        tags: ['portal'],
        summary: '好差评：凭短信验证码评价（一事一评，答复经审核通过后可评）',
        security: [],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['no', 'code', 'level'],
          properties: { no: TICKET_NO, code: CODE, level: { type: 'string', enum: [...SATISFACTION_LEVELS] }, comment: str(1000, 0) },
        },
      },
      // Before the body is read: a staff session is refused whatever it sends.
      onRequest: (request) => refuseStaff(ctx, request),
    },
    async (request, reply) => reply.code(201).send(await rateRequest(ctx, state, request.ip, request.body)),
  );

  app.get<{ Params: { id: number }; Querystring: { t?: string } }>(
    '/public/portal/photos/:id',
    {
      schema: {
        tags: ['portal'],
        summary: '网站诉求：照片（凭查询结果中的限时链接）',
        security: [],
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        querystring: { type: 'object', properties: { t: str(200) } },
      },
    },
    async (request, reply) => {
      const nowMs = Date.parse(ctx.clock.now());
      state.lookups.takeOrRefuse(request.ip, nowMs);
      if (!request.query.t || !state.signer.verifyPhotoToken(request.params.id, request.query.t, nowMs)) throw notFound('照片不存在或链接已过期');
      const row = await ctx.store.db.selectFrom('portal_photos').select(['file', 'data', 'mime']).where('id', '=', request.params.id).executeTakeFirst();
      if (!row) throw notFound('照片不存在或链接已过期');
      return sendPhoto(ctx, reply, row);
    },
  );

  const STAFF = ['agent', 'team_lead', 'centre', 'authority', 'admin', 'unit_staff', 'unit_head'] as const;
  app.get<{ Params: { no: string } }>(
    '/portal/tickets/:no/photos',
    { schema: { tags: ['portal'], summary: '工单的网站上传照片', params: { type: 'object', properties: { no: str(40) }, required: ['no'] } }, onRequest: requireRole(...STAFF) },
    async (request) => {
      const t = await ticketNumbered(ctx.store.db, request.params.no).select('id').executeTakeFirst();
      if (!t || !(await unitCanSee(ctx.store.db, actorOf(request), t.id))) throw notFound(`工单 ${request.params.no} 不存在`);
      const rows = await ctx.store.db.selectFrom('portal_photos').select(['id', 'mime', 'size', 'created_at']).where('ticket_id', '=', t.id).orderBy('id').execute();
      return { items: rows.map((r) => ({ id: Number(r.id), mime: r.mime, size: r.size, url: `/api/v1/portal/photos/${r.id}` })) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/portal/photos/:id',
    { schema: { tags: ['portal'], summary: '网站上传照片（工作人员）', params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } }, onRequest: requireRole(...STAFF) },
    async (request, reply) => {
      const row = await ctx.store.db.selectFrom('portal_photos').select(['file', 'data', 'mime', 'ticket_id']).where('id', '=', request.params.id).executeTakeFirst();
      if (!row || !(await unitCanSee(ctx.store.db, actorOf(request), Number(row.ticket_id)))) throw notFound('照片不存在');
      return sendPhoto(ctx, reply, row);
    },
  );
};
