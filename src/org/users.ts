// Creating, changing and deactivating users, and resetting passwords (admin). A unit role needs a unit; the other roles may have one for display.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { hashPassword } from '../auth/passwords.ts';
import { ROLES, isUnitRole, type Role } from '../domain/roles.ts';
import { conflict, invalid, notFound } from '../server/problem.ts';
import { inTransaction, type Tx } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { requirePolicy, revokeSessions } from '../auth/own-password.ts';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  unitCode?: string;
  displayName?: string;
}

export async function createUser(ctx: AppContext, actor: Actor | null, input: NewUser): Promise<{ id: number; username: string }> {
  if (!ROLES.includes(input.role)) throw invalid('role', `角色「${input.role}」不存在，可选：${ROLES.join('、')}`);
  if (!/^[a-z0-9._-]{2,64}$/i.test(input.username)) throw invalid('username', '用户名只能包含字母、数字、点、下划线和连字符（2–64 位）');
  requirePolicy(ctx, input.username, input.password, 'password');
  const unit = input.unitCode ? ctx.org.byCodeOrUndefined(input.unitCode) : undefined;
  if (input.unitCode && !unit) throw invalid('unit', `单位「${input.unitCode}」不存在`);
  if (isUnitRole(input.role) && !unit) throw invalid('unit', '承办单位角色须指定所属单位');
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx.store.db, async (tx) => {
    const exists = await tx.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
    if (exists) throw conflict(`用户名「${input.username}」已存在`);
    const now = ctx.clock.now();
    const row = await tx
      .insertInto('users')
      .values({ username: input.username, display_name: input.displayName ?? input.username, password_hash: passwordHash, role: input.role, unit_id: unit?.id ?? null, active: 1, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeEvent(tx, actor, now, { action: 'user_create', detail: { username: input.username, role: input.role, unit: unit?.code ?? null } });
    return { id: Number(row.id), username: input.username };
  });
}

export interface UserChange {
  role?: Role;
  /** null removes the unit (only for roles that need none). */
  unitCode?: string | null;
  displayName?: string;
  active?: boolean;
}

export interface UserView {
  username: string;
  displayName: string;
  role: string;
  unit: string | null;
  active: boolean;
  /** On deactivation: how many live sessions ended. */
  revokedSessions?: number;
}

/** Marks every live session of a user revoked (except `keepTokenHash`); returns how many. */

async function userRow(tx: Tx, username: string) {
  const user = await tx.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'unit_id', 'active']).where('username', '=', username).executeTakeFirst();
  if (!user) throw notFound(`用户「${username}」不存在`);
  return user;
}

/**
 * Changes a user's role, unit, name or active flag. A unit role needs a unit; an admin cannot
 * deactivate or demote themself; deactivating revokes the user's sessions. The audit event names
 * the changed fields and the role/unit codes, never the person's name.
 */
export async function updateUser(ctx: AppContext, actor: Actor, username: string, change: UserChange): Promise<UserView> {
  if (change.role !== undefined && !ROLES.includes(change.role)) throw invalid('role', `角色「${change.role}」不存在，可选：${ROLES.join('、')}`);
  const displayName = change.displayName === undefined ? undefined : change.displayName.trim();
  if (displayName === '') throw invalid('displayName', '姓名不能为空');
  const unitCode = change.unitCode === undefined ? undefined : change.unitCode?.trim() || null;
  const newUnit = unitCode ? ctx.org.byCodeOrUndefined(unitCode) : undefined;
  if (unitCode && !newUnit) throw invalid('unitCode', `所属单位「${unitCode}」不存在或已停用`);
  return inTransaction(ctx.store.db, async (tx) => {
    const user = await userRow(tx, username);
    const self = user.id === actor.userId;
    if (self && change.active === false) throw conflict('不能停用自己的账号');
    if (self && change.role !== undefined && change.role !== user.role) throw conflict('不能更改自己的角色：请由另一位系统管理员操作');
    const role = change.role ?? (user.role as Role);
    const unitId = unitCode === undefined ? user.unit_id : newUnit?.id ?? null;
    if (isUnitRole(role) && !unitId) throw invalid('unitCode', '承办单位角色须指定所属单位');
    if (isUnitRole(role) && unitId && !ctx.org.get(unitId)) throw invalid('unitCode', '所属单位已停用，请选择启用的单位');

    const set: { role?: string; unit_id?: number | null; display_name?: string; active?: number } = {};
    const changed: string[] = [];
    if (role !== user.role) {
      set.role = role;
      changed.push('role');
    }
    if (unitId !== user.unit_id) {
      set.unit_id = unitId;
      changed.push('unit');
    }
    if (displayName !== undefined && displayName !== user.display_name) {
      set.display_name = displayName;
      changed.push('displayName');
    }
    if (change.active !== undefined && change.active !== !!user.active) {
      set.active = change.active ? 1 : 0;
      changed.push('active');
    }
    const after = { ...user, ...set };
    let revoked = 0;
    if (changed.length) {
      const now = ctx.clock.now();
      await tx.updateTable('users').set(set).where('id', '=', user.id).execute();
      if (set.active === 0) revoked = await revokeSessions(tx, user.id, now);
      await writeEvent(tx, actor, now, {
        action: 'user_update',
        detail: {
          username: user.username,
          changed,
          ...(set.role ? { fromRole: user.role, role } : {}),
          ...('unit_id' in set ? { unit: ctx.org.get(unitId)?.code ?? null } : {}),
          ...(set.active !== undefined ? { active: !!set.active, revokedSessions: revoked } : {}),
        },
      });
    }
    const view: UserView = { username: after.username, displayName: after.display_name, role: after.role, unit: ctx.org.get(after.unit_id)?.code ?? null, active: !!after.active };
    return set.active === 0 ? { ...view, revokedSessions: revoked } : view;
  });
}

/**
 * Sets a new password and ends the user's other sessions; the password never reaches the log. Reset
 * by an admin for someone else, the account must change it at its next use (must_change_password).
 */
export async function resetPassword(ctx: AppContext, actor: Actor, username: string, password: string, keepTokenHash?: string): Promise<{ username: string; revokedSessions: number; mustChangePassword: boolean }> {
  requirePolicy(ctx, username, password, 'password');
  const passwordHash = await hashPassword(password);
  return inTransaction(ctx.store.db, async (tx) => {
    const user = await userRow(tx, username);
    const now = ctx.clock.now();
    const forced = user.id !== actor.userId;
    await tx.updateTable('users').set({ password_hash: passwordHash, must_change_password: forced ? 1 : 0 }).where('id', '=', user.id).execute();
    const revoked = await revokeSessions(tx, user.id, now, keepTokenHash);
    await writeEvent(tx, actor, now, { action: 'user_password_reset', detail: { username: user.username, revokedSessions: revoked, mustChangePassword: forced } });
    return { username: user.username, revokedSessions: revoked, mustChangePassword: forced };
  });
}

