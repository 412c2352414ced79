// The HTTP application: every feature is a plugin registered here, in one visible place.
import Fastify, { type FastifyError, type FastifyInstance, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { AppContext } from '../server/context.ts';
import { Problem, retryAfterOf } from '../server/problem.ts';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { registerInputGuard } from './input-guard.ts';
import { translateValidation } from '../server/validation-errors.ts';
import { COMMIT_UNKNOWN, CommitUnknown, isStoreUnavailable, STORE_RETRY_AFTER_SECONDS, STORE_UNAVAILABLE } from '../store/unavailable.ts';
import { isTransientStoreError } from '../store/retry.ts';
import { actorOf, authPlugin, requireRole } from '../auth/plugin.ts';
import { RouteRoles } from '../auth/route-roles.ts';
import { authRoutes } from '../auth/routes.ts';
import { orgRoutes } from '../org/routes.ts';
import { calendarRoutes } from '../calendar/routes.ts';
import { ticketRoutes } from '../tickets/routes.ts';
import { knowledgeRoutes } from '../knowledge/routes.ts';
import { reportRoutes } from '../reports/routes.ts';
import { supervisionRoutes } from '../supervision/routes.ts';
import { evaluationRoutes } from '../evaluation/routes.ts';
import { qualityRoutes } from '../quality/routes.ts';
import { knowledgePublicPage } from '../knowledge/public-page.ts';
import { portalRoutes } from '../portal/routes.ts';
import { portalPages } from '../portal/page.ts';
import { ratingRoutes } from '../ratings/routes.ts';
import { healthRoutes } from './health.ts';
import { consolePlugin } from './console.ts';
import { apiKeyRoutes } from '../interop/apikey-routes.ts';
import { apiKeyScopeResolver } from '../auth/api-keys.ts';
import { transferRoutes } from '../interop/transfer.ts';
import { open311Routes, OPEN311_PREFIX } from '../interop/open311.ts';
import { webhookRoutes } from '../interop/webhooks-routes.ts';
import { feedRoutes, registerApiKeyScopeResolver } from '../interop/feed-routes.ts';
import { smsRoutes } from '../outbox/sms-routes.ts';
import { callRoutes } from '../calls/routes.ts';
import { notificationRoutes } from '../notifications/routes.ts';

export interface AppOptions {
  /** pino logging; off in tests. Request URLs are logged without their query string (it may hold personal data). */
  logger?: boolean;
  /** Called for every route as it is registered (the fuzz test enumerates them so). */
  onRoute?: (route: RouteOptions) => void;
  /** Which proxies to believe about the client (./trust-proxy.ts); default HOTLINE_TRUST_PROXY. */
  trustProxy?: TrustProxy;
}

export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger
      ? {
          level: process.env.LOG_LEVEL ?? 'info',
          serializers: {
            req: (req) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }),
          },
        }
      : false,
    bodyLimit: 1024 * 1024,
    // request.ip and request.protocol follow X-Forwarded-For/-Proto only from these hops.
    trustProxy: options.trustProxy ?? parseTrustProxy(process.env.HOTLINE_TRUST_PROXY),
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
    // While a worker drains (SIGTERM), requests on its open connections are still served, each answer
    // closing its connection so the client's next request goes to another worker.
    return503OnClosing: false,
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  const routeRoles = new RouteRoles();
  app.addHook('onRoute', routeRoles.collect);
  registerSecurityHeaders(app);
  // The server's instant on every API answer: the console counts 剩/超期 from it, not the PC's clock.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/')) reply.header('x-server-time', ctx.clock.now());
  });
  registerInputGuard(app);

  app.setErrorHandler((error: FastifyError | Problem, request, reply) => {
    if (error instanceof Problem) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      const retryAfter = retryAfterOf(error);
      if (retryAfter && !reply.hasHeader('retry-after')) reply.header('retry-after', retryAfter);
      return reply.code(error.status).type('application/problem+json').send(error.toJSON());
    }
    if (error.validation) {
      const errors = translateValidation(error.validation, error.validationContext ?? 'body');
      return reply
        .code(400)
        .type('application/problem+json')
        .send({ type: 'urn:hotline:problem:invalid-input', title: errors[0]?.message ?? '请求参数无效', status: 400, errors });
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      const title =
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError
          ? '请求体不是有效的 JSON'
          : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? '请求体过大'
            : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? '不支持的请求内容类型，请使用 application/json'
              : '请求无效';
      return reply.code(status).type('application/problem+json').send({ type: 'urn:hotline:problem:bad-request', title, status });
    }
    // Still failing after the retries of src/store/retry.ts: 503 with Retry-After, never a bare 500.
    if (error instanceof CommitUnknown) {
      request.log.warn({ err: error.cause }, 'commit outcome unknown');
      return reply.code(503).header('retry-after', STORE_RETRY_AFTER_SECONDS).type('application/problem+json').send(COMMIT_UNKNOWN);
    }
    if (isStoreUnavailable(error) || isTransientStoreError(error)) {
      request.log.warn({ err: error }, 'store unavailable');
      return reply.code(503).header('retry-after', STORE_RETRY_AFTER_SECONDS).type('application/problem+json').send(STORE_UNAVAILABLE);
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).type('application/problem+json').send({ type: 'urn:hotline:problem:internal', title: '服务器内部错误，请稍后重试', status: 500 });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('application/problem+json').send({ type: 'urn:hotline:problem:not-found', title: '请求的资源不存在', status: 404 }),
  );

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: '12345 政务服务便民热线运行平台 API', version: '1.0.0', description: `城市：${ctx.city.name}` },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(authPlugin, { ctx });
  // WebSockets: the switch's event stream (src/calls/cti-routes.ts) and the console's notices (src/notifications/).
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  // The change feed accepts API keys with events:read (src/auth/api-keys.ts).
  registerApiKeyScopeResolver(app, apiKeyScopeResolver(ctx));
  await app.register(healthRoutes, { ctx });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { ctx });
      await api.register(orgRoutes, { ctx });
      await api.register(calendarRoutes, { ctx });
      await api.register(ticketRoutes, { ctx });
      await api.register(knowledgeRoutes, { ctx });
      await api.register(reportRoutes, { ctx });
      await api.register(supervisionRoutes, { ctx });
      await api.register(evaluationRoutes, { ctx });
      await api.register(apiKeyRoutes, { ctx });
      await api.register(transferRoutes, { ctx });
      await api.register(webhookRoutes, { ctx });
      await api.register(feedRoutes, { ctx });
      await api.register(smsRoutes, { ctx });
      await api.register(qualityRoutes, { ctx });
      await api.register(portalRoutes, { ctx });
      await api.register(ratingRoutes, { ctx });
      await api.register(callRoutes, { ctx });
      api.get('/auth/access', { schema: { tags: ['auth'], summary: '当前角色可调用的接口（控制台据此显示菜单、页面与按钮）' }, onRequest: requireRole() }, async (request) => ({
        role: actorOf(request).role,
        routes: routeRoles.allowedFor(actorOf(request).role),
      }));
      await api.register(notificationRoutes, { ctx });
    },
    { prefix: '/api/v1' },
  );
  // Open311 GeoReport v2 for external systems: its own formats and errors, outside /api/v1.
  await app.register(open311Routes, { ctx, prefix: OPEN311_PREFIX });
  await app.register(knowledgePublicPage, { ctx });
  await app.register(portalPages, { ctx });
  await app.register(consolePlugin);
  return app;
}
