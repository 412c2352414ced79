// The dispatch catalogue (派单目录) as the admin edits it: a leaf's default unit and its law-given
// reply limit, which must cite its legal basis (第十五条). A change applies to tickets dispatched
// after it; the deadlines of tickets already dispatched stay as they were set.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { conflict, invalid, notFound } from '../server/problem.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { describeLimit, type LimitUnit, type TimeLimit } from '../domain/time-limits.ts';
import { HANDLING_UNIT_KINDS } from './seed.ts';

export const LIMIT_UNITS: readonly LimitUnit[] = ['working_days', 'days', 'hours'];

export interface CategoryChange {
  defaultUnitCode?: string | null;
  replyLimit?: TimeLimit | null;
  legalBasis?: string | null;
}

export interface CategoryView {
  code: string;
  name: string;
  parent: string | null;
  defaultUnit: { code: string; name: string } | null;
  replyLimit: string | null;
  limit: TimeLimit | null;
  legalBasis: string | null;
  keywords: string[];
}

type CategoryRow = {
  id: number;
  code: string;
  name: string;
  parent_id: number | null;
  default_unit_id: number | null;
  reply_limit_unit: string | null;
  reply_limit_amount: number | null;
  legal_basis: string | null;
  keywords: string | null;
};

export function categoryView(ctx: AppContext, r: CategoryRow, parent: string | null): CategoryView {
  const unit = ctx.org.get(r.default_unit_id);
  const limit = r.reply_limit_unit && r.reply_limit_amount ? { unit: r.reply_limit_unit as LimitUnit, amount: r.reply_limit_amount } : null;
  return {
    code: r.code,
    name: r.name,
    parent,
    defaultUnit: unit ? { code: unit.code, name: unit.name } : null,
    replyLimit: limit ? describeLimit(limit) : null,
    limit,
    legalBasis: r.legal_basis,
    keywords: r.keywords ? r.keywords.split(',') : [],
  };
}

export async function updateCategory(ctx: AppContext, actor: Actor, code: string, change: CategoryChange): Promise<CategoryView> {
  const unitCode = change.defaultUnitCode === undefined ? undefined : change.defaultUnitCode?.trim() || null;
  const unit = unitCode ? ctx.org.byCodeOrUndefined(unitCode) : undefined;
  if (unitCode && !unit) throw invalid('defaultUnitCode', `默认承办单位「${unitCode}」不存在或已停用`);
  if (unit && !HANDLING_UNIT_KINDS.has(unit.kind)) throw invalid('defaultUnitCode', `默认承办单位「${unit.name}」不是承办单位`);
  if (change.replyLimit && !LIMIT_UNITS.includes(change.replyLimit.unit)) throw invalid('replyLimit', `法定办理时限的单位「${change.replyLimit.unit}」无效`);
  const basis = change.legalBasis === undefined ? undefined : change.legalBasis?.trim() || null;

  return inTransaction(ctx.store.db, async (tx) => {
    const row = await tx.selectFrom('categories').selectAll().where('code', '=', code).where('active', '=', 1).executeTakeFirst();
    if (!row) throw notFound(`诉求分类「${code}」不存在`);
    const child = await tx.selectFrom('categories').select('id').where('parent_id', '=', row.id).where('active', '=', 1).executeTakeFirst();
    if (child) throw conflict(`「${row.name}」是分类分组，只能设置其下的具体分类`);

    const set: { default_unit_id?: number | null; reply_limit_unit?: string | null; reply_limit_amount?: number | null; legal_basis?: string | null } = {};
    const changed: string[] = [];
    if (unitCode !== undefined && (unit?.id ?? null) !== row.default_unit_id) {
      set.default_unit_id = unit?.id ?? null;
      changed.push('defaultUnit');
    }
    if (change.replyLimit !== undefined) {
      const unitOf = change.replyLimit?.unit ?? null;
      const amount = change.replyLimit?.amount ?? null;
      if (unitOf !== row.reply_limit_unit || amount !== row.reply_limit_amount) {
        set.reply_limit_unit = unitOf;
        set.reply_limit_amount = amount;
        changed.push('replyLimit');
      }
    }
    // Without a limit there is nothing to justify: clearing the limit clears its basis unless one is given.
    const nextBasis = basis !== undefined ? basis : change.replyLimit === null ? null : row.legal_basis;
    if (nextBasis !== row.legal_basis) {
      set.legal_basis = nextBasis;
      changed.push('legalBasis');
    }
    const after = { ...row, ...set };
    if (after.reply_limit_unit && !after.legal_basis) throw invalid('legalBasis', '设置法定办理时限须填写法定依据（法律、法规或规章的名称和条款）');

    if (changed.length) {
      await tx.updateTable('categories').set(set).where('id', '=', row.id).execute();
      const limit = after.reply_limit_unit && after.reply_limit_amount ? describeLimit({ unit: after.reply_limit_unit as LimitUnit, amount: after.reply_limit_amount }) : null;
      await writeEvent(tx, actor, ctx.clock.now(), {
        action: 'category_update',
        detail: { category: row.code, changed, defaultUnit: ctx.org.get(after.default_unit_id)?.code ?? null, replyLimit: limit },
      });
    }
    const parent = row.parent_id ? await tx.selectFrom('categories').select('code').where('id', '=', row.parent_id).executeTakeFirst() : undefined;
    return categoryView(ctx, after, parent?.code ?? null);
  });
}
