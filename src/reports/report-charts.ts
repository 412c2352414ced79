// The charts a report shows in the console (web/src/pages/reports/ReportView.tsx), as ECharts
// options built from the same report, for the PDF: the trend, the channels, the categories and the
// districts. Kept to what print needs: no tooltips, labels on the bars.
import type { Report } from './report.ts';
import type { ChartOption } from '../server/charts.ts';

/** The bar colour of the console's report charts. */
export const REPORT_BAR_COLOR = '#1f5fbf';

type Row = Report['byCategory'][number];

function barChart(title: string, rows: Row[], limit = 12): ChartOption {
  const top = rows.filter((r) => r.count > 0).slice(0, limit).reverse();
  return {
    title: { text: title, left: 'center', textStyle: { fontSize: 11 } },
    grid: { left: 8, right: 28, top: 24, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 8 } },
    yAxis: { type: 'category', data: top.map((r) => r.name), axisLabel: { fontSize: 8, width: 90, overflow: 'truncate' } },
    series: [{ type: 'bar', data: top.map((r) => r.count), itemStyle: { color: REPORT_BAR_COLOR }, label: { show: true, position: 'right', fontSize: 7 } }],
  };
}

/** The charts with something to show, in the console's order. */
export function reportCharts(report: Report): ChartOption[] {
  const out: ChartOption[] = [];
  if (report.trend?.length) {
    out.push({
      title: { text: '受理量与满意率走势', left: 'center', textStyle: { fontSize: 11 } },
      legend: { top: 18, left: 'center', data: ['受理量', '期末超期未办结', '满意率'], textStyle: { fontSize: 8 }, itemWidth: 12, itemHeight: 8 },
      grid: { left: 8, right: 8, top: 52, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      xAxis: { type: 'category', data: report.trend.map((p) => p.label), axisLabel: { fontSize: 7 } },
      yAxis: [
        { type: 'value', minInterval: 1, name: '件', axisLabel: { fontSize: 7 }, nameTextStyle: { fontSize: 7 } },
        { type: 'value', min: 0, max: 100, name: '%', splitLine: { show: false }, axisLabel: { fontSize: 7 }, nameTextStyle: { fontSize: 7 } },
      ],
      series: [
        { name: '受理量', type: 'bar', data: report.trend.map((p) => p.tickets), itemStyle: { color: REPORT_BAR_COLOR } },
        { name: '期末超期未办结', type: 'bar', data: report.trend.map((p) => p.openOverdue), itemStyle: { color: '#f5222d' } },
        { name: '满意率', type: 'line', yAxisIndex: 1, data: report.trend.map((p) => (p.satisfactionRate == null ? null : Math.round(p.satisfactionRate * 10000) / 100)), itemStyle: { color: '#52c41a' } },
      ],
    });
  }
  const channels = report.byChannel.filter((r) => r.count > 0);
  if (channels.length) {
    out.push({
      title: { text: '受理渠道', left: 'center', textStyle: { fontSize: 11 } },
      legend: { bottom: 0, textStyle: { fontSize: 8 }, itemWidth: 12, itemHeight: 8 },
      series: [{ type: 'pie', radius: ['30%', '55%'], center: ['50%', '50%'], label: { fontSize: 8, formatter: '{b} {c}' }, data: channels.map((r) => ({ name: r.name, value: r.count })) }],
    });
  }
  if (report.byCategory.some((r) => r.count > 0)) out.push(barChart('诉求分类（前 12）', report.byCategory));
  if (report.byDistrict.some((r) => r.count > 0)) out.push(barChart('县（市）区', report.byDistrict));
  return out;
}
