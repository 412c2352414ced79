// Plausible requests from Mudanjiang residents and firms, built from a category's keywords.
import type { Random } from '../domain/random.ts';
import type { TicketType } from '../domain/ticket-types.ts';

const PLACES: Array<[district: string, places: string[]]> = [
  ['DAQ', ['东安区新安街道光华小区', '东安区七星街道太平路', '东安区长安街东段', '东安区江滨公园附近']],
  ['YMQ', ['阳明区阳明街道东新荣小区', '阳明区前进街道新华路', '阳明区铁岭镇']],
  ['AMQ', ['爱民区向阳街道西三条路', '爱民区北山街道', '爱民区东山小区']],
  ['XAQ', ['西安区火车站街道', '西安区先锋街道西长安街', '西安区温春镇']],
  ['HLS', ['海林市林海路', '海林市横道河子镇']],
  ['NAS', ['宁安市渤海镇', '宁安市镜泊镇']],
  ['SFHS', ['绥芬河市通天路', '绥芬河市口岸附近']],
  ['DNS', ['东宁市三岔口镇']],
  ['MLS', ['穆棱市八面通镇']],
  ['LKX', ['林口县林口镇']],
];

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '桂英', '建国', '淑珍', '玉兰', '海燕', '志强', '国庆', '春梅'];
const FIRMS = ['牡丹江市恒达商贸有限公司', '牡丹江鑫源物流有限公司', '海林市森工木业有限公司', '绥芬河市远东国际贸易有限公司', '宁安市响水米业合作社', '牡丹江市北方食品有限公司'];

export function randomPerson(r: Random): { name: string; phone: string } {
  const name = r.pick([...SURNAMES]) + r.pick(GIVEN);
  const phone = `1${r.pick(['3', '5', '7', '8', '9'])}${String(r.int(0, 999_999_999)).padStart(9, '0')}`;
  return { name, phone };
}

export function randomFirm(r: Random): { name: string; phone: string } {
  return { name: r.pick(FIRMS), phone: `0453-${r.int(6000000, 6999999)}` };
}

export function randomPlace(r: Random): { districtCode: string; address: string } {
  const [districtCode, places] = r.pick(PLACES);
  const place = r.pick(places);
  return { districtCode, address: /小区$/.test(place) ? `${place}${r.int(1, 28)}号楼${r.int(1, 6)}单元` : place };
}

const OPENERS: Record<TicketType, string[]> = {
  consultation: ['来电咨询{kw}相关政策：{q}', '咨询{kw}的办理流程和所需材料，{q}', '想了解{kw}的最新规定，{q}'],
  help: ['来电求助：{addr}{kw}，{tail}', '{addr}出现{kw}情况，{tail}，请求帮助解决'],
  complaint: ['来电投诉：{addr}{kw}问题，{tail}，要求相关部门尽快处理', '反映{addr}{kw}，{tail}，多次反映未解决'],
  report: ['来电举报：{addr}存在{kw}行为，请相关部门核查处理', '举报{addr}{kw}，时间较长，影响恶劣'],
  suggestion: ['建议：关于{kw}，希望相关部门{sug}', '对{kw}提出建议：{sug}'],
  praise: ['来电表扬：{unit}工作人员在处理{kw}问题时热情周到、办事高效', '感谢{unit}及时解决了{kw}问题'],
};
const TAILS = ['已持续一周', '已经三天了', '家中有老人孩子', '影响正常生活', '找过社区没有结果', '天气寒冷情况紧急', '物业推诿不管'];
const QUESTIONS = ['需要准备哪些材料', '去哪里办理', '网上能不能办', '办理时限是多久', '是否收费'];
const SUGGESTIONS = ['加强日常巡查', '延长服务时间', '增设便民服务点', '在“全省事”APP上开通线上办理', '公开办理进度'];

export function randomFacts(r: Random, type: TicketType, keywords: string[], address: string, unitName: string): string {
  const kw = keywords.length ? r.pick(keywords) : '相关';
  return r
    .pick(OPENERS[type])
    .replace('{kw}', kw)
    .replace('{addr}', address)
    .replace('{tail}', r.pick(TAILS))
    .replace('{q}', r.pick(QUESTIONS))
    .replace('{sug}', r.pick(SUGGESTIONS))
    .replace('{unit}', unitName);
}
