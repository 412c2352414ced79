// Table-driven rules of the knowledge base's answer side: where passages are cut (条, 款, numbered
// headings), which region and status a document has, how a synonym group scores (one concept, its
// best word), and the confidence model (fitting, probabilities, reliability table).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cutPassages, headingLevel, toParagraphs } from './text.ts';
import { inferDocStatus, inferRegion, placesNamedIn, regionsFor } from './regions.ts';
import { conceptScore, factsAsked, factsStated, type QueryPlan, type SearchHit } from './search.ts';
import { factFirst } from './answer.ts';
import { answerConfidence, fitLogistic, probability, reliability, FEATURES, type Features } from './confidence.ts';
import { charGrams } from './segment.ts';
import { Random } from '../domain/random.ts';

describe('passage cutter', () => {
  const cases: Array<{ name: string; lines: string[]; headings: string[]; texts?: RegExp[] }> = [
    {
      name: 'each 条 is a passage of its own, under its chapter, its number in the heading path',
      lines: ['第一章 总则', '第一条 为了规范热线工作，制定本办法。', '第二条 本办法适用于本市。', '第二章 受理', '第十六条 咨询类事项2个工作日内答复。'],
      headings: ['第一章 总则 / 第一条', '第一章 总则 / 第二条', '第二章 受理 / 第十六条'],
    },
    {
      name: 'the 款 after a 条 stay with it',
      lines: ['第十五条 承办单位应当在1个工作日内签收服务工单。', '（一）咨询类事项2个工作日内；', '（二）求助类事项5个工作日内。', '第十六条 其他事项。'],
      headings: ['第十五条', '第十六条'],
      texts: [/签收服务工单[\s\S]*咨询类事项2个工作日内[\s\S]*求助类事项5个工作日内/, /^第十六条/],
    },
    {
      name: 'decimal-numbered headings nest by depth',
      lines: ['2.1 总体要求', '2.1.6 资金筹措', '居民按照建筑面积10元/m²出资，缴存到各城区专有监管账户，专款专用，接受监督。'],
      headings: ['2.1总体要求 / 2.1.6资金筹措'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const passages = cutPassages(toParagraphs(c.lines));
      assert.deepEqual(passages.map((p) => p.heading), c.headings);
      c.texts?.forEach((re, i) => assert.match(passages[i].text, re));
    });
  }

  const levels: Array<[string, number]> = [
    ['2.1 总体要求', 4],
    ['2.1.6 资金筹措', 5],
    ['1.5万元以下的项目', 0],
    ['2.1.6 资金筹措。居民出资，政府补助。', 0],
    ['第十六条 咨询类事项2个工作日内答复。', 0],
    ['（一）开办企业', 2],
  ];
  for (const [line, level] of levels) it(`heading level of «${line}» is ${level}`, () => assert.equal(headingLevel(line), level));
});

describe('region and status of a document', () => {
  const cases: Array<{ doc: Parameters<typeof inferRegion>[0]; region: string | null; status: 'formal' | 'draft' }> = [
    { doc: { title: '牡丹江市人民政府办公室关于印发牡丹江市12345政务服务便民热线运行管理办法（试行）的通知', issuer: '牡丹江市人民政府办公室', docNo: '牡政办发〔2023〕18号' }, region: '牡丹江市', status: 'formal' },
    { doc: { title: '抚远市2020年优化营商环境措施（讨论稿）', body: '为深入贯彻……' }, region: '抚远市', status: 'draft' },
    { doc: { title: '鸡西市人民政府办公室印发鸡西市“十四五”黑土地保护规划的通知', issuer: '鸡西市人民政府办公室', docNo: '鸡政办规〔2022〕6号' }, region: '鸡西市', status: 'formal' },
    { doc: { title: '关于公布《2023年第一季度规范性文件备案目录》的通知', issuer: null, docNo: '牡司联发〔2023〕4号' }, region: '牡丹江市', status: 'formal' },
    { doc: { title: '关于进一步做好供暖工作的通知', body: '各单位：\n（征求意见稿）\n为做好宁安市冬季供暖，宁安市住建局……' }, region: '宁安市', status: 'draft' },
    { doc: { title: '关于加强物业管理的意见', body: '为加强物业管理，制定本意见。' }, region: null, status: 'formal' },
  ];
  for (const c of cases) {
    it(`${c.doc.title} → ${c.region ?? 'no region'}, ${c.status}`, () => {
      assert.equal(inferRegion(c.doc), c.region);
      assert.equal(inferDocStatus(c.doc), c.status);
    });
  }

  const searches: Array<{ q: string; regions: string; named: string | null }> = [
    { q: '老旧小区改造居民出资多少', regions: '牡丹江市', named: null },
    { q: '宁安的老旧小区改造居民出资多少', regions: '牡丹江市', named: null },
    { q: '鸡西那边举报骗医保的给奖励不', regions: '鸡西市', named: '鸡西市' },
    { q: '抚远开个公司得多长时间', regions: '抚远市', named: '抚远市' },
  ];
  for (const c of searches) {
    it(`«${c.q}» searches ${c.regions}`, () => {
      const r = regionsFor('牡丹江市', c.q);
      assert.equal(r.regions[0], c.regions);
      assert.equal(r.named, c.named);
    });
  }

  it('reads 牡丹江 whole, not as 丹江', () => assert.deepEqual(placesNamedIn('牡丹江市和鸡西市'), ['牡丹江市', '鸡西市']));
});

