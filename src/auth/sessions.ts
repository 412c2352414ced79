// Login sessions: a random token given to the client (bearer header or cookie); only its hash is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { isUnitRole, type Role } from '../domain/roles.ts';
import { inTransaction, type Db, type Tx } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { Problem, secondsUntil } from '../server/problem.ts';
import { bucketOf, clearAttempts, giveBack, takeAttempt, type Taken } from './lockout.ts';
import { pendingDerivations } from './scrypt-thread.ts';
import { accountSecurity } from '../domain/account-security.ts';
import { challengeUser, closeChallenge, confirmEnrolment, consumeCode, countCode, openChallenge, startEnrolment, totpEnabled, totpRequired } from './two-step.ts';

export const SESSION_HOURS = 12;
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A hash to check unknown usernames against, so that they take as long as known ones. */
let dummyHash: Promise<string> | undefined;

export interface OpenedSession {
  step: 'done';
  token: string;
  actor: Actor;
  expiresAt: string;
}

/** A correct password of an account that logs in with a code: the second step's challenge. */
export interface SecondStep {
  step: 'totp' | 'totp-enrol';
  challenge: string;
  challengeExpiresAt: string;
  /** For 'totp-enrol' (an admin required to use codes who has not enrolled): the secret, shown this once. */
  enrolment?: { secret: string; otpauthUri: string };
}

const minutesUntil = (until: string, now: string) => Math.max(1, Math.ceil((Date.parse(until) - Date.parse(now)) / 60_000));
const lockedProblem = (locked: string, now: string) =>
  new Problem(429, 'account-locked', `登录失败次数过多，账户已锁定，请于 ${minutesUntil(locked, now)} 分钟后再试`, { lockedUntil: locked }, { 'retry-after': secondsUntil(locked, now) });
const clientProblem = (until: string, now: string) =>
  new Problem(429, 'client-throttled', `本机地址登录失败次数过多，请于 ${minutesUntil(until, now)} 分钟后再试`, { retryAfter: until }, { 'retry-after': secondsUntil(until, now) });
// Busy: checks under way, not a window; a second is enough for a queue of password checks to move.
const busyProblem = () => new Problem(429, 'login-busy', '登录请求过多，请稍后再试', {}, { 'retry-after': '1' });

/**
 * Takes an attempt from each throttle in turn (client address, username, platform, then a place in
 * the hashing queue) before anything is checked. The first that is over its limit refuses: the
 * attempts already taken are given back, since nothing was checked, and the refusal is audited.
 */
async function admit(ctx: AppContext, username: string, client: string, now: string, audit: (reason: string) => Promise<void>): Promise<{ user: Taken; release: string[]; done: () => void }> {
  const db = ctx.store.db;
  const sec = accountSecurity(ctx.city.security);
  // One address may have only a few checks under way at once: a burst from it waits for none of
  // them and costs no store write (refused here, unaudited), and others' logins are not queued behind it.
  const busy = checksUnderWay.get(client) ?? 0;
  if (busy >= sec.checksPerClient) throw busyProblem();
  checksUnderWay.set(client, busy + 1);
  let finished = false;
  const done = () => {
    if (finished) return;
    finished = true;
    const n = (checksUnderWay.get(client) ?? 1) - 1;
    if (n > 0) checksUnderWay.set(client, n);
    else checksUnderWay.delete(client);
  };
  const taken: string[] = [];
  const refuse = async (reason: string, problem: Problem): Promise<never> => {
    done();
    // The bucket that refused keeps its count (it is over anyway); the ones before it get theirs back.
    for (const bucket of taken.slice(0, -1)) await giveBack(db, bucket);
    await audit(reason);
    throw problem;
  };
  try {
    const byClient = await takeAttempt(db, bucketOf.client(client), sec.clientThrottle, now);
    taken.push(byClient.bucket);
    if (byClient.over) await refuse('client_throttled', clientProblem(byClient.until, now));
    const user = await takeAttempt(db, bucketOf.user(username), sec.lockout, now);
    taken.push(user.bucket);
    if (user.over) await refuse('locked', lockedProblem(user.until, now));
    const global = await takeAttempt(db, bucketOf.global(), sec.globalThrottle, now);
    taken.push(global.bucket);
    if (global.over) await refuse('busy', busyProblem());
    // Checked and posted in the same turn of the event loop, so the bound holds within the process.
    if (pendingDerivations() >= sec.hashQueue) {
      taken.push('');
      await refuse('busy', busyProblem());
    }
    return { user, release: [byClient.bucket, global.bucket], done };
  } catch (e) {
    if (!(e instanceof Problem)) done();
    throw e;
  }
}

