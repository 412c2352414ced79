// Two-step login through the HTTP API on every engine: enrolment (secret shown once, sealed at
// rest, confirmed by a first code), login with a code (no session before it), replay refused,
// wrong codes counted by the lockout, recovery codes (hashed, single use), disabling, an admin
// required to enrol at login, an admin's reset, and revoking sessions (mine elsewhere, a user's all).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, PASSWORD, startTestApp, type TestApp } from '../../test/support/app.ts';
import { looksSealed } from '../store/field-crypto.ts';
import { totpCode } from './totp.ts';

describeEachEngine('two-step login (TOTP) and sessions', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(async () => t?.close());

  const post = async (url: string, payload: object, token?: string) => {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.statusCode, body: JSON.parse(res.body || 'null'), cookie: res.headers['set-cookie'] };
  };
  const get = async (url: string, token: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` } });
    return { status: res.statusCode, body: JSON.parse(res.body || 'null') };
  };
  const password = (username: string) => post('/auth/login', { username, password: PASSWORD });
  const code = (secret: string) => totpCode(secret, Date.parse(t.clock.now()));
  const nextStep = () => t.clock.advance(30_000);
  const sessions = async () => Number((await t.ctx.store.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const events = (action: string) => t.ctx.store.db.selectFrom('events').select(['user_id', 'detail', 'outcome']).where('action', '=', action).orderBy('id').execute();
  const userId = async (username: string) => Number((await t.ctx.store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id);

  let secret = '';
  let recovery: string[] = [];

  it('enrols: the secret once as an otpauth:// URI, sealed at rest, confirmed by a first code that returns 10 recovery codes', async () => {
    const token = (await password('lead1')).body.token as string;
    assert.deepEqual((await get('/auth/totp', token)).body, { enabled: false, pending: false, required: false, recoveryCodesLeft: 0 });
    const enrol = await post('/auth/totp/enrol', {}, token);
    assert.equal(enrol.status, 200);
    secret = enrol.body.secret;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(new URL(enrol.body.otpauthUri).searchParams.get('secret'), secret);
    const status = (await get('/auth/totp', token)).body;
    assert.deepEqual(status, { enabled: false, pending: true, required: false, recoveryCodesLeft: 0 });

    const raw = await t.ctx.store.db.withoutPlugins().selectFrom('user_totp').select('secret').where('user_id', '=', await userId('lead1')).executeTakeFirstOrThrow();
    assert.ok(looksSealed(raw.secret) && !raw.secret.includes(secret), 'the secret is sealed at rest');

    // Still a password-only login while the enrolment is pending.
    assert.equal((await password('lead1')).body.step, undefined);
    const bad = await post('/auth/totp/confirm', { code: 'abc' }, token);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'code');
    const wrong = String((Number(code(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    assert.equal((await post('/auth/totp/confirm', { code: wrong }, token)).status, 400);
    const ok = await post('/auth/totp/confirm', { code: code(secret) }, token);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    recovery = ok.body.recoveryCodes;
    assert.equal(recovery.length, 10);
    assert.equal(new Set(recovery).size, 10);
    assert.ok(recovery.every((c) => /^[a-z2-9]{5}-[a-z2-9]{5}$/.test(c)));
    const stored = await t.ctx.store.db.selectFrom('totp_recovery_codes').select('code_hash').where('user_id', '=', await userId('lead1')).execute();
    assert.ok(stored.every((r) => r.code_hash.startsWith('scrypt$') && !recovery.some((c) => r.code_hash.includes(c))), 'recovery codes kept as hashes');
    assert.deepEqual((await get('/auth/totp', token)).body, { enabled: true, pending: false, required: false, recoveryCodesLeft: 10 });
    // Never again: a second enrolment is refused while this one is in force.
    assert.equal((await post('/auth/totp/enrol', {}, token)).status, 409);
    // The secret is in no audit record.
    const all = await t.ctx.store.db.selectFrom('events').select('detail').execute();
    assert.ok(all.every((e) => !e.detail?.includes(secret)));
    assert.equal((await events('totp_enabled')).length, 1);
  });

  it('login then needs the code: no session before it, one after; the same code is refused the second time', async () => {
    nextStep();
    const before = await sessions();
    const first = await password('lead1');
    assert.equal(first.status, 200);
    assert.equal(first.body.step, 'totp');
    assert.equal(first.body.token, undefined);
    assert.equal(first.cookie, undefined, 'no session cookie before the code');
    assert.equal(await sessions(), before);

    const shape = await post('/auth/login/totp', { challenge: first.body.challenge, code: '12ab' });
    assert.equal(shape.status, 400);
    assert.equal(shape.body.errors[0].field, 'code');
    assert.equal((await post('/auth/login/totp', { challenge: 'no-such-challenge', code: code(secret) })).status, 401);

    const used = code(secret);
    const done = await post('/auth/login/totp', { challenge: first.body.challenge, code: used });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.ok(done.body.token);
    assert.equal((await get('/auth/me', done.body.token)).body.username, 'lead1');
    assert.equal(await sessions(), before + 1);
    // The challenge is spent, and the code too (same 30 s step, a new challenge).
    assert.equal((await post('/auth/login/totp', { challenge: first.body.challenge, code: used })).status, 401);
    const again = await password('lead1');
    const replay = await post('/auth/login/totp', { challenge: again.body.challenge, code: used });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.title, '验证码错误');
    nextStep();
    assert.equal((await post('/auth/login/totp', { challenge: again.body.challenge, code: code(secret) })).status, 200);
  });

  it('5 wrong codes lock the username like wrong passwords; the lock lifts after 15 minutes', async () => {
    nextStep();
    const earlier = (await events('login')).length;
    const challenge = (await password('lead1')).body.challenge;
    const wrong = String((Number(code(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 4; i++) assert.equal((await post('/auth/login/totp', { challenge, code: wrong })).status, 401);
    // A correct password again does not clear the count for an account with codes.
    const other = (await password('lead1')).body.challenge;
    const fifth = await post('/auth/login/totp', { challenge: other, code: wrong });
    assert.equal(fifth.status, 429);
    assert.match(fifth.body.title, /账户已锁定/);
    assert.equal((await password('lead1')).status, 429);
    assert.equal((await post('/auth/login/totp', { challenge, code: code(secret) })).status, 429, 'a right code does not get past the lock');
    const failures = (await events('login')).slice(earlier).filter((e) => e.outcome === 'failure' && JSON.parse(e.detail!).reason === 'bad_totp');
    assert.equal(failures.length, 5);
    const lead = await userId('lead1');
    assert.ok(failures.every((e) => Number(e.user_id) === lead));
    t.clock.advance(16 * 60_000);
    const after = await password('lead1');
    assert.equal(after.body.step, 'totp');
    assert.equal((await post('/auth/login/totp', { challenge: after.body.challenge, code: code(secret) })).status, 200);
  });

  it('a recovery code logs in once, and is then spent', async () => {
    nextStep();
    const one = await password('lead1');
    const res = await post('/auth/login/totp', { challenge: one.body.challenge, code: recovery[0]!.toUpperCase() });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const two = await password('lead1');
    assert.equal((await post('/auth/login/totp', { challenge: two.body.challenge, code: recovery[0] })).status, 401);
    assert.equal((await get('/auth/totp', res.body.token)).body.recoveryCodesLeft, 9);
    assert.equal((await events('totp_recovery_code_used')).length, 1);
  });

  it('revoke my other sessions; an admin revokes all of a user’s sessions', async () => {
    const login = async () => {
      nextStep();
      const c = (await password('lead1')).body.challenge;
      return (await post('/auth/login/totp', { challenge: c, code: code(secret) })).body.token as string;
    };
    const [a, b] = [await login(), await login()];
    const mine = await post('/auth/sessions/revoke-others', {}, a);
    assert.equal(mine.status, 200);
    assert.ok(mine.body.revokedSessions >= 1);
    assert.equal((await get('/auth/me', b)).status, 401);
    assert.equal((await get('/auth/me', a)).status, 200);

    const admin = (await password('admin')).body.token as string;
    assert.equal((await post('/auth/admin/revoke-sessions', { username: 'lead1' }, a)).status, 403);
    const all = await post('/auth/admin/revoke-sessions', { username: 'lead1' }, admin);
    assert.deepEqual(all.body, { username: 'lead1', revokedSessions: 1 });
    assert.equal((await get('/auth/me', a)).status, 401);
    assert.equal((await post('/auth/admin/revoke-sessions', { username: 'nobody' }, admin)).status, 404);
    const audited = (await events('sessions_revoked')).map((e) => JSON.parse(e.detail!));
    assert.deepEqual(audited.map((d) => [d.username, d.scope]), [['lead1', 'others'], ['lead1', 'all']]);
  });

  it('an admin resets another user’s TOTP (audited, their sessions ended); the user then logs in with the password alone', async () => {
    nextStep();
    const c = (await password('lead1')).body.challenge;
    const lead = (await post('/auth/login/totp', { challenge: c, code: code(secret) })).body.token as string;
    const admin = (await password('admin')).body.token as string;
    assert.equal((await post('/auth/admin/reset-totp', { username: 'lead1' }, lead)).status, 403);
    assert.equal((await post('/auth/admin/reset-totp', { username: 'admin' }, admin)).status, 409);
    const reset = await post('/auth/admin/reset-totp', { username: 'lead1' }, admin);
    assert.deepEqual(reset.body, { username: 'lead1', reset: true, revokedSessions: 1 });
    assert.equal((await get('/auth/me', lead)).status, 401);
    const [event] = await events('totp_reset');
    assert.equal(Number(event!.user_id), await userId('admin'));
    assert.equal(JSON.parse(event!.detail!).username, 'lead1');
    assert.ok((await password('lead1')).body.token);
  });

  it('disabling needs a code; afterwards the password alone logs in', async () => {
    const token = (await password('zjj.staff')).body.token as string;
    const own = (await post('/auth/totp/enrol', {}, token)).body.secret as string;
    await post('/auth/totp/confirm', { code: code(own) }, token);
    nextStep();
    const wrong = String((Number(code(own)) + 500_000) % 1_000_000).padStart(6, '0');
    const c = (await password('zjj.staff')).body.challenge;
    const session = (await post('/auth/login/totp', { challenge: c, code: code(own) })).body.token as string;
    assert.equal((await post('/auth/totp/disable', { code: wrong }, session)).status, 400);
    nextStep();
    assert.equal((await post('/auth/totp/disable', { code: code(own) }, session)).status, 200);
    assert.ok((await password('zjj.staff')).body.token);
    assert.equal((await events('totp_disabled')).length, 1);
  });

  it('security.requireTotpForAdmins: an admin without a code enrols at login, and the session comes only with the first code', async () => {
    const city = t.ctx.city;
    t.ctx.city = { ...city, security: { requireTotpForAdmins: true } };
    try {
      const before = await sessions();
      const first = await password('admin');
      assert.equal(first.body.step, 'totp-enrol');
      assert.equal(first.body.token, undefined);
      const own = first.body.enrolment.secret as string;
      assert.equal(new URL(first.body.enrolment.otpauthUri).searchParams.get('secret'), own);
      assert.equal(await sessions(), before);
      const done = await post('/auth/login/totp', { challenge: first.body.challenge, code: code(own) });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.recoveryCodes.length, 10);
      assert.equal((await get('/auth/totp', done.body.token)).body.required, true);
      nextStep();
      assert.equal((await post('/auth/totp/disable', { code: code(own) }, done.body.token)).status, 409, 'a required code cannot be switched off');
      // From now on the admin is asked for a code, not for an enrolment.
      const next = await password('admin');
      assert.equal(next.body.step, 'totp');
      assert.equal(next.body.enrolment, undefined);
      // Non-admins are not affected.
      assert.ok((await password('centre1')).body.token);
    } finally {
      t.ctx.city = city;
    }
  });
});
