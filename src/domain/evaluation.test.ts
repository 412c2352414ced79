// The evaluation's formulas on hand-made counts: each indicator, the score, the ranking and every
// 通报 trigger at and around its threshold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_EVALUATION,
  EMPTY_COUNTS,
  INDICATOR_KEYS,
  indicatorsOf,
  monthsBack,
  rankByScore,
  scoreOf,
  triggersOf,
  type IndicatorKey,
  type TriggerKey,
  type UnitMonthCounts,
} from './evaluation.ts';

const counts = (c: Partial<UnitMonthCounts>): UnitMonthCounts => ({ ...EMPTY_COUNTS, ...c });

describe('evaluation indicators', () => {
  const month = counts({ assigned: 20, signed: 18, signedOnTime: 15, leadAssigned: 16, due: 10, completed: 8, completedOnTime: 6, rated: 8, satisfied: 6, returns: 4, improperReturns: 2, extensions: 1, kbDue: 2, kbOnTime: 1 });
  const cases: Array<[IndicatorKey, number | null]> = [
    ['signRate', 18 / 20],
    ['signOnTimeRate', 15 / 20],
    ['completionRate', 8 / 10],
    ['completionOnTimeRate', 6 / 10],
    ['satisfactionRate', 6 / 8],
    ['returnRate', 4 / 16],
    ['improperReturnRate', 2 / 16],
    ['extensionRate', 1 / 10],
    ['kbUpkeepRate', 1 / 2],
  ];
  for (const [key, expected] of cases) {
    it(`${key} = ${expected}`, () => assert.equal(indicatorsOf(month)[key], expected));
  }
  it('every indicator is null when the month gave it no denominator', () => {
    const none = indicatorsOf(EMPTY_COUNTS);
    for (const k of INDICATOR_KEYS) assert.equal(none[k], null, k);
  });
});

describe('evaluation score', () => {
  const w = DEFAULT_EVALUATION.weights;
  it('is 100 for a perfect month and 0 for the worst', () => {
    const perfect = counts({ assigned: 5, signed: 5, signedOnTime: 5, leadAssigned: 5, due: 5, completed: 5, completedOnTime: 5, rated: 5, satisfied: 5, kbDue: 1, kbOnTime: 1 });
    assert.equal(scoreOf(indicatorsOf(perfect), w), 100);
    const worst = counts({ assigned: 5, leadAssigned: 5, due: 5, rated: 5, returns: 5, improperReturns: 5, extensions: 5, kbDue: 1 });
    assert.equal(scoreOf(indicatorsOf(worst), w), 0);
  });
  it('weighs only what was measured: a unit with no callbacks is scored on the rest', () => {
    // sign 1, on time 0.5; completion 1, on time 1; improper 0 → 1; extension 0 → 1; satisfaction, kb: none.
    const c = counts({ assigned: 2, signed: 2, signedOnTime: 1, leadAssigned: 2, due: 1, completed: 1, completedOnTime: 1 });
    const expected = (10 * 1 + 15 * 0.5 + 15 * 1 + 20 * 1 + 5 * 1 + 5 * 1) / (10 + 15 + 15 + 20 + 5 + 5);
    assert.equal(scoreOf(indicatorsOf(c), w), Math.round(expected * 10000) / 100);
  });
  it('is null when nothing was measured', () => assert.equal(scoreOf(indicatorsOf(EMPTY_COUNTS), w), null));
  it('ranks best first, ties share a rank, unscored last', () => {
    const ranked = rankByScore([
      { unit: 'a', score: 80 },
      { unit: 'b', score: null },
      { unit: 'c', score: 95 },
      { unit: 'd', score: 80 },
      { unit: 'e', score: 60 },
    ]);
    assert.deepEqual(ranked.map((r) => [r.unit, r.rank]), [['c', 1], ['a', 2], ['d', 2], ['e', 4], ['b', null]]);
  });
});

describe('通报 triggers (第三十一条(二))', () => {
  const t = DEFAULT_EVALUATION;
  const keys = (months: Array<Partial<UnitMonthCounts>>) => triggersOf(months.map(counts), t).map((x) => x.key);
  const cases: Array<[string, Array<Partial<UnitMonthCounts>>, TriggerKey[]]> = [
    ['a clean month', [{ assigned: 10, signed: 10, leadAssigned: 10, rated: 10, satisfied: 10 }], []],
    ['one late duty without an extension', [{ overdueUnexplained: 1 }], ['overdue_unexplained']],
    ['satisfaction 70% three months running', [{ rated: 10, satisfied: 7 }, { rated: 10, satisfied: 7 }, { rated: 10, satisfied: 7 }], ['low_satisfaction']],
    ['… but 80% (not below) in one of them', [{ rated: 10, satisfied: 7 }, { rated: 10, satisfied: 8 }, { rated: 10, satisfied: 7 }], []],
    ['… but only two months of history', [{ rated: 10, satisfied: 7 }, { rated: 10, satisfied: 7 }], []],
    ['… but 4 ratings in one month (too few to judge)', [{ rated: 10, satisfied: 7 }, { rated: 4, satisfied: 0 }, { rated: 10, satisfied: 7 }], []],
    ['a late co-handling opinion', [{ coHandlingLate: 1 }], ['role_neglected']],
    ['a policy entered late', [{ kbDue: 2, kbOnTime: 1 }], ['kb_lapsed']],
    ['an expired article left published', [{ kbExpired: 1 }], ['kb_lapsed']],
    ['improper returns exactly 10% (含)', [{ leadAssigned: 20, improperReturns: 2 }], ['improper_returns']],
    ['improper returns 9.5%', [{ leadAssigned: 21, improperReturns: 2 }], []],
  ];
  for (const [name, months, expected] of cases) {
    it(name, () => assert.deepEqual(keys(months), expected));
  }
  it('says which figures hit the threshold', () => {
    const [hit] = triggersOf([counts({ leadAssigned: 20, improperReturns: 3 })], t);
    assert.equal(hit.detail, '不当退单 3 件，占工单总数 20 件的 15%');
    assert.match(hit.label, /^第三十一条（二）6/);
  });
});

describe('monthsBack', () => {
  it('crosses the year', () => assert.deepEqual(monthsBack('2026-02', 3), ['2026-02', '2026-01', '2025-12']));
});
