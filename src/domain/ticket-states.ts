// Ticket states and the actions between them, as one table (第十二条 闭环: 受理 → 派单 → 签收 →
// 办理 → 反馈 → 审核 → 回访 → 办结 → 归档). The server refuses any action this table does not allow.
import { ROLES, type Role } from './roles.ts';

export const TICKET_STATUSES = [
  'pending_dispatch', // 待派单
  'dispatched', // 待签收
  'in_progress', // 办理中
  'returned', // 退单待处理
  'disputed', // 异议待裁定
  'awaiting_approval', // 待负责人审定 (provincial/national tickets)
  'replied', // 待审核
  'callback', // 待回访
  'closed', // 已办结
  'archived', // 已归档
  'answered', // 直接解答
  'rejected', // 不予受理
  'transferred', // 已转紧急热线
  'merged', // 已并单
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** The states of a finished ticket (its closed_at is set on entering one): the history rests in them. */
export const FINISHED_STATUSES: readonly TicketStatus[] = ['closed', 'archived', 'answered', 'rejected', 'transferred', 'merged'];

export const STATUS_LABELS: Record<TicketStatus, string> = {
  pending_dispatch: '待派单',
  dispatched: '待签收',
  in_progress: '办理中',
  returned: '退单待处理',
  disputed: '异议待裁定',
  awaiting_approval: '待负责人审定',
  replied: '待审核',
  callback: '待回访',
  closed: '已办结',
  archived: '已归档',
  answered: '直接解答',
  rejected: '不予受理',
  transferred: '已转紧急热线',
  merged: '已并单',
};

/** States in which units still owe work and lights are shown. */
export const OPEN_STATUSES: readonly TicketStatus[] = [
  'pending_dispatch',
  'dispatched',
  'in_progress',
  'returned',
  'disputed',
  'awaiting_approval',
  'replied',
  'callback',
];

export const ACTIONS = [
  'dispatch',
  'sign',
  'delegate',
  'return',
  'decide_return',
  'dispute',
  'settle_dispute',
  'request_extension',
  'decide_extension',
  'opinion',
  'first_response',
  'progress',
  'reply',
  'decline',
  'approve_reply',
  'review',
  'callback',
  'quality_send_back',
  'quality_redispatch',
  'archive',
  'flag_special',
  'merge',
  'reveal_contact',
  'assign',
  'note',
] as const;
export type Action = (typeof ACTIONS)[number];

const CENTRE: Role[] = ['centre', 'team_lead', 'admin'];
const INTAKE: Role[] = ['agent', 'team_lead', 'centre', 'admin'];
const UNIT: Role[] = ['unit_staff', 'unit_head'];
const HANDLING: TicketStatus[] = ['dispatched', 'in_progress'];

export interface ActionRule {
  label: string;
  roles: readonly Role[];
  from: readonly TicketStatus[];
  /** For unit roles: which of the unit's duties the action needs ('lead' = the lead unit, 'any' = lead or co-handler). */
  unitDuty?: 'lead' | 'co' | 'any';
}

export const ACTION_RULES: Record<Action, ActionRule> = {
  dispatch: { label: '派单', roles: INTAKE, from: ['pending_dispatch'] },
  sign: { label: '签收', roles: UNIT, from: HANDLING, unitDuty: 'any' },
  delegate: { label: '转下级承办', roles: UNIT, from: HANDLING, unitDuty: 'lead' },
  return: { label: '退单', roles: UNIT, from: HANDLING, unitDuty: 'lead' },
  decide_return: { label: '退单审核', roles: CENTRE, from: ['returned'] },
  dispute: { label: '提出异议', roles: ['unit_head'], from: HANDLING, unitDuty: 'lead' },
  settle_dispute: { label: '异议裁定', roles: ['authority', 'admin'], from: ['disputed'] },
  request_extension: { label: '申请延期', roles: [...UNIT, 'admin'], from: ['in_progress'], unitDuty: 'lead' },
  decide_extension: { label: '延期审批', roles: CENTRE, from: ['in_progress', 'awaiting_approval'] },
  opinion: { label: '协办意见', roles: UNIT, from: HANDLING, unitDuty: 'co' },
  first_response: { label: '初步响应', roles: UNIT, from: HANDLING, unitDuty: 'lead' },
  progress: { label: '进度反馈', roles: UNIT, from: ['in_progress'], unitDuty: 'lead' },
  reply: { label: '办理反馈', roles: UNIT, from: ['in_progress'], unitDuty: 'lead' },
  decline: { label: '不再办理', roles: UNIT, from: ['in_progress'], unitDuty: 'lead' },
  approve_reply: { label: '负责人审定', roles: ['unit_head'], from: ['awaiting_approval'], unitDuty: 'lead' },
  review: { label: '反馈审核', roles: CENTRE, from: ['replied'] },
  callback: { label: '回访', roles: CENTRE, from: ['callback'] },
  quality_send_back: { label: '质效审核退回', roles: CENTRE, from: ['closed'] },
  quality_redispatch: { label: '质效审核改派', roles: CENTRE, from: ['closed'] },
  archive: { label: '归档', roles: CENTRE, from: ['closed'] },
  flag_special: { label: '标记特殊事项', roles: INTAKE, from: OPEN_STATUSES },
  merge: { label: '并单', roles: INTAKE, from: ['pending_dispatch'] },
  // Only the unit holding open work on the ticket now (checked by the action); the authority asks the
  // centre, which works with the requester (docs/security-personal-data.md).
  reveal_contact: {
    label: '查看完整联系方式',
    roles: UNIT,
    from: OPEN_STATUSES,
    unitDuty: 'any',
  },
  // 承办人: a unit's head or staff names who of the unit handles its part (checked by the action:
  // an active user of the caller's own unit, while the unit holds open work on the ticket).
  assign: { label: '指定承办人', roles: UNIT, from: OPEN_STATUSES, unitDuty: 'any' },
  // Every console role may note, on a ticket in work or closed (a finished intake takes no action);
  // a unit user only on a ticket it may see (the runner's check).
  note: { label: '内部备注', roles: ROLES, from: [...OPEN_STATUSES, 'closed', 'archived'] },
};

/**
 * Staff-internal actions: shown in the console's timeline and nowhere outside it (the change feed
 * and its webhooks, Open311's updates, the portal), so a note or an owner never leaves the platform.
 */
export const INTERNAL_ACTIONS: readonly string[] = ['assign', 'note'];

/** Why an action is refused, or null when the state and role allow it (unit duties are checked by the service). */
export function refusal(action: Action, status: TicketStatus, role: Role): { status: 403 | 409; title: string } | null {
  const rule = ACTION_RULES[action];
  if (!rule.roles.includes(role)) {
    return { status: 403, title: `当前角色无权执行「${rule.label}」` };
  }
  if (!rule.from.includes(status)) {
    return { status: 409, title: `工单状态为「${STATUS_LABELS[status]}」，不能执行「${rule.label}」` };
  }
  return null;
}

/** The actions a user of this role may attempt on a ticket in this status (the console shows exactly these). */
export function actionsFor(status: TicketStatus, role: Role): Action[] {
  return ACTIONS.filter((a) => refusal(a, status, role) === null);
}
