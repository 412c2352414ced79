// Chinese wording the console shows for the API's codes.
import type { Light, Role } from './types';

export const STATUS_LABELS: Record<string, string> = {
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

export const TYPE_LABELS: Record<string, string> = {
  consultation: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '意见建议',
  praise: '表扬',
};

export const CHANNEL_LABELS: Record<string, string> = {
  phone: '电话',
  sms: '短信',
  web: '网站',
  app: '“全省事”APP',
  wechat: '微信',
  provincial: '省平台转办',
  national: '国家平台转办',
};

export const LIGHT_LABELS: Record<Light, string> = { green: '绿灯', yellow: '黄灯', red: '红灯' };
export const LIGHT_COLORS: Record<Light, string> = { green: '#52c41a', yellow: '#faad14', red: '#f5222d' };

export const DUTY_KIND_LABELS: Record<string, string> = {
  sign: '签收',
  reply: '办理反馈',
  opinion: '协办意见',
  first_response: '初步响应',
  progress: '进度反馈',
  settle_dispute: '异议裁定',
};

export const PARTY_LABELS: Record<string, string> = { lead: '主办', co: '协办', authority: '主管部门' };

export const SATISFACTION_LABELS: Record<string, string> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  unsatisfied: '不满意',
  very_unsatisfied: '非常不满意',
};

export const ROLE_LABELS: Record<Role, string> = {
  agent: '话务员',
  team_lead: '班长',
  centre: '热线管理机构',
  authority: '热线主管部门',
  unit_staff: '承办单位工作人员',
  unit_head: '承办单位负责人',
  admin: '系统管理员',
};

export const REJECT_REASONS: Record<string, string> = {
  '11.1': '应当通过诉讼、仲裁、纪检监察、行政复议、政府信息公开等程序解决或已进入信访渠道',
  '11.2': '涉及国家秘密、商业秘密、个人隐私或违反社会公序良俗',
  '11.3': '恶意侮辱、诽谤、骚扰或无实质诉求内容、反映内容不具体无法办理',
  '11.4': '涉及110、119、120、122等紧急救助事项',
  '11.5': '属于军队、武装警察部队职权范围',
  '11.6': '法律、法规、规章等规定不予受理的其他事项',
};

export const DECLINE_REASONS: Record<string, string> = {
  '17.1': '已通过诉讼、仲裁、纪检监察、行政复议、政府信息公开、信访等程序作出决定或正在办理',
  '17.2': '诉求不符合法律、法规、规章及政策规定',
  '17.3': '已依法办理并回复，诉求人以同一事实、同一理由重复提出',
  '17.4': '法律、法规、规章等规定的其他情形',
};

/** Where each role starts its day. */
export const HOME_OF: Record<Role, string> = {
  agent: '/intake',
  team_lead: '/intake',
  centre: '/workbench',
  authority: '/workbench',
  unit_staff: '/workbench',
  unit_head: '/workbench',
  admin: '/workbench',
};
