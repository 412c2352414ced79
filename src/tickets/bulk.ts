// 批量操作 in the work lists: one existing ticket action applied to many tickets. Each ticket is its
// own transaction (the single action's, with its audit event and outbox messages), so one refusal
// does not undo the others: the answer reports every ticket's outcome. A batch is at most
// BULK_MAX tickets, and the request itself is audited with its counts.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import { inTransaction } from '../store/db.ts';
import { ACTION_RULES, type Action } from '../domain/ticket-states.ts';
import { forbidden, invalid, Problem } from '../server/problem.ts';
import { writeEvent } from '../audit/events.ts';
import { runAction, type ActionDefinition } from './action-runner.ts';

export const BULK_MAX = 200;
/** The actions a list offers for selected rows: 归档, 派单, 签收, 指定承办人 (within the unit). */
export const BULK_ACTIONS = ['archive', 'dispatch', 'sign', 'assign'] as const satisfies readonly Action[];
export type BulkAction = (typeof BULK_ACTIONS)[number];

export interface BulkRequest {
  action: BulkAction;
  nos: string[];
  body?: Record<string, unknown>;
}

export interface BulkItem {
  no: string;
  ok: boolean;
  status?: string;
  error?: { status: number; title: string };
}

export const bulkSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['action', 'nos'],
  properties: {
    action: { type: 'string', enum: [...BULK_ACTIONS] },
    nos: { type: 'array', minItems: 1, maxItems: BULK_MAX, items: { type: 'string', pattern: '^[A-Z]{2,8}[0-9]{14}$' } },
    body: { type: 'object' },
  },
};

export async function runBulk(ctx: AppContext, definitions: Record<Action, ActionDefinition>, actor: Actor, req: BulkRequest) {
  const rule = ACTION_RULES[req.action];
  if (!rule.roles.includes(actor.role)) throw forbidden(`当前角色无权批量执行「${rule.label}」`);
  const nos = [...new Set(req.nos)];
  if (nos.length !== req.nos.length) throw invalid('nos', '工单编号（nos）有重复');
  const items: BulkItem[] = [];
  for (const no of nos) {
    try {
      const r = await runAction(ctx, definitions, actor, no, req.action, req.body ?? {});
      items.push({ no, ok: true, status: r.status });
    } catch (err) {
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      items.push({ no, ok: false, error: { status: err.status, title: err.title } });
    }
  }
  const done = items.filter((i) => i.ok).length;
  await inTransaction(ctx.store.db, (tx) =>
    writeEvent(tx, actor, ctx.clock.now(), { action: 'bulk', detail: { action: req.action, requested: nos.length, done, failed: nos.length - done } }),
  );
  return { action: req.action, actionLabel: rule.label, requested: nos.length, done, failed: nos.length - done, items };
}

export const exportSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['nos'],
  properties: { nos: bulkSchema.properties.nos },
};

/**
 * The selected tickets as an .xlsx, as the viewer sees them in the list (masked for their role, the
 * viewer's mark under the title); a ticket the viewer may not see is left out, never named.
 */
export async function exportSelected(ctx: AppContext, actor: Actor, nos: string[], mark: string): Promise<{ file: Buffer; rows: number }> {
  const { ticketNumbered, unitCanSee } = await import('./model.ts');
  const { ticketSummary } = await import('./view.ts');
  const { exportFooter } = await import('../server/watermark.ts');
  const db = ctx.store.db;
  const rows: string[][] = [];
  for (const no of [...new Set(nos)]) {
    const t = await ticketNumbered(db, no).selectAll().executeTakeFirst();
    if (!t || !(await unitCanSee(db, actor, t.id))) continue;
    const cat = t.category_id ? await db.selectFrom('categories').select('name').where('id', '=', t.category_id).executeTakeFirst() : undefined;
    const s = ticketSummary(ctx, t, actor, null, cat?.name ?? null);
    rows.push([s.no, s.statusLabel, s.typeLabel, s.category ?? '', s.facts, s.requesterName ?? '', s.leadUnit?.name ?? '', s.createdAt ?? '', s.nextDueAt ?? '']);
  }
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345热线平台';
  const ws = wb.addWorksheet('工单');
  const headers = ['工单编号', '状态', '诉求类型', '诉求分类', '诉求事实', '诉求人', '主办单位', '受理时间', '下一期限'];
  ws.addRow([`工单导出（${rows.length} 张）`]);
  ws.addRow([exportFooter(mark)]);
  ws.addRow(headers).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  headers.forEach((h, i) => (ws.getColumn(i + 1).width = i === 4 ? 60 : 20));
  return { file: Buffer.from(await wb.xlsx.writeBuffer()), rows: rows.length };
}
