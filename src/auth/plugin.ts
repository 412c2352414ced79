// Authentication for every /api/v1 route except login: a bearer token or the console's session cookie.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.ts';
import type { Actor } from './actor.ts';
import type { Role } from '../domain/roles.ts';
import { actorForToken } from './sessions.ts';
import { forbidden, unauthorized } from '../server/problem.ts';

export const SESSION_COOKIE = 'hotline_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return request.cookies?.[SESSION_COOKIE] ?? null;
}

export const authPlugin = fp(async (app, opts: { ctx: AppContext }) => {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const token = tokenOf(request);
    if (token) request.actor = await actorForToken(opts.ctx, token);
  });
});

/** Route guard: a logged-in user, optionally of one of these roles. */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.actor) throw unauthorized();
    if (roles.length && !roles.includes(request.actor.role)) throw forbidden('当前角色无权访问');
  };
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}
