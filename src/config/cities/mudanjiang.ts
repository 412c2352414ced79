// 牡丹江市 (Mudanjiang, Heilongjiang): the city's 12345 organisation, dispatch catalogue (派单目录),
// time limits and demo users, for 《牡丹江市12345政务服务便民热线运行管理办法（试行）》
// (牡政办发〔2023〕18号). Unit names follow the city's government bulletins (牡丹江市人民政府公报);
// duty phones are fake.
import type { CityConfig } from '../city.ts';
import { DEFAULT_EVALUATION } from '../../domain/evaluation.ts';
import { DEFAULT_QUALITY } from '../../domain/agent-qc.ts';
import { DEFAULT_CALLS } from '../../domain/call-config.ts';
import { DEFAULT_PORTAL_CODE } from '../../domain/portal-code.ts';
import { DEFAULT_ACCOUNT_SECURITY } from '../../domain/account-security.ts';

export const mudanjiang: CityConfig = {
  code: 'MDJ',
  name: '牡丹江市',
  timezone: 'Asia/Shanghai',
  // The measures' limits (第十五条, 第十六条, 第十九条, 第二十七条; 好差评: 国办发〔2019〕51号). Every deadline,
  // the SMS texts, the demo's articles and docs/reference/time-limits.md are rendered from this table.
  limits: {
  sign: { unit: 'working_days', amount: 1 },
  'reply.consultation': { unit: 'working_days', amount: 2 },
  'reply.help': { unit: 'working_days', amount: 5 },
  'reply.suggestion': { unit: 'working_days', amount: 5 },
  'reply.praise': { unit: 'working_days', amount: 5 },
  'reply.complaint': { unit: 'working_days', amount: 15 },
  'reply.report': { unit: 'working_days', amount: 15 },
  return: { unit: 'working_days', amount: 2 },
  'dispute.raise': { unit: 'days', amount: 3 },
  'dispute.settle': { unit: 'days', amount: 5 },
  coordinate: { unit: 'working_days', amount: 5 },
  'special.first_response': { unit: 'hours', amount: 4 },
  'special.progress': { unit: 'working_days', amount: 3 },
  'special_emergency.first_response': { unit: 'hours', amount: 2 },
  'special_emergency.progress': { unit: 'working_days', amount: 2 },
  'supervision.special': { unit: 'working_days', amount: 2 },
  'supervision.leader': { unit: 'working_days', amount: 3 },
  'supervision.leader_plan': { unit: 'working_days', amount: 1 },
  'supervision.common': { unit: 'working_days', amount: 5 },
  'supervision.quality': { unit: 'working_days', amount: 2 },
  'kb.entry': { unit: 'working_days', amount: 5 },
  'rating.verify': { unit: 'working_days', amount: 1 },
  'rating.rectify': { unit: 'working_days', amount: 15 },
  'rating.callback': { unit: 'working_days', amount: 2 },
  'rating.appeal_decide': { unit: 'working_days', amount: 5 },
  },
  duplicateWindowDays: 30,
  duplicateSimilarity: 0.5,
  // Neighbours about one event: the same category, addresses alike (a building, a street), facts
  // sharing words, within three days.
  crossCaller: { windowDays: 3, factsSimilarity: 0.35, addressSimilarity: 0.5 },
  maxExtensions: 2,
  // A unit contacts the requester of the tickets it holds; twenty in an hour is already a day's work.
  privacy: { revealsPerHour: 20, revealAlertAt: 10, publicKbPerMinute: 60 },
  // A holiday notice or a day's override also corrects what finished in the last three months.
  calendar: { recomputeFinishedDays: 92 },
  // 分档分类评价 (国办函〔2025〕66号): districts, city departments, public utilities and sub-units are
  // ranked each on their own, and a unit with fewer than 10 派单 in the month is listed but not ranked.
  evaluation: {
    ...DEFAULT_EVALUATION,
    ranking: {
      tiers: [
        { key: 'district', label: '县（市）区', kinds: ['district'] },
        { key: 'department', label: '市直部门', kinds: ['department'] },
        { key: 'utility', label: '公用企业', kinds: ['utility'] },
        { key: 'subunit', label: '下级承办单位', kinds: ['subunit'] },
      ],
      minTickets: 10,
    },
  },
  // Template ids registered with the SMS provider (the texts are in src/outbox/sms-gateway.ts).
  sms: {
    signName: '牡丹江12345',
    templateIds: {
      dispatch_notice: 'MDJ_12345_DISPATCH',
      deadline_warning: 'MDJ_12345_DEADLINE',
      callback_request: 'MDJ_12345_CALLBACK',
      supervision: 'MDJ_12345_SUPERVISION',
      special_report: 'MDJ_12345_SPECIAL',
      emergency_report: 'MDJ_12345_EMERGENCY',
      kb_notice: 'MDJ_12345_KB',
      spike_alert: 'MDJ_12345_SPIKE',
      portal_code: 'MDJ_12345_PORTAL_CODE',
      merge_notice: 'MDJ_12345_MERGE',
      merged_reply: 'MDJ_12345_MERGED_REPLY',
    },
  },
  // 好差评 on the portal: a 6-digit SMS code, 10 minutes, 5 tries, one a minute, 3 per ticket an hour, 10 per address an hour.
  portalCode: DEFAULT_PORTAL_CODE,
  // Shifts 08:00–16:00, 16:00–24:00, 00:00–08:00; dispatch within 30 minutes of a 待派单 intake.
  quality: DEFAULT_QUALITY,
  // Queues 综合/惠企通/方言/外语/特殊群体, 60 s wrap-up, short abandon 5 s, answer 15 s, messages 3 min,
  // lost calls called back within 30 minutes of 08:00–20:00.
  calls: DEFAULT_CALLS,
  // 5 attempts a username, 20 failures an address in 15 minutes; passwords of 10+ mixing two classes.
  security: DEFAULT_ACCOUNT_SECURITY,
  // Open311: jurisdiction_id mudanjiang.gov.cn (or MDJ); a same-content POST within a day is a retry.
  open311: { jurisdictionId: 'mudanjiang.gov.cn', repeatWindowMinutes: 24 * 60 },

  units: [
    // 热线管理机构、主管部门、市政府 (第六条, 第七条, 第十六条)
    { code: 'MDJ12345', name: '市12345热线管理机构', kind: 'centre', smsPhone: '13948612345' },
    { code: 'YSJ', name: '市营商环境建设监督局', kind: 'authority', smsPhone: '13948610001' },
    // The authority supervises; the government service centre it runs is the unit that handles matters.
    { code: 'ZWFWZX', name: '市政务服务中心', kind: 'department', smsPhone: '13948610003' },
    { code: 'SZF', name: '牡丹江市人民政府', kind: 'government', smsPhone: '13948610002' },

    // 县（市）区政府 (县（市）区兜底, 第十四条)
    { code: 'DAQ', name: '东安区人民政府', kind: 'district', smsPhone: '13948621001' },
    { code: 'YMQ', name: '阳明区人民政府', kind: 'district', smsPhone: '13948621002' },
    { code: 'AMQ', name: '爱民区人民政府', kind: 'district', smsPhone: '13948621003' },
    { code: 'XAQ', name: '西安区人民政府', kind: 'district', smsPhone: '13948621004' },
    { code: 'SFHS', name: '绥芬河市人民政府', kind: 'district', smsPhone: '13948621005' },
    { code: 'HLS', name: '海林市人民政府', kind: 'district', smsPhone: '13948621006' },
    { code: 'NAS', name: '宁安市人民政府', kind: 'district', smsPhone: '13948621007' },
    { code: 'MLS', name: '穆棱市人民政府', kind: 'district', smsPhone: '13948621008' },
    { code: 'DNS', name: '东宁市人民政府', kind: 'district', smsPhone: '13948621009' },
    { code: 'LKX', name: '林口县人民政府', kind: 'district', smsPhone: '13948621010' },

    // 市直部门、中省直单位
    { code: 'FGW', name: '市发展和改革委员会', kind: 'department', smsPhone: '13948630101' },
    { code: 'GXJ', name: '市工业和信息化局', kind: 'department', smsPhone: '13948630102' },
    { code: 'KJJ', name: '市科学技术局', kind: 'department', smsPhone: '13948630103' },
    { code: 'JYJ', name: '市教育局', kind: 'department', smsPhone: '13948630104' },
    { code: 'GAJ', name: '市公安局', kind: 'department', smsPhone: '13948630105' },
    { code: 'MZJ', name: '市民政局', kind: 'department', smsPhone: '13948630106' },
    { code: 'SFJ', name: '市司法局', kind: 'department', smsPhone: '13948630107' },
    { code: 'CZJ', name: '市财政局', kind: 'department', smsPhone: '13948630108' },
    { code: 'RSJ', name: '市人力资源和社会保障局', kind: 'department', smsPhone: '13948630109' },
    { code: 'ZRZYJ', name: '市自然资源局', kind: 'department', smsPhone: '13948630110' },
    { code: 'STHJJ', name: '市生态环境局', kind: 'department', smsPhone: '13948630111' },
    { code: 'ZJJ', name: '市住房和城乡建设局', kind: 'department', smsPhone: '13948630112' },
    { code: 'JTJ', name: '市交通运输局', kind: 'department', smsPhone: '13948630113' },
    { code: 'SHUIWJ', name: '市水务局', kind: 'department', smsPhone: '13948630114' },
    { code: 'NYJ', name: '市农业农村局', kind: 'department', smsPhone: '13948630115' },
    { code: 'SHWJ', name: '市商务局', kind: 'department', smsPhone: '13948630116' },
    { code: 'WLJ', name: '市文化广电和旅游局', kind: 'department', smsPhone: '13948630117' },
    { code: 'WJW', name: '市卫生健康委员会', kind: 'department', smsPhone: '13948630118' },
    { code: 'TYJ', name: '市退役军人事务局', kind: 'department', smsPhone: '13948630119' },
    { code: 'YJJ', name: '市应急管理局', kind: 'department', smsPhone: '13948630120' },
    { code: 'SCJGJ', name: '市市场监督管理局', kind: 'department', smsPhone: '13948630121' },
    { code: 'YBJ', name: '市医疗保障局', kind: 'department', smsPhone: '13948630122' },
    { code: 'LCJ', name: '市林业和草原局', kind: 'department', smsPhone: '13948630123' },
    { code: 'CGJ', name: '市城市管理综合执法局', kind: 'department', smsPhone: '13948630124' },
    { code: 'JRJ', name: '市金融服务局', kind: 'department', smsPhone: '13948630125' },
    { code: 'GJJ', name: '牡丹江市住房公积金管理中心', kind: 'department', smsPhone: '13948630126' },
    { code: 'SWJ', name: '国家税务总局牡丹江市税务局', kind: 'department', smsPhone: '13948630127' },
    { code: 'YZJ', name: '市邮政管理局', kind: 'department', smsPhone: '13948630128' },
    { code: 'TXB', name: '市通信管理办公室', kind: 'department', smsPhone: '13948630129' },
    { code: 'XFZD', name: '市消防救援支队', kind: 'department', smsPhone: '13948630130' },

    // 公用企事业单位 (水电气热讯)
    { code: 'GDGS', name: '国网牡丹江供电公司', kind: 'utility', smsPhone: '13948640001' },
    { code: 'RDGS', name: '牡丹江热电有限公司', kind: 'utility', smsPhone: '13948640002' },
    { code: 'GSGS', name: '牡丹江市供水有限责任公司', kind: 'utility', smsPhone: '13948640003' },
    { code: 'RQGS', name: '牡丹江市燃气有限责任公司', kind: 'utility', smsPhone: '13948640004' },
    { code: 'YDGS', name: '中国移动牡丹江分公司', kind: 'utility', smsPhone: '13948640005' },
    { code: 'LTGS', name: '中国联通牡丹江分公司', kind: 'utility', smsPhone: '13948640006' },
    { code: 'DXGS', name: '中国电信牡丹江分公司', kind: 'utility', smsPhone: '13948640007' },

    // 下级、内设或所属承办单位 (第九条)
    { code: 'DAQ-XAJD', name: '东安区新安街道办事处', kind: 'subunit', parent: 'DAQ', smsPhone: '13948651001' },
    { code: 'DAQ-QXJD', name: '东安区七星街道办事处', kind: 'subunit', parent: 'DAQ', smsPhone: '13948651002' },
    { code: 'YMQ-YMJD', name: '阳明区阳明街道办事处', kind: 'subunit', parent: 'YMQ', smsPhone: '13948651003' },
    { code: 'YMQ-QJJD', name: '阳明区前进街道办事处', kind: 'subunit', parent: 'YMQ', smsPhone: '13948651004' },
    { code: 'SCJGJ-XAS', name: '市市场监督管理局新安市场监督管理所', kind: 'subunit', parent: 'SCJGJ', smsPhone: '13948651005' },
    { code: 'RSJ-SBZX', name: '市社会保险事业中心', kind: 'subunit', parent: 'RSJ', smsPhone: '13948651006' },
    { code: 'RSJ-JYZX', name: '市就业创业服务中心', kind: 'subunit', parent: 'RSJ', smsPhone: '13948651007' },
    { code: 'CGJ-HWZX', name: '市环境卫生中心', kind: 'subunit', parent: 'CGJ', smsPhone: '13948651008' },
    { code: 'RDGS-KFZX', name: '牡丹江热电有限公司供热客户服务中心', kind: 'subunit', parent: 'RDGS', smsPhone: '13948651009' },
  ],

  // 派单目录: top-level groups carry no unit; each leaf names its usual handling unit.
  categories: [
    // 供水供热供气供电 (水电气热讯)
    { code: 'SDRQ', name: '供水供热供气供电' },
    { code: 'SDRQ-TS', name: '停水', parent: 'SDRQ', defaultUnit: 'GSGS', keywords: ['停水', '没水', '断水', '水管爆裂', '自来水'] },
    { code: 'SDRQ-SYD', name: '水压低', parent: 'SDRQ', defaultUnit: 'GSGS', keywords: ['水压低', '水压小', '水流小', '高层没水', '二次供水'] },
    { code: 'SDRQ-SZ', name: '水质异常', parent: 'SDRQ', defaultUnit: 'GSGS', keywords: ['水质', '水浑浊', '黄水', '水有异味', '水有杂质'] },
    { code: 'SDRQ-GRWD', name: '供热温度不达标', parent: 'SDRQ', defaultUnit: 'RDGS', keywords: ['暖气不热', '室温低', '供热温度', '不达标', '暖气凉', '测温'] },
    { code: 'SDRQ-TR', name: '停热', parent: 'SDRQ', defaultUnit: 'RDGS', keywords: ['停热', '停暖', '暖气停了', '供热中断', '没有暖气'] },
    { code: 'SDRQ-GRLS', name: '供热管网跑冒滴漏', parent: 'SDRQ', defaultUnit: 'RDGS', keywords: ['暖气漏水', '跑水', '管网泄漏', '井室冒气', '暖气管爆'] },
    { code: 'SDRQ-GRSF', name: '供热收费与报停', parent: 'SDRQ', defaultUnit: 'RDGS', keywords: ['取暖费', '供热费', '热费', '报停', '退费'] },
    { code: 'SDRQ-GD', name: '停电与供电故障', parent: 'SDRQ', defaultUnit: 'GDGS', keywords: ['停电', '没电', '电压不稳', '跳闸', '电线低垂', '电费'] },
    { code: 'SDRQ-RQ', name: '燃气供应与安全', parent: 'SDRQ', defaultUnit: 'RQGS', keywords: ['停气', '燃气', '天然气', '燃气表', '燃气报装'] },
    { code: 'SDRQ-TX', name: '通信网络与宽带', parent: 'SDRQ', defaultUnit: 'TXB', keywords: ['信号差', '宽带', '网络故障', '通信基站', '话费'] },

    // 住房和物业
    { code: 'ZFWY', name: '住房和物业' },
    { code: 'ZFWY-WY', name: '物业服务', parent: 'ZFWY', defaultUnit: 'ZJJ', keywords: ['物业', '物业费', '弃管小区', '业主委员会', '小区管理'] },
    { code: 'ZFWY-LJXQ', name: '老旧小区改造', parent: 'ZFWY', defaultUnit: 'ZJJ', keywords: ['老旧小区', '小区改造', '外墙保温', '楼道改造', '加装电梯'] },
    { code: 'ZFWY-SPF', name: '商品房交付与质量', parent: 'ZFWY', defaultUnit: 'ZJJ', keywords: ['交房', '逾期交房', '房屋质量', '开发商', '烂尾楼'] },
    { code: 'ZFWY-BDC', name: '不动产登记与办证', parent: 'ZFWY', defaultUnit: 'ZRZYJ', keywords: ['房本', '不动产登记', '办证难', '产权证', '过户'] },
    { code: 'ZFWY-BZF', name: '保障性住房', parent: 'ZFWY', defaultUnit: 'ZJJ', keywords: ['公租房', '廉租房', '保障房', '租赁补贴', '棚户区改造'] },

    // 市场监管与消费
    { code: 'SCJG', name: '市场监管与消费' },
    {
      code: 'SCJG-XFTS',
      name: '消费投诉',
      parent: 'SCJG',
      defaultUnit: 'SCJGJ',
      // 消费纠纷 are settled by 行政调解 (《市场监督管理投诉举报处理暂行办法》第四条).
      caseClass: 'mediation',
      replyLimit: { unit: 'working_days', amount: 7 },
      legalBasis:
        '《市场监督管理投诉举报处理暂行办法》（国家市场监督管理总局令第20号，2022年修正）第十五条：市场监督管理部门应当自收到投诉之日起七个工作日内作出受理或者不予受理的决定，并告知投诉人。',
      keywords: ['消费投诉', '退货', '退款', '商家', '预付卡', '售后'],
    },
    { code: 'SCJG-SPAQ', name: '食品安全', parent: 'SCJG', defaultUnit: 'SCJGJ', caseClass: 'enforcement', keywords: ['食品安全', '过期食品', '食物中毒', '餐馆卫生', '无证经营'] },
    { code: 'SCJG-JG', name: '价格违法', parent: 'SCJG', defaultUnit: 'SCJGJ', caseClass: 'enforcement', keywords: ['乱收费', '价格', '哄抬物价', '明码标价', '收费标准'] },
    { code: 'SCJG-CPZL', name: '产品质量与假冒伪劣', parent: 'SCJG', defaultUnit: 'SCJGJ', caseClass: 'enforcement', keywords: ['假冒', '伪劣', '产品质量', '缺斤短两', '三无产品'] },
    { code: 'SCJG-TZSB', name: '电梯等特种设备', parent: 'SCJG', defaultUnit: 'SCJGJ', keywords: ['电梯故障', '电梯年检', '锅炉', '特种设备', '电梯停运'] },
    { code: 'SCJG-KD', name: '快递服务', parent: 'SCJG', defaultUnit: 'YZJ', keywords: ['快递', '快件丢失', '快递延误', '驿站', '派件'] },
    { code: 'SCJG-LY', name: '旅游投诉', parent: 'SCJG', defaultUnit: 'WLJ', caseClass: 'mediation', keywords: ['旅游', '旅行社', '导游', '景区', '镜泊湖', '雪乡'] },

    // 劳动社保
    { code: 'LDSB', name: '劳动社保' },
    { code: 'LDSB-QX', name: '拖欠工资', parent: 'LDSB', defaultUnit: 'RSJ', keywords: ['欠薪', '拖欠工资', '农民工工资', '讨薪', '不发工资'] },
    { code: 'LDSB-SB', name: '社会保险', parent: 'LDSB', defaultUnit: 'RSJ', keywords: ['社保', '养老保险', '养老金', '失业保险', '社保转移'] },
    { code: 'LDSB-JY', name: '就业创业', parent: 'LDSB', defaultUnit: 'RSJ', keywords: ['就业', '招聘', '创业贷款', '职业培训', '公益岗'] },

    // 交通出行
    { code: 'JTCX', name: '交通出行' },
    { code: 'JTCX-GJ', name: '公交线路与服务', parent: 'JTCX', defaultUnit: 'JTJ', keywords: ['公交', '公交车', '线路调整', '拒载', '公交站点'] },
    { code: 'JTCX-CZC', name: '出租车与网约车', parent: 'JTCX', defaultUnit: 'JTJ', keywords: ['出租车', '网约车', '绕路', '不打表', '拒载'] },
    { code: 'JTCX-DL', name: '城市道路与桥梁', parent: 'JTCX', defaultUnit: 'ZJJ', keywords: ['道路破损', '坑洼', '修路', '桥梁', '人行道'] },
    { code: 'JTCX-WT', name: '违停与交通秩序', parent: 'JTCX', defaultUnit: 'GAJ', keywords: ['违停', '乱停车', '堵车', '红绿灯', '交通秩序'] },

    // 城市管理与市容
    { code: 'CSGL', name: '城市管理与市容' },
    { code: 'CSGL-WJ', name: '违章建筑', parent: 'CSGL', defaultUnit: 'CGJ', caseClass: 'enforcement', keywords: ['违建', '私搭乱建', '违章建筑', '棚厦', '占用绿地'] },
    { code: 'CSGL-ZD', name: '占道经营', parent: 'CSGL', defaultUnit: 'CGJ', caseClass: 'enforcement', keywords: ['占道经营', '流动摊贩', '马路市场', '店外经营', '牌匾'] },
    { code: 'CSGL-HW', name: '环境卫生与垃圾清运', parent: 'CSGL', defaultUnit: 'CGJ', keywords: ['垃圾', '垃圾清运', '卫生死角', '公厕', '垃圾箱'] },
    { code: 'CSGL-QBX', name: '冬季清冰雪', parent: 'CSGL', defaultUnit: 'CGJ', keywords: ['清雪', '积雪', '冰雪', '路面结冰', '除雪'] },
    { code: 'CSGL-YL', name: '园林绿化', parent: 'CSGL', defaultUnit: 'CGJ', keywords: ['树木修剪', '绿化', '枯树', '公园', '砍树'] },
    { code: 'CSGL-PS', name: '排水与积水', parent: 'CSGL', defaultUnit: 'ZJJ', keywords: ['下水道', '排水', '积水', '井盖', '污水外溢'] },

    // 生态环境
    { code: 'STHJ', name: '生态环境' },
    { code: 'STHJ-DQ', name: '大气污染', parent: 'STHJ', defaultUnit: 'STHJJ', keywords: ['烟尘', '废气', '冒黑烟', '异味', '烧秸秆'] },
    { code: 'STHJ-SWR', name: '水污染与排污口', parent: 'STHJ', defaultUnit: 'STHJJ', caseClass: 'enforcement', keywords: ['水污染', '排污', '排污口', '偷排', '河道污染'] },
    { code: 'STHJ-GYZS', name: '工业噪声', parent: 'STHJ', defaultUnit: 'STHJJ', keywords: ['工厂噪音', '工业噪声', '机器噪音', '风机噪音'] },
    { code: 'STHJ-SGZS', name: '建筑施工噪声', parent: 'STHJ', defaultUnit: 'ZJJ', keywords: ['施工噪音', '夜间施工', '工地', '扰民'] },
    { code: 'STHJ-SHZS', name: '社会生活噪声', parent: 'STHJ', defaultUnit: 'GAJ', caseClass: 'mediation', keywords: ['噪音扰民', '广场舞', '装修噪音', '高音喇叭', '邻居吵闹'] },
    { code: 'STHJ-YY', name: '餐饮油烟', parent: 'STHJ', defaultUnit: 'CGJ', keywords: ['油烟', '烧烤', '饭店油烟', '排烟'] },

    // 教育
    { code: 'JY', name: '教育' },
    { code: 'JY-ZS', name: '招生入学', parent: 'JY', defaultUnit: 'JYJ', keywords: ['入学', '招生', '学区', '转学', '幼儿园'] },
    { code: 'JY-SF', name: '学校收费', parent: 'JY', defaultUnit: 'JYJ', keywords: ['学校收费', '乱收费', '补课费', '资料费', '校服'] },
    { code: 'JY-XWPX', name: '校外培训', parent: 'JY', defaultUnit: 'JYJ', keywords: ['校外培训', '补习班', '培训机构', '退费', '双减'] },
    { code: 'JY-SD', name: '师德师风', parent: 'JY', defaultUnit: 'JYJ', keywords: ['老师', '师德', '有偿补课', '体罚', '教师'] },

    // 医疗卫生与医保
    { code: 'YLWS', name: '医疗卫生与医保' },
    { code: 'YLWS-YLFW', name: '医疗服务', parent: 'YLWS', defaultUnit: 'WJW', caseClass: 'mediation', keywords: ['医院', '医生', '看病', '医疗纠纷', '挂号'] },
    { code: 'YLWS-YB', name: '医保待遇与报销', parent: 'YLWS', defaultUnit: 'YBJ', keywords: ['医保', '报销', '异地就医', '医保卡', '门诊慢病'] },
    { code: 'YLWS-GGWS', name: '公共卫生与疾控', parent: 'YLWS', defaultUnit: 'WJW', keywords: ['疫苗', '接种', '传染病', '公共场所卫生', '疾控'] },

    // 住房公积金
    { code: 'ZFGJJ', name: '住房公积金' },
    { code: 'ZFGJJ-TQ', name: '公积金提取', parent: 'ZFGJJ', defaultUnit: 'GJJ', keywords: ['公积金提取', '提取公积金', '租房提取', '销户提取'] },
    { code: 'ZFGJJ-DK', name: '公积金贷款', parent: 'ZFGJJ', defaultUnit: 'GJJ', keywords: ['公积金贷款', '贷款额度', '还款', '异地贷款'] },
    { code: 'ZFGJJ-JC', name: '公积金缴存', parent: 'ZFGJJ', defaultUnit: 'GJJ', keywords: ['公积金缴存', '单位不交公积金', '补缴', '缴存基数'] },

    // 营商环境与惠企政策 (惠企通)
    { code: 'YSHJ', name: '营商环境与惠企政策' },
    { code: 'YSHJ-HQZC', name: '惠企政策咨询', parent: 'YSHJ', defaultUnit: 'ZWFWZX', keywords: ['惠企通', '惠企政策', '扶持政策', '涉企', '营商环境'] },
    { code: 'YSHJ-DX', name: '惠企政策兑现', parent: 'YSHJ', defaultUnit: 'GXJ', keywords: ['政策兑现', '补贴未到位', '奖励资金', '专项资金'] },
    { code: 'YSHJ-QZ', name: '拖欠企业账款', parent: 'YSHJ', defaultUnit: 'GXJ', keywords: ['拖欠账款', '工程款', '清欠', '拖欠企业', '中小企业'] },
    { code: 'YSHJ-ZF', name: '涉企执法检查', parent: 'YSHJ', defaultUnit: 'SFJ', keywords: ['乱罚款', '执法检查', '多头检查', '涉企执法', '吃拿卡要'] },
    { code: 'YSHJ-NS', name: '纳税服务', parent: 'YSHJ', defaultUnit: 'SWJ', keywords: ['纳税', '发票', '退税', '电子税务局', '个税'] },

    // 户籍与治安 (非紧急)
    { code: 'HJZA', name: '户籍与治安' },
    { code: 'HJZA-HK', name: '户口迁移与落户', parent: 'HJZA', defaultUnit: 'GAJ', keywords: ['户口', '落户', '迁户口', '户籍', '分户'] },
    { code: 'HJZA-SFZ', name: '身份证与居住证', parent: 'HJZA', defaultUnit: 'GAJ', keywords: ['身份证', '居住证', '补办身份证', '临时身份证'] },
    { code: 'HJZA-ZA', name: '治安隐患（非紧急）', parent: 'HJZA', defaultUnit: 'GAJ', caseClass: 'enforcement', keywords: ['治安', '赌博', '传销', '诈骗', '监控'] },
    { code: 'HJZA-XF', name: '消防安全隐患（非紧急）', parent: 'HJZA', defaultUnit: 'XFZD', keywords: ['消防通道', '堵塞通道', '消防栓', '电动车充电', '飞线充电'] },

    // 民政与社会救助
    { code: 'MZJZ', name: '民政与社会救助' },
    { code: 'MZJZ-DB', name: '低保与特困救助', parent: 'MZJZ', defaultUnit: 'MZJ', keywords: ['低保', '特困', '临时救助', '困难补助', '救助'] },
    { code: 'MZJZ-YL', name: '养老服务', parent: 'MZJZ', defaultUnit: 'MZJ', keywords: ['养老院', '养老', '高龄补贴', '助餐', '居家养老'] },
    { code: 'MZJZ-HY', name: '婚姻登记', parent: 'MZJZ', defaultUnit: 'MZJ', keywords: ['结婚登记', '离婚', '婚姻登记', '补领结婚证'] },
    { code: 'MZJZ-TY', name: '退役军人服务', parent: 'MZJZ', defaultUnit: 'TYJ', keywords: ['退役军人', '优抚', '安置', '伤残军人', '优待证'] },

    // 农业农村
    { code: 'NYNC', name: '农业农村' },
    { code: 'NYNC-BT', name: '惠农补贴', parent: 'NYNC', defaultUnit: 'NYJ', keywords: ['种粮补贴', '农机补贴', '耕地地力补贴', '惠农'] },
    { code: 'NYNC-NZ', name: '农资质量', parent: 'NYNC', defaultUnit: 'NYJ', keywords: ['种子', '化肥', '农药', '假农资'] },
    { code: 'NYNC-TD', name: '土地承包与黑土地保护', parent: 'NYNC', defaultUnit: 'NYJ', keywords: ['土地承包', '土地流转', '黑土地', '宅基地', '耕地'] },
    { code: 'NYNC-LC', name: '林地林木', parent: 'NYNC', defaultUnit: 'LCJ', caseClass: 'enforcement', keywords: ['盗伐', '毁林', '林地', '采伐许可', '野生动物'] },

    // 政务服务
    { code: 'ZWFW', name: '政务服务' },
    { code: 'ZWFW-CK', name: '办事窗口服务', parent: 'ZWFW', defaultUnit: 'ZWFWZX', keywords: ['办事难', '窗口', '服务态度', '民生大厦', '政务大厅'] },
    { code: 'ZWFW-WB', name: '网上办事与办事指南', parent: 'ZWFW', defaultUnit: 'ZWFWZX', keywords: ['网上办', '全省事', '办事指南', '一网通办', '需要什么材料'] },
  ],

  demoUsers: [
    { username: 'agent1', displayName: '王丽娜', role: 'agent', unit: 'MDJ12345' },
    { username: 'agent2', displayName: '刘晓燕', role: 'agent', unit: 'MDJ12345' },
    { username: 'lead1', displayName: '张海燕', role: 'team_lead', unit: 'MDJ12345' },
    { username: 'centre1', displayName: '陈志刚', role: 'centre', unit: 'MDJ12345' },
    { username: 'authority1', displayName: '李国庆', role: 'authority', unit: 'YSJ' },
    { username: 'admin', displayName: '赵宇', role: 'admin' },
    { username: 'zjj.staff', displayName: '孙明', role: 'unit_staff', unit: 'ZJJ' },
    { username: 'zjj.head', displayName: '马建华', role: 'unit_head', unit: 'ZJJ' },
    { username: 'scjgj.staff', displayName: '周婷', role: 'unit_staff', unit: 'SCJGJ' },
    { username: 'scjgj.head', displayName: '吴长春', role: 'unit_head', unit: 'SCJGJ' },
    { username: 'daq.staff', displayName: '郑雪', role: 'unit_staff', unit: 'DAQ' },
    { username: 'daq.head', displayName: '高振东', role: 'unit_head', unit: 'DAQ' },
    { username: 'rdgs.staff', displayName: '杨帆', role: 'unit_staff', unit: 'RDGS' },
    { username: 'rdgs.head', displayName: '徐立军', role: 'unit_head', unit: 'RDGS' },
    { username: 'xajd.staff', displayName: '金美玉', role: 'unit_staff', unit: 'DAQ-XAJD' },
  ],
};
