// A user's own password: the policy a new one must hold, and the change by the user themself (the
// admin's reset for someone else is in src/org/users.ts).
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { hashPassword } from './passwords.ts';
import { invalid } from '../server/problem.ts';
import { inTransaction, type Tx } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { accountSecurity, passwordProblem } from '../domain/account-security.ts';

/** Ends the user's sessions, but for the one in use when given; returns how many ended. */
export async function revokeSessions(tx: Tx, userId: number, now: string, keepTokenHash?: string): Promise<number> {
  const result = await tx
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .$if(!!keepTokenHash, (q) => q.where('token_hash', '!=', keepTokenHash!))
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}

/**
 * The city's password policy (src/domain/account-security.ts) for a password set through the API or
 * the CLI: a 400 naming the field when it does not hold. (The demo loader writes its users' hashes
 * directly, so the demo keeps its published password.)
 */
export function requirePolicy(ctx: AppContext, username: string, password: string, field: string): void {
  const label = field === 'newPassword' ? '新密码' : '密码';
  const problem = passwordProblem(accountSecurity(ctx.city.security).password, username, password, label);
  if (problem) throw invalid(field, problem);
}

/**
 * The user's own change of password: the current one is checked first (by the caller, counted as a
 * login attempt), the new one must hold the policy and differ from it. Clears the forced change
 * and ends the user's other sessions, keeping the one in use.
 */
export async function changeOwnPassword(ctx: AppContext, actor: Actor, current: string, next: string, keepTokenHash?: string): Promise<{ revokedSessions: number }> {
  requirePolicy(ctx, actor.username, next, 'newPassword');
  if (current.normalize('NFKC') === next.normalize('NFKC')) throw invalid('newPassword', '新密码不能与当前密码相同');
  const passwordHash = await hashPassword(next);
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    await tx.updateTable('users').set({ password_hash: passwordHash, must_change_password: 0 }).where('id', '=', actor.userId).execute();
    const revoked = await revokeSessions(tx, actor.userId, now, keepTokenHash);
    await writeEvent(tx, actor, now, { action: 'password_change', detail: { username: actor.username, revokedSessions: revoked, wasForced: !!actor.mustChangePassword } });
    return { revokedSessions: revoked };
  });
}
