// Numbers that asked the centre for no SMS from the platform. The relay checks every SMS against
// this list when it is due, so an opt-out also stops messages already waiting in the outbox. The
// numbers are sealed at rest: a number is found by its keyed lookup hash.
import type { AppContext } from '../server/context.ts';
import type { FieldCrypto } from '../store/field-crypto.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import { maskPhone } from '../domain/masking.ts';
import { writeEvent } from '../audit/events.ts';
import { invalid, notFound } from '../server/problem.ts';

/** 138 1234 5678, +86 13812345678, 0453-8612345 → digits only (a leading 86 country code dropped). */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

/** The lookup hash of a number as the list keeps it. */
function optOutHash(crypto: FieldCrypto, phone: string): string {
  return crypto.phoneLookupHash(normalizePhone(phone)) ?? '';
}

export async function isOptedOut(ctx: AppContext, phone: string): Promise<boolean> {
  const row = await ctx.store.db.selectFrom('sms_opt_outs').select('id').where('phone_hash', '=', optOutHash(ctx.store.crypto, phone)).executeTakeFirst();
  return Boolean(row);
}

/** Turns SMS off (optedOut true) or back on for a number; audited without the number itself. */
export async function setOptOut(ctx: AppContext, actor: Actor | null, phone: string, optedOut: boolean, note?: string): Promise<{ phone: string; optedOut: boolean }> {
  const normalized = normalizePhone(phone);
  if (normalized.length < 7) throw invalid('phone', '请填写有效的手机号码');
  const now = ctx.clock.now();
  const hash = optOutHash(ctx.store.crypto, normalized);
  await inTransaction(ctx.store.db, async (tx) => {
    const existing = await tx.selectFrom('sms_opt_outs').select('id').where('phone_hash', '=', hash).executeTakeFirst();
    if (optedOut && !existing) {
      await tx.insertInto('sms_opt_outs').values({ phone: normalized, note: note ?? null, created_by: actor?.userId ?? null, created_at: now }).execute();
      await writeEvent(tx, actor, now, { action: 'sms_opt_out', detail: { phone: maskPhone(normalized) } });
    } else if (!optedOut && existing) {
      await tx.deleteFrom('sms_opt_outs').where('phone_hash', '=', hash).execute();
      await writeEvent(tx, actor, now, { action: 'sms_opt_in', detail: { phone: maskPhone(normalized) } });
    }
  });
  return { phone: maskPhone(normalized)!, optedOut };
}

/** Removes one opt-out by its id (the console lists numbers masked); audited like an opt-in. */
export async function removeOptOut(ctx: AppContext, actor: Actor | null, id: number): Promise<{ id: number; phone: string; optedOut: false }> {
  const now = ctx.clock.now();
  return inTransaction(ctx.store.db, async (tx) => {
    const row = await tx.selectFrom('sms_opt_outs').select(['id', 'phone']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`拒收记录 ${id} 不存在`);
    await tx.deleteFrom('sms_opt_outs').where('id', '=', id).execute();
    await writeEvent(tx, actor, now, { action: 'sms_opt_in', detail: { phone: maskPhone(row.phone) } });
    return { id, phone: maskPhone(row.phone)!, optedOut: false as const };
  });
}
