// The content model of a report's exports: the title line and one table per breakdown, with Chinese
// headers. The xlsx (one sheet per table) and the PDF (the tables one after another) are both laid
// out from this, so what they show is tested once, here.
import type { Report, Row } from './report.ts';
import type { PeriodCallFigures } from '../calls/period-figures.ts';

export type Cell = string | number;

export interface Table {
  /** Sheet name (at most 31 characters, no []:*?/\). */
  name: string;
  headers: string[];
  rows: Cell[][];
}

export interface ReportDocument {
  title: string;
  /** 统计期间：2026-03-01 至 2026-03-31（2026年3月）; a running period adds ，截至 2026-03-18 09:30. */
  subtitle: string;
  tables: Table[];
}

export const percent = (x: number | null) => (x == null ? '—' : `${(x * 100).toFixed(2)}%`);

const breakdown = (name: string, head: string, rows: Row[]): Table => ({
  name,
  headers: [head, '件数', '占比'],
  rows: rows.map((r) => [r.name, r.count, percent(r.share)]),
});

const seconds = (x: number | null) => (x == null ? '—' : `${x.toFixed(1)} 秒`);

/** 话务: the period's GB/T 33358 service levels, messages and 漏接回拨, one small table. */
function callsTable(c: PeriodCallFigures): Table {
  const s = c.serviceLevels;
  const m = c.missedCalls;
  const met = c.connectRateMet === null ? '—' : c.connectRateMet ? '达标' : '未达标';
  return {
    name: '话务',
    headers: ['指标', '数值'],
    rows: [
      ['呼入量（通）', s.offered],
      ['接通量（通）', s.answered],
      [`${c.answerTargetSeconds} 秒内接通（通）`, s.answeredWithin15s],
      ['放弃（通）', s.abandoned],
      ['短时放弃（通，不计入）', s.shortAbandoned],
      [`服务水平（${c.answerTargetSeconds} 秒接通率）`, percent(s.serviceLevel15s)],
      [`接通率（标准 ≥ ${Math.round(c.connectRateTarget * 100)}%）`, `${percent(s.connectRate)}（${met}）`],
      ['放弃率', percent(s.abandonRate)],
      ['平均应答速度', seconds(s.asaSeconds)],
      ['平均处理时长', seconds(s.ahtSeconds)],
      ['坐席占用率', percent(s.occupancy)],
      ['短信/网络留言（条）', c.messages.received],
      [`${Math.round(c.messages.targetSeconds / 60)} 分钟内答复率`, percent(c.messages.withinTargetRate)],
      ['漏接（通）', m.missed],
      ['已回拨（通）', m.calledBack],
      ['回拨联系上（通）', m.reached],
      ['来电人再次来电接通（通）', m.calledAgain],
      ['期末未完成回拨（通）', m.open],
      [`${Math.round(m.targetSeconds / 60)} 分钟内回拨率`, percent(m.callbackWithinTargetRate)],
      ['平均首次回拨用时', m.avgFirstAttemptSeconds == null ? '—' : `${(m.avgFirstAttemptSeconds / 60).toFixed(1)} 分钟`],
    ],
  };
}

