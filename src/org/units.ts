// Adding and editing units (admin). A unit's `path` is its ancestors' ids, so a new unit takes its
// parent's path plus its own id; units are never moved or deleted, only deactivated, and only when
// nothing still depends on them. Callers reload the directory (ctx.org.reload()) after the commit.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { UNIT_KINDS, UNIT_KIND_LABELS, type UnitKind } from '../domain/unit-kinds.ts';
import { mobileNumber, MOBILE_RULE } from '../domain/mobile.ts';
import { conflict, invalid, notFound } from '../server/problem.ts';
import { inTransaction, type Tx } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { isUniqueViolation } from './validation.ts';

export { UNIT_KINDS, UNIT_KIND_LABELS };

/** Kinds the platform looks up by kind (firstOfKind): the last active one of each must stay. */
const SINGLE_KINDS: ReadonlySet<string> = new Set(['centre', 'authority', 'government']);

export const UNIT_CODE_PATTERN = /^[A-Z0-9-]{2,20}$/;
export const SMS_PHONE_PATTERN = /^\+?[0-9][0-9-]{4,19}$/;

export interface NewUnit {
  code: string;
  name: string;
  kind: UnitKind;
  parentCode?: string | null;
  smsPhone?: string | null;
}

export interface UnitChange {
  name?: string;
  smsPhone?: string | null;
  active?: boolean;
}

export interface UnitView {
  code: string;
  name: string;
  kind: string;
  kindLabel: string;
  parent: string | null;
  depth: number;
  smsPhone: string | null;
  active: boolean;
}

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw invalid('name', '单位名称不能为空');
  return trimmed;
}

function cleanPhone(phone: string | null | undefined): string | null {
  const trimmed = phone?.trim() ?? '';
  if (!trimmed) return null;
  if (!SMS_PHONE_PATTERN.test(trimmed)) throw invalid('smsPhone', `短信值班电话「${trimmed}」格式不正确，应为${MOBILE_RULE}`);
  // The number receives the unit's SMS notices: an office landline would never get them.
  if (!mobileNumber(trimmed)) throw invalid('smsPhone', `短信值班电话「${trimmed}」不是手机号码，座机无法接收短信通知，请填写${MOBILE_RULE}`);
  return trimmed;
}

/** Every unit, active or not, parents before children, for the admin's tree. */
export async function listAllUnits(ctx: AppContext): Promise<UnitView[]> {
  const rows = await ctx.store.db.selectFrom('units').selectAll().orderBy('id').execute();
  const codeOf = new Map(rows.map((r) => [r.id, r.code]));
  return rows.map((r) => viewOf(r, r.parent_id ? codeOf.get(r.parent_id) ?? null : null));
}

function viewOf(r: { code: string; name: string; kind: string; path: string; sms_phone: string | null; active: number }, parent: string | null): UnitView {
  return {
    code: r.code,
    name: r.name,
    kind: r.kind,
    kindLabel: UNIT_KIND_LABELS[r.kind as UnitKind] ?? r.kind,
    parent,
    depth: r.path.split('/').filter(Boolean).length - 1,
    smsPhone: r.sms_phone,
    active: !!r.active,
  };
}

