import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskIdNumber, maskName, maskPhone } from './masking.ts';
import { factsSimilarity } from './similarity.ts';

describe('masking of requester data', () => {
  const cases: Array<[string, (v: string) => string | null, string, string]> = [
    ['mobile', maskPhone, '13812345678', '138****5678'],
    ['mobile with spaces', maskPhone, '138 1234 5678', '138****5678'],
    ['landline as stored', maskPhone, '04536200004', '045****0004'],
    ['seven-digit number', maskPhone, '6200004', '620****04'],
    ['short number', maskPhone, '12345', '****'],
    ['ID number', maskIdNumber, '231002199001011234', '2310**********1234'],
    ['short ID', maskIdNumber, '12345678', '********'],
    ['two-character name', maskName, '张三', '张*'],
    ['three-character name', maskName, '欧阳修', '欧**'],
  ];
  for (const [why, fn, input, expected] of cases) {
    it(`${why}: ${input} → ${expected}`, () => assert.equal(fn(input), expected));
  }
  it('keeps nothing of the middle digits', () => {
    const masked = maskPhone('13812345678')!;
    assert.ok(!masked.includes('1234'));
  });
  it('passes empty values through as null', () => {
    assert.equal(maskPhone(null), null);
    assert.equal(maskName(''), null);
  });
});

describe('similarity of two matters', () => {
  const cases: Array<[string, string, string, (s: number) => boolean]> = [
    ['the same text', '小区楼道垃圾无人清理', '小区楼道垃圾无人清理', (s) => s === 1],
    ['punctuation does not matter', '小区楼道垃圾，无人清理！', '小区楼道垃圾无人清理', (s) => s === 1],
    ['a reworded repeat', '光华小区暖气不热室温只有14度', '暖气还是不热，光华小区室温14度', (s) => s >= 0.5],
    ['a different matter', '光华小区暖气不热', '咨询公积金提取需要什么材料', (s) => s < 0.2],
    ['empty text', '', '小区楼道', (s) => s === 0],
  ];
  for (const [why, a, b, ok] of cases) {
    it(why, () => {
      const s = factsSimilarity(a, b);
      assert.ok(ok(s), `similarity ${s}`);
    });
  }
});
