// Table-driven rules of how a caller's question is read: the spoken phrasings rewritten, the
// lexicon's spoken words bringing in the documents' words, groups merged, phrases matched side by
// side, the kinds of fact asked and stated, and the sentence of a passage holding the asked fact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GENERAL_LEXICON, lexiconGroups, lexiconWith, rewriteQuestion } from './lexicon.ts';
import { conceptFrequency, containsConcept, factsAsked, factsStated, mergeGroups, sentenceEvidence } from './search.ts';

describe('question rewriting', () => {
  const cases: Array<[string, string]> = [
    ['有人偷着抓野生动物，逮着了咋处理', '有人偷着抓野生动物，逮着了如何处理'],
    ['门诊共济那个新规定是打啥时候开始算的', '门诊共济那个新规定是从什么时候开始算的'],
    ['单位老说要延期，最多能延几回啊', '单位老说要延期，最多能延几次啊'],
    ['拿弹弓打个麻雀犯法不', '拿弹弓打个麻雀违法吗'],
    ['我想问一下公积金怎么取', '公积金怎么取'],
    // Nothing spoken: unchanged.
    ['住房公积金贷款额度是多少', '住房公积金贷款额度是多少'],
    // Only filler: the question stays as asked rather than becoming empty.
    ['我想问一下', '我想问一下'],
  ];
  for (const [q, expected] of cases) it(`${q} → ${expected}`, () => assert.equal(rewriteQuestion(q), expected));

  it('a longer phrasing wins over a shorter one inside it (打啥时候 before 啥时候)', () => {
    assert.equal(rewriteQuestion('打啥时候', { rewrites: [['啥时候', 'X'], ['打啥时候', 'Y']], concepts: [] }), 'Y');
  });
});

describe('callers lexicon', () => {
  const cases: Array<{ q: string; brings: string[]; not?: string[] }> = [
    { q: '上班的看门诊，医保得自己先掏多少钱才开始给报', brings: ['起付标准', '在职职工', '就医'] },
    { q: '改造的时候这钱谁掏', brings: ['承担'] },
    { q: '社保卡丢了', brings: ['社会保险'] },
    { q: '低保户能不能提', brings: ['最低生活保障'] },
    { q: '12345打不通怎么办', brings: ['接通'] },
    { q: '额度今年没用完明年还能接着用不', brings: ['结转', '下一年度'] },
    // The documents' own word does not bring in callers' words: 执照 is said, 营业执照 is meant.
    { q: '营业执照在哪办', brings: ['营业执照'], not: ['个体工商户'] },
    { q: '住房公积金贷款额度', brings: [], not: ['起付标准', '承担'] },
  ];
  for (const c of cases) {
    it(`${c.q} → ${c.brings.join('、') || '(nothing new)'}`, () => {
      const terms = lexiconGroups(c.q).flat();
      for (const t of c.brings) assert.ok(terms.includes(t), `${t} in ${terms.join(' ')}`);
      for (const t of c.not ?? []) assert.ok(!terms.includes(t), `${t} not in ${terms.join(' ')}`);
    });
  }

  it("a city's entries come first and add to the general ones", () => {
    const city = lexiconWith({ concepts: [{ say: ['牡市'], means: ['牡丹江市'] }] });
    assert.deepEqual(lexiconGroups('牡市的政策', city)[0], ['牡市', '牡丹江市']);
    assert.equal(city.concepts.length, GENERAL_LEXICON.concepts.length + 1);
    assert.equal(lexiconWith(undefined), GENERAL_LEXICON);
  });

  it('groups matched through the same spoken word become one concept', () => {
    const merged = mergeGroups('我的医保卡里有多少钱', [
      ['医保卡', '医保个人账户', '个人账户'],
      ['医保卡', '个人账户', '社会保障卡'],
      ['公积金', '住房公积金'],
    ]);
    assert.equal(merged.length, 2);
    assert.deepEqual(new Set(merged[0]), new Set(['医保卡', '医保个人账户', '个人账户', '社会保障卡']));
  });
});

describe('phrases match side by side', () => {
  const phrase = { alternatives: [['不予', '受理']] };
  const cases: Array<[string, boolean, number]> = [
    ['12345热线不予受理下列事项', true, 1],
    ['不予 受理的事项，不予受理', true, 2],
    // Both words, apart: another meaning.
    ['受理后不予答复', false, 0],
  ];
  for (const [text, contains, tf] of cases) {
    it(`${text}: ${contains ? 'holds' : 'does not hold'} 不予受理`, () => {
      assert.equal(containsConcept(text, phrase), contains);
      assert.equal(conceptFrequency(text, phrase), tf);
    });
  }
});

describe('fact kinds', () => {
  const asked: Array<[string, string[]]> = [
    ['拆棚子给补多少钱', ['money', 'amount']],
    ['医保能报百分之多少', ['share', 'amount']],
    ['得等几天才能回我', ['time']],
    ['新规定从什么时候开始执行', ['time', 'effective']],
    ['办执照到大厅找哪个窗口', ['place']],
    ['穆棱快板是不是非遗', []],
  ];
  for (const [q, kinds] of asked) it(`${q} asks ${kinds.join(', ') || 'no fact'}`, () => assert.deepEqual(factsAsked(q), kinds));

  const stated: Array<[string, string[], string[]]> = [
    ['每处棚厦补偿2000元/个', ['money'], ['money']],
    ['本办法自2023年1月1日起执行。', ['effective'], ['effective']],
    ['本办法由市医保局负责解释。', ['effective'], []],
    ['咨询类事项2个工作日内', ['time'], ['time']],
  ];
  for (const [text, kinds, expected] of stated) it(`${text} states ${expected.join(', ') || 'none'} of ${kinds.join(', ')}`, () => assert.deepEqual(factsStated(text, kinds), expected));
});

describe('sentence evidence', () => {
  const concepts = [
    { alternatives: [['棚厦']], idf: 5, df: 2 },
    { alternatives: [['补偿']], idf: 3, df: 20 },
    // A word no passage holds: not counted against any sentence.
    { alternatives: [['棚子']], idf: 9, df: 0 },
  ];
  it('the sentence holding the words and the asked fact', () => {
    const e = sentenceEvidence(concepts, '拆除配建棚厦。棚厦拆除后给予补偿2000元/个。其他事项另行规定。', ['money']);
    assert.deepEqual(e, { share: 1, fact: true });
  });
  it('words scattered over sentences: each sentence holds only part', () => {
    const e = sentenceEvidence(concepts, '拆除配建棚厦。居民可获补偿。', ['money']);
    assert.equal(e.share, 0.63);
    assert.equal(e.fact, false);
  });
  it('no words of the question: nothing', () => assert.deepEqual(sentenceEvidence(concepts, '本办法自发布之日起施行。', ['money']), { share: 0, fact: false }));
});
