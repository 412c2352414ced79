// Authentication for every /api/v1 route except login: a bearer token or the console's session cookie.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Role } from '../domain/roles.ts';
import { actorForToken } from './sessions.ts';
import { markGuard } from './route-roles.ts';
import { forbidden, Problem, unauthorized } from '../server/problem.ts';

export const SESSION_COOKIE = 'hotline_session';
/**
 * CSRF protection of the cookie session: a state-changing request that authenticates by the
 * cookie must carry this header (the console's fetch sends it; a form or an image on another site
 * cannot, and a cross-origin script may not without a CORS permission this server never grants)
 * and, when the browser says where it comes from, come from this origin. Otherwise the cookie is
 * ignored and a route that needs a login answers 403. Bearer tokens and API keys are not sent by
 * browsers on their own and need neither.
 */
export const CSRF_HEADER = 'x-hotline-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** A session cookie was ignored for want of the CSRF header or for a foreign origin. */
    csrfRefused: boolean;
  }
}

/** The request comes from this server's own pages, or says nothing of where it comes from. */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    // request.host is the Host header, or X-Forwarded-Host only from a trusted proxy (HOTLINE_TRUST_PROXY).
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}

export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return request.cookies?.[SESSION_COOKIE] ?? null;
}

export const authPlugin = fp(async (app, opts: { ctx: AppContext }) => {
  app.decorateRequest('actor', null);
  app.decorateRequest('csrfRefused', false);
  app.addHook('onRequest', async (request) => {
    const token = tokenOf(request);
    if (!token) return;
    const byCookie = !request.headers.authorization?.startsWith('Bearer ');
    if (byCookie && !SAFE_METHODS.has(request.method) && (request.headers[CSRF_HEADER] !== '1' || !sameOrigin(request))) {
      request.csrfRefused = true;
      return;
    }
    request.actor = await actorForToken(opts.ctx, token);
    if (request.actor?.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(`${request.method} ${request.routeOptions.url}`)) throw passwordChangeRequired();
  });
});

/** All an account whose password an admin reset may do until it sets its own. */
const PASSWORD_CHANGE_ROUTES = new Set(['GET /api/v1/auth/me', 'POST /api/v1/auth/password', 'POST /api/v1/auth/logout']);
const passwordChangeRequired = () =>
  new Problem(403, 'password-change-required', '管理员已重置您的密码，请先修改密码再继续操作', { changeAt: '/api/v1/auth/password' });

/** Route guard: a logged-in user, optionally of one of these roles. */
export function requireRole(...roles: Role[]) {
  // Marked with its roles, so GET /auth/access can tell the console what the role may call.
  return markGuard(async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.actor) throw request.csrfRefused ? csrfRefused() : unauthorized();
    if (roles.length && !roles.includes(request.actor.role)) throw forbidden('当前角色无权访问');
  }, roles);
}

const csrfRefused = () => new Problem(403, 'csrf', '请求缺少防跨站请求伪造（CSRF）校验或来源不符，请在控制台内重新操作');

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw request.csrfRefused ? csrfRefused() : unauthorized();
  return request.actor;
}
