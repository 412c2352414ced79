// Serves the built console (web/dist) from the same server: static assets, and index.html for every
// other page path so the console's own router takes over. API and docs paths are never caught here.
// The build writes .br and .gz beside each file (web/vite.config.ts): sent to a client that accepts them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PROJECT_ROOT } from '../server/project-root.ts';

export const CONSOLE_DIR = join(PROJECT_ROOT, 'web', 'dist', '/');

export const consolePlugin: FastifyPluginAsync = async (app) => {
  if (!existsSync(`${CONSOLE_DIR}index.html`)) {
    app.get('/', async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><meta charset="utf-8"><p>控制台尚未构建：请运行 <code>npm run build:web</code>（npm install 时会自动构建）。API 见 <a href="/api/docs">/api/docs</a>。</p>'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: CONSOLE_DIR, prefix: '/', wildcard: false, index: false, maxAge: '1h', immutable: false, preCompressed: true });
  // One URL has several bodies (br, gzip, plain): caches must key on the encoding asked for.
  // The page is checked on every load (it names the current assets); set here because the static
  // plugin's fallback from a missing .br to the plain file forgets the options given to sendFile.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 200 && !reply.hasHeader('vary')) reply.header('vary', 'accept-encoding');
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-cache');
    return payload;
  });
  const page = async (_req: unknown, reply: import('fastify').FastifyReply) => reply.sendFile('index.html');
  app.get('/', page);
  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0];
    // Assets are looked up at request time, so a rebuild is served without a restart.
    if (path.startsWith('/assets/') && /^\/assets\/[\w.-]+$/.test(path)) return reply.sendFile(path.slice(1));
    if (path.startsWith('/api/') || path.startsWith('/assets/') || path === '/healthz') {
      return reply.code(404).type('application/problem+json').send({ type: 'urn:hotline:problem:not-found', title: '请求的资源不存在', status: 404 });
    }
    return page(request, reply);
  });
};
