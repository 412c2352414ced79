// 承办人 and 内部备注: inside a unit, who handles its part of a ticket (the unit's head or staff
// names a member of the unit, or takes it), and the staff's internal notes. Both are actions of the
// runner (one transaction with the audit event); both stay inside the platform (INTERNAL_ACTIONS).
import type { Assignee } from './contract.ts';
import { unitRef } from '../server/view-refs.ts';
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Db, Tx } from '../store/db.ts';
import { isUnitRole } from '../domain/roles.ts';
import { conflict, invalid } from '../server/problem.ts';
import { notify } from '../notifications/notifications.ts';
import type { ActionDefinition } from './action-runner.ts';
import { obj, text } from '../server/schemas.ts';

export const NOTE_MAX = 2000;

/** The active users of a unit who may own its work: its head and staff. */
export async function unitMembers(db: Db | Tx, unitId: number) {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role'])
    .where('unit_id', '=', unitId)
    .where('active', '=', 1)
    .where('role', 'in', ['unit_staff', 'unit_head'])
    .orderBy('role', 'desc')
    .orderBy('username')
    .execute();
  return rows.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name, role: r.role }));
}

const assign: ActionDefinition<{ assignee: string }> = {
  body: obj({ assignee: text(60) }, ['assignee']),
  async run(call) {
    const { ctx, tx, actor, ticket, now, body } = call;
    const unitId = actor.unitId;
    // The unit's own part: it must still owe work on the ticket in this round.
    if (unitId == null || !call.myDuties.some((d) => d.status === 'open')) throw conflict('本单位在该工单上没有待办的办理事项，无需指定承办人');
    const target = await tx
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'role', 'unit_id', 'active'])
      .where('username', '=', body.assignee)
      .executeTakeFirst();
    if (!target || target.unit_id !== unitId || target.active !== 1 || !isUnitRole(target.role as never)) {
      throw invalid('assignee', `字段「承办人」：「${body.assignee}」不是本单位在职的工作人员`);
    }
    const previous = await tx.selectFrom('ticket_assignees').select('user_id').where('ticket_id', '=', ticket.id).where('unit_id', '=', unitId).executeTakeFirst();
    if (previous?.user_id === target.id) throw conflict(`该工单已由 ${target.display_name} 承办`);
    await tx
      .insertInto('ticket_assignees')
      .values({ ticket_id: ticket.id, unit_id: unitId, user_id: target.id, assigned_by: actor.userId, assigned_at: now })
      .onConflict((oc) => oc.columns(['ticket_id', 'unit_id']).doUpdateSet({ user_id: target.id, assigned_by: actor.userId, assigned_at: now }))
      .execute();
    if (target.id !== actor.userId) {
      // For the assignee alone, pushed to the console like the unit's notices, in this transaction.
      await notify(
        tx,
        {
          unitId,
          userId: target.id,
          kind: 'assign',
          ticketId: ticket.id,
          title: `指定您承办：${ticket.no}`,
          body: `${actor.displayName} 将本单位的办理事项交由您承办`,
          link: `/tickets/${ticket.no}`,
        },
        now,
      );
    }
    return {
      detail: { unit: ctx.org.get(unitId)?.code ?? null, assignee: target.id, previous: previous?.user_id ?? null, self: target.id === actor.userId },
    };
  },
};

const note: ActionDefinition<{ remark: string }> = {
  body: obj({ remark: text(NOTE_MAX) }, ['remark']),
  async run(call) {
    const { tx, actor, ticket, now, body } = call;
    if (!body.remark.trim()) throw invalid('remark', '字段「备注内容」不能为空');
    const row = await tx
      .insertInto('ticket_notes')
      .values({ ticket_id: ticket.id, user_id: actor.userId, unit_id: actor.unitId ?? null, body: body.remark.trim(), created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The event names the note, never its text (free text stays out of the audit detail and the logs).
    return { detail: { note: Number(row.id) } };
  },
};

export const ownerActions = { assign, note };

/** The 承办人 of each unit on the tickets, as the viewer may see them (a unit user: its own units'). */
export async function assigneesOf(ctx: AppContext, actor: Actor, ticketIds: number[]) {
  if (!ticketIds.length) return new Map<number, Assignee[]>();
  const scope = isUnitRole(actor.role) ? (actor.unitScope ?? []) : null;
  const rows = await ctx.store.db
    .selectFrom('ticket_assignees as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.ticket_id', 'a.unit_id', 'a.user_id', 'u.username', 'u.display_name'])
    .where('a.ticket_id', 'in', ticketIds)
    .$if(!!scope, (q) => q.where('a.unit_id', 'in', scope!.length ? scope! : [-1]))
    .execute();
  const out = new Map<number, Assignee[]>();
  for (const r of rows) {
    const list = out.get(Number(r.ticket_id)) ?? [];
    list.push({ unit: unitRef(ctx, r.unit_id), username: r.username, name: r.display_name, mine: r.user_id === actor.userId });
    out.set(Number(r.ticket_id), list);
  }
  return out;
}
