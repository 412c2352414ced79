// Loads a city's organisation and dispatch catalogue from its configuration. Idempotent: units and
// categories already present (by code) are updated in place, so a config change can be re-applied;
// but a field an admin has changed in the console (a unit_update / category_update audit event names
// it) keeps the admin's value, so restarting the server does not undo the admin's work.
import type { CityConfig } from '../config/city.ts';
import type { Db, Tx } from '../store/db.ts';
import { inTransaction } from '../store/db.ts';
import { archivedAdminEdits } from '../audit/archive-records.ts';

/** Unit kinds that handle tickets; the centre, the authority and the city government do not. */
export const HANDLING_UNIT_KINDS: ReadonlySet<string> = new Set(['district', 'department', 'utility', 'subunit']);

export async function applyCityConfig(db: Db, city: CityConfig): Promise<{ units: number; categories: number }> {
  const kinds = new Map(city.units.map((u) => [u.code, u.kind]));
  for (const c of city.categories) {
    if (c.defaultUnit && !HANDLING_UNIT_KINDS.has(kinds.get(c.defaultUnit) ?? '')) {
      throw new Error(`category ${c.code}: default unit ${c.defaultUnit} is not a handling unit`);
    }
  }
  return inTransaction(db, async (tx) => {
    const edited = await adminEditedFields(tx);
    const unitIds = new Map<string, number>();
    const paths = new Map<string, string>();
    for (const u of orderParentsFirst(city.units)) {
      const parentId = u.parent ? unitIds.get(u.parent) : undefined;
      if (u.parent && parentId === undefined) throw new Error(`unit ${u.code}: unknown parent ${u.parent}`);
      const existing = await tx.selectFrom('units').select('id').where('code', '=', u.code).executeTakeFirst();
      let id: number;
      if (existing) {
        id = existing.id;
        const mine = edited.get(`unit:${u.code}`);
        await tx
          .updateTable('units')
          .set({
            kind: u.kind,
            parent_id: parentId ?? null,
            ...(mine?.has('name') ? {} : { name: u.name }),
            ...(mine?.has('smsPhone') ? {} : { sms_phone: u.smsPhone ?? null }),
            ...(mine?.has('active') ? {} : { active: 1 }),
          })
          .where('id', '=', id)
          .execute();
      } else {
        const row = await tx
          .insertInto('units')
          .values({ code: u.code, name: u.name, kind: u.kind, parent_id: parentId ?? null, path: '', sms_phone: u.smsPhone ?? null, active: 1 })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = Number(row.id);
      }
      const path = `${u.parent ? paths.get(u.parent)! : '/'}${id}/`;
      await tx.updateTable('units').set({ path }).where('id', '=', id).execute();
      unitIds.set(u.code, id);
      paths.set(u.code, path);
    }

    const categoryIds = new Map<string, number>();
    for (const c of orderParentsFirst(city.categories)) {
      const values = {
        name: c.name,
        parent_id: c.parent ? categoryIds.get(c.parent) ?? null : null,
        default_unit_id: c.defaultUnit ? requireId(unitIds, c.defaultUnit, `category ${c.code}`) : null,
        reply_limit_unit: c.replyLimit?.unit ?? null,
        reply_limit_amount: c.replyLimit?.amount ?? null,
        legal_basis: c.legalBasis ?? null,
        keywords: c.keywords?.join(',') ?? null,
        active: 1,
        case_class: c.caseClass ?? null,
      };
      const existing = await tx.selectFrom('categories').select('id').where('code', '=', c.code).executeTakeFirst();
      if (existing) {
        const mine = edited.get(`category:${c.code}`);
        const { default_unit_id, reply_limit_unit, reply_limit_amount, legal_basis, ...rest } = values;
        await tx
          .updateTable('categories')
          .set({
            ...rest,
            ...(mine?.has('defaultUnit') ? {} : { default_unit_id }),
            ...(mine?.has('replyLimit') ? {} : { reply_limit_unit, reply_limit_amount }),
            ...(mine?.has('legalBasis') ? {} : { legal_basis }),
          })
          .where('id', '=', existing.id)
          .execute();
        categoryIds.set(c.code, existing.id);
      } else {
        const row = await tx.insertInto('categories').values({ code: c.code, ...values }).returning('id').executeTakeFirstOrThrow();
        categoryIds.set(c.code, Number(row.id));
      }
    }
    return { units: unitIds.size, categories: categoryIds.size };
  });
}

/** 'unit:CODE' / 'category:CODE' → the fields admins have changed, from the audit log (archived events too). */
async function adminEditedFields(tx: Tx): Promise<Map<string, Set<string>>> {
  // Admin events carry no ticket, so the (ticket_id, id) index narrows this to the few of them.
  const rows = await tx
    .selectFrom('events')
    .select(['action', 'detail'])
    .where('ticket_id', 'is', null)
    .where('action', 'in', ['unit_update', 'category_update'])
    .execute();
  const out = await archivedAdminEdits(tx);
  for (const r of rows) {
    const detail = r.detail ? (JSON.parse(r.detail) as { unit?: string; category?: string; changed?: string[] }) : {};
    const key = r.action === 'unit_update' ? `unit:${detail.unit}` : `category:${detail.category}`;
    const fields = out.get(key) ?? new Set<string>();
    for (const f of detail.changed ?? []) fields.add(f);
    out.set(key, fields);
  }
  return out;
}

function requireId(ids: Map<string, number>, code: string, what: string): number {
  const id = ids.get(code);
  if (id === undefined) throw new Error(`${what}: unknown unit ${code}`);
  return id;
}

function orderParentsFirst<T extends { code: string; parent?: string }>(items: T[]): T[] {
  const byCode = new Map(items.map((i) => [i.code, i]));
  const out: T[] = [];
  const seen = new Set<string>();
  const visit = (item: T) => {
    if (seen.has(item.code)) return;
    seen.add(item.code);
    if (item.parent && byCode.has(item.parent)) visit(byCode.get(item.parent)!);
    out.push(item);
  };
  items.forEach(visit);
  return out;
}

export type { Tx };
