// 第三十二条: a caller who abuses the line (repeated calls without reason, occupying it, false facts,
// defamation, harassing agents) may be restricted for a short time. A team lead asks with the ground
// and the days; the centre approves — never the person who asked —; the restriction runs from the
// approval and ends by itself; anyone of the two may revoke it. Every step is an audit event, which
// names the restriction and its ground, never the number. The number is sealed at rest: every lookup
// goes through its keyed hash (the same for any spelling with spaces or dashes).
import type { AppContext } from '../server/context.ts';
import { SYSTEM_ACTOR, type Actor } from '../domain/actor.ts';
import type { Db, Tx } from '../store/db.ts';
import type { FieldCrypto } from '../store/field-crypto.ts';
import { inTransaction } from '../store/db.ts';
import type { CallsConfig } from '../domain/call-config.ts';
import type { CallRestrictionTable } from '../store/schema-calls.ts';
import type { Selectable } from 'kysely';
import { writeEvent } from '../audit/events.ts';
import { formatForPeople, formatShanghai } from '../domain/deadline.ts';
import { maskPhone } from '../domain/masking.ts';
import { seesRequesterContact } from '../domain/roles.ts';
import { conflict, forbidden, invalid, notFound } from '../server/problem.ts';
import { pagingOf, type PagingQuery } from './paging.ts';

export type RestrictionStatus = 'pending' | 'active' | 'expired' | 'revoked' | 'rejected';
export const RESTRICTION_STATUS_LABELS: Record<RestrictionStatus, string> = {
  pending: '待审批',
  active: '限制中',
  expired: '已到期',
  revoked: '已撤销',
  rejected: '未批准',
};

type Row = Selectable<CallRestrictionTable>;

export function normalisePhone(phone: string): string {
  return phone.replace(/[\s-]/g, '');
}

/** The notice the switch adapter plays, with the end date in Shanghai time. */
export function restrictionNotice(config: CallsConfig, until: string | null): string {
  return config.restriction.notice.replace('{until}', until ? formatForPeople(until) : '');
}

/** The keyed hash a restricted number is found by. */
function phoneHash(crypto: FieldCrypto, phone: string): string {
  return crypto.phoneLookupHash(phone) ?? '';
}

/** Approved restrictions of these numbers (the caller checks the instant against approval, expiry and revocation). */
export async function activeRestrictionsFor(tx: Tx, crypto: FieldCrypto, phones: string[]): Promise<Array<{ id: number; phone: string; approvedAt: string; expiresAt: string; revokedAt: string | null }>> {
  const list = [...new Set(phones.map((p) => phoneHash(crypto, p)))];
  if (!list.length) return [];
  const rows = await tx
    .selectFrom('call_restrictions')
    .select(['id', 'phone', 'approved_at', 'expires_at', 'revoked_at'])
    .where('phone_hash', 'in', list)
    .where('status', 'in', ['active', 'expired', 'revoked'])
    .where('approved_at', 'is not', null)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), phone: r.phone, approvedAt: r.approved_at!, expiresAt: r.expires_at!, revokedAt: r.revoked_at }));
}

/** A restriction's status at `now`: an approved one past its end has expired, whether or not it was marked. */
export function statusAt(row: Pick<Row, 'status' | 'expires_at'>, now: string): RestrictionStatus {
  if (row.status === 'active' && row.expires_at && row.expires_at <= now) return 'expired';
  return row.status as RestrictionStatus;
}

/** Whether a number is restricted now (screen-pop, call list). */
export async function restrictionNow(ctx: AppContext, phone: string | null): Promise<{ id: number; until: string; reason: string } | null> {
  if (!phone) return null;
  const now = ctx.clock.now();
  const row = await ctx.store.db
    .selectFrom('call_restrictions')
    .select(['id', 'expires_at', 'reason'])
    .where('phone_hash', '=', phoneHash(ctx.store.crypto, phone))
    .where('status', '=', 'active')
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'desc')
    .executeTakeFirst();
  return row ? { id: Number(row.id), until: formatShanghai(row.expires_at!), reason: row.reason } : null;
}

export function restrictionView(ctx: AppContext, row: Row, actor: Actor, names: Map<number, string>) {
  const now = ctx.clock.now();
  const status = statusAt(row, now);
  const at = (iso: string | null) => (iso ? formatShanghai(iso) : null);
  return {
    id: Number(row.id),
    phone: seesRequesterContact(actor.role) ? row.phone : maskPhone(row.phone),
    reason: row.reason,
    reasonLabel: ctx.city.calls.restriction.reasons[row.reason] ?? row.reason,
    note: row.note,
    days: row.days,
    status,
    statusLabel: RESTRICTION_STATUS_LABELS[status],
    requestedBy: names.get(row.requested_by) ?? null,
    requestedAt: at(row.requested_at),
    approvedBy: row.approved_by ? (names.get(row.approved_by) ?? null) : null,
    approvedAt: at(row.approved_at),
    expiresAt: at(row.expires_at),
    until: at(row.expires_at),
    revokedBy: row.revoked_by ? (names.get(row.revoked_by) ?? null) : null,
    revokedAt: at(row.revoked_at),
    revokeReason: row.revoke_reason,
  };
}

async function userNames(db: Db | Tx, rows: Row[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.flatMap((r) => [r.requested_by, r.approved_by, r.revoked_by]).filter((x): x is number => x != null))];
  if (!ids.length) return new Map();
  const users = await db.selectFrom('users').select(['id', 'username']).where('id', 'in', ids).execute();
  return new Map(users.map((u) => [Number(u.id), u.username]));
}

