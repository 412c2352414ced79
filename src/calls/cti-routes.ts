// The CTI boundary: a switch (or its adapter) posts events over HTTP or streams them over a
// WebSocket, authenticated by an API key with scope cti:events — the key is the switch's identity,
// so call ids need only be unique per switch. Inbound SMS and online messages come the same way
// with scope messages:write.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { AppContext } from '../server/context.ts';
import { Problem, invalid, unauthorized } from '../server/problem.ts';
import { checkApiKey, KEY_REFUSALS, type ApiKeyRow, type Scope } from '../auth/api-keys.ts';
import { parseCtiBody } from './cti-events.ts';
import { ingestEvents } from './ingest.ts';
import { parseMessageIn, receiveMessage, repliesForSource } from './messages.ts';

/** Where a switch presents its key: X-API-Key, `Authorization: Bearer`, or `?key=` / `?api_key=` for adapters that cannot set headers. */
export function switchKeyOf(request: FastifyRequest): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.trim()) return header.trim();
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  const q = request.query as Record<string, unknown> | undefined;
  for (const name of ['key', 'api_key']) {
    const v = q?.[name];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return null;
}

async function authenticate(ctx: AppContext, request: FastifyRequest, reply: FastifyReply | null, scope: Scope): Promise<ApiKeyRow> {
  const check = await checkApiKey(ctx, switchKeyOf(request), [scope]);
  if (check.ok) return check.key;
  if (check.reason === 'missing') throw unauthorized('缺少 API 密钥：请在 X-API-Key 请求头中提供');
  if (check.reason === 'rate') {
    reply?.header('retry-after', String(check.retryAfterSeconds ?? 1));
    throw new Problem(429, 'rate-limited', KEY_REFUSALS.rate, { retryAfter: check.retryAfterSeconds ?? 1 });
  }
  throw new Problem(403, 'forbidden', KEY_REFUSALS[check.reason].replace('api_key', 'API 密钥'));
}

declare module 'fastify' {
  interface FastifyRequest {
    ctiKey?: ApiKeyRow;
  }
}

function problemBody(err: unknown) {
  if (err instanceof Problem) return err.toJSON();
  return { type: 'urn:hotline:problem:internal', title: '服务器内部错误，请稍后重试', status: 500 };
}

export async function ctiRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;

  app.post(
    '/cti/events',
    { preValidation: async (request, reply) => void (request.ctiKey = await authenticate(ctx, request, reply, 'cti:events')) },
    async (request) => {
      const events = parseCtiBody(request.body, ctx.city.calls, ctx.org);
      return ingestEvents(ctx, Number(request.ctiKey!.id), events);
    },
  );

  // One JSON event or batch a message, answered in order with its result (or a problem; the socket stays open).
  // A plain GET (no upgrade) is told to upgrade.
  app.route({
    method: 'GET',
    url: '/cti/ws',
    preValidation: async (request) => void (request.ctiKey = await authenticate(ctx, request, null, 'cti:events')),
    handler: async (_request, reply) => reply.code(426).header('upgrade', 'websocket').type('application/problem+json').send({ type: 'urn:hotline:problem:upgrade-required', title: '此地址仅接受 WebSocket 连接', status: 426 }),
    wsHandler: (socket: WebSocket, request: FastifyRequest) => {
      const switchId = Number(request.ctiKey!.id);
      let chain = Promise.resolve();
      socket.on('message', (data) => {
        chain = chain.then(async () => {
          let answer: unknown;
          try {
            let body: unknown;
            try {
              body = JSON.parse(data.toString());
            } catch {
              throw new Problem(400, 'bad-request', '消息不是有效的 JSON');
            }
            answer = await ingestEvents(ctx, switchId, parseCtiBody(body, ctx.city.calls, ctx.org));
          } catch (err) {
            if (!(err instanceof Problem)) request.log.error({ err }, 'cti websocket message failed');
            answer = problemBody(err);
          }
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(answer));
        });
      });
    },
  });

  app.post(
    '/messages',
    { preValidation: async (request, reply) => void (request.ctiKey = await authenticate(ctx, request, reply, 'messages:write')) },
    async (request, reply) => {
      const result = await receiveMessage(ctx, Number(request.ctiKey!.id), parseMessageIn(request.body));
      return reply.code(result.duplicate ? 200 : 201).send(result);
    },
  );

  // The replies agents wrote to this source's messages, after a cursor: the gateway delivers them.
  app.get(
    '/messages/replies',
    { preValidation: async (request, reply) => void (request.ctiKey = await authenticate(ctx, request, reply, 'messages:write')) },
    async (request) => {
      const raw = (request.query as Record<string, unknown>).after;
      const after = raw === undefined || raw === '' ? 0 : Number(raw);
      if (!Number.isSafeInteger(after) || after < 0) throw invalid('after', '字段「游标」应为非负整数');
      return repliesForSource(ctx, Number(request.ctiKey!.id), after);
    },
  );
}
