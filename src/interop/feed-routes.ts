// GET /api/v1/events: the change feed (./feed.ts), paged by an opaque cursor that never skips or
// repeats an event. Readers: an admin session, or an API key with the scope events:read.
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { forbidden, invalid, unauthorized } from '../server/problem.ts';
import { eventBody, readFeed, sequenceEvents } from './feed.ts';

/**
 * Hook for API keys (built in src/auth/api-keys.ts): a function that returns the scopes of the API
 * key a request presents, or null when it presents none. It lives on the Fastify instance (each app
 * its own, as Fastify's encapsulation has it); until one is registered, only sessions are accepted.
 */
export type ApiKeyScopeResolver = (request: FastifyRequest) => Promise<readonly string[] | null> | readonly string[] | null;

declare module 'fastify' {
  interface FastifyInstance {
    apiKeyScopes?: ApiKeyScopeResolver;
  }
}

export function registerApiKeyScopeResolver(app: FastifyInstance, resolver: ApiKeyScopeResolver): void {
  app.decorate('apiKeyScopes', resolver);
}

/** Route guard: an admin session, or an API key holding `scope`. */
export function requireSessionRoleOrScope(scope: string, roles: readonly string[] = ['admin']) {
  return async (request: FastifyRequest) => {
    if (request.actor) {
      if (roles.includes(request.actor.role)) return;
      throw forbidden('当前角色无权读取事件流');
    }
    const scopes = request.server.apiKeyScopes ? await request.server.apiKeyScopes(request) : null;
    if (scopes === null) throw unauthorized();
    if (!scopes.includes(scope)) throw forbidden(`API 密钥缺少权限 ${scope}`);
  };
}

const CURSOR = /^(0|[1-9]\d{0,15})$/;

export const feedRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Querystring: { after?: string; limit?: number } }>(
    '/events',
    {
      schema: {
        tags: ['interop'],
        summary: '变更事件流（按提交顺序，游标分页，不重不漏）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { after: { type: 'string', maxLength: 20 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        },
      },
      onRequest: requireSessionRoleOrScope('events:read'),
      // A session: the admin only; otherwise an API key with events:read.
      config: { roles: ['admin'] },
    },
    async (request) => {
      const after = request.query.after ?? '0';
      if (!CURSOR.test(after)) throw invalid('after', '游标无效');
      // Number what committed since the relay's last tick, so a reader is not a tick behind.
      await sequenceEvents(ctx);
      const rows = await readFeed(ctx.store.db, Number(after), request.query.limit ?? 100);
      return { events: rows.map(eventBody), next: rows.length ? String(rows[rows.length - 1]!.seq) : after };
    },
  );
};
