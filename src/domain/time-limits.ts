// The time limits of the 管理办法 as one table of rules (第十四条, 第十五条, 第十六条); the deadline
// function in ./deadline.ts is the only code that turns a rule into an instant.
import type { TicketType } from './ticket-types.ts';

export type LimitUnit = 'working_days' | 'days' | 'hours';
export interface TimeLimit {
  unit: LimitUnit;
  amount: number;
}

export const LIMIT_KEYS = [
  'sign', // 签收: 1 working day (第十五条)
  'reply.consultation', // 咨询: 2 working days
  'reply.help', // 求助: 5
  'reply.suggestion', // 意见建议: 5
  'reply.praise', // 表扬: 5
  'reply.complaint', // 投诉: 15
  'reply.report', // 举报: 15
  'return', // 退单 within 2 working days
  'dispute.raise', // 异议 within 1–3 日 of dispatch (第十四条, calendar days)
  'dispute.settle', // 主管部门 settles within 5 日
  'coordinate', // no unit found: the authority coordinates within 5 working days
  'special.first_response', // 特殊事项: initial response within 4 hours (第十六条)
  'special.progress', // ... progress within 3 working days
  'special_emergency.first_response', // 特殊紧急事项: 2 hours
  'special_emergency.progress', // ... 2 working days
  // 督办 (第二十七条(三)): the addressed unit's written reply to a supervision item.
  'supervision.special', // 专项督办 督办函: written reply within 2 working days
  'supervision.leader', // 领导批示: done or an effective reply within 3 working days
  'supervision.leader_plan', // ... if it cannot be done: a plan with its own end date within 1 working day
  'supervision.common', // 共性问题: a solution within 5 working days
  // 质效督办 (第二十六条): a perfunctory closure sent back by the quality review is a supervised item; the
  // measures set no limit of their own, so the unit's written reply takes the 督办函's (第二十七条(三)).
  'supervision.quality',
  // 知识库 (第十九条): a new policy a unit implements is entered within 5 working days.
  'kb.entry',
  // 好差评 (国办发〔2019〕51号): each 差评 is verified, rectified or explained, called back, and may be appealed.
  'rating.verify', // the centre verifies and classifies a 差评 within 1 working day
  'rating.rectify', // the unit rectifies or explains within 15 working days
  'rating.callback', // the centre calls the rater back after the rectification
  'rating.appeal_decide', // the authority decides a unit's appeal (申诉复核)
] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];


/** The reply limit of a ticket: the category's law-given limit wins over the type's (第十五条). */
export function replyLimit(
  limits: Record<LimitKey, TimeLimit>,
  type: TicketType,
  categoryLimit?: TimeLimit | null,
): TimeLimit {
  return categoryLimit ?? limits[`reply.${type}`];
}

export function describeLimit(limit: TimeLimit): string {
  const unit = { working_days: '个工作日', days: '日', hours: '小时' }[limit.unit];
  return `${limit.amount}${unit}`;
}