export async function createUnit(ctx: AppContext, actor: Actor, input: NewUnit): Promise<UnitView> {
  const code = input.code.trim();
  if (!UNIT_CODE_PATTERN.test(code)) throw invalid('code', `单位编码「${code}」格式不正确：只能包含大写字母、数字和连字符，2–20 位`);
  if (!UNIT_KINDS.includes(input.kind)) throw invalid('kind', `单位类型「${input.kind}」不存在`);
  const name = cleanName(input.name);
  const smsPhone = cleanPhone(input.smsPhone);
  const parentCode = input.parentCode?.trim() || null;
  if (input.kind === 'subunit' && !parentCode) throw invalid('parentCode', '下级承办单位须指定上级单位');
  let created: UnitView;
  try {
    created = await inTransaction(ctx.store.db, async (tx) => {
      const parent = parentCode ? await tx.selectFrom('units').selectAll().where('code', '=', parentCode).executeTakeFirst() : undefined;
      if (parentCode && !parent) throw invalid('parentCode', `上级单位「${parentCode}」不存在`);
      if (parent && !parent.active) throw invalid('parentCode', `上级单位「${parent.name}」已停用`);
      const exists = await tx.selectFrom('units').select('id').where('code', '=', code).executeTakeFirst();
      if (exists) throw conflict(`单位编码「${code}」已存在`);
      const row = await tx
        .insertInto('units')
        .values({ code, name, kind: input.kind, parent_id: parent?.id ?? null, path: '', sms_phone: smsPhone, active: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(row.id);
      const path = `${parent ? parent.path : '/'}${id}/`;
      await tx.updateTable('units').set({ path }).where('id', '=', id).execute();
      await writeEvent(tx, actor, ctx.clock.now(), { action: 'unit_create', detail: { unit: code, kind: input.kind, parent: parent?.code ?? null } });
      return viewOf({ code, name, kind: input.kind, path, sms_phone: smsPhone, active: 1 }, parent?.code ?? null);
    });
  } catch (err) {
    // Two admins adding the same code at once: the unique index decides.
    if (isUniqueViolation(err)) throw conflict(`单位编码「${code}」已存在`);
    throw err;
  }
  await ctx.org.reload();
  return created;
}

export async function updateUnit(ctx: AppContext, actor: Actor, code: string, change: UnitChange): Promise<UnitView> {
  const name = change.name === undefined ? undefined : cleanName(change.name);
  const smsPhone = change.smsPhone === undefined ? undefined : cleanPhone(change.smsPhone);
  const updated = await inTransaction(ctx.store.db, async (tx) => {
    const unit = await tx.selectFrom('units').selectAll().where('code', '=', code).executeTakeFirst();
    if (!unit) throw notFound(`单位「${code}」不存在`);
    const parent = unit.parent_id ? await tx.selectFrom('units').selectAll().where('id', '=', unit.parent_id).executeTakeFirst() : undefined;
    const set: { name?: string; sms_phone?: string | null; active?: number } = {};
    const changed: string[] = [];
    if (name !== undefined && name !== unit.name) {
      set.name = name;
      changed.push('name');
    }
    if (smsPhone !== undefined && smsPhone !== unit.sms_phone) {
      set.sms_phone = smsPhone;
      changed.push('smsPhone');
    }
    if (change.active !== undefined && change.active !== !!unit.active) {
      if (change.active) {
        if (parent && !parent.active) throw conflict(`上级单位「${parent.name}」已停用，请先启用上级单位`);
      } else {
        await assertCanDeactivate(tx, unit);
      }
      set.active = change.active ? 1 : 0;
      changed.push('active');
    }
    const after = { ...unit, ...set };
    if (changed.length) {
      await tx.updateTable('units').set(set).where('id', '=', unit.id).execute();
      // Field names only: a duty phone is not personal data, but the log needs no values to be useful.
      await writeEvent(tx, actor, ctx.clock.now(), { action: 'unit_update', detail: { unit: unit.code, changed, active: !!after.active } });
    }
    return viewOf(after, parent?.code ?? null);
  });
  await ctx.org.reload();
  return updated;
}

/** A unit may go only when no open duty, active sub-unit, active user or category still needs it. */
async function assertCanDeactivate(tx: Tx, unit: { id: number; name: string; kind: string }): Promise<void> {
  const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
  const duties = await count(
    tx
      .selectFrom('duties')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'open')
      .where((eb) => eb.or([eb('unit_id', '=', unit.id), eb('handler_unit_id', '=', unit.id)]))
      .executeTakeFirst(),
  );
  if (duties) throw conflict(`「${unit.name}」还有 ${duties} 项未完成的办理职责，不能停用；请先办结或改派相关工单`, { openDuties: duties });
  const children = await count(tx.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).where('parent_id', '=', unit.id).where('active', '=', 1).executeTakeFirst());
  if (children) throw conflict(`「${unit.name}」还有 ${children} 个启用的下级单位，请先停用下级单位`);
  const users = await count(tx.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('unit_id', '=', unit.id).where('active', '=', 1).executeTakeFirst());
  if (users) throw conflict(`「${unit.name}」还有 ${users} 个启用的用户，请先调整其所属单位或停用`);
  const categories = await tx.selectFrom('categories').select(['code', 'name']).where('default_unit_id', '=', unit.id).where('active', '=', 1).orderBy('id').execute();
  if (categories.length) {
    throw conflict(`「${unit.name}」是诉求分类「${categories.map((c) => c.name).join('、')}」的默认承办单位，请先调整分类`, { categories: categories.map((c) => c.code) });
  }
  if (SINGLE_KINDS.has(unit.kind)) {
    const others = await count(
      tx.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', unit.kind).where('active', '=', 1).where('id', '!=', unit.id).executeTakeFirst(),
    );
    if (!others) throw conflict(`「${unit.name}」是唯一的${UNIT_KIND_LABELS[unit.kind as UnitKind]}，不能停用`);
  }
}
