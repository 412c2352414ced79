// Lockout after repeated failed logins: 5 failures of one username within 15 minutes lock it until
// the oldest of them is 15 minutes old (GB/T 22239-2019 8.1.4.1 b: 登录失败处理). The count is per
// username whether or not the account exists, so the answer tells an attacker nothing about which
// names exist; usernames are kept as a hash (a password typed into the username field is not stored).
// A successful login clears the count.
import { createHash } from 'node:crypto';
import type { Db, Tx } from '../store/db.ts';

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;

export const usernameKey = (username: string) => createHash('sha256').update(username.normalize('NFKC').toLowerCase()).digest('hex');

/** Until when the username is locked, or null. */
export async function lockedUntil(db: Db | Tx, username: string, now: string): Promise<string | null> {
  const since = new Date(Date.parse(now) - LOCKOUT_MINUTES * 60_000).toISOString();
  const recent = await db
    .selectFrom('login_failures')
    .select('at')
    .where('username', '=', usernameKey(username))
    .where('at', '>', since)
    .orderBy('at', 'desc')
    .limit(LOCKOUT_FAILURES)
    .execute();
  if (recent.length < LOCKOUT_FAILURES) return null;
  return new Date(Date.parse(recent[LOCKOUT_FAILURES - 1]!.at) + LOCKOUT_MINUTES * 60_000).toISOString();
}

export async function recordFailure(tx: Tx, username: string, now: string): Promise<void> {
  await tx.insertInto('login_failures').values({ username: usernameKey(username), at: now }).execute();
}

export async function clearFailures(db: Db | Tx, username: string): Promise<void> {
  await db.deleteFrom('login_failures').where('username', '=', usernameKey(username)).execute();
}
