// The month's ranking as files for the 全市通报 (第二十九条): .xlsx (one sheet of the ranked units,
// tier by tier in rank order, with every indicator; one of the indicators' formulas and weights) and
// PDF (landscape A4: a bar chart of the scores of each tier, then the table). Both carry the viewer's
// mark (reports/watermark.ts), as every exported report does.
import type { MonthlyEvaluation, EvaluationRow } from './monthly.ts';
import { startPdf } from '../server/pdf.ts';
import { drawChart, type ChartOption } from '../server/charts.ts';
import { exportFooter } from '../server/watermark.ts';

export const RANKING_COUNTS = [
  { key: 'overdueUnexplained', label: '超期未说明' },
  { key: 'coHandlingLate', label: '协办超期' },
] as const;

const OUTSIDE_TIERS = '其他（不参加分档排名）';

export const rankingFileName = (month: string, ext: 'xlsx' | 'pdf') => `12345热线月度考核通报_${month}.${ext}`;

/** The rows tier by tier, in the order of the ranking (the API's order). */
export function tiersOf(evaluation: MonthlyEvaluation): Array<{ label: string; rows: EvaluationRow[] }> {
  const out: Array<{ key: string; label: string; rows: EvaluationRow[] }> = [];
  for (const r of evaluation.rows) {
    const key = r.tier?.key ?? '';
    let group = out.find((g) => g.key === key);
    if (!group) out.push((group = { key, label: r.tier?.label ?? OUTSIDE_TIERS, rows: [] }));
    group.rows.push(r);
  }
  return out;
}

const triggerText = (r: EvaluationRow) =>
  r.triggers.map((t) => `${t.label}（${t.decision === 'confirmed' ? '已通报' : t.decision === 'dismissed' ? '不予通报' : '待确认'}）：${t.detail}`).join('；');

const statusLine = (e: MonthlyEvaluation) =>
  `${e.published ? `已发布 ${e.published.at}${e.published.by ? ` · ${e.published.by}` : ''}` : '未发布'}${e.complete ? '' : '（当月未结束，数据仍在变化）'}　统计时间 ${e.generatedAt}`;

