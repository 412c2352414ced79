// 青禾县 (a small fictional county): a second city that overrides only what differs from Mudanjiang
// (as a cobrand does): its name and code, its own few units and categories, a longer sign limit and
// its own demo users. Everything else (the reply limits, the evaluation, calls, security) is inherited.
import { defineCity, type CityConfig } from '../city.ts';
import { mudanjiang } from './mudanjiang.ts';

export const qinghe: CityConfig = defineCity(mudanjiang, {
  code: 'QHX',
  name: '青禾县',
  // A county's units are few and spread over townships: two working days to sign.
  limits: { sign: { unit: 'working_days', amount: 2 } },
  sms: { signName: '青禾12345', templateIds: {} },
  open311: { jurisdictionId: 'qinghe.example.gov.cn', repeatWindowMinutes: 24 * 60 },
  units: [
    { code: 'QH12345', name: '县12345热线管理机构', kind: 'centre', smsPhone: '13900000001' },
    { code: 'QHYSJ', name: '县营商环境建设监督局', kind: 'authority', smsPhone: '13900000002' },
    { code: 'QHXZF', name: '青禾县人民政府', kind: 'government', smsPhone: '13900000003' },
    { code: 'QHZJJ', name: '县住房和城乡建设局', kind: 'department', smsPhone: '13900000004' },
    { code: 'QHSCJ', name: '县市场监督管理局', kind: 'department', smsPhone: '13900000005' },
    { code: 'HSZ', name: '禾山镇人民政府', kind: 'district', smsPhone: '13900000006' },
    { code: 'QHGS', name: '青禾县供水公司', kind: 'utility', smsPhone: '13900000007' },
  ],
  categories: [
    { code: 'GS', name: '供水' },
    { code: 'GS-TS', name: '停水', parent: 'GS', defaultUnit: 'QHGS', keywords: ['停水', '没水'] },
    { code: 'ZF', name: '住房和物业' },
    { code: 'ZF-WY', name: '物业服务', parent: 'ZF', defaultUnit: 'QHZJJ', keywords: ['物业', '物业费'] },
    { code: 'SC', name: '市场监管' },
    { code: 'SC-XF', name: '消费投诉', parent: 'SC', defaultUnit: 'QHSCJ', caseClass: 'mediation', keywords: ['退货', '消费'] },
  ],
  demoUsers: [
    { username: 'agent1', displayName: '李春华', role: 'agent', unit: 'QH12345' },
    { username: 'centre1', displayName: '赵立新', role: 'centre', unit: 'QH12345' },
    { username: 'authority1', displayName: '孙广田', role: 'authority', unit: 'QHYSJ' },
    { username: 'admin', displayName: '钱文', role: 'admin' },
    { username: 'zjj.staff', displayName: '周禾', role: 'unit_staff', unit: 'QHZJJ' },
  ],
});
