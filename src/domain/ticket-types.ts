// 诉求类型 (第十条) and the other closed vocabularies of a ticket.
export const TICKET_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export const TICKET_TYPE_LABELS: Record<TicketType, string> = {
  consultation: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '意见建议',
  praise: '表扬',
};

export const CHANNELS = ['phone', 'sms', 'web', 'app', 'wechat', 'provincial', 'national'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_LABELS: Record<Channel, string> = {
  phone: '电话',
  sms: '短信',
  web: '网站',
  app: '“全省事”APP',
  wechat: '微信',
  provincial: '省热线平台转办',
  national: '国家政务服务平台转办',
};

/** Where a ticket came from; provincial and national tickets need the unit head's approval of the reply. */
export const ORIGINS = ['local', 'provincial', 'national'] as const;
export type Origin = (typeof ORIGINS)[number];

export const REQUESTER_KINDS = ['person', 'company', 'organisation'] as const;
export type RequesterKind = (typeof REQUESTER_KINDS)[number];

/** A phone number: digits with optional +, - and spaces, at least five digits (so separators alone are refused). */
export const PHONE_PATTERN = '^(?=(?:[^0-9]*[0-9]){5})[0-9+\\- ]{5,20}$';

/** 特殊事项 / 特殊紧急事项 (第十六条). */
export const SPECIAL_LEVELS = ['none', 'special', 'special_emergency'] as const;
export type SpecialLevel = (typeof SPECIAL_LEVELS)[number];

/** 不予受理 reasons, one per item of 第十一条. */
export const REJECT_REASONS = {
  '11.1': '应当通过诉讼、仲裁、纪检监察、行政复议、政府信息公开等程序解决或已进入信访渠道',
  '11.2': '涉及国家秘密、商业秘密、个人隐私或违反社会公序良俗',
  '11.3': '恶意侮辱、诽谤、骚扰或无实质诉求内容、反映内容不具体无法办理',
  '11.4': '涉及110、119、120、122等紧急救助事项',
  '11.5': '属于军队、武装警察部队职权范围',
  '11.6': '法律、法规、规章等规定不予受理的其他事项',
} as const;
export type RejectReason = keyof typeof REJECT_REASONS;

/** 不再办理 reasons, one per item of 第十七条. */
export const DECLINE_REASONS = {
  '17.1': '已通过诉讼、仲裁、纪检监察、行政复议、政府信息公开、信访等程序作出决定或正在办理',
  '17.2': '诉求不符合法律、法规、规章及政策规定',
  '17.3': '已依法办理并回复，诉求人以同一事实、同一理由重复提出',
  '17.4': '法律、法规、规章等规定的其他情形',
} as const;
export type DeclineReason = keyof typeof DECLINE_REASONS;

export const EMERGENCY_LINES = ['110', '119', '120', '122'] as const;
export type EmergencyLine = (typeof EMERGENCY_LINES)[number];

/** 好差评 five levels; the last two are 差评. */
export const SATISFACTION_LEVELS = [
  'very_satisfied',
  'satisfied',
  'basically_satisfied',
  'unsatisfied',
  'very_unsatisfied',
] as const;
export type Satisfaction = (typeof SATISFACTION_LEVELS)[number];
export const SATISFACTION_LABELS: Record<Satisfaction, string> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  unsatisfied: '不满意',
  very_unsatisfied: '非常不满意',
};
/** The levels that count as satisfied (满意率's numerator): everything but the two 差评. */
export const SATISFIED_LEVELS: readonly Satisfaction[] = ['very_satisfied', 'satisfied', 'basically_satisfied'];
export function isSatisfied(level: Satisfaction): boolean {
  return SATISFIED_LEVELS.includes(level);
}
