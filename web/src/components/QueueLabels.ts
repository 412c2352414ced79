// The work queues the server knows (src/tickets/queues.ts): their names, for a `?queue=` link that
// arrives at the list before the workbench is loaded, and the colours the workbench gives them.
export const QUEUE_LABELS: Record<string, string> = {
  to_sign: '待签收',
  handling: '办理中',
  due_soon: '即将超期',
  overdue: '已超期',
  to_approve: '待负责人审定',
  extension_pending: '延期待审批',
  pending_dispatch: '待派单',
  returned: '退单待处理',
  disputed: '异议待裁定',
  to_review: '待审核',
  callback: '待回访',
  to_archive: '待归档',
};

/** Colour of a queue's count: overdue red, due soon orange, the rest the theme's text colour. */
export const QUEUE_COLORS: Record<string, string | undefined> = {
  overdue: '#cf1322',
  due_soon: '#d46b08',
};

export interface WorkbenchQueue {
  key: string;
  label: string;
  count: number;
}
