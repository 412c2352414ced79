// Login sessions: a random token given to the client (bearer header or cookie); only its hash is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../server/context.ts';
import type { Actor } from './actor.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { isUnitRole, type Role } from '../domain/roles.ts';
import { inTransaction, type Db, type Tx } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { Problem } from '../server/problem.ts';
import { clearFailures, lockedUntil, recordFailure } from './lockout.ts';
import { challengeUser, closeChallenge, confirmEnrolment, consumeCode, openChallenge, startEnrolment, totpEnabled, totpRequired } from './two-step.ts';

export const SESSION_HOURS = 12;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

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

const lockedProblem = (locked: string, now: string) => {
  const minutes = Math.max(1, Math.ceil((Date.parse(locked) - Date.parse(now)) / 60_000));
  return new Problem(429, 'account-locked', `登录失败次数过多，账户已锁定，请于 ${minutes} 分钟后再试`, { lockedUntil: locked });
};

/**
 * Checks the password and opens a session, or, for an account with two-step login, the second
 * step's challenge; null when the username or password is wrong. A failed attempt is recorded for
 * the lockout and audited with outcome `failure` (the username only when the account exists); a
 * locked username is refused with 429 before its password is checked. For two-step accounts the
 * failure count is cleared only once the code is right too, so wrong codes add up to a lockout.
 */
export async function login(ctx: AppContext, username: string, password: string): Promise<OpenedSession | SecondStep | null> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const user = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  const who = user ? toActor(ctx, user) : null;
  const detail = (reason: string, extra: Record<string, unknown> = {}) => ({ username: user?.username ?? null, reason, ...extra });
  const locked = await lockedUntil(db, username, now);
  if (locked) {
    await inTransaction(db, (tx) => writeEvent(tx, who, now, { action: 'login', outcome: 'failure', detail: detail('locked') }));
    throw lockedProblem(locked, now);
  }
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = user ? await verifyPassword(password, user.password_hash) : (await verifyPassword(password, await dummyHash), false);
  if (!user || !ok || !user.active) {
    await failLogin(ctx, who, username, now, detail(!user ? 'unknown_user' : !ok ? 'bad_password' : 'inactive'));
    return null;
  }
  const enabled = await totpEnabled(db, user.id);
  if (enabled || totpRequired(ctx, user.role)) {
    const { challenge, expiresAt } = await openChallenge(db, user.id, now);
    if (enabled) return { step: 'totp', challenge, challengeExpiresAt: expiresAt };
    return { step: 'totp-enrol', challenge, challengeExpiresAt: expiresAt, enrolment: await startEnrolment(ctx, user) };
  }
  await clearFailures(db, username);
  return openSession(ctx, user);
}

async function failLogin(ctx: AppContext, who: Actor | null, username: string, now: string, detail: Record<string, unknown>): Promise<void> {
  await inTransaction(ctx.store.db, async (tx) => {
    await recordFailure(tx, username, now);
    await writeEvent(tx, who, now, { action: 'login', outcome: 'failure', detail });
    const until = await lockedUntil(tx, username, now);
    if (until) await writeEvent(tx, who, now, { action: 'account_locked', detail: { ...detail, reason: 'too_many_failures', until } });
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
 * session exists only after this succeeds. A wrong code counts toward the username's lockout like a
 * wrong password; once locked, the challenge is closed. An enrolling admin's first code confirms the
 * enrolment and the answer carries the recovery codes, once.
 */
export async function completeLogin(ctx: AppContext, challenge: string, code: string): Promise<OpenedSession & { recoveryCodes?: string[] }> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const userId = await challengeUser(db, challenge, now);
  if (userId === null) throw new Problem(401, 'challenge-expired', '登录已过期或无效，请重新输入用户名和密码');
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  const who = toActor(ctx, user);
  const locked = await lockedUntil(db, user.username, now);
  if (locked || !user.active) {
    await closeChallenge(db, challenge, now);
    await inTransaction(db, (tx) => writeEvent(tx, who, now, { action: 'login', outcome: 'failure', detail: { username: user.username, reason: locked ? 'locked' : 'inactive' } }));
    if (locked) throw lockedProblem(locked, now);
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
  });
  if (!result) {
    await failLogin(ctx, who, user.username, now, { username: user.username, reason: 'bad_totp' });
    const until = await lockedUntil(db, user.username, now);
    if (until) {
      await closeChallenge(db, challenge, now);
      throw lockedProblem(until, now);
    }
    throw new Problem(401, 'bad-totp', '验证码错误');
  }
  if (!(await closeChallenge(db, challenge, now))) throw new Problem(401, 'challenge-expired', '登录已过期或无效，请重新输入用户名和密码');
  await clearFailures(db, user.username);
  if (result.via === 'recovery') await inTransaction(db, (tx) => writeEvent(tx, who, now, { action: 'totp_recovery_code_used', detail: { username: user.username } }));
  const session = await openSession(ctx, user);
  return result.codes ? { ...session, recoveryCodes: result.codes } : session;
}

export async function actorForToken(ctx: AppContext, token: string): Promise<Actor | null> {
  const row = await ctx.store.db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.unit_id', 'u.active', 's.expires_at', 's.revoked_at'])
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

function toActor(ctx: AppContext, u: { id: number; username: string; display_name: string; role: string; unit_id: number | null }): Actor {
  const role = u.role as Role;
  return {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    role,
    unitId: u.unit_id,
    unitScope: isUnitRole(role) && u.unit_id ? ctx.org.subtreeIds(u.unit_id) : null,
  };
}
