// The anonymous public knowledge base under a flood from one address: limited per client IP with a
// Chinese 429 problem+json, other addresses and staff unaffected, open again after the window.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';

describeEachEngine('public knowledge base: per-IP read limit', (engine) => {
  let t: TestApp;
  const get = (url: string, ip = '203.0.113.7') => t.app.inject({ method: 'GET', url, remoteAddress: ip });
  const q = encodeURIComponent('住房公积金提取');

  before(async () => {
    t = await startTestApp(engine, { now: '2026-03-02T01:00:00.000Z' });
  });
  after(() => t.close());

  it('answers 429 in Chinese once an address passes publicKbPerMinute, however it reads', async () => {
    const limit = t.ctx.city.privacy!.publicKbPerMinute;
    assert.equal(limit, 60);
    const urls = [`/api/v1/public/kb/search?q=${q}`, `/api/v1/public/kb/answer?q=${q}`, `/public/kb?q=${q}`];
    const statuses: number[] = [];
    for (let i = 0; i < limit + 10; i++) statuses.push((await get(urls[i % urls.length]!)).statusCode);
    assert.deepEqual(statuses, [...Array(limit).fill(200), ...Array(10).fill(429)]);

    const res = await get(`/api/v1/public/kb/search?q=${q}`);
    assert.equal(res.statusCode, 429);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.headers['retry-after'], '60');
    const body = JSON.parse(res.body);
    assert.match(body.title, /公开知识库访问过于频繁.*60/);
    assert.equal(body.status, 429);
    // Articles by id are limited alike (a scan of ids is a flood too).
    assert.equal((await get('/api/v1/public/kb/articles/1')).statusCode, 429);

    // Another address, and the staff's own search, are not slowed by it.
    assert.equal((await get(`/api/v1/public/kb/search?q=${q}`, '198.51.100.9')).statusCode, 200);
    const staff = await t.as('agent1');
    assert.equal((await staff.get(`/api/v1/kb/search?q=${q}`)).status, 200);
    assert.equal((await staff.get('/api/v1/tickets')).status, 200);

    // A minute later the address may read again.
    t.clock.set('2026-03-02T01:01:00.500Z');
    assert.equal((await get(`/api/v1/public/kb/search?q=${q}`)).statusCode, 200);
  });
});
