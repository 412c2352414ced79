// The console is sent compressed: the build writes .br and .gz beside each file (web/vite.config.ts)
// and the server picks the one the browser accepts, else the file as it is.
import { before, after, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { consolePlugin, CONSOLE_DIR } from './console.ts';

const built = existsSync(join(CONSOLE_DIR, 'index.html'));
let app: FastifyInstance;
let bundle: string;

before(async () => {
  if (!built) return;
  app = Fastify();
  await app.register(consolePlugin);
  const html = readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8');
  bundle = /src="(\/assets\/index-[\w-]+\.js)"/.exec(html)![1];
});
after(async () => app?.close());

it('sends the console bundle as brotli or gzip to a browser that accepts it', { skip: !built && 'web/dist not built' }, async () => {
  const original = readFileSync(join(CONSOLE_DIR, bundle));
  assert.ok(original.length > 500_000, `the bundle is the large one: ${original.length} bytes`);

  const br = await app.inject({ method: 'GET', url: bundle, headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(br.statusCode, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.match(String(br.headers['content-type']), /javascript/);
  assert.match(String(br.headers.vary), /accept-encoding/i);
  assert.ok(br.rawPayload.length < original.length / 3, `brotli ${br.rawPayload.length} of ${original.length}`);
  assert.ok(brotliDecompressSync(br.rawPayload).equals(original));

  const gz = await app.inject({ method: 'GET', url: bundle, headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gz.rawPayload.length < original.length / 2, `gzip ${gz.rawPayload.length} of ${original.length}`);
  assert.ok(gunzipSync(gz.rawPayload).equals(original));

  const plain = await app.inject({ method: 'GET', url: bundle });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.rawPayload.equals(original));
});

it('sends the page itself compressed too, still uncached', { skip: !built && 'web/dist not built' }, async () => {
  const page = await app.inject({ method: 'GET', url: '/tickets', headers: { 'accept-encoding': 'gzip' } });
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers['cache-control'], 'no-cache');
  const html = page.headers['content-encoding'] === 'gzip' ? gunzipSync(page.rawPayload).toString() : page.body;
  assert.match(html, /<div id="root">/);
});