describe('synonym group scored as one concept', () => {
  const idf = 2;
  const licence = { alternatives: [['营业执照'], ['执照']], idf };
  const place = { alternatives: [['西安区']], idf };
  const score = (text: string, concepts = [licence, place]) => conceptScore(concepts, { title: '', heading: '', text }, 40);
  const cases: Array<{ name: string; better: string; worse: string }> = [
    { name: 'both concepts beat one concept said many ways', better: '西安区可以办理营业执照。', worse: '营业执照、执照、营业执照、执照都可以。' },
  ];
  for (const c of cases) it(c.name, () => assert.ok(score(c.better) > score(c.worse), `${score(c.better)} > ${score(c.worse)}`));
  it('a group counts its best word, not the sum of its words', () => {
    const text = '营业执照、执照都可以。';
    const one = score(text, [licence]);
    assert.equal(one, score(text, [{ alternatives: [['执照']], idf }]), 'the best alternative (执照, twice)');
    assert.ok(one < score(text, [{ alternatives: [['营业执照']], idf }, { alternatives: [['执照']], idf }]), 'less than two separate terms');
  });
  it('a passage holding 营业执照 scores the group as much as its own word', () => assert.equal(score('营业执照', [licence]), score('营业执照', [{ alternatives: [['营业执照']], idf }])));
});

describe('the kind of fact asked and stated', () => {
  const cases: Array<{ q: string; asked: string; text: string; stated: boolean }> = [
    { q: '小区拆棚子给补多少钱', asked: 'money', text: '补偿标准按照2000元/个给予适当补偿。', stated: true },
    { q: '小区拆棚子给补多少钱', asked: 'money', text: '由各城区结合实际予以拆除。', stated: false },
    { q: '单位多长时间得签收', asked: 'time', text: '承办单位应当在1个工作日内签收服务工单。', stated: true },
    { q: '个体户执照找哪个窗口', asked: 'place', text: '在政务服务中心设立“个体工商户登记”窗口。', stated: true },
  ];
  for (const c of cases) {
    it(`«${c.q}» asks ${c.asked}; «${c.text}» ${c.stated ? 'states' : 'does not state'} it`, () => {
      assert.ok(factsAsked(c.q).includes(c.asked));
      assert.equal(factsStated(c.text, [c.asked]).includes(c.asked), c.stated);
    });
  }
  it('bigrams bridge words segmented apart', () => assert.deepEqual(charGrams('楼道灯'), ['楼道', '道灯']));
});

describe('confidence model', () => {
  const f = (coverage: number, unknown: number): Features => ({ coverage, unknown, fact: 0, bothFields: 1, relativeScore: coverage, margin: 0.5, lexicalFirst: 1, rarest: 1, whole: coverage * (1 - unknown) });
  // Answers are right with a probability that rises with coverage (a known logistic curve), drawn by
  // a fixed pseudo-random sequence.
  const random = new Random(18);
  const rows = Array.from({ length: 1000 }, (_, i) => {
    const coverage = (i % 20) / 19;
    const label = random.chance(1 / (1 + Math.exp(-6 * (coverage - 0.5)))) ? 1 : 0;
    return { features: f(coverage, 1 - coverage), label: label as 0 | 1 };
  });
  const model = fitLogistic(rows);
  it('fits a model whose probability rises with coverage', () => {
    assert.deepEqual(model.features, [...FEATURES]);
    assert.ok(probability(f(1, 0), model) > 0.8, String(probability(f(1, 0), model)));
    assert.ok(probability(f(0, 1), model) < 0.3, String(probability(f(0, 1), model)));
  });
  it('is calibrated on the data it was fitted on: mean predicted ≈ share right in every filled bin', () => {
    const table = reliability(rows.map((r) => ({ p: probability(r.features, model), label: r.label })));
    assert.equal(table.reduce((s, b) => s + b.count, 0), rows.length);
    for (const b of table.filter((b) => b.count >= 50)) assert.ok(Math.abs(b.predicted - b.observed) < 0.1, JSON.stringify(b));
  });
  const bins: Array<{ p: number; bin: number }> = [
    { p: 0, bin: 0 },
    { p: 0.19, bin: 0 },
    { p: 0.2, bin: 1 },
    { p: 0.99, bin: 4 },
    { p: 1, bin: 4 },
  ];
  for (const b of bins) it(`probability ${b.p} falls in bin ${b.bin}`, () => assert.equal(reliability([{ p: b.p, label: 1 }]).findIndex((x) => x.count === 1), b.bin));
});