export async function rankingXlsx(evaluation: MonthlyEvaluation, mark: string): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345热线平台';
  const ws = wb.addWorksheet('月度考核排名');
  const headers = ['档次', '排名', '单位代码', '单位', '得分', ...evaluation.indicators.map((i) => i.label), ...RANKING_COUNTS.map((c) => c.label), '通报情形（第三十一条（二））', '不排名原因'];
  ws.addRow([`12345热线 ${evaluation.month} 月度考核全市通报`]);
  ws.mergeCells(1, 1, 1, headers.length);
  ws.getRow(1).font = { bold: true, size: 13 };
  ws.addRow([statusLine(evaluation)]);
  ws.mergeCells(2, 1, 2, headers.length);
  ws.addRow([exportFooter(mark)]);
  ws.mergeCells(3, 1, 3, headers.length);
  ws.getRow(3).font = { size: 9, color: { argb: 'FF8C8C8C' } };
  ws.headerFooter = { oddHeader: `&C&8&K8C8C8C${mark.replace(/&/g, '&&')}`, oddFooter: `&L&8${exportFooter(mark).replace(/&/g, '&&')}&R&8第 &P 页，共 &N 页` };
  const header = ws.addRow(headers);
  header.font = { bold: true };
  header.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F0FB' } };
    c.border = { bottom: { style: 'thin' } };
  });
  for (const group of tiersOf(evaluation)) {
    for (const r of group.rows) {
      ws.addRow([
        group.label,
        r.rank,
        r.unit.code,
        r.unit.name,
        r.score,
        ...evaluation.indicators.map((i) => r.indicators[i.key as keyof typeof r.indicators] ?? null),
        ...RANKING_COUNTS.map((c) => r.counts[c.key] ?? 0),
        triggerText(r),
        r.rankNote ?? '',
      ]);
    }
  }
  // Rates as percentages, scores to two places: the figures stay numbers a reader can sort and sum.
  ws.getColumn(5).numFmt = '0.00';
  evaluation.indicators.forEach((_, i) => (ws.getColumn(6 + i).numFmt = '0.0%'));
  const widths = [14, 6, 12, 26, 8, ...evaluation.indicators.map(() => 11), ...RANKING_COUNTS.map(() => 10), 60, 30];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.views = [{ state: 'frozen', ySplit: 4, xSplit: 4 }];

  const formulas = wb.addWorksheet('指标口径与权重');
  formulas.addRow(['指标', '计算方法', '权重']).font = { bold: true };
  for (const i of evaluation.indicators) formulas.addRow([i.label, i.formula, i.weight ? `${i.weight}${i.lowerIsBetter ? '（越低越好）' : ''}` : '不计分']);
  formulas.getColumn(1).width = 16;
  formulas.getColumn(2).width = 60;
  formulas.getColumn(3).width = 16;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The bar colour of the score charts (the console's primary blue). */
export const SCORE_BAR_COLOR = '#1677ff';

/** A horizontal bar chart of the scores of one tier's ranked units, the first at the top. */
export function scoreChart(label: string, rows: EvaluationRow[]): ChartOption {
  const scored = rows.filter((r) => r.score !== null);
  return {
    title: { text: `${label}：各单位得分`, left: 'center', textStyle: { fontSize: 12 } },
    grid: { left: 8, right: 48, top: 28, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { fontSize: 9 } },
    yAxis: { type: 'category', inverse: true, data: scored.map((r) => r.unit.name), axisLabel: { fontSize: 9 } },
    series: [{ type: 'bar', data: scored.map((r) => Number(r.score!.toFixed(2))), itemStyle: { color: SCORE_BAR_COLOR }, barMaxWidth: 14, label: { show: true, position: 'right', fontSize: 8 } }],
  };
}

export async function rankingPdf(evaluation: MonthlyEvaluation, mark: string): Promise<Buffer> {
  const title = `12345热线 ${evaluation.month} 月度考核全市通报`;
  const { doc, done } = await startPdf({ Title: title, Subject: statusLine(evaluation) }, mark, 'landscape');
  const left = doc.page.margins.left;
  const usable = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  doc.fontSize(16).text(title, { align: 'center' });
  doc.moveDown(0.3).fontSize(9).fillColor('#555').text(statusLine(evaluation), { align: 'center' }).fillColor('#000');
  doc.moveDown(0.6);
  const tiers = tiersOf(evaluation);

  // The charts: one per tier with scored units, two side by side.
  const charts = tiers.filter((g) => g.rows.some((r) => r.score !== null));
  const gap = 16;
  const chartWidth = (usable - gap) / 2;
  for (let i = 0; i < charts.length; i += 2) {
    const pair = charts.slice(i, i + 2);
    const height = Math.min(bottom() - 40, 40 + 13 * Math.max(...pair.map((g) => g.rows.filter((r) => r.score !== null).length)));
    if (doc.y + height > bottom()) doc.addPage();
    const y = doc.y;
    for (const [j, g] of pair.entries()) await drawChart(doc, scoreChart(g.label, g.rows), left + j * (chartWidth + gap), y, chartWidth, height);
    doc.x = left;
    doc.y = y + height + 10;
  }

  // The table: rank, unit, score, the indicators, the overdue counts, the triggers.
  const headers = ['排名', '单位', '得分', ...evaluation.indicators.map((i) => i.label), ...RANKING_COUNTS.map((c) => c.label), '通报情形'];
  const fixed = [28, 96, 34];
  const figures = evaluation.indicators.length + RANKING_COUNTS.length;
  const triggersWidth = 130;
  const figureWidth = (usable - fixed.reduce((a, b) => a + b, 0) - triggersWidth) / figures;
  const widths = [...fixed, ...Array.from({ length: figures }, () => figureWidth), triggersWidth];
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
  const drawRow = (cells: string[], head: boolean) => {
    doc.fontSize(head ? 7.5 : 7);
    const height = Math.max(...cells.map((t, i) => doc.heightOfString(t, { width: widths[i] - 4 }))) + 5;
    if (doc.y + height > bottom()) {
      doc.addPage();
      if (!head) drawRow(headers, true);
      doc.fontSize(7);
    }
    const y = doc.y;
    if (head) doc.rect(left, y, usable, height).fill('#e8f0fb').fillColor('#000');
    let x = left;
    cells.forEach((t, i) => {
      doc.text(t, x + 2, y + 2.5, { width: widths[i] - 4, align: i === 1 || i === cells.length - 1 ? 'left' : i === 0 ? 'center' : 'right' });
      x += widths[i];
    });
    doc.moveTo(left, y + height).lineTo(left + usable, y + height).lineWidth(0.3).strokeColor('#bbb').stroke();
    doc.x = left;
    doc.y = y + height;
  };
  for (const g of tiers) {
    if (doc.y + 60 > bottom()) doc.addPage();
    doc.fontSize(11).text(g.label, left, doc.y);
    doc.moveDown(0.2);
    drawRow(headers, true);
    for (const r of g.rows) {
      drawRow(
        [
          r.rank === null ? '不排名' : String(r.rank),
          r.unit.name,
          r.score === null ? '—' : r.score.toFixed(2),
          ...evaluation.indicators.map((i) => pct(r.indicators[i.key as keyof typeof r.indicators])),
          ...RANKING_COUNTS.map((c) => String(r.counts[c.key] ?? 0)),
          r.triggers.map((t) => `${t.label.split('：')[0]}（${t.decision === 'confirmed' ? '已通报' : t.decision === 'dismissed' ? '不予通报' : '待确认'}）`).join('；') || '—',
        ],
        false,
      );
    }
    doc.moveDown(0.8);
  }
  doc.end();
  return done;
}
