// Anonymous reads of the public knowledge base (一网通查、一网通答: search, smart answer, articles,
// as JSON and as the public page) are limited per client IP, so that a flood from one address cannot
// slow the staff's work (a burst of anonymous searches made the ticket lists 5× slower). The limit
// is the city's privacy.publicKbPerMinute; per process, like the portal's limits (src/portal/security.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { privacyOf } from '../config/city.ts';
import { Problem } from '../server/problem.ts';
import { RateLimiter } from '../server/rate-limiter.ts';

const WINDOW_MS = 60_000;
const limiters = new WeakMap<AppContext, RateLimiter>();

function limiterOf(ctx: AppContext): RateLimiter {
  let limiter = limiters.get(ctx);
  if (!limiter) limiters.set(ctx, (limiter = new RateLimiter(privacyOf(ctx.city).publicKbPerMinute, WINDOW_MS)));
  return limiter;
}

/** An onRequest hook: counts the read against the client's IP, 429 (problem+json, Retry-After) over the limit. */
export function publicKbLimit(ctx: AppContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const limiter = limiterOf(ctx);
    if (limiter.take(request.ip, Date.parse(ctx.clock.now()))) return;
    reply.header('retry-after', String(WINDOW_MS / 1000));
    throw new Problem(429, 'too-many-requests', `公开知识库访问过于频繁：同一地址每分钟最多查询 ${limiter.max} 次，请稍后再试`, { retryAfter: WINDOW_MS / 1000 });
  };
}
