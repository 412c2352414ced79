// 好差评 (国办发〔2019〕51号, GB/T 39734/39735-2020): the handling of a 差评 as a small state machine.
// 不满意 and 非常不满意 are 差评. Each is verified and classified by the centre; when the unit is at
// fault or a policy limits what it could do, the unit rectifies or explains; the centre then calls
// the rater back. The unit may appeal (申诉复核) a mistaken or malicious rating; the authority decides.
import type { Role } from './roles.ts';
import { isSatisfied, type Satisfaction } from './ticket-types.ts';
import type { LimitKey } from './time-limits.ts';

export function isBadRating(level: Satisfaction): boolean {
  return !isSatisfied(level);
}

export const REVIEW_STATUSES = ['verifying', 'rectifying', 'appealing', 'callback', 'closed', 'void'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const REVIEW_STATUS_LABELS: Record<ReviewStatus, string> = {
  verifying: '待核实',
  rectifying: '待整改',
  appealing: '申诉复核中',
  callback: '待回访',
  closed: '已办结',
  void: '已撤销（申诉成立）',
};

export const CLASSIFICATIONS = ['unit_fault', 'policy_limit', 'unreasonable', 'malicious'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const CLASSIFICATION_LABELS: Record<Classification, string> = {
  unit_fault: '承办单位原因',
  policy_limit: '政策限制',
  unreasonable: '诉求不合理',
  malicious: '恶意差评',
};
/** Classifications that send the 差评 to the unit to rectify (unit_fault) or explain (policy_limit). */
export const UNIT_CLASSIFICATIONS: readonly Classification[] = ['unit_fault', 'policy_limit'];

export const RECTIFY_OUTCOMES = ['rectified', 'explained'] as const;
export type RectifyOutcome = (typeof RECTIFY_OUTCOMES)[number];
export const RECTIFY_OUTCOME_LABELS: Record<RectifyOutcome, string> = { rectified: '已整改', explained: '情况说明' };

export const REVIEW_ACTIONS = ['verify', 'rectify', 'appeal', 'decide_appeal', 'callback'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];
export const REVIEW_ACTION_LABELS: Record<ReviewAction, string> = {
  verify: '核实分类',
  rectify: '整改反馈',
  appeal: '申诉复核',
  decide_appeal: '申诉裁定',
  callback: '整改回访',
};

interface ActionRule {
  roles: Role[];
  from: ReviewStatus[];
  /** Only the unit the 差评 concerns (or its parent units) may take it. */
  unit?: boolean;
}

export const REVIEW_ACTION_RULES: Record<ReviewAction, ActionRule> = {
  verify: { roles: ['centre', 'team_lead', 'admin'], from: ['verifying'] },
  rectify: { roles: ['unit_staff', 'unit_head'], from: ['rectifying'], unit: true },
  appeal: { roles: ['unit_staff', 'unit_head'], from: ['rectifying'], unit: true },
  decide_appeal: { roles: ['authority', 'admin'], from: ['appealing'] },
  callback: { roles: ['centre', 'team_lead', 'admin'], from: ['callback'] },
};

/** The limit that runs in each open state. */
export const STAGE_LIMIT: Partial<Record<ReviewStatus, LimitKey>> = {
  verifying: 'rating.verify',
  rectifying: 'rating.rectify',
  appealing: 'rating.appeal_decide',
  callback: 'rating.callback',
};

/** Why an action is refused now, or null: 403 for the role, 409 for the state. */
export function reviewRefusal(action: ReviewAction, status: ReviewStatus, role: Role): { status: 403 | 409; title: string } | null {
  const rule = REVIEW_ACTION_RULES[action];
  if (!rule.roles.includes(role)) return { status: 403, title: `当前角色不能${REVIEW_ACTION_LABELS[action]}` };
  if (!rule.from.includes(status)) return { status: 409, title: `差评处于「${REVIEW_STATUS_LABELS[status]}」，不能${REVIEW_ACTION_LABELS[action]}` };
  return null;
}