/** Marks the restrictions that ran out as expired, each with its audit event (once: the update is conditional). */
export async function expireRestrictions(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.store.db.selectFrom('call_restrictions').select(['id', 'expires_at']).where('status', '=', 'active').where('expires_at', '<=', now).execute();
  let n = 0;
  for (const r of due) {
    await inTransaction(ctx.store.db, async (tx) => {
      const u = await tx.updateTable('call_restrictions').set({ status: 'expired' }).where('id', '=', r.id).where('status', '=', 'active').executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) return;
      await writeEvent(tx, SYSTEM_ACTOR, r.expires_at!, { action: 'call_restriction_expire', fromStatus: 'active', toStatus: 'expired', detail: { restrictionId: Number(r.id) } });
      n += 1;
    });
  }
  return n;
}

export async function listRestrictions(ctx: AppContext, actor: Actor, filter: { status?: RestrictionStatus; phone?: string } & PagingQuery) {
  await expireRestrictions(ctx);
  const { page, pageSize, offset } = pagingOf(filter);
  let base = ctx.store.db.selectFrom('call_restrictions');
  if (filter.status) base = base.where('status', '=', filter.status);
  if (filter.phone) base = base.where('phone_hash', '=', phoneHash(ctx.store.crypto, filter.phone));
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('id', 'desc').limit(pageSize).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const names = await userNames(ctx.store.db, rows);
  return { items: rows.map((r) => restrictionView(ctx, r, actor, names)), total: Number(count.n), page, pageSize };
}

async function load(tx: Tx, id: number): Promise<Row> {
  const row = await tx.selectFrom('call_restrictions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`限制记录 ${id} 不存在`);
  return row;
}

async function viewOne(ctx: AppContext, tx: Tx, id: number, actor: Actor) {
  const row = await load(tx, id);
  const names = await userNames(tx, [row]);
  return restrictionView(ctx, row, actor, names);
}

export interface RestrictionRequest {
  phone: string;
  reason: string;
  days: number;
  note?: string;
}

export async function requestRestriction(ctx: AppContext, actor: Actor, req: RestrictionRequest) {
  const rules = ctx.city.calls.restriction;
  if (!(req.reason in rules.reasons)) throw invalid('reason', `限制理由应为第三十二条所列情形之一：${Object.keys(rules.reasons).join('、')}`);
  if (!Number.isInteger(req.days) || req.days < 1 || req.days > rules.maxDays) throw invalid('days', `限制天数须为 1 至 ${rules.maxDays} 的整数（短期限制）`);
  const phone = normalisePhone(req.phone);
  const now = ctx.clock.now();
  return inTransaction(ctx.store.db, async (tx) => {
    const open = await tx
      .selectFrom('call_restrictions')
      .select(['id', 'status', 'expires_at'])
      .where('phone_hash', '=', phoneHash(ctx.store.crypto, phone))
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'active'), eb('expires_at', '>', now)])]))
      .executeTakeFirst();
    if (open) throw conflict(`该号码已有${open.status === 'pending' ? '待审批的限制申请' : '生效中的限制'}（编号 ${open.id}）`);
    const row = await tx
      .insertInto('call_restrictions')
      .values({ phone, reason: req.reason, note: req.note ?? null, days: req.days, status: 'pending', requested_by: actor.userId, requested_at: now, approved_by: null, approved_at: null, expires_at: null, revoked_by: null, revoked_at: null, revoke_reason: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await writeEvent(tx, actor, now, { action: 'call_restriction_request', toStatus: 'pending', detail: { restrictionId: id, reason: req.reason, days: req.days } });
    return viewOne(ctx, tx, id, actor);
  });
}

export async function decideRestriction(ctx: AppContext, actor: Actor, id: number, approve: boolean, note?: string) {
  const now = ctx.clock.now();
  return inTransaction(ctx.store.db, async (tx) => {
    const row = await load(tx, id);
    if (row.status !== 'pending') throw conflict(`限制申请当前为「${RESTRICTION_STATUS_LABELS[statusAt(row, now)]}」，不能审批`);
    if (row.requested_by === actor.userId) throw forbidden('限制申请须由申请人以外的人员审批');
    const expiresAt = new Date(Date.parse(now) + row.days * 86_400_000).toISOString();
    const updated = await tx
      .updateTable('call_restrictions')
      .set(approve ? { status: 'active', approved_by: actor.userId, approved_at: now, expires_at: expiresAt } : { status: 'rejected', approved_by: actor.userId, approved_at: now, revoke_reason: note ?? null })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw conflict('限制申请已被他人处理');
    await writeEvent(tx, actor, now, { action: approve ? 'call_restriction_approve' : 'call_restriction_reject', fromStatus: 'pending', toStatus: approve ? 'active' : 'rejected', detail: { restrictionId: id, days: row.days } });
    return viewOne(ctx, tx, id, actor);
  });
}

export async function revokeRestriction(ctx: AppContext, actor: Actor, id: number, reason: string) {
  const now = ctx.clock.now();
  return inTransaction(ctx.store.db, async (tx) => {
    const row = await load(tx, id);
    const status = statusAt(row, now);
    if (status !== 'active' && status !== 'pending') throw conflict(`限制当前为「${RESTRICTION_STATUS_LABELS[status]}」，不能撤销`);
    await tx.updateTable('call_restrictions').set({ status: 'revoked', revoked_by: actor.userId, revoked_at: now, revoke_reason: reason }).where('id', '=', id).execute();
    await writeEvent(tx, actor, now, { action: 'call_restriction_revoke', fromStatus: status, toStatus: 'revoked', detail: { restrictionId: id } });
    return viewOne(ctx, tx, id, actor);
  });
}
