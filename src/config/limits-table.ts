// The time-limit table of a city as Markdown, rendered from its config: docs/reference/time-limits.md
// is this text for Mudanjiang (scripts/limits-doc.ts writes it; src/config/limits-table.test.ts
// checks the committed page is what the config gives).
import { LIMIT_KEYS, describeLimit, type LimitKey } from '../domain/time-limits.ts';
import type { CityConfig } from './city.ts';

/** What each limit is for and the article that sets it. */
export const LIMIT_LABELS: Record<LimitKey, { label: string; basis: string }> = {
  sign: { label: '承办单位签收工单', basis: '第十五条' },
  'reply.consultation': { label: '咨询类答复', basis: '第十五条' },
  'reply.help': { label: '求助类办结', basis: '第十五条' },
  'reply.suggestion': { label: '意见建议类办结', basis: '第十五条' },
  'reply.praise': { label: '表扬类办结', basis: '第十五条' },
  'reply.complaint': { label: '投诉类办结', basis: '第十五条' },
  'reply.report': { label: '举报类办结', basis: '第十五条' },
  return: { label: '退单', basis: '第十四条' },
  'dispute.raise': { label: '提出派单异议（自然日）', basis: '第十四条' },
  'dispute.settle': { label: '主管部门裁定异议（自然日）', basis: '第十四条' },
  coordinate: { label: '无承办单位时主管部门协调', basis: '第十四条' },
  'special.first_response': { label: '特殊事项首次响应', basis: '第十六条' },
  'special.progress': { label: '特殊事项进展反馈', basis: '第十六条' },
  'special_emergency.first_response': { label: '特殊紧急事项首次响应', basis: '第十六条' },
  'special_emergency.progress': { label: '特殊紧急事项进展反馈', basis: '第十六条' },
  'supervision.special': { label: '专项督办书面回复', basis: '第二十七条（三）' },
  'supervision.leader': { label: '领导批示办结或有效答复', basis: '第二十七条（三）' },
  'supervision.leader_plan': { label: '领导批示无法办结时报送计划', basis: '第二十七条（三）' },
  'supervision.common': { label: '共性问题解决方案', basis: '第二十七条（三）' },
  'supervision.quality': { label: '质效督办书面回复', basis: '第二十六条、第二十七条（三）' },
  'kb.entry': { label: '新政策录入知识库', basis: '第十九条' },
  'rating.verify': { label: '差评核实分类', basis: '国办发〔2019〕51号' },
  'rating.rectify': { label: '差评整改或说明', basis: '国办发〔2019〕51号' },
  'rating.callback': { label: '差评整改后回访', basis: '国办发〔2019〕51号' },
  'rating.appeal_decide': { label: '差评申诉复核', basis: '国办发〔2019〕51号' },
};

export function limitsTable(city: CityConfig): string {
  const rows = LIMIT_KEYS.map((key) => `| \`${key}\` | ${LIMIT_LABELS[key].label} | ${describeLimit(city.limits[key])} | ${LIMIT_LABELS[key].basis} |`);
  const overrides = city.categories
    .filter((c) => c.replyLimit)
    .map((c) => `| \`category:${c.code}\` | ${c.name}（法定时限，优先于类型时限） | ${describeLimit(c.replyLimit!)} | ${c.legalBasis ? c.legalBasis.slice(0, c.legalBasis.indexOf('》') + 1) || '法律法规' : '法律法规'} |`);
  return [
    `# 时限表（${city.name}）`,
    '',
    `由 \`src/config/cities/\` 中${city.name}的配置生成（\`node bin/run-ts.js scripts/limits-doc.ts\`），请勿手改；`,
    '改时限只改配置，期限计算、短信文字、演示知识库文章和本页随之改变。工作日自起算时刻次日起算，至第 N 个工作日 24:00 止。',
    '',
    '| 键 | 事项 | 时限 | 依据 |',
    '|---|---|---|---|',
    ...rows,
    ...overrides,
    '',
  ].join('\n');
}