describe('a word naming a fact asks for it only in a question that asks something', () => {
  const cases: Array<{ q: string; kind: string; asked: boolean }> = [
    { q: '举报骗保给奖励不', kind: 'money', asked: false },
    { q: '举报骗保奖励多少钱', kind: 'money', asked: true },
    { q: '举报骗保的奖励是啥标准', kind: 'money', asked: true },
    { q: '公司能换地址不', kind: 'place', asked: false },
    { q: '办事大厅的地址在哪', kind: 'place', asked: true },
    { q: '结婚登记得带啥证件', kind: 'documents', asked: true },
    { q: '这个证明还有用吗', kind: 'documents', asked: false },
    { q: '额度没用完明年还能用不', kind: 'amount', asked: false },
    { q: '额度最多是多少', kind: 'amount', asked: true },
    { q: '驾照到期了去哪换', kind: 'time', asked: true },
    { q: '合同到期了还能续吗', kind: 'time', asked: false },
    // A word that asks by itself asks in any question.
    { q: '要带身份证吗', kind: 'documents', asked: true },
  ];
  for (const c of cases) it(`«${c.q}» ${c.asked ? 'asks' : 'does not ask'} ${c.kind}`, () => assert.equal(factsAsked(c.q).includes(c.kind), c.asked));
});

describe('the confidence of a passage stating none of the kind of fact asked', () => {
  const base: Features = { coverage: 1, unknown: 0, fact: 0, bothFields: 1, relativeScore: 1, margin: 1, lexicalFirst: 1, rarest: 1, whole: 1 };
  const cases: Array<{ name: string; f: Partial<Features>; zero: boolean }> = [
    { name: 'asked and stated', f: { fact: 1 }, zero: false },
    { name: 'nothing asked', f: { fact: 0 }, zero: false },
    { name: 'asked, not stated', f: { fact: -1 }, zero: true },
    { name: 'asked, not stated, however well matched', f: { fact: -1, coverage: 1, whole: 1, margin: 1 }, zero: true },
    { name: 'below the coverage floor', f: { coverage: 0.2, whole: 0.2 }, zero: true },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.zero ? '0' : 'the model’s probability'}`, () => {
      const f = { ...base, ...c.f };
      assert.equal(answerConfidence(f), c.zero ? 0 : probability(f));
      if (!c.zero) assert.ok(answerConfidence(f) > 0);
    });
  }
});

describe('asked for a fact, the answer reads out the passage of its document that states it', () => {
  const plan = {
    question: '小区改造拆棚厦给补多少钱',
    words: [
      { label: '棚厦', alternatives: [['棚厦']], idf: 6, df: 2 },
      { label: '补偿', alternatives: [['补偿']], idf: 3, df: 20 },
    ],
  } as unknown as QueryPlan;
  const hit = (id: number, seq: number, text: string, coverage = 1) => ({ article: { id }, passage: { seq, text, heading: '' }, coverage }) as unknown as SearchHit;
  const without = hit(1, 25, '拆除小区内配建棚厦的补偿资金计入改造成本。资金由一般债券列支。');
  const sum = hit(1, 12, '拆除棚厦的，补偿标准为2000元/个。由各城区组织实施。');
  const cases: Array<{ name: string; hits: SearchHit[]; q?: string; first: SearchHit }> = [
    { name: 'the same document’s passage with the sum goes first', hits: [without, sum], first: sum },
    { name: 'another document’s passage with a sum does not', hits: [without, hit(2, 3, '棚厦补偿每户500元。')], first: without },
    { name: 'a first passage stating the sum stays', hits: [sum, without], first: sum },
    { name: 'nothing asked: the order stays', hits: [without, sum], q: '小区改造拆棚厦有补偿吗', first: without },
    { name: 'a passage covering far less of the question does not', hits: [without, hit(1, 12, '补偿标准为2000元/个。', 0.4)], first: without },
    { name: 'a passage beyond the first three does not', hits: [without, hit(3, 1, '无关。'), hit(4, 1, '无关。'), sum], first: without },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = c.q ? ({ ...plan, question: c.q } as QueryPlan) : plan;
      const out = factFirst(p, c.hits, p.question);
      assert.equal(out[0], c.first);
      assert.equal(out.length, c.hits.length);
    });
  }
});
