// The bulletin splitter on the five example bulletins (demo/bulletins):
// one document per entry of each table of contents, with its title as the contents give it, its
// 文号 and its date; and the rules it relies on, on small texts written here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEED_BULLETIN_DIR } from './import.ts';
import { splitBulletin } from './bulletin.ts';
import { cutPassages, headingLevel, toParagraphs } from './text.ts';

const SEEDS = SEED_BULLETIN_DIR;

/** Per seed: the bulletin's name and [title, 文号, date] of every document, in order. */
const EXPECTED: Record<string, { name: string | null; documents: Array<[string, string | null, string | null]> }> = {
  '000_21d667b7f114e85b.txt': {
    name: "牡丹江市人民政府公报 2022年第4期",
    documents: [
      ["牡丹江市人民政府关于印发牡丹江市“十四五”数字政府建设实施方案的通知", "牡政发〔2022〕13号", "2022-07-14"],
      ["牡丹江市人民政府关于印发牡丹江市“十四五”优化营商环境规划的通知", "牡政规〔2022〕2号", "2022-07-29"],
      ["牡丹江市人民政府关于王乐刚等任免职的通知", "牡政干〔2022〕6号", "2022-09-01"],
      ["牡丹江市人民政府办公室关于建立牡丹江市职业教育工作联席会议制度的通知", "牡政办发〔2022〕15号", "2022-06-30"],
      ["牡丹江市人民政府办公室关于印发牡丹江市天然林保护修复制度实施方案的通知", "牡政办发〔2022〕17号", "2022-07-06"],
      ["牡丹江市人民政府办公室关于印发牡丹江市全民科学素质行动规划纲要实施方案（2021—2025年）的通知", "牡政办发〔2022〕19号", "2022-07-19"],
      ["牡丹江市人民政府办公室关于印发牡丹江市2022年政务公开工作实施方案的通知", "牡政办发〔2022〕21号", "2022-07-21"],
      ["牡丹江市人民政府办公室关于印发牡丹江市职工基本医疗保险门诊共济保障机制实施办法的通知", "牡政办规〔2022〕3号", "2022-08-15"],
      ["牡丹江市人民政府办公室关于印发牡丹江市向绥芬河自贸片区下放市级行政权力事项清单的通知", "牡政办规〔2022〕4号", "2022-08-17"],
      ["牡丹江市人民政府办公室关于印发牡丹江市粮食应急预案的通知", "牡政办综〔2022〕16号", "2022-07-27"],
      ["牡丹江市住房公积金管理中心印发《关于促进全市房地产业良性循环健康发展“一城一策”若干政策措施实施细则》的通知", "牡公管规〔2022〕2号", "2022-08-22"],
      ["牡丹江市住房公积金管理委员会关于促进全市房地产业良性循环健康发展“一城一策”若干政策措施的通知", "牡公管委规〔2022〕3号", "2022-08-22"],
    ],
  },
  '001_709fe254827a9a67.txt': {
    name: "牡丹江市人民政府公报 2023年第3期",
    documents: [
      ["牡丹江市人民政府关于建立牡丹江市黑土地保护利用工作联席会议制度的通知", "牡政调〔2023〕6号", "2023-05-05"],
      ["牡丹江市人民政府关于公布禁止使用的猎捕工具和方法的通告", "牡政规〔2023〕1号", "2023-05-20"],
      ["牡丹江市人民政府关于毕传鹏等任免职的通知", "牡政干〔2023〕1号", "2023-05-24"],
      ["牡丹江市人民政府关于公布第七批市级非物质文化遗产代表性项目名录的通知", "牡政发〔2023〕9号", "2023-06-12"],
      ["牡丹江市人民政府办公室关于成立牡丹江市第五次全国经济普查领导小组的通知", "牡政办发〔2023〕17号", "2023-05-24"],
      ["牡丹江市人民政府办公室关于印发牡丹江市12345政务服务便民热线运行管理办法（试行）的通知", "牡政办发〔2023〕18号", "2023-06-09"],
      ["关于公布《2023年第一季度规范性文件备案目录》的通知", "牡司联发〔2023〕4号", "2023-06-01"],
      ["牡丹江市第五次全国经济普查领导小组关于组建牡丹江市第五次全国经济普查领导小组办公室的通知", null, "2023-06-02"],
      ["关于印发《牡丹江市城区个体工商户营业执照“全城通办”实施方案》的通知", null, "2023-05-17"],
    ],
  },
  '002_7a555ef72722d076.txt': {
    name: null,
    documents: [
      ["抚远市2020年优化营商环境措施（讨论稿）", null, null],
    ],
  },
  '003_df724775bb38569d.txt': {
    name: "牡丹江市人民政府公报 2022年第3期",
    documents: [
      ["牡丹江市人民政府关于印发牡丹江市入河排污口排查整治专项行动实施方案的通知", "牡政发〔2022〕11号", "2022-06-15"],
      ["牡丹江市人民政府关于牡丹江热电有限公司西城热源3×168MW供热锅炉扩建项目涉及树木砍伐、移植、补植方案的批复", "牡政复〔2022〕10号", "2022-05-09"],
      ["牡丹江市人民政府关于成立牡丹江市加快平台经济高质量发展工作专班的通知", "牡政调〔2022〕5号", "2022-05-26"],
      ["牡丹江市人民政府关于唐黎黎等任免职的通知", "牡政干〔2022〕4号", "2022-06-15"],
      ["牡丹江市人民政府办公室关于印发市政府2022年立法工作计划的通知", "牡政办发〔2022〕11号", "2022-05-16"],
      ["牡丹江市人民政府办公室关于印发牡丹江市区2022年城镇老旧小区改造实施方案的通知", "牡政办发〔2022〕14号", "2022-06-23"],
      ["关于下发《牡丹江市公安局关于办理律师查询人口信息工作规定（试行）》的通知", "牡公规〔2022〕1号", "2022-06-01"],
      ["关于印发《牡丹江市普通高中课程设置与实施指导意见（试行）》等文件的通知", "牡教发〔2022〕2号", "2022-05-05"],
      ["牡丹江市市场监督管理局关于印发牡丹江市市场监督管理局食品安全抽检监测承检机构考核管理办法的通知", "牡市监规〔2022〕1号", "2022-06-18"],
      ["关于印发《牡丹江市优化营商环境督导考评问责工作专班实施方案（试行）》的通知", "牡优环办发〔2022〕11号", "2022-04-28"],
      ["牡丹江市知识产权工作领导小组关于印发《牡丹江市“十四五”知识产权保护和运用规划》的通知", "牡知领组发〔2022〕1号", "2022-06-29"],
    ],
  },
  '004_2360d63d889714b4.txt': {
    name: "鸡西市人民政府公报 2022年第3期",
    documents: [
      ["鸡西市人民政府印发鸡西市“十四五”时期优化营商环境规划的通知", "鸡政规〔2022〕3号", "2022-04-11"],
      ["鸡西市人民政府办公室印发鸡西市黑土地保护工程实施方案（2021—2025年）的通知", "鸡政办规〔2022〕3号", "2022-03-23"],
      ["鸡西市人民政府办公室印发鸡西市“十四五”黑土地保护规划的通知", "鸡政办规〔2022〕6号", "2022-04-12"],
      ["鸡西市人民政府办公室印发贯彻落实黑龙江省人民政府办公厅关于推进医疗保障基金监管制度体系改革的实施意见实施方案的通知", "鸡政办规〔2022〕7号", "2022-04-13"],
    ],
  },
};

