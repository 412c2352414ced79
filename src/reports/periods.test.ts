// Report periods (Asia/Shanghai days, ISO weeks, months) and the export content model.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asOfInstant, asOfLabel, isRunning, periodAt, periodOf, previousPeriod, trailingPeriods } from './periods.ts';
import { duePeriods } from './scheduler.ts';
import { reportDocument } from './document.ts';
import { maskFacts, satisfactionOf, type Report } from './report.ts';
import { keywordsOf } from './keywords.ts';

describe('report periods', () => {
  it('a day, an ISO week and a month as Shanghai calendar days', () => {
    assert.deepEqual(periodOf('daily', '2026-03-02'), { kind: 'daily', key: '2026-03-02', label: '2026年3月2日', firstDate: '2026-03-02', lastDate: '2026-03-02', from: '2026-03-01T16:00:00.000Z', to: '2026-03-02T16:00:00.000Z' });
    assert.deepEqual(periodOf('weekly', '2026-W01'), { kind: 'weekly', key: '2026-W01', label: '2026年第1周', firstDate: '2025-12-29', lastDate: '2026-01-04', from: '2025-12-28T16:00:00.000Z', to: '2026-01-04T16:00:00.000Z' });
    assert.deepEqual(periodOf('monthly', '2026-02'), { kind: 'monthly', key: '2026-02', label: '2026年2月', firstDate: '2026-02-01', lastDate: '2026-02-28', from: '2026-01-31T16:00:00.000Z', to: '2026-02-28T16:00:00.000Z' });
  });

  it('invalid keys are refused', () => {
    for (const [kind, key] of [['daily', '2026-02-29'], ['daily', '2026-3-2'], ['weekly', '2026-W00'], ['weekly', '2025-W53'], ['weekly', '2026W10'], ['monthly', '2026-00'], ['monthly', '1999-12']] as const) {
      assert.equal(periodOf(kind, key), null, `${kind} ${key}`);
    }
    assert.equal(periodOf('weekly', '2026-W53')?.lastDate, '2027-01-03');
  });

  it('the period of an instant is its Shanghai date: 16:00 UTC is the next day', () => {
    assert.equal(periodAt('daily', '2026-03-01T15:59:59.999Z').key, '2026-03-01');
    assert.equal(periodAt('daily', '2026-03-01T16:00:00.000Z').key, '2026-03-02');
    assert.equal(periodAt('weekly', '2026-03-08T15:59:59.000Z').key, '2026-W10');
    assert.equal(periodAt('weekly', '2026-03-08T16:00:00.000Z').key, '2026-W11');
    assert.equal(periodAt('monthly', '2026-02-28T16:00:00.000Z').key, '2026-03');
  });

  it('previous periods and trends across year ends', () => {
    assert.equal(previousPeriod(periodOf('weekly', '2026-W01')!).key, '2025-W52');
    assert.equal(previousPeriod(periodOf('monthly', '2026-01')!).key, '2025-12');
    assert.deepEqual(trailingPeriods(periodOf('daily', '2026-03-02')!, 3).map((p) => p.key), ['2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it('期末 is the period’s end once over, now while it runs; 截至 in Shanghai time', () => {
    const march = periodOf('monthly', '2026-03')!; // to = 2026-03-31T16:00:00.000Z
    const table: Array<[now: string, asOf: string, running: boolean, label: string]> = [
      ['2026-03-12T01:00:00.000Z', '2026-03-12T01:00:00.000Z', true, '截至 2026-03-12 09:00'],
      ['2026-03-31T15:59:59.999Z', '2026-03-31T15:59:59.999Z', true, '截至 2026-03-31 23:59'],
      ['2026-03-31T16:00:00.000Z', '2026-03-31T16:00:00.000Z', false, '截至 2026-04-01 00:00'],
      ['2026-12-07T01:30:00.000Z', '2026-03-31T16:00:00.000Z', false, '截至 2026-04-01 00:00'],
      ['2026-02-20T00:00:00.000Z', '2026-02-20T00:00:00.000Z', true, '截至 2026-02-20 08:00'], // before it began: nothing can be overdue yet
    ];
    for (const [now, asOf, running, label] of table) {
      assert.equal(asOfInstant(march, now), asOf, now);
      assert.equal(isRunning(march, now), running, now);
      assert.equal(asOfLabel(asOfInstant(march, now)), label, now);
    }
  });

  it('due at 00:10 Shanghai: the previous day, week (on Mondays) and month (on the 1st)', () => {
    const keys = (iso: string) => duePeriods(iso).map((p) => p.key);
    assert.deepEqual(keys('2026-03-31T16:09:59.000Z'), ['2026-03-30', '2026-W13', '2026-02']); // Wed 04-01 00:09
    assert.deepEqual(keys('2026-03-31T16:10:00.000Z'), ['2026-03-31', '2026-W13', '2026-03']); // Wed 04-01 00:10
    assert.deepEqual(keys('2026-04-05T16:10:00.000Z'), ['2026-04-05', '2026-W14', '2026-03']); // Mon 04-06 00:10
  });
});

describe('report content', () => {
  it('满意率 = (非常满意 + 满意 + 基本满意) / rated; unreached attempts are not rated', () => {
    const s = satisfactionOf([
      { reached: 1, satisfaction: 'very_satisfied', n: 3 },
      { reached: 1, satisfaction: 'basically_satisfied', n: 1 },
      { reached: 1, satisfaction: 'very_unsatisfied', n: 1 },
      { reached: 0, satisfaction: null, n: 4 },
    ]);
    assert.equal(s.rated, 5);
    assert.equal(s.satisfied, 4);
    assert.equal(s.rate, 0.8);
    assert.equal(s.unreached, 4);
    assert.equal(satisfactionOf([]).rate, null);
  });

  it('personal numbers in facts are masked', () => {
    assert.equal(maskFacts('联系13812345678或0453-6123456，身份证231002199001011234'), '联系138****5678或0453-*****56，身份证2310**********1234');
    // A ticket number is not a landline: before, its digits 0261122000123 were half-masked.
    assert.equal(maskFacts('与MDJ20261122000123同一事项'), '与MDJ20261122000123同一事项');
  });

  it('keywords drop place names, stopwords and one-character words', () => {
    assert.deepEqual(keywordsOf('东安区新安街道光华小区停水三天了，没有任何通知'), ['新安', '光华', '停水', '任何', '通知']);
  });

  it('the document the xlsx and PDF are laid out from: title, period and one table per breakdown', () => {
    const report = {
      kind: 'monthly', kindLabel: '月报', period: '2026-03', title: '牡丹江市12345热线2026年3月月报（全市）', periodLabel: '2026年3月',
      firstDate: '2026-03-01', lastDate: '2026-03-31', from: '', to: '', scope: { unit: null, label: '全市' }, generatedAt: '2026-04-01T00:00:00.000Z',
      totals: { tickets: 4, lateDone: 1, openOverdue: 2, rated: 3, satisfied: 2, satisfactionRate: 0.6667 },
      byChannel: [{ key: 'phone', name: '电话', count: 3, share: 0.75 }, { key: 'web', name: '网站', count: 1, share: 0.25 }],
      byType: [], byTopCategory: [], byCategory: [{ key: '5', name: '停水', count: 2, share: 0.5 }], byDistrict: [], byLeadUnit: [],
      topIssues: { categories: [{ key: '5', name: '停水', count: 2, share: 0.5 }], keywords: [{ word: '停水', count: 3 }, { word: '物业', count: 1 }] },
      overdue: { lateDone: 1, openOverdue: 2, byUnit: [{ key: '9', name: '市住房和城乡建设局', lateDone: 1, openOverdue: 2 }], byKind: [] },
      satisfaction: { levels: [{ key: 'satisfied', name: '满意', count: 2 }, { key: 'unsatisfied', name: '不满意', count: 1 }], rated: 3, satisfied: 2, rate: 0.6667, unreached: 1 },
      trend: [{ period: '2026-03', label: '2026年3月', tickets: 4, lateDone: 1, openOverdue: 2, rated: 3, satisfied: 2, satisfactionRate: 0.6667 }],
    } as unknown as Report;
    const doc = reportDocument(report);
    assert.equal(doc.title, '牡丹江市12345热线2026年3月月报（全市）');
    assert.equal(doc.subtitle, '统计期间：2026-03-01 至 2026-03-31（2026年3月）');
    const table = (name: string) => doc.tables.find((t) => t.name === name)!;
    // A report stored before the reports counted 满意率 as the evaluation does (no satisfaction.basis):
    // its plain rate is never shown under the name 满意率.
    const OLD = '全部评价满意率（旧版报表，未扣除不计入考核的评价）';
    assert.deepEqual(table('概况').rows.slice(0, 6), [['受理总量（件）', 4], ['超期办结（项）', 1], ['期末超期未办结（项）', 2], ['已评价回访（次）', 3], ['满意（含非常满意、满意、基本满意）', 2], [OLD, '66.67%']]);
    assert.deepEqual(table('按渠道'), { name: '按渠道', headers: ['受理渠道', '件数', '占比'], rows: [['电话', 3, '75.00%'], ['网站', 1, '25.00%']] });
    assert.deepEqual(table('热点诉求').rows, [[1, '停水', 2, '停水', 3], [2, '', '', '物业', 1]]);
    assert.deepEqual(table('超期情况').rows, [['市住房和城乡建设局', 1, 2], ['合计', 1, 2]]);
    assert.deepEqual(table('满意度').rows.slice(-3), [['已评价合计', 3], ['未接通', 1], [OLD, '66.67%']]);
    // Built now: 满意率 is the evaluation's, 全部评价满意率 beside it, the left-out ratings counted.
    const current = reportDocument({
      ...report,
      totals: { ...report.totals, rated: 2, satisfied: 2, satisfactionRate: 1 },
      satisfaction: { ...report.satisfaction, rated: 2, satisfied: 2, rate: 1, exempt: 1, excluded: 0, allRated: 3, allSatisfied: 2, allRate: 0.6667, basis: 'evaluation' },
    });
    const now = (name: string) => current.tables.find((t) => t.name === name)!;
    assert.deepEqual(now('概况').rows.slice(3, 7), [['已评价回访（计入满意率，次）', 2], ['满意（含非常满意、满意、基本满意）', 2], ['满意率', '100.00%'], ['全部评价满意率（含不计入考核的评价）', '66.67%']]);
    assert.deepEqual(now('满意度').rows.slice(-6), [
      ['其中：第二十五条不计入（行政调解类、执法办案类投诉举报）', 1], ['其中：热线主管部门决定排除', 0], ['计入满意率的评价', 2], ['未接通', 1], ['满意率', '100.00%'], ['全部评价满意率（含不计入考核的评价）', '66.67%'],
    ]);
    assert.deepEqual(table('趋势').rows, [['2026年3月', 4, 1, 2, 3, '66.67%']]);
    assert.equal(doc.tables.some((t) => t.name === '典型工单'), false, 'samples only in 专报');
    assert.equal(table('概况').rows.some((r) => r[0] === '统计截至'), false, 'a finished period states no 截至');
    const running = reportDocument({ ...report, running: true, asOf: '2026-03-12T01:00:00.000Z', asOfLabel: '截至 2026-03-12 09:00' });
    assert.equal(running.subtitle, '统计期间：2026-03-01 至 2026-03-31（2026年3月，截至 2026-03-12 09:00）');
    assert.deepEqual(running.tables[0].rows[3], ['统计截至', '2026-03-12 09:00']);
  });
});
