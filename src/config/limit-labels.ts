// What each time limit is for, in the admin's words, and the article that sets it: one table read by
// the admin's limits page (src/org/limits.ts) and the generated docs table (limits-table.ts).
import type { LimitKey } from '../domain/time-limits.ts';

export interface LimitLabel {
  /** The heading the admin's page groups it under. */
  group: string;
  label: string;
  /** The article (or document) that sets the limit. */
  basis: string;
}

export const LIMIT_LABELS: Record<LimitKey, LimitLabel> = {
  sign: { group: '签收', label: '承办单位签收', basis: '第十五条' },
  'reply.consultation': { group: '办理反馈', label: '咨询', basis: '第十五条' },
  'reply.help': { group: '办理反馈', label: '求助', basis: '第十五条' },
  'reply.suggestion': { group: '办理反馈', label: '意见建议', basis: '第十五条' },
  'reply.praise': { group: '办理反馈', label: '表扬', basis: '第十五条' },
  'reply.complaint': { group: '办理反馈', label: '投诉', basis: '第十五条' },
  'reply.report': { group: '办理反馈', label: '举报', basis: '第十五条' },
  return: { group: '退单', label: '承办单位退单', basis: '第十四条' },
  'dispute.raise': { group: '异议', label: '承办单位提出（自派单起）', basis: '第十四条' },
  'dispute.settle': { group: '异议', label: '主管部门裁定', basis: '第十四条' },
  coordinate: { group: '协调', label: '无明确承办单位，主管部门协调', basis: '第十四条' },
  'special.first_response': { group: '特殊事项', label: '初步响应', basis: '第十六条' },
  'special.progress': { group: '特殊事项', label: '进度反馈', basis: '第十六条' },
  'special_emergency.first_response': { group: '特殊紧急事项', label: '初步响应', basis: '第十六条' },
  'special_emergency.progress': { group: '特殊紧急事项', label: '进度反馈', basis: '第十六条' },
  'supervision.special': { group: '督办', label: '专项督办（督办函）书面回复', basis: '第二十七条（三）' },
  'supervision.leader': { group: '督办', label: '领导批示事项办结或有效回复', basis: '第二十七条（三）' },
  'supervision.leader_plan': { group: '督办', label: '领导批示事项无法办结时提出处理办法', basis: '第二十七条（三）' },
  'supervision.common': { group: '督办', label: '共性问题报送解决方案', basis: '第二十七条（三）' },
  'supervision.quality': { group: '督办', label: '质效审核退回（质效督办）书面回复', basis: '第二十六条、第二十七条（三）' },
  'kb.entry': { group: '知识库', label: '承办单位新政策采集录入（自实施或导入起）', basis: '第十九条' },
  'rating.verify': { group: '好差评', label: '差评核实、分类（热线管理机构）', basis: '国办发〔2019〕51号' },
  'rating.rectify': { group: '好差评', label: '差评整改或说明（承办单位）', basis: '国办发〔2019〕51号' },
  'rating.callback': { group: '好差评', label: '整改后回访（热线管理机构）', basis: '国办发〔2019〕51号' },
  'rating.appeal_decide': { group: '好差评', label: '申诉复核决定（主管部门）', basis: '国办发〔2019〕51号' },
};
