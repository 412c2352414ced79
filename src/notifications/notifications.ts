// In-console notifications to a unit: newly dispatched tickets, deadline warnings, escalations to the centre, 督办 issued to a
// unit and replies to the issuer, bulk reveals of requesters' contacts to the centre. Everyone of the unit sees the same list; reading marks it for all.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Db, Tx } from '../store/db.ts';
import { isUnitRole } from '../domain/roles.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { notFound } from '../server/problem.ts';

export interface NewNotification {
  unitId: number;
  /** external_update: an upper platform re-pushed a transferred ticket with changed content. */
  /** dispatch: a ticket was dispatched (or re-dispatched) to the unit, as lead or co-handler. */
  /** assign: the user was named 承办人 of the unit's part of a ticket (a notice for that user alone). */
  kind: 'assign' | 'dispatch' | 'warning' | 'escalation' | 'supervision' | 'supervision_reply' | 'supervision_closed' | 'kb_approval' | 'privacy' | 'external_update';
  ticketId?: number | null;
  itemId?: number | null;
  title: string;
  body: string;
  link?: string | null;
  /** For one user of the unit only; unset: everyone of the unit. */
  userId?: number | null;
}

export async function notify(tx: Tx, n: NewNotification, at: string): Promise<void> {
  await tx
    .insertInto('notifications')
    .values({ unit_id: n.unitId, user_id: n.userId ?? null, kind: n.kind, ticket_id: n.ticketId ?? null, item_id: n.itemId ?? null, title: n.title, body: n.body, link: n.link ?? null, created_at: at, read_at: null, read_by: null })
    .execute();
}

/** The units whose notifications the user reads: a unit user's subtree, else the user's unit (admins: the centre's). */
export function recipientUnits(ctx: AppContext, actor: Actor): number[] {
  if (isUnitRole(actor.role)) return actor.unitScope ?? [];
  if (actor.unitId != null) return [actor.unitId];
  const centre = ctx.org.firstOfKind('centre');
  return centre ? [centre.id] : [];
}

export async function listNotifications(ctx: AppContext, actor: Actor, options: { limit?: number; unreadOnly?: boolean } = {}) {
  const units = recipientUnits(ctx, actor);
  const db = ctx.store.db;
  if (!units.length) return { unread: 0, items: [] };
  const unread = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('unit_id', 'in', units)
    .where('read_at', 'is', null)
    .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', actor.userId)]))
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('notifications')
    .selectAll()
    .where('unit_id', 'in', units)
    .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', actor.userId)]))
    .$if(!!options.unreadOnly, (q) => q.where('read_at', 'is', null))
    // Unread first, newest first within each.
    .orderBy((eb) => eb.case().when('read_at', 'is', null).then(0).else(1).end())
    .orderBy('id', 'desc')
    .limit(options.limit ?? 50)
    .execute();
  return {
    unread: Number(unread.n),
    items: rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      title: r.title,
      body: r.body,
      link: r.link,
      unit: ctx.org.get(r.unit_id)?.name ?? null,
      createdAt: formatShanghai(r.created_at),
      read: r.read_at != null,
    })),
  };
}

export async function markRead(ctx: AppContext, actor: Actor, id: number | 'all'): Promise<{ updated: number }> {
  const units = recipientUnits(ctx, actor);
  const db: Db = ctx.store.db;
  const now = ctx.clock.now();
  if (id !== 'all') {
    const row = await db.selectFrom('notifications').select(['id', 'unit_id', 'user_id']).where('id', '=', id).executeTakeFirst();
    if (!row || !units.includes(row.unit_id) || (row.user_id != null && row.user_id !== actor.userId)) throw notFound('通知不存在');
  }
  if (!units.length) return { updated: 0 };
  const res = await db
    .updateTable('notifications')
    .set({ read_at: now, read_by: actor.userId })
    .where('unit_id', 'in', units)
    .where('read_at', 'is', null)
    .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', actor.userId)]))
    .$if(id !== 'all', (q) => q.where('id', '=', id as number))
    .executeTakeFirst();
  return { updated: Number(res.numUpdatedRows) };
}
