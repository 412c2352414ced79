// The kinds of duty (办理职责) and their Chinese names (server and console share these).
export const DUTY_KINDS = ['sign', 'reply', 'opinion', 'first_response', 'progress', 'settle_dispute'] as const;
export type DutyKind = (typeof DUTY_KINDS)[number];

export const DUTY_KIND_LABELS: Record<string, string> = {
  sign: '签收',
  reply: '办理反馈',
  opinion: '协办意见',
  first_response: '初步响应',
  progress: '进度反馈',
  settle_dispute: '异议裁定',
};