describe('bulletin splitter on the example bulletins', () => {
  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: ${expected.documents.length} documents with their titles, 文号 and dates`, () => {
      const bulletin = splitBulletin(readFileSync(join(SEEDS, file), 'utf8'));
      assert.equal(bulletin.name, expected.name);
      assert.deepEqual(
        bulletin.documents.map((d) => [d.title, d.docNo, d.date]),
        expected.documents,
      );
      for (const d of bulletin.documents) {
        assert.ok(d.passages.length > 0, `${d.title} has passages`);
        assert.ok(d.passages.every((p) => p.text.trim().length > 0 && p.text.length <= 700), `${d.title}: passages are non-empty and bounded`);
        // A document's text never runs into the next one's title.
        const next = bulletin.documents[bulletin.documents.indexOf(d) + 1];
        if (next) assert.ok(!d.body.replace(/\s/g, '').endsWith(next.title.replace(/\s/g, '')), `${d.title} ends before ${next.title}`);
      }
    });
  }

  it('finds the documents a notice issues, validity dates in the text, and drops the signature', () => {
    const bulletin = splitBulletin(readFileSync(join(SEEDS, '000_21d667b7f114e85b.txt'), 'utf8'));
    const clinic = bulletin.documents.find((d) => d.docNo === '牡政办规〔2022〕3号')!;
    assert.deepEqual(clinic.enclosed, ['牡丹江市职工基本医疗保险门诊共济保障机制实施办法']);
    assert.equal(clinic.issuer, '牡丹江市人民政府办公室');
    assert.equal(clinic.effectiveFrom, '2023-01-01');
    assert.ok(clinic.passages.some((p) => p.heading.startsWith('牡丹江市职工基本医疗保险门诊共济保障机制实施办法 / 第三章') && p.text.includes('起付标准为600元')));
    assert.ok(!clinic.body.includes('\n牡丹江市人民政府办公室\n'));
    const fund = bulletin.documents.find((d) => d.docNo === '牡公管委规〔2022〕3号')!;
    assert.equal(fund.expiresOn, '2022-12-31');
    assert.equal(fund.issuer, '牡丹江市住房公积金管理委员会');
  });

  it('keeps tables readable: every passage of a table starts with its header row', () => {
    const bulletin = splitBulletin(readFileSync(join(SEEDS, '000_21d667b7f114e85b.txt'), 'utf8'));
    const list = bulletin.documents.find((d) => d.docNo === '牡政办规〔2022〕4号')!;
    const rows = list.passages.filter((p) => p.text.includes(' | '));
    assert.ok(rows.length >= 3);
    for (const p of rows) assert.ok(p.text.startsWith('序号 | 权力事项名称 | 下放权力部门 | 权力类型'), p.text.slice(0, 40));
  });

  it('joins the hard-wrapped lines of a converted PDF into sentences', () => {
    const doc = splitBulletin(readFileSync(join(SEEDS, '002_7a555ef72722d076.txt'), 'utf8')).documents[0];
    assert.ok(doc.passages.some((p) => p.heading === '二、政策措施 / （一）开办企业' && p.text.includes('将企业开办时间压缩至1个工作日以内，其中企业设立登记为即来即办1个小时')));
  });
});

describe('bulletin splitter rules', () => {
  const sample = [
    '某市人民政府公报',
    '2026年第1期',
    '目 录',
    '● 市政府文件',
    '- 某市人民政府关于印发某市便民服务',
    '实施办法的通知 ..... (1)',
    '- 某市人民政府关于张三等任免职的通知 (5)',
    '● 市直部门文件',
    '- 关于公布《某某目录》的通知……………7',
    '',
    '某市人民政府',
    '',
    '关于印发某市便民服务 实施 办法的通知',
    '',
    '某政发〔2026〕1号',
    '',
    '各县（市）区人民政府：',
    '',
    '现将《某市便民服务实施办法》印发给你们，请认真贯彻执行。',
    '',
    '某市人民政府',
    '',
    '2026年1月5日',
    '',
    '某市便民服务实施办法',
    '',
    '第一章 总则',
    '',
    '第一条 为方便群众办事，制定本办法。',
    '第二条 本办法自 2026 年 2 月 1 日起施行。',
    '',
    '市政府文件',
    '',
    '某市人民政府',
    '关于张三等任免职的通知',
    '某政干〔2026〕2号',
    '张三任某市便民服务中心主任。',
    '某市人民政府',
    '2026年1月9日',
    '',
    '关于公布《某某目录》的通知',
    '各有关单位：',
    '现将目录公布如下。',
    '序号\t名称\t单位',
    '1\t甲事项\t某局',
    '某市司法局',
    '2026 年 1 月 20 日',
  ].join('\n');

  it('reads the contents, finds each title across lines and spaces, and takes 文号, issuer and date', () => {
    const b = splitBulletin(sample);
    assert.equal(b.name, '某市人民政府公报 2026年第1期');
    assert.deepEqual(
      b.documents.map((d) => [d.title, d.docNo, d.issuer, d.date, d.section]),
      [
        ['某市人民政府关于印发某市便民服务实施办法的通知', '某政发〔2026〕1号', '某市人民政府', '2026-01-05', '市政府文件'],
        ['某市人民政府关于张三等任免职的通知', '某政干〔2026〕2号', '某市人民政府', '2026-01-09', '市政府文件'],
        ['关于公布《某某目录》的通知', null, '某市司法局', '2026-01-20', '市直部门文件'],
      ],
    );
    const [rules, appointment] = b.documents;
    assert.deepEqual(rules.enclosed, ['某市便民服务实施办法']);
    assert.equal(rules.effectiveFrom, '2026-02-01');
    // Each 条 is its own passage, its number part of the heading path.
    assert.deepEqual(rules.passages.map((p) => p.heading), ['', '某市便民服务实施办法 / 第一章 总则 / 第一条', '某市便民服务实施办法 / 第一章 总则 / 第二条']);
    assert.ok(!rules.body.includes('市政府文件'), 'running heads are dropped');
    assert.equal(appointment.body, '张三任某市便民服务中心主任。');
  });

  it('takes a text without contents as one document titled by its first line', () => {
    const b = splitBulletin('某县2026年便民措施 \n\n（征求意见稿） \n\n一、总体目标\n\n让群众少跑腿，办事更方便，提高政务服务满意\n\n度和获得感。\n');
    assert.equal(b.documents.length, 1);
    assert.equal(b.documents[0].title, '某县2026年便民措施（征求意见稿）');
    assert.deepEqual(b.documents[0].passages, [{ heading: '一、总体目标', text: '让群众少跑腿，办事更方便，提高政务服务满意度和获得感。' }]);
  });

  it('tells headings from list items', () => {
    assert.equal(headingLevel('第三章 门诊共济保障机制'), 1);
    assert.equal(headingLevel('一、总体目标'), 1);
    assert.equal(headingLevel('（一）开办企业'), 2);
    assert.equal(headingLevel('(一)咨询类事项2个工作日内；'), 0);
    assert.equal(headingLevel('(一)加快数字政务建设。', true), 2);
    assert.equal(headingLevel('第十八条 市营商环境建设监督局负责组织各单位建立知识库。'), 0);
    assert.equal(headingLevel('1.压缩企业开办时间。将企业开办时间压缩至1个工作日以内'), 0);
  });

  it('cuts long sections into passages of bounded size under their headings, small sections together', () => {
    const long = `${'群众办事更方便，材料更少，时间更短。'.repeat(40)}`;
    const passages = cutPassages(toParagraphs(['一、总体要求', long, '（一）小节', '短句一。', '（二）小节', '短句二。']));
    assert.ok(passages.length >= 3);
    assert.ok(passages.every((p) => p.text.length <= 700));
    assert.equal(passages[0].heading, '一、总体要求');
    const last = passages[passages.length - 1];
    assert.equal(last.heading, '一、总体要求');
    assert.equal(last.text, '（一）小节\n短句一。\n（二）小节\n短句二。');
  });
});
