import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from './app.ts';

describeEachEngine('test harness', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('logs in every role and refuses a wrong password', async () => {
    const me = await (await t.as('zjj.staff')).get('/api/v1/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.role, 'unit_staff');
    assert.equal(me.body.unit.code, 'ZJJ');
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'zjj.staff', password: 'nope' } });
    assert.equal(bad.statusCode, 401);
    assert.match(bad.headers['content-type'] as string, /problem\+json/);
  });
});
