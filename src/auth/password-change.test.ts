// Passwords through HTTP on every engine: the policy on user creation, an admin's reset and the
// user's own change (400 naming the field, nothing changed); the user's own change with the current
// password (wrong ones counted by the lockout); the forced change after an admin's reset (the account
// can do nothing else until it has chosen its own password); all of it audited without passwords.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, PASSWORD, startTestApp, type TestApp } from '../../test/support/app.ts';

describeEachEngine('changing passwords and the password policy', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(async () => t?.close());

  let ip = 0;
  const send = async (method: 'GET' | 'POST' | 'PUT', url: string, token?: string, payload?: object) => {
    const res = await t.app.inject({ method, url: `/api/v1${url}`, remoteAddress: `192.0.2.${++ip % 250}`, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: JSON.parse(res.body || 'null') };
  };
  const login = async (username: string, password: string) => send('POST', '/auth/login', undefined, { username, password });
  const hashOf = async (username: string) => (await t.ctx.store.db.selectFrom('users').select('password_hash').where('username', '=', username).executeTakeFirst())?.password_hash;
  const events = (action: string) => t.ctx.store.db.selectFrom('events').select(['detail', 'outcome']).where('action', '=', action).orderBy('id').execute();

  it('the policy holds for creation, an admin’s reset and the own change, with the field named', async () => {
    const admin = (await login('admin', PASSWORD)).body.token;
    const agent = (await login('agent1', PASSWORD)).body.token;
    const before = await hashOf('agent1');
    const weak: [string, RegExp][] = [
      ['11111111', /至少 10 位/],
      ['1111111111', /至少 2 类/],
      ['demo12345', /至少 10 位/],
      ['password123', /过于常见/],
      ['agent1-is-me', /不能包含用户名/],
    ];
    for (const [password, message] of weak) {
      const created = await send('POST', '/users', admin, { username: 'policy.user', password: password.replace('agent1', 'policy.user'), role: 'agent', unitCode: 'MDJ12345' });
      assert.equal(created.status, 400, password);
      assert.equal(created.body.errors[0].field, 'password');
      assert.match(created.body.title, message);
      const reset = await send('POST', '/users/agent1/password', admin, { password });
      assert.equal(reset.status, 400, password);
      assert.equal(reset.body.errors[0].field, 'password');
      assert.match(reset.body.title, /^密码/);
      const own = await send('POST', '/auth/password', agent, { currentPassword: PASSWORD, newPassword: password });
      assert.equal(own.status, 400, password);
      assert.equal(own.body.errors[0].field, 'newPassword');
      assert.match(own.body.title, /^新密码/);
      assert.match(own.body.title, message);
    }
    assert.equal(await hashOf('policy.user'), undefined);
    assert.equal(await hashOf('agent1'), before, 'nothing changed');
    assert.equal((await send('POST', '/users', admin, { username: 'policy.user', password: 'Harbin-2026', role: 'agent', unitCode: 'MDJ12345' })).status, 201);
  });

  it('a user changes their own password with the current one; their other sessions end, this one stays', async () => {
    const first = (await login('centre1', PASSWORD)).body.token;
    const other = (await login('centre1', PASSWORD)).body.token;
    const wrong = await send('POST', '/auth/password', first, { currentPassword: 'not-my-password', newPassword: 'Centre-new-2026' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors[0].field, 'currentPassword');
    assert.equal(wrong.body.title, '当前密码错误');
    const same = await send('POST', '/auth/password', first, { currentPassword: PASSWORD, newPassword: PASSWORD });
    assert.equal(same.status, 400);
    assert.equal(same.body.errors[0].field, 'newPassword');
    assert.equal((await send('POST', '/auth/password', undefined, { currentPassword: PASSWORD, newPassword: 'Centre-new-2026' })).status, 401);

    const ok = await send('POST', '/auth/password', first, { currentPassword: PASSWORD, newPassword: 'Centre-new-2026' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { changed: true, revokedSessions: 1 });
    assert.equal((await send('GET', '/auth/me', first)).status, 200);
    assert.equal((await send('GET', '/auth/me', other)).status, 401);
    assert.equal((await login('centre1', PASSWORD)).status, 401);
    assert.equal((await login('centre1', 'Centre-new-2026')).status, 200);
    const audited = await events('password_change');
    assert.deepEqual(audited.map((e) => [e.outcome, JSON.parse(e.detail!).reason ?? null]), [['failure', 'bad_password'], ['success', null]]);
    assert.ok(audited.every((e) => !e.detail!.includes('Centre-new-2026') && !e.detail!.includes(PASSWORD)));
  });

  it('wrong current passwords count toward the lockout like wrong logins', async () => {
    const token = (await login('authority1', PASSWORD)).body.token;
    for (let i = 0; i < 5; i++) assert.equal((await send('POST', '/auth/password', token, { currentPassword: `guess-${i}`, newPassword: 'Authority-2026' })).status, 400);
    const locked = await send('POST', '/auth/password', token, { currentPassword: PASSWORD, newPassword: 'Authority-2026' });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.type, 'urn:hotline:problem:account-locked');
    assert.equal((await login('authority1', PASSWORD)).status, 429);
    t.clock.advance(16 * 60_000);
  });

  it('after an admin’s reset the account can do nothing but change its password', async () => {
    const admin = (await login('admin', PASSWORD)).body.token;
    const reset = await send('POST', '/users/lead1/password', admin, { password: 'Temp-pass-2026' });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.mustChangePassword, true);
    const signedIn = await login('lead1', 'Temp-pass-2026');
    assert.equal(signedIn.status, 200);
    assert.equal(signedIn.body.user.mustChangePassword, true);
    const token = signedIn.body.token;
    assert.equal((await send('GET', '/auth/me', token)).body.mustChangePassword, true);
    for (const [method, url] of [['GET', '/tickets'], ['GET', '/auth/totp'], ['POST', '/auth/totp/enrol'], ['GET', '/users']] as const) {
      const refused = await send(method, url, token, method === 'POST' ? {} : undefined);
      assert.equal(refused.status, 403, url);
      assert.equal(refused.body.type, 'urn:hotline:problem:password-change-required');
      assert.match(refused.body.title, /请先修改密码/);
    }
    // The temporary password is the current one; the new one must still hold the policy.
    assert.equal((await send('POST', '/auth/password', token, { currentPassword: 'Temp-pass-2026', newPassword: '12345678' })).status, 400);
    const changed = await send('POST', '/auth/password', token, { currentPassword: 'Temp-pass-2026', newPassword: 'Lead-own-2026' });
    assert.equal(changed.status, 200);
    assert.equal((await send('GET', '/auth/me', token)).body.mustChangePassword, undefined);
    assert.equal((await send('GET', '/tickets', token)).status, 200);
    const audited = (await events('password_change')).filter((e) => e.outcome === 'success').map((e) => JSON.parse(e.detail!));
    assert.equal(audited.at(-1).wasForced, true);

    // An admin resetting their own password is not forced to change it again.
    const own = await send('POST', '/users/admin/password', admin, { password: 'Chief-own-2026' });
    assert.equal(own.body.mustChangePassword, false);
    assert.equal((await send('GET', '/users', admin)).status, 200);
  });
});