/** Password checks under way per client address, in this process. */
const checksUnderWay = new Map<string, number>();

/** A right password or code: the address's and the platform's attempts go back (they count failures). */
async function release(db: Db, buckets: string[]): Promise<void> {
  for (const bucket of buckets) await giveBack(db, bucket);
}

/**
 * Checks the password and opens a session, or, for an account with two-step login, the second
 * step's challenge; null when the username or password is wrong. The attempt is counted by the
 * throttles before the password is checked (./lockout.ts), and one over a limit is refused with 429
 * unchecked; a failure is audited with outcome `failure` (the username only when the account
 * exists). For two-step accounts the username's count is cleared only once the code is right too,
 * so wrong codes add up to a lockout. `client` is the request's address (request.ip).
 */
export async function login(ctx: AppContext, username: string, password: string, client = 'local'): Promise<OpenedSession | SecondStep | null> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const user = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  const who = user ? toActor(ctx, user) : null;
  const detail = (reason: string, extra: Record<string, unknown> = {}) => ({ username: user?.username ?? null, reason, ...extra });
  const admitted = await admit(ctx, username, client, now, (reason) => inTransaction(db, (tx) => writeEvent(tx, who, now, { action: 'login', outcome: 'failure', detail: detail(reason) })));
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  let ok: boolean;
  try {
    ok = user ? await verifyPassword(password, user.password_hash) : (await verifyPassword(password, await dummyHash), false);
  } finally {
    admitted.done();
  }
  if (!user || !ok || !user.active) {
    await failLogin(ctx, who, admitted.user, now, detail(!user ? 'unknown_user' : !ok ? 'bad_password' : 'inactive'));
    return null;
  }
  await release(db, admitted.release);
  const enabled = await totpEnabled(db, user.id);
  if (enabled || totpRequired(ctx, user.role)) {
    // Not a failure, but not yet a login: the username's count stays until the code is right.
    await giveBack(db, admitted.user.bucket);
    const { challenge, expiresAt } = await openChallenge(db, user.id, now);
    if (enabled) return { step: 'totp', challenge, challengeExpiresAt: expiresAt };
    return { step: 'totp-enrol', challenge, challengeExpiresAt: expiresAt, enrolment: await startEnrolment(ctx, user) };
  }
  await clearAttempts(db, admitted.user.bucket);
  return openSession(ctx, user);
}

/** Audits a failed check; the attempt that reaches the username's limit also audits the lock. */
async function failLogin(ctx: AppContext, who: Actor | null, taken: Taken, now: string, detail: Record<string, unknown>): Promise<void> {
  const limit = accountSecurity(ctx.city.security).lockout.attempts;
  await inTransaction(ctx.store.db, async (tx) => {
    await writeEvent(tx, who, now, { action: 'login', outcome: 'failure', detail });
    if (taken.attempts === limit) await writeEvent(tx, who, now, { action: 'account_locked', detail: { ...detail, reason: 'too_many_failures', until: taken.until } });
  });
}

async function openSession(ctx: AppContext, user: { id: number; username: string; display_name: string; role: string; unit_id: number | null }): Promise<OpenedSession> {
  const now = ctx.clock.now();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.parse(now) + SESSION_HOURS * 3_600_000).toISOString();
  await ctx.store.db.insertInto('sessions').values({ token_hash: hashToken(token), user_id: user.id, created_at: now, expires_at: expiresAt, revoked_at: null }).execute();
  return { step: 'done', token, actor: toActor(ctx, user), expiresAt };
}

/**
 * The second step: a code (or a recovery code) for the challenge a correct password opened. The
 * session exists only after this succeeds. Each code first bumps the challenge's own count (void
 * past the city's `challengeCodes`) and then the throttles, like a password, before it is checked;
 * a wrong code counts toward the username's lockout, and once locked the challenge is closed. An
 * enrolling admin's first code confirms the enrolment and the answer carries the recovery codes, once.
 */
