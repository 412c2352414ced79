// Login sessions: a random token given to the client (bearer header or cookie); only its hash is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../server/context.ts';
import type { Actor } from './actor.ts';
import { verifyPassword } from './passwords.ts';
import { isUnitRole, type Role } from '../domain/roles.ts';

export const SESSION_HOURS = 12;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function login(ctx: AppContext, username: string, password: string): Promise<{ token: string; actor: Actor; expiresAt: string } | null> {
  const user = await ctx.store.db.selectFrom('users').selectAll().where('username', '=', username).where('active', '=', 1).executeTakeFirst();
  if (!user || !(await verifyPassword(password, user.password_hash))) return null;
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const expiresAt = new Date(Date.parse(now) + SESSION_HOURS * 3_600_000).toISOString();
  await ctx.store.db.insertInto('sessions').values({ token_hash: hashToken(token), user_id: user.id, created_at: now, expires_at: expiresAt, revoked_at: null }).execute();
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
