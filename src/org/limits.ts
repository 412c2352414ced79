// The city's time limits (ctx.city.limits) as the admin reads them: what each limit is for, in Chinese.
import type { AppContext } from '../server/context.ts';
import { LIMIT_KEYS, describeLimit, type LimitKey, type TimeLimit } from '../domain/time-limits.ts';

export const LIMIT_LABELS: Record<LimitKey, { group: string; label: string }> = {
  sign: { group: '签收', label: '承办单位签收' },
  'reply.consultation': { group: '办理反馈', label: '咨询' },
  'reply.help': { group: '办理反馈', label: '求助' },
  'reply.suggestion': { group: '办理反馈', label: '意见建议' },
  'reply.praise': { group: '办理反馈', label: '表扬' },
  'reply.complaint': { group: '办理反馈', label: '投诉' },
  'reply.report': { group: '办理反馈', label: '举报' },
  return: { group: '退单', label: '承办单位退单' },
  'dispute.raise': { group: '异议', label: '承办单位提出（自派单起）' },
  'dispute.settle': { group: '异议', label: '主管部门裁定' },
  coordinate: { group: '协调', label: '无明确承办单位，主管部门协调' },
  'special.first_response': { group: '特殊事项', label: '初步响应' },
  'special.progress': { group: '特殊事项', label: '进度反馈' },
  'special_emergency.first_response': { group: '特殊紧急事项', label: '初步响应' },
  'special_emergency.progress': { group: '特殊紧急事项', label: '进度反馈' },
  'supervision.special': { group: '督办', label: '专项督办（督办函）书面回复' },
  'supervision.leader': { group: '督办', label: '领导批示事项办结或有效回复' },
  'supervision.leader_plan': { group: '督办', label: '领导批示事项无法办结时提出处理办法' },
  'supervision.common': { group: '督办', label: '共性问题报送解决方案' },
  'supervision.quality': { group: '督办', label: '质效审核退回（质效督办）书面回复' },
  'kb.entry': { group: '知识库', label: '承办单位新政策采集录入（自实施或导入起）' },
  'rating.verify': { group: '好差评', label: '差评核实、分类（热线管理机构）' },
  'rating.rectify': { group: '好差评', label: '差评整改或说明（承办单位）' },
  'rating.callback': { group: '好差评', label: '整改后回访（热线管理机构）' },
  'rating.appeal_decide': { group: '好差评', label: '申诉复核决定（主管部门）' },
};

export interface LimitView {
  key: LimitKey;
  group: string;
  label: string;
  limit: TimeLimit;
  text: string;
}

export function listLimits(ctx: AppContext): { city: string; items: LimitView[] } {
  return {
    city: ctx.city.name,
    items: LIMIT_KEYS.map((key) => ({ key, ...LIMIT_LABELS[key], limit: ctx.city.limits[key], text: describeLimit(ctx.city.limits[key]) })),
  };
}