export function reportDocument(report: Report): ReportDocument {
  const t = report.totals;
  const s = report.satisfaction;
  // 满意率 always means the evaluation's figure. A report stored before the reports counted it so
  // (no basis) holds the plain rate over every rating: it is shown under that name, never as 满意率.
  const evaluationBasis = s.basis === 'evaluation';
  const rateLabel = evaluationBasis ? '满意率' : '全部评价满意率（旧版报表，未扣除不计入考核的评价）';
  const tables: Table[] = [
    {
      name: '概况',
      headers: ['指标', '数值'],
      rows: [
        ['受理总量（件）', t.tickets],
        ['超期办结（项）', t.lateDone],
        ['期末超期未办结（项）', t.openOverdue],
        // A running period's 期末 is the moment the report was built: say when.
        ...(report.running && report.asOfLabel ? [['统计截至', report.asOfLabel.replace(/^截至 /, '')] as Cell[]] : []),
        [evaluationBasis ? '已评价回访（计入满意率，次）' : '已评价回访（次）', t.rated],
        ['满意（含非常满意、满意、基本满意）', t.satisfied],
        [rateLabel, percent(t.satisfactionRate)],
        ...(evaluationBasis ? [['全部评价满意率（含不计入考核的评价）', percent(s.allRate)] as Cell[]] : []),
        ['统计范围', report.scope.label],
      ],
    },
    breakdown('按渠道', '受理渠道', report.byChannel),
    breakdown('按诉求类型', '诉求类型', report.byType),
    breakdown('按一级分类', '一级分类', report.byTopCategory),
    breakdown('按末级分类', '诉求分类', report.byCategory),
    breakdown('按县（市）区', '县（市）区', report.byDistrict),
    breakdown('按主办单位', '主办单位', report.byLeadUnit),
    {
      name: '热点诉求',
      headers: ['排名', '诉求分类', '件数', '热词', '涉及工单数'],
      rows: Array.from({ length: Math.max(report.topIssues.categories.length, report.topIssues.keywords.length) }, (_, i) => [
        i + 1,
        report.topIssues.categories[i]?.name ?? '',
        report.topIssues.categories[i]?.count ?? '',
        report.topIssues.keywords[i]?.word ?? '',
        report.topIssues.keywords[i]?.count ?? '',
      ]),
    },
    {
      name: '超期情况',
      headers: ['单位', '超期办结（项）', '期末超期未办结（项）'],
      rows: [...report.overdue.byUnit.map((r) => [r.name, r.lateDone, r.openOverdue]), ['合计', report.overdue.lateDone, report.overdue.openOverdue]],
    },
    {
      name: '满意度',
      headers: ['评价', '次数'],
      rows: evaluationBasis
        ? [
            ...s.levels.map((l) => [l.name, l.count] as Cell[]),
            ['全部评价合计', s.allRated],
            ['其中：第二十五条不计入（行政调解类、执法办案类投诉举报）', s.exempt],
            ['其中：热线主管部门决定排除', s.excluded],
            ['计入满意率的评价', s.rated],
            ['未接通', s.unreached],
            ['满意率', percent(s.rate)],
            ['全部评价满意率（含不计入考核的评价）', percent(s.allRate)],
          ]
        : [...s.levels.map((l) => [l.name, l.count] as Cell[]), ['已评价合计', s.rated], ['未接通', s.unreached], [rateLabel, percent(s.rate)]],
    },
    {
      name: '趋势',
      headers: ['期间', '受理量', '超期办结', '期末超期未办结', evaluationBasis ? '计入满意率的评价' : '已评价回访', evaluationBasis ? '满意率' : '全部评价满意率（旧版报表）'],
      rows: report.trend.map((p) => [p.label, p.tickets, p.lateDone, p.openOverdue, p.rated, percent(p.satisfactionRate)]),
    },
  ];
  if (report.calls) tables.push(callsTable(report.calls));
  if (report.samples) {
    tables.push({
      name: '典型工单',
      headers: ['工单编号', '受理时间', '诉求类型', '诉求分类', '县（市）区', '主办单位', '状态', '诉求人', '诉求事实'],
      rows: report.samples.map((x) => [x.no, x.createdAt.slice(0, 16).replace('T', ' '), x.type, x.category ?? '', x.district ?? '', x.leadUnit ?? '', x.status, x.requester ?? '', x.facts]),
    });
  }
  const range = report.firstDate === report.lastDate ? report.firstDate : `${report.firstDate} 至 ${report.lastDate}`;
  const asOf = report.running && report.asOfLabel ? `，${report.asOfLabel}` : '';
  return { title: report.title, subtitle: `统计期间：${range}（${report.periodLabel}${asOf}）`, tables };
}
