import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crossCallerScore, wordsSimilarity, type MatterForComparison } from './similarity.ts';

const RULE = { windowDays: 3, factsSimilarity: 0.35, addressSimilarity: 0.5 };
const base: MatterForComparison = { categoryId: 1, districtId: 10, address: '春华园小区5号楼', words: ['楼道', '杂物', '物业', '清理', '消防'] };

describe('cross-caller duplicate rule (并单 candidates)', () => {
  const cases: Array<[string, Partial<MatterForComparison>, boolean]> = [
    ['same category, address and facts', {}, true],
    ['another category', { categoryId: 2 }, false],
    ['no category', { categoryId: null }, false],
    ['another address', { address: '北山路7号' }, false],
    ['a longer form of the same address', { address: '西安区春华园小区5号楼2单元' }, true],
    ['no address, same district', { address: null }, true],
    ['no address, another district', { address: null, districtId: 11 }, false],
    ['no address nor district', { address: null, districtId: null }, false],
    ['other facts', { words: ['物业费', '公示', '收费'] }, false],
  ];
  for (const [name, change, expected] of cases) {
    it(name, () => {
      const other = { ...base, ...change };
      // Without an address the place is the district, on both sides.
      const a = change.address === null ? { ...base, address: null } : base;
      const score = crossCallerScore(a, other, RULE);
      assert.equal(score !== null, expected, `score ${score}`);
      if (score !== null) assert.ok(score > 0 && score <= 1);
    });
  }
  it('compares words as sets', () => {
    assert.equal(wordsSimilarity(['a', 'b'], ['b', 'a', 'a']), 1);
    assert.equal(wordsSimilarity([], ['a']), 0);
    assert.equal(wordsSimilarity(['a', 'b'], ['b', 'c']), 0.5);
  });
});
