// The login throttles as an attacker meets them, through HTTP on every engine: concurrent guesses on
// one account are counted before they are checked (no more than the city's lockout threshold get
// checked, and the right password behind them is refused); concurrent wrong codes on one two-step
// challenge (at most 5 checked, then the challenge is void); one address guessing across many
// usernames; the limits read from the city config.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, PASSWORD, startTestApp, type TestApp } from '../../test/support/app.ts';
import { DEFAULT_ACCOUNT_SECURITY, type AccountSecurity } from '../domain/account-security.ts';
import { totpCode } from './totp.ts';

describeEachEngine('login throttles under concurrent guessing', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(async () => t?.close());

  let address = 0;
  /** A fresh client address per case, so cases do not share the per-address count. */
  const newAddress = () => `198.51.${100 + Math.floor(++address / 250)}.${address % 250}`;
  const login = async (username: string, password: string, ip: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip });
    return { status: res.statusCode, body: JSON.parse(res.body), retryAfter: res.headers['retry-after'] };
  };
  const totp = async (challenge: string, code: string, ip: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login/totp', payload: { challenge, code }, remoteAddress: ip });
    return { status: res.statusCode, body: JSON.parse(res.body), retryAfter: res.headers['retry-after'] };
  };
  /** Login failures audited since event id `from`, by reason: each checked guess leaves one. */
  const reasons = async (from: number) => {
    const rows = await t.ctx.store.db.selectFrom('events').select('detail').where('action', '=', 'login').where('outcome', '=', 'failure').where('id', '>', from).execute();
    const out: Record<string, number> = {};
    for (const r of rows) {
      const reason = JSON.parse(r.detail!).reason as string;
      out[reason] = (out[reason] ?? 0) + 1;
    }
    return out;
  };
  const lastEvent = async () => Number((await t.ctx.store.db.selectFrom('events').select((eb) => eb.fn.max('id').as('m')).executeTakeFirstOrThrow()).m ?? 0);
  const withSecurity = async (security: Partial<AccountSecurity>, body: () => Promise<void>) => {
    const city = t.ctx.city;
    t.ctx.city = { ...city, security: { ...city.security, ...security } };
    try {
      await body();
    } finally {
      t.ctx.city = city;
    }
  };
  const nextWindow = () => t.clock.advance(16 * 60_000);
  /** Retry-After of a throttle that ends at `until`: the whole seconds from now (the test clock stands still). */
  const secondsTo = (until: string) => String(Math.ceil((Date.parse(until) - Date.parse(t.clock.now())) / 1000));

  it('40 concurrent logins on one account, 39 wrong then the right one: 5 are checked, the right one is refused', async () => {
    const from = await lastEvent();
    // From 40 addresses, so that the username's count, not the address's, is what stops them.
    const guesses = Array.from({ length: 39 }, (_, i) => login('lead1', `wrong-guess-${i}`, newAddress()));
    const ip = newAddress();
    const answers = await Promise.all([...guesses, login('lead1', PASSWORD, ip)]);
    const right = answers[39]!;
    assert.equal(right.status, 429, JSON.stringify(right.body));
    assert.equal(right.body.type, 'urn:hotline:problem:account-locked');
    // Retry-After: the seconds until the lock ends (15 minutes from the lock), on every refusal.
    assert.equal(right.retryAfter, secondsTo(right.body.lockedUntil));
    assert.ok(Number(right.retryAfter) > 0 && Number(right.retryAfter) <= 15 * 60, right.retryAfter);
    assert.ok(answers.filter((a) => a.status === 429).every((a) => Number(a.retryAfter) > 0), 'every 429 says when to retry');
    const byStatus = answers.reduce<Record<number, number>>((m, a) => ({ ...m, [a.status]: (m[a.status] ?? 0) + 1 }), {});
    assert.deepEqual(byStatus, { 401: 5, 429: 35 });
    const audited = await reasons(from);
    assert.equal(audited.bad_password, DEFAULT_ACCOUNT_SECURITY.lockout.attempts, 'no more guesses checked than the threshold');
    assert.equal(audited.locked, 35);
    assert.equal((await t.ctx.store.db.selectFrom('events').select('id').where('action', '=', 'account_locked').where('id', '>', from).execute()).length, 1);
    nextWindow();
    assert.equal((await login('lead1', PASSWORD, ip)).status, 200, 'the lock ends with its window');
  });

  it('the threshold comes from the city config', async () => {
    await withSecurity({ lockout: { attempts: 3, minutes: 15 } }, async () => {
      const from = await lastEvent();
      const ip = newAddress();
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => login('centre1', `wrong-${i}`, newAddress())));
      assert.equal(answers.filter((a) => a.status === 401).length, 3);
      assert.equal((await reasons(from)).bad_password, 3);
      assert.equal((await login('centre1', PASSWORD, ip)).status, 429);
    });
    nextWindow();
    assert.equal((await login('centre1', PASSWORD, newAddress())).status, 200);
  });

  it('one address guessing once on each of 60 usernames is stopped after 20; other addresses are not', async () => {
    const from = await lastEvent();
    const ip = newAddress();
    const answers = [];
    for (let i = 0; i < 60; i++) answers.push(await login(`guess.user${i}`, 'Spring2026!', ip));
    assert.equal(answers.filter((a) => a.status === 401).length, DEFAULT_ACCOUNT_SECURITY.clientThrottle.attempts);
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(refused.length, 40);
    assert.ok(refused.every((a) => a.body.type === 'urn:hotline:problem:client-throttled' && /本机地址登录失败次数过多/.test(a.body.title)));
    assert.ok(refused.every((a) => a.retryAfter === secondsTo(a.body.retryAfter)), JSON.stringify(refused[0]));
    const audited = await reasons(from);
    assert.equal(audited.unknown_user, 20, 'only 20 guesses checked');
    assert.equal(audited.client_throttled, 40);
    // Even a right password from that address waits for the window; another address logs in.
    assert.equal((await login('agent1', PASSWORD, ip)).status, 429);
    assert.equal((await login('agent1', PASSWORD, newAddress())).status, 200);
    nextWindow();
    assert.equal((await login('agent1', PASSWORD, ip)).status, 200);
  });

  it('one address has at most 4 checks under way at once; the rest are refused unchecked', async () => {
    const from = await lastEvent();
    const ip = newAddress();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(`burst.user${i}`, 'Spring2026!', ip)));
    const busy = answers.filter((a) => a.status === 429);
    assert.ok(busy.length >= 8 && busy.every((a) => a.body.type === 'urn:hotline:problem:login-busy'), JSON.stringify(answers.map((a) => a.status)));
    assert.ok(busy.every((a) => a.retryAfter === '1'), 'checks under way free within a second');
    assert.ok((await reasons(from)).unknown_user! <= DEFAULT_ACCOUNT_SECURITY.checksPerClient);
    // Refused so, they were not counted: the address still has its allowance.
    assert.equal((await login('agent1', PASSWORD, ip)).status, 200);
  });

  it('successful logins from one address (a call centre behind one NAT) do not use up its allowance', async () => {
    const ip = newAddress();
    for (let i = 0; i < 30; i++) assert.equal((await login('agent1', PASSWORD, ip)).status, 200);
    assert.equal((await login('agent1', 'wrong', ip)).status, 401);
  });

  it('the platform-wide throttle refuses before hashing once too many attempts are failing', async () => {
    nextWindow();
    await withSecurity({ globalThrottle: { attempts: 10, minutes: 1 } }, async () => {
      const answers = [];
      for (let i = 0; i < 15; i++) answers.push(await login(`spread.user${i}`, 'Spring2026!', newAddress()));
      assert.equal(answers.filter((a) => a.status === 401).length, 10);
      assert.ok(answers.slice(10).every((a) => a.status === 429 && a.body.type === 'urn:hotline:problem:login-busy' && a.retryAfter === '1'));
    });
    t.clock.advance(2 * 60_000);
    assert.equal((await login('agent1', PASSWORD, newAddress())).status, 200);
  });

  let secret = '';
  it('200 concurrent wrong codes on one two-step challenge: at most 5 are checked and the challenge is void', async () => {
    nextWindow();
    const ip = newAddress();
    const token = (await login('zjj.head', PASSWORD, ip)).body.token as string;
    const headers = { authorization: `Bearer ${token}` };
    secret = JSON.parse((await t.app.inject({ method: 'POST', url: '/api/v1/auth/totp/enrol', headers })).body).secret;
    const confirmed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/totp/confirm', headers, payload: { code: totpCode(secret, Date.parse(t.clock.now())) } });
    assert.equal(confirmed.statusCode, 200);
    t.clock.advance(30_000);
    const right = () => totpCode(secret, Date.parse(t.clock.now()));
    const wrong = String((Number(right()) + 500_000) % 1_000_000).padStart(6, '0');

    // With the username's lockout out of the way, the challenge's own limit is what holds.
    await withSecurity({ lockout: { attempts: 1000, minutes: 15 }, clientThrottle: { attempts: 1000, minutes: 15 } }, async () => {
      const step = await login('zjj.head', PASSWORD, ip);
      assert.equal(step.body.step, 'totp');
      const from = await lastEvent();
      const answers = await Promise.all(Array.from({ length: 200 }, () => totp(step.body.challenge, wrong, newAddress())));
      assert.ok(answers.every((a) => a.status === 401));
      assert.equal((await reasons(from)).bad_totp, 5, 'at most 5 codes checked');
      assert.equal(answers.filter((a) => a.body.type === 'urn:hotline:problem:bad-totp').length, 4);
      assert.equal(answers.filter((a) => a.body.type === 'urn:hotline:problem:challenge-void').length > 0, true);
      const late = await totp(step.body.challenge, right(), ip);
      assert.equal(late.status, 401, 'the right code does not revive a void challenge');
      assert.match(late.body.title, /重新输入用户名和密码/);
    });

    // With the default lockout the username's count stops it sooner: password and codes together.
    nextWindow();
    const step = await login('zjj.head', PASSWORD, ip);
    const from = await lastEvent();
    const answers = await Promise.all(Array.from({ length: 50 }, () => totp(step.body.challenge, wrong, newAddress())));
    assert.ok((await reasons(from)).bad_totp! <= DEFAULT_ACCOUNT_SECURITY.challengeCodes);
    assert.ok(answers.every((a) => a.status === 401 || a.status === 429));
    // The code step's lock says when it ends, as the password step's does.
    const locked = answers.filter((a) => a.status === 429);
    assert.ok(locked.length > 0 && locked.every((a) => a.retryAfter === secondsTo(a.body.lockedUntil)), JSON.stringify(locked[0]));
    nextWindow();
    const again = await login('zjj.head', PASSWORD, ip);
    assert.equal((await totp(again.body.challenge, right(), ip)).status, 200);
  });
});
