// Shared types and row access of the ticket use-cases.
import type { Selectable } from 'kysely';
import type { AppContext } from '../server/context.ts';
import type { Tx, Db } from '../store/db.ts';
import type { DutyTable, TicketTable, CategoryTable } from '../store/schema.ts';
import type { Actor } from '../domain/actor.ts';
import { isUnitRole } from '../domain/roles.ts';
import { notFound } from '../server/problem.ts';
import type { TimeLimit, LimitUnit } from '../domain/time-limits.ts';
import { createdWindowOfTicketNo } from './numbers.ts';

export type TicketRow = Selectable<TicketTable>;
export type DutyRow = Selectable<DutyTable>;
export type CategoryRow = Selectable<CategoryTable>;

/**
 * The ticket numbered `no`, read within the days its number names (see createdWindowOfTicketNo), so
 * that on PostgreSQL the lookup reads one month's partition (two at a month's edge), not every month's index.
 */
export function ticketNumbered(db: Db | Tx, no: string) {
  const window = createdWindowOfTicketNo(no);
  return db
    .selectFrom('tickets')
    .where('no', '=', no)
    .$if(!!window, (q) => q.where('created_at', '>=', window!.from).where('created_at', '<', window!.to));
}

export async function lockTicket(ctx: AppContext, tx: Tx, no: string): Promise<TicketRow> {
  const row = await ticketNumbered(tx, no)
    .selectAll()
    .$call(ctx.store.capabilities.lockRows)
    .executeTakeFirst();
  if (!row) throw notFound(`工单 ${no} 不存在`);
  return row;
}

/** Whether a unit user may see the ticket: some duty of it, now or before, belongs to the user's subtree. */
export async function unitCanSee(db: Db | Tx, actor: Actor, ticketId: number): Promise<boolean> {
  if (!isUnitRole(actor.role)) return true;
  if (!actor.unitScope?.length) return false;
  const row = await db
    .selectFrom('duties')
    .select('id')
    .where('ticket_id', '=', ticketId)
    .where((eb) => eb.or([eb('unit_id', 'in', actor.unitScope!), eb('handler_unit_id', 'in', actor.unitScope!)]))
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

/** The duties of the ticket's current round that belong to the actor's unit subtree. */
export async function dutiesOfActor(tx: Tx, actor: Actor, ticket: TicketRow): Promise<DutyRow[]> {
  if (!actor.unitScope?.length) return [];
  return tx
    .selectFrom('duties')
    .selectAll()
    .where('ticket_id', '=', ticket.id)
    .where('round', '=', ticket.round)
    .where((eb) => eb.or([eb('unit_id', 'in', actor.unitScope!), eb('handler_unit_id', 'in', actor.unitScope!)]))
    .execute();
}

export async function openDutiesOf(tx: Tx, ticketId: number, filter: { kind?: string; party?: string } = {}): Promise<DutyRow[]> {
  return tx
    .selectFrom('duties')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .where('status', '=', 'open')
    .$if(!!filter.kind, (q) => q.where('kind', '=', filter.kind!))
    .$if(!!filter.party, (q) => q.where('party', '=', filter.party!))
    .orderBy('id')
    .execute();
}

export async function categoryOf(db: Db | Tx, categoryId: number | null): Promise<CategoryRow | undefined> {
  if (categoryId == null) return undefined;
  return db.selectFrom('categories').selectAll().where('id', '=', categoryId).executeTakeFirst();
}

export function categoryLimit(category: CategoryRow | undefined): TimeLimit | null {
  if (!category?.reply_limit_unit || !category.reply_limit_amount) return null;
  return { unit: category.reply_limit_unit as LimitUnit, amount: category.reply_limit_amount };
}
