// Creating and listing users. A unit role needs a unit; the other roles may have one for display.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../auth/actor.ts';
import { hashPassword } from '../auth/passwords.ts';
import { ROLES, isUnitRole, type Role } from '../domain/roles.ts';
import { conflict, invalid } from '../server/problem.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';

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
  if (input.password.length < 8) throw invalid('password', '密码至少 8 位');
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
