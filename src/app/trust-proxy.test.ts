// HOTLINE_TRUST_PROXY: the forms it takes (table), and through HTTP on every engine that request.ip
// and request.protocol follow X-Forwarded-For / -Proto only from a trusted proxy, that the
// per-address login throttle then tells citizens behind the proxy apart, and that the session
// cookie is Secure when the request came over HTTPS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { describeEachEngine, PASSWORD, startTestApp, type TestApp } from '../../test/support/app.ts';
import { buildApp } from './app.ts';
import { parseTrustProxy } from './trust-proxy.ts';
import { SESSION_COOKIE } from '../auth/plugin.ts';

describe('HOTLINE_TRUST_PROXY', () => {
  const cases: [string | undefined, unknown][] = [
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    ['0', false],
    ['127.0.0.1', ['127.0.0.1']],
    ['127.0.0.1, 10.0.0.0/8', ['127.0.0.1', '10.0.0.0/8']],
    ['::1,fd00::/8', ['::1', 'fd00::/8']],
  ];
  for (const [value, expected] of cases) it(`${JSON.stringify(value)} → ${JSON.stringify(expected)}`, () => assert.deepEqual(parseTrustProxy(value), expected));

  it('a hop count trusts that many hops nearest the server', () => {
    const two = parseTrustProxy('2') as (address: string, hop: number) => boolean;
    assert.deepEqual([0, 1, 2, 3].map((hop) => two('203.0.113.1', hop)), [true, true, false, false]);
  });

  for (const bad of ['yes', 'nginx.local', '10.0.0.1;rm', '1.2.3.4/']) it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseTrustProxy(bad), /HOTLINE_TRUST_PROXY/));
});

describeEachEngine('client address and HTTPS behind a reverse proxy', (engine) => {
  let t: TestApp;
  let proxied: FastifyInstance;
  const PROXY = '10.0.0.5';
  before(async () => {
    t = await startTestApp(engine);
    proxied = await buildApp(t.ctx, { trustProxy: parseTrustProxy(`127.0.0.1,${PROXY}`) });
    for (const app of [t.app, proxied]) app.get('/test/client', async (request) => ({ ip: request.ip, protocol: request.protocol }));
  });
  after(async () => {
    await proxied?.close();
    await t?.close();
  });

  const client = async (app: FastifyInstance, from: string, headers: Record<string, string> = {}) =>
    JSON.parse((await app.inject({ method: 'GET', url: '/test/client', remoteAddress: from, headers })).body) as { ip: string; protocol: string };
  const forwarded = { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' };

  it('request.ip and protocol follow X-Forwarded-For/-Proto from the trusted proxy only', async () => {
    assert.deepEqual(await client(proxied, PROXY, forwarded), { ip: '203.0.113.7', protocol: 'https' });
    // A chain: the client's own forged entry is left of what the proxy appended, and the proxy's peer wins.
    assert.deepEqual(await client(proxied, PROXY, { ...forwarded, 'x-forwarded-for': '1.1.1.1, 203.0.113.8' }), { ip: '203.0.113.8', protocol: 'https' });
    // Sent straight to the server by someone else, the same headers are ignored.
    assert.deepEqual(await client(proxied, '198.51.100.9', forwarded), { ip: '198.51.100.9', protocol: 'http' });
    // Without the setting nothing is trusted, not even from the proxy's address.
    assert.deepEqual(await client(t.app, PROXY, forwarded), { ip: PROXY, protocol: 'http' });
  });

  const login = (app: FastifyInstance, username: string, password: string, citizen: string, extra: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: PROXY, headers: { 'x-forwarded-for': citizen, ...extra } });

  it('behind the trusted proxy one guesser’s address is throttled, not everyone’s', async () => {
    for (let i = 0; i < 25; i++) await login(proxied, `nobody${i}`, 'Spring2026!', '203.0.113.20');
    assert.equal((await login(proxied, 'agent1', PASSWORD, '203.0.113.20')).statusCode, 429);
    assert.equal((await login(proxied, 'agent1', PASSWORD, '203.0.113.21')).statusCode, 200, 'another citizen behind the same proxy');
    // Untrusted, a forged header does not buy a fresh address: the guesses all count against the peer.
    for (let i = 0; i < 25; i++) await login(t.app, `nobody${i}`, 'Spring2026!', `203.0.113.${100 + i}`);
    const forged = await login(t.app, 'agent1', PASSWORD, '203.0.113.200');
    assert.equal(forged.statusCode, 429);
    assert.equal(JSON.parse(forged.body).type, 'urn:hotline:problem:client-throttled');
    t.clock.advance(16 * 60_000);
  });

  it('the session cookie is Secure when the request came over HTTPS, and only then', async () => {
    const secure = await login(proxied, 'lead1', PASSWORD, '203.0.113.30', { 'x-forwarded-proto': 'https' });
    assert.equal(secure.statusCode, 200);
    assert.match(String(secure.headers['set-cookie']), new RegExp(`${SESSION_COOKIE}=.*; Secure`, 'i'));
    const plain = await login(proxied, 'lead1', PASSWORD, '203.0.113.30');
    assert.doesNotMatch(String(plain.headers['set-cookie']), /Secure/i);
    // X-Forwarded-Proto from an untrusted peer does not make it Secure (nor does anything else it says).
    const untrusted = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'lead1', password: PASSWORD }, remoteAddress: '198.51.100.3', headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(untrusted.statusCode, 200);
    assert.doesNotMatch(String(untrusted.headers['set-cookie']), /Secure/i);
  });
});