export async function completeLogin(ctx: AppContext, challenge: string, code: string, client = 'local'): Promise<OpenedSession & { recoveryCodes?: string[] }> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const sec = accountSecurity(ctx.city.security);
  const expired = () => new Problem(401, 'challenge-expired', '登录已过期或无效，请重新输入用户名和密码');
  const userId = await challengeUser(db, challenge, now);
  if (userId === null) throw expired();
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  const who = toActor(ctx, user);
  const audit = (reason: string) => inTransaction(db, (tx) => writeEvent(tx, who, now, { action: 'login', outcome: 'failure', detail: { username: user.username, reason } }));
  const tried = await countCode(db, challenge);
  if (tried === null) throw expired();
  if (tried > sec.challengeCodes) {
    await closeChallenge(db, challenge, now);
    await audit('challenge_void');
    throw challengeVoid();
  }
  let admitted: Awaited<ReturnType<typeof admit>>;
  try {
    admitted = await admit(ctx, user.username, client, now, audit);
  } catch (e) {
    if (e instanceof Problem && e.type === 'account-locked') await closeChallenge(db, challenge, now);
    throw e;
  }
  if (!user.active) {
    admitted.done();
    await closeChallenge(db, challenge, now);
    await release(db, [...admitted.release, admitted.user.bucket]);
    await audit('inactive');
    throw new Problem(401, 'bad-credentials', '用户名或密码错误');
  }
  const enrolling = !(await totpEnabled(db, user.id));
  const result = await inTransaction(db, async (tx) => {
    if (enrolling) {
      const codes = /^\d{6}$/.test(code) ? await confirmEnrolment(tx, who, code, now) : null;
      return codes ? { via: 'totp' as const, codes } : null;
    }
    const via = await consumeCode(tx, user.id, code, now);
    return via ? { via, codes: undefined } : null;
  }).finally(admitted.done);
  if (!result) {
    await failLogin(ctx, who, admitted.user, now, { username: user.username, reason: 'bad_totp' });
    if (admitted.user.attempts >= sec.lockout.attempts) {
      await closeChallenge(db, challenge, now);
      throw lockedProblem(admitted.user.until, now);
    }
    if (tried >= sec.challengeCodes) {
      await closeChallenge(db, challenge, now);
      throw challengeVoid();
    }
    throw new Problem(401, 'bad-totp', '验证码错误');
  }
  if (!(await closeChallenge(db, challenge, now))) throw expired();
  await clearAttempts(db, admitted.user.bucket);
  await release(db, admitted.release);
  if (result.via === 'recovery') await inTransaction(db, (tx) => writeEvent(tx, who, now, { action: 'totp_recovery_code_used', detail: { username: user.username } }));
  const session = await openSession(ctx, user);
  return result.codes ? { ...session, recoveryCodes: result.codes } : session;
}

/**
 * The signed-in user's current password, checked as a login would be (counted by the throttles
 * first, a wrong one toward the username's lockout), before a change of password.
 */
export async function checkOwnPassword(ctx: AppContext, actor: Actor, password: string, client = 'local'): Promise<boolean> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const audit = (reason: string) => inTransaction(db, (tx) => writeEvent(tx, actor, now, { action: 'password_change', outcome: 'failure', detail: { username: actor.username, reason } }));
  const admitted = await admit(ctx, actor.username, client, now, audit);
  const user = await db.selectFrom('users').select('password_hash').where('id', '=', actor.userId).executeTakeFirstOrThrow();
  const ok = await verifyPassword(password, user.password_hash).finally(admitted.done);
  if (!ok) {
    await audit('bad_password');
    return false;
  }
  await giveBack(db, admitted.user.bucket);
  await release(db, admitted.release);
  return true;
}

const challengeVoid = () => new Problem(401, 'challenge-void', '验证码错误次数过多，本次登录已作废，请重新输入用户名和密码');

export async function actorForToken(ctx: AppContext, token: string): Promise<Actor | null> {
  const row = await ctx.store.db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.unit_id', 'u.active', 'u.must_change_password', 's.expires_at', 's.revoked_at'])
    .where('s.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || !row.active || Date.parse(row.expires_at) <= Date.parse(ctx.clock.now())) return null;
  return toActor(ctx, row);
}

export async function logout(ctx: AppContext, token: string): Promise<void> {
  await ctx.store.db.updateTable('sessions').set({ revoked_at: ctx.clock.now() }).where('token_hash', '=', hashToken(token)).execute();
}

/** Revokes a user's live sessions, all of them or all but the one whose token is kept; answers how many. */
export async function revokeUserSessions(db: Db | Tx, userId: number, now: string, keepToken?: string): Promise<number> {
  const res = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .$if(!!keepToken, (q) => q.where('token_hash', '!=', hashToken(keepToken!)))
    .executeTakeFirst();
  return Number(res.numUpdatedRows ?? 0);
}

function toActor(ctx: AppContext, u: { id: number; username: string; display_name: string; role: string; unit_id: number | null; must_change_password?: number }): Actor {
  const role = u.role as Role;
  return {
    ...(u.must_change_password ? { mustChangePassword: true } : {}),
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    role,
    unitId: u.unit_id,
    unitScope: isUnitRole(role) && u.unit_id ? ctx.org.subtreeIds(u.unit_id) : null,
  };
}
