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
  rankInTiers,
  dutyOutcome,
  countsAsDone,
  countsAsDue,
  countsAsOverdue,
  satisfactionExemption,
  ratingOutcome,
  type DutyFacts,
  type DutyOutcome,
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
    // The month's 满意率 is the indicator's: exempt (第二十五条) and excluded ratings are in neither count.
    ['70% of counted ratings, with many exempt ones beside them', [{ rated: 10, satisfied: 7, ratedExempt: 30 }, { rated: 10, satisfied: 7, ratedExcluded: 2 }, { rated: 10, satisfied: 7, ratedExempt: 5 }], ['low_satisfaction']],
    ['… 4 counted ratings and 6 excluded: too few to judge', [{ rated: 10, satisfied: 7 }, { rated: 4, satisfied: 0, ratedExcluded: 6 }, { rated: 10, satisfied: 7 }], []],
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

describe('tiered ranking (分档分类评价)', () => {
  const ranking = {
    tiers: [
      { key: 'district', label: '县（市）区', kinds: ['district'] },
      { key: 'department', label: '市直部门', kinds: ['department'] },
    ],
    minTickets: 10,
  };
  // [code, kind, score, 派单, 按时签收]
  const unit = (code: string, kind: string, score: number | null, assigned: number, signedOnTime: number) => ({ unit: { code, kind }, score, counts: { assigned, signedOnTime } });
  const cases: Array<[string, ReturnType<typeof unit>[], Array<[string, string | null, number | null]>]> = [
    [
      'each tier on its own; a unit below the minimum listed, not ranked',
      [unit('D1', 'district', 90, 50, 50), unit('C1', 'department', 80, 40, 40), unit('D2', 'district', 100, 3, 3), unit('C2', 'department', 95, 12, 12)],
      [['D1', 'district', 1], ['D2', 'district', null], ['C2', 'department', 1], ['C1', 'department', 2]],
    ],
    [
      'equal scores: higher 按时签收率 first, then more 派单; all equal share the rank, the code orders the list',
      [unit('B', 'department', 90, 20, 18), unit('A', 'department', 90, 20, 19), unit('D', 'department', 90, 40, 36), unit('C', 'department', 90, 20, 18), unit('E', 'department', 80, 20, 20)],
      [['A', 'department', 1], ['D', 'department', 2], ['B', 'department', 3], ['C', 'department', 3], ['E', 'department', 5]],
    ],
    [
      'exactly the minimum is ranked; no score is not; a kind outside the tiers is listed last without a tier',
      [unit('A', 'district', 70, 10, 5), unit('B', 'district', null, 30, 0), unit('S', 'subunit', 99, 99, 99)],
      [['A', 'district', 1], ['B', 'district', null], ['S', null, null]],
    ],
    [
      'ten units at 100 with one ticket each rank nowhere; the busy unit at 96 ranks first',
      [...Array.from({ length: 10 }, (_, i) => unit(`T${i}`, 'department', 100, 1, 1)), unit('BUSY', 'department', 96, 300, 280)],
      [['BUSY', 'department', 1], ...Array.from({ length: 10 }, (_, i) => [`T${i}`, 'department', null] as [string, string, null])],
    ],
  ];
  for (const [name, rows, expected] of cases) {
    it(name, () => {
      const ranked = rankInTiers(rows, ranking);
      assert.deepEqual(ranked.map((r) => [r.unit.code, r.tier?.key ?? null, r.rank]), expected);
      for (const r of ranked) assert.equal(r.rank === null, r.rankNote !== null, r.unit.code);
    });
  }
  it('says why a unit is not ranked', () => {
    const [r] = rankInTiers([unit('A', 'district', 100, 1, 1)], ranking);
    assert.equal(r.rankNote, '派单 1 件，少于参加排名的 10 件');
  });
});

describe('how a duty counts (第十五条)', () => {
  const due = '2026-03-10T16:00:00.000Z';
  const now = '2026-04-02T04:00:00.000Z';
  const before = '2026-03-09T02:00:00.000Z';
  const afterDue = '2026-03-12T02:00:00.000Z';
  const cases: Array<[string, Partial<DutyFacts>, DutyOutcome, { due: boolean; done: boolean; overdue: boolean }]> = [
    ['done in time', { status: 'done', completed_at: before, late: 0 }, 'on_time', { due: true, done: true, overdue: false }],
    ['done late', { status: 'done', completed_at: afterDue, late: 1 }, 'late', { due: true, done: true, overdue: true }],
    ['open past the deadline', { status: 'open' }, 'open_overdue', { due: true, done: false, overdue: true }],
    ['open, deadline still ahead', { status: 'open', due_at: '2026-04-10T16:00:00.000Z' }, 'pending', { due: false, done: false, overdue: false }],
    ['cancelled in time (the lead replied before the co-handler’s deadline)', { status: 'cancelled', completed_at: before }, 'not_counted', { due: false, done: false, overdue: false }],
    ['cancelled after the deadline (co-handler never gave its opinion)', { status: 'cancelled', completed_at: afterDue }, 'cancelled_overdue', { due: true, done: false, overdue: true }],
    ['returned in time, accepted after the deadline: judged at the return', { status: 'cancelled', completed_at: afterDue, ownRequest: { late: false, requestedAt: before } }, 'not_counted', { due: false, done: false, overdue: false }],
    ['returned late, accepted before the reply deadline: 超期退回的视为超期办理件', { status: 'cancelled', completed_at: before, ownRequest: { late: true, requestedAt: before } }, 'late_return', { due: true, done: false, overdue: true }],
    ['own request filed after the deadline', { status: 'cancelled', completed_at: afterDue, ownRequest: { late: false, requestedAt: afterDue } }, 'cancelled_overdue', { due: true, done: false, overdue: true }],
  ];
  for (const [name, facts, outcome, flags] of cases) {
    it(name, () => {
      const o = dutyOutcome({ status: 'open', due_at: due, completed_at: null, late: 0, ...facts }, now);
      assert.equal(o, outcome);
      assert.deepEqual({ due: countsAsDue(o), done: countsAsDone(o), overdue: countsAsOverdue(o) }, flags);
    });
  }
});

describe('满意率 exemption (第二十五条) and the authority’s exclusion', () => {
  const cases: Array<[string, string, string | null, string | null]> = [
    ['a complaint in a 行政调解类 category', 'complaint', 'mediation', 'mediation'],
    ['a report in an 执法办案类 category', 'report', 'enforcement', 'enforcement'],
    ['a consultation in an 执法办案类 category: rated as any other', 'consultation', 'enforcement', null],
    ['a help request in a 行政调解类 category', 'help', 'mediation', null],
    ['a complaint in an ordinary category', 'complaint', null, null],
    ['an unknown class is not an exemption', 'complaint', 'other', null],
  ];
  for (const [name, type, cls, expected] of cases) it(name, () => assert.equal(satisfactionExemption(type, cls), expected));
  const ratings: Array<[string, { exemptClass: string | null; excludedByAuthority: boolean }, string]> = [
    ['counted by default, whatever the centre judged', { exemptClass: null, excludedByAuthority: false }, 'counted'],
    ['exempt by 第二十五条', { exemptClass: 'mediation', excludedByAuthority: false }, 'exempt'],
    ['excluded by the authority’s decision in effect', { exemptClass: null, excludedByAuthority: true }, 'excluded'],
  ];
  for (const [name, r, expected] of ratings) it(name, () => assert.equal(ratingOutcome(r), expected));
});
