// The names of the work queues (待签收, 已超期, …); their conditions live in src/tickets/queues.ts.
export const QUEUES = {
  mine: '我的待办',
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
} as const;
export type Queue = keyof typeof QUEUES;
