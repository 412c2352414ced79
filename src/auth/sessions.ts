// Login sessions: a random token given to the client (bearer header or cookie); only its hash is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../server/context.ts';
import type { Actor } from './actor.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { isUnitRole, type Role } from '../domain/roles.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { Problem } from '../server/problem.ts';
import { clearFailures, lockedUntil, recordFailure } from './lockout.ts';

export const SESSION_HOURS = 12;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A hash to check unknown usernames against, so that they take as long as known ones. */
let dummyHash: Promise<string> | undefined;

/**
 * Checks the password and opens a session; null when the username or password is wrong. A failed
 * attempt is recorded for the lockout and audited with outcome `failure` (the username only when
 * the account exists); a locked username is refused with 429 before its password is checked.
 */
export async function login(ctx: AppContext, username: string, password: string): Promise<{ token: string; actor: Actor; expiresAt: string } | null> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const user = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  const who = user ? toActor(ctx, user) : null;
  const detail = (reason: string, extra: Record<string, unknown> = {}) => ({ username: user?.username ?? null, reason, ...extra });
  const locked = await lockedUntil(db, username, now);
  if (locked) {
    await inTransaction(db, (tx) => writeEvent(tx, who, now, { action: 'login', outcome: 'failure', detail: detail('locked') }));
    const minutes = Math.max(1, Math.ceil((Date.parse(locked) - Date.parse(now)) / 60_000));
    throw new Problem(429, 'account-locked', `登录失败次数过多，账户已锁定，请于 ${minutes} 分钟后再试`, { lockedUntil: locked });
  }
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = user ? await verifyPassword(password, user.password_hash) : (await verifyPassword(password, await dummyHash), false);
  if (!user || !ok || !user.active) {
    await inTransaction(db, async (tx) => {
      await recordFailure(tx, username, now);
      await writeEvent(tx, who, now, { action: 'login', outcome: 'failure', detail: detail(!user ? 'unknown_user' : !ok ? 'bad_password' : 'inactive') });
      const until = await lockedUntil(tx, username, now);
      if (until) await writeEvent(tx, who, now, { action: 'account_locked', detail: detail('too_many_failures', { until }) });
    });
    return null;
  }
  await clearFailures(db, username);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.parse(now) + SESSION_HOURS * 3_600_000).toISOString();
  await db.insertInto('sessions').values({ token_hash: hashToken(token), user_id: user.id, created_at: now, expires_at: expiresAt, revoked_at: null }).execute();
  return { token, actor: toActor(ctx, user), expiresAt };
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
