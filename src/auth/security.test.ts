// Accounts and the HTTP surface, on every engine: scrypt hashes; lockout after 5 failed logins in
// 15 minutes (per username, audited, Chinese message, also for names that do not exist); session
// expiry and revocation; CSRF protection of the cookie session; security headers; failed logins and
// refused ticket reads in the audit log with outcome `failure`.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, intakeBody, PASSWORD, startTestApp, type TestApp } from '../../test/support/app.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { SESSION_COOKIE } from './plugin.ts';
import { SESSION_HOURS } from './sessions.ts';
import { verifyChain } from '../audit/chain.ts';

it('passwords are stored as salted scrypt hashes', async () => {
  const a = await hashPassword('demo12345');
  const b = await hashPassword('demo12345');
  assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword('demo12345', a), true);
  assert.equal(await verifyPassword('demo12346', a), false);
  assert.equal(await verifyPassword('demo12345', 'plain$demo12345'), false);
});

describeEachEngine('accounts and HTTP security', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(async () => t?.close());

  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, headers });
  const failures = async (action: string) =>
    t.ctx.store.db.selectFrom('events').select(['user_id', 'role', 'detail', 'outcome', 'at']).where('action', '=', action).where('outcome', '=', 'failure').orderBy('id').execute();

  it('locks a username after 5 failures in 15 minutes, audits each, and unlocks 15 minutes later', async () => {
    const before = (await failures('login')).length;
    for (let i = 0; i < 4; i++) {
      const res = await login('lead1', 'wrong-password');
      assert.equal(res.statusCode, 401);
      assert.equal(JSON.parse(res.body).title, '用户名或密码错误');
    }
    t.clock.advance(60_000);
    // The fifth failure locks; from then on even the right password is refused, with the reason.
    assert.equal((await login('lead1', 'wrong-password')).statusCode, 401);
    const locked = await login('lead1', PASSWORD);
    assert.equal(locked.statusCode, 429);
    const problem = JSON.parse(locked.body);
    assert.match(problem.title, /登录失败次数过多，账户已锁定，请于 \d+ 分钟后再试/);
    assert.equal(problem.type, 'urn:hotline:problem:account-locked');

    const audited = (await failures('login')).slice(before);
    assert.equal(audited.length, 6);
    const user = await t.ctx.store.db.selectFrom('users').select(['id']).where('username', '=', 'lead1').executeTakeFirstOrThrow();
    assert.ok(audited.every((e) => Number(e.user_id) === Number(user.id) && e.role === 'team_lead'));
    assert.deepEqual(audited.map((e) => JSON.parse(e.detail!).reason), ['bad_password', 'bad_password', 'bad_password', 'bad_password', 'bad_password', 'locked']);
    const lockEvents = await t.ctx.store.db.selectFrom('events').select('detail').where('action', '=', 'account_locked').execute();
    assert.equal(lockEvents.length, 1);
    assert.equal(JSON.parse(lockEvents[0]!.detail!).username, 'lead1');

    // Another username is not affected.
    assert.equal((await login('centre1', PASSWORD)).statusCode, 200);
    // 15 minutes after the first of the five failures the lock is gone.
    t.clock.set(new Date(Date.parse(t.clock.now()) + 16 * 60_000).toISOString());
    assert.equal((await login('lead1', PASSWORD)).statusCode, 200);
    // A successful login clears the count: four new failures do not lock.
    for (let i = 0; i < 4; i++) assert.equal((await login('lead1', 'wrong')).statusCode, 401);
    assert.equal((await login('lead1', PASSWORD)).statusCode, 200);
    assert.equal((await verifyChain(t.ctx.store.db)).ok, true);
  });

  it('a username that does not exist locks the same way and is not written to the log', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login('no.such.user', `guess-${i}`)).statusCode, 401);
    const res = await login('no.such.user', 'guess-6');
    assert.equal(res.statusCode, 429);
    const last = (await failures('login')).slice(-6);
    assert.ok(last.every((e) => e.user_id === null));
    assert.ok(last.every((e) => !e.detail!.includes('no.such.user')));
    const stored = await t.ctx.store.db.selectFrom('login_attempts').select('bucket').execute();
    assert.ok(stored.length > 0 && stored.every((r) => /^(user|client):[0-9a-f]{64}$|^global$/.test(r.bucket)));
  });

  it('sessions expire after their hours and are revoked by logout', async () => {
    const res = await login('authority1', PASSWORD);
    assert.equal(res.statusCode, 200);
    const { token } = JSON.parse(res.body);
    const me = (tok: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${tok}` } });
    assert.equal((await me(token)).statusCode, 200);
    t.clock.set(new Date(Date.parse(t.clock.now()) + SESSION_HOURS * 3_600_000 + 1000).toISOString());
    assert.equal((await me(token)).statusCode, 401);

    const again = JSON.parse((await login('authority1', PASSWORD)).body).token;
    assert.equal((await me(again)).statusCode, 200);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${again}` } });
    assert.equal(out.statusCode, 200);
    assert.equal((await me(again)).statusCode, 401);
  });

  it('a cookie session must send the CSRF header on state-changing requests; bearer tokens need none', async () => {
    const res = await login('agent1', PASSWORD);
    const token = JSON.parse(res.body).token;
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, new RegExp(`${SESSION_COOKIE}=.*HttpOnly.*SameSite=Strict`, 'i'));
    const cookieHeader = { cookie: `${SESSION_COOKIE}=${token}` };
    let phone = 100;
    const create = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/tickets', payload: intakeBody({ requester: { kind: 'person', name: '钱七', phone: `136${String(++phone).padStart(8, '0')}` }, address: `光华小区${phone}号楼` }), headers });
    const count = async () => Number((await t.ctx.store.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    const n = await count();
    const refused = await create(cookieHeader);
    assert.equal(refused.statusCode, 403);
    assert.match(JSON.parse(refused.body).title, /CSRF/);
    assert.equal(await count(), n);
    // A cross-site origin is refused even with the header.
    const crossSite = await create({ ...cookieHeader, 'x-hotline-csrf': '1', origin: 'https://evil.example' });
    assert.equal(crossSite.statusCode, 403);
    assert.equal(await count(), n);
    // Reads need no header.
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: cookieHeader })).statusCode, 200);
    // With the header (as the console sends it), and with a bearer token, the request goes through.
    assert.equal((await create({ ...cookieHeader, 'x-hotline-csrf': '1', origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' })).statusCode, 201);
    assert.equal((await create({ authorization: `Bearer ${token}` })).statusCode, 201);
    assert.equal(await count(), n + 2);
  });

  it('every response carries the security headers; the portal page’s inline script is allowed by hash only', async () => {
    for (const url of ['/api/v1/auth/me', '/healthz', '/api/v1/nowhere', '/portal']) {
      const res = await t.app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.match(csp, /object-src 'none'/, url);
      assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      if (url === '/portal') {
        assert.equal(res.statusCode, 200);
        const script = /<script>([\s\S]*?)<\/script>/.exec(res.body)![1]!;
        const { createHash } = await import('node:crypto');
        assert.ok(csp.includes(`'sha256-${createHash('sha256').update(script).digest('base64')}'`));
      }
    }
  });

  it('a refused ticket read is in the audit log with outcome failure, outside the ticket’s timeline', async () => {
    const agent = await t.as('agent1');
    const made = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '孙八', phone: '13600000009' }, address: '阳明区某小区', categoryCode: 'ZFWY-WY' }));
    assert.equal(made.status, 201);
    const other = await t.as('rdgs.staff');
    assert.equal((await other.get(`/api/v1/tickets/${made.body.no}`)).status, 404);
    assert.equal((await other.get(`/api/v1/tickets/${made.body.no}/events`)).status, 404);
    const refused = await failures('ticket_read');
    const mine = refused.filter((e) => JSON.parse(e.detail!).no === made.body.no);
    assert.equal(mine.length, 2);
    assert.ok(mine.every((e) => e.role === 'unit_staff' && JSON.parse(e.detail!).reason === 'not_visible'));
    const timeline = await agent.get(`/api/v1/tickets/${made.body.no}/events`);
    assert.ok(timeline.body.items.every((e: any) => e.action !== 'ticket_read'));
    assert.equal((await verifyChain(t.ctx.store.db)).ok, true);
  });
});
