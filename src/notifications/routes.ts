// /api/v1/notifications/ws: the console's push channel. A WebSocket opened with the user's session
// (the console's cookie, from its own origin, or a bearer token) receives the notices of the user's
// units as they are written, without polling; `?after=<id>` first sends what a reconnecting
// console missed. The list, the unread count and 标记已读 stay at /api/v1/supervision/notifications.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { AppContext } from '../server/context.ts';
import { requireRole, sameOrigin, tokenOf } from '../auth/plugin.ts';
import { actorForToken } from '../auth/sessions.ts';
import { Problem } from '../server/problem.ts';
import { recipientUnits } from './notifications.ts';
import { NotificationHub, toPushed, type Subscriber } from './hub.ts';

const MAX_SOCKETS_PER_USER = 20;
const CATCH_UP = 50;

/** Close codes the console understands: the session is gone (log in again), or too many sockets. */
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_TOO_MANY = 4429;

export const notificationRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // How often each process reads the table for new notices, and how often an open socket's session
  // is checked again (a logout or an expiry closes it); the variables shorten them in tests.
  const POLL_MS = Number(process.env.HOTLINE_NOTIFY_POLL_MS) || 500;
  const SESSION_CHECK_MS = Number(process.env.HOTLINE_NOTIFY_SESSION_CHECK_MS) || 15_000;
  const hub = new NotificationHub(ctx, POLL_MS, (err) => app.log.error({ err }, 'notification push failed'));
  app.addHook('onClose', async () => hub.close());
  const perUser = new Map<number, number>();

  app.route<{ Querystring: { after?: number } }>({
    method: 'GET',
    url: '/notifications/ws',
    schema: {
      tags: ['notifications'],
      summary: '通知推送（WebSocket：本单位新派工单、临期预警、督办等，实时送达）',
      querystring: { type: 'object', additionalProperties: false, properties: { after: { type: 'integer', minimum: 0 } } },
    },
    onRequest: requireRole(),
    // A page of another site may open a WebSocket with this site's cookie: only our own pages may.
    preValidation: async (request) => {
      if (!request.headers.authorization?.startsWith('Bearer ') && !sameOrigin(request)) {
        throw new Problem(403, 'forbidden', '推送连接的来源不符，请在控制台内打开');
      }
    },
    handler: async (_request, reply) =>
      reply.code(426).header('upgrade', 'websocket').type('application/problem+json').send({ type: 'urn:hotline:problem:upgrade-required', title: '此地址仅接受 WebSocket 连接', status: 426 }),
    wsHandler: (socket: WebSocket, request: FastifyRequest<{ Querystring: { after?: number } }>) => {
      const actor = request.actor!;
      const token = tokenOf(request)!;
      const count = (perUser.get(actor.userId) ?? 0) + 1;
      perUser.set(actor.userId, count);
      const release = () => {
        const left = (perUser.get(actor.userId) ?? 1) - 1;
        if (left > 0) perUser.set(actor.userId, left);
        else perUser.delete(actor.userId);
      };
      if (count > MAX_SOCKETS_PER_USER) {
        release();
        socket.close(CLOSE_TOO_MANY, 'too many connections');
        return;
      }
      const units = new Set(recipientUnits(ctx, actor));
      const send = (message: unknown) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
      };
      let unsubscribe: (() => void) | null = null;
      let closed = false;
      const sub: Subscriber = { units, userId: actor.userId, after: 0, send: (notification) => send({ type: 'notification', notification }) };
      const checkSession = setInterval(async () => {
        try {
          if (!(await actorForToken(ctx, token))) socket.close(CLOSE_SESSION_ENDED, 'session ended');
        } catch (err) {
          request.log.warn({ err }, 'notification socket session check failed');
        }
      }, SESSION_CHECK_MS);
      // Keeps idle connections open through proxies that drop silent ones.
      const ping = setInterval(() => socket.readyState === socket.OPEN && socket.ping(), 30_000);
      socket.on('close', () => {
        closed = true;
        clearInterval(checkSession);
        clearInterval(ping);
        unsubscribe?.();
        release();
      });
      void (async () => {
        const newest = await hub.newestId();
        const after = request.query.after;
        const missed =
          after !== undefined && units.size && after < newest
            ? await ctx.store.db
                .selectFrom('notifications')
                .select(['id', 'unit_id', 'kind', 'title', 'body', 'link', 'created_at'])
                .where('unit_id', 'in', [...units])
                .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', actor.userId)]))
                .where('id', '>', after)
                .where('id', '<=', newest)
                .orderBy('id', 'desc')
                .limit(CATCH_UP)
                .execute()
            : [];
        if (closed) return;
        sub.after = newest;
        unsubscribe = hub.subscribe(sub);
        for (const row of missed.reverse()) sub.send(toPushed(row));
        send({ type: 'ready', after: newest });
      })().catch((err) => {
        request.log.error({ err }, 'notification socket failed');
        socket.close(1011, 'server error');
      });
    },
  });
};
