// The report as files: .xlsx (exceljs; one sheet per table, a title row with the period, Chinese
// headers) and PDF (pdfkit, with the installed Noto Sans CJK font embedded, subset to the characters
// used), with the console's charts drawn by ECharts on the server (./report-charts.ts). Both are
// laid out from the content model in ./document.ts, and both carry the viewer's
// watermark (../server/watermark.ts, the PDF kernel in ../server/pdf.ts): a line under each sheet's title and in its printed header and footer;
// a faint diagonal pattern and a footer line on every PDF page.
// exceljs and pdfkit are loaded on the first export: together they would hold some 50 MB in every
// server process that never makes a file.
import { reportDocument, type Cell } from './document.ts';
import type { Report } from './report.ts';
import { XLSX_TYPE, PDF_TYPE, startPdf } from '../server/pdf.ts';
import { drawChart } from '../server/charts.ts';
import { exportFooter } from '../server/watermark.ts';
import { reportCharts } from './report-charts.ts';

export { XLSX_TYPE, PDF_TYPE };

/** A file name for downloads: 12345热线月报_2026-03.xlsx */
export function exportFileName(report: Report, ext: 'xlsx' | 'pdf'): string {
  return `12345热线${report.kindLabel}_${report.period.replace(/\//g, '_')}.${ext}`;
}

const SHEET_NAME_BAD = /[[\]:*?/\\]/g;

/** Header and footer text for Excel's page setup, where `&` starts a code and must be doubled. */
const headerText = (text: string) => text.replace(/&/g, '&&');

export async function reportXlsx(report: Report, mark: string): Promise<Buffer> {
  const doc = reportDocument(report);
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345热线平台';
  wb.created = new Date(report.generatedAt);
  for (const table of doc.tables) {
    const ws = wb.addWorksheet(table.name.replace(SHEET_NAME_BAD, '').slice(0, 31));
    const width = Math.max(table.headers.length, 1);
    ws.addRow([`${doc.title}　${doc.subtitle}`]);
    ws.mergeCells(1, 1, 1, width);
    ws.getRow(1).font = { bold: true, size: 13 };
    ws.addRow([exportFooter(mark)]);
    ws.mergeCells(2, 1, 2, width);
    ws.getRow(2).font = { size: 9, color: { argb: 'FF8C8C8C' } };
    // Printed pages: the viewer at the top of every page, the full footer line at the bottom.
    const top = `&C&8&K8C8C8C${headerText(mark)}`;
    const foot = headerText(exportFooter(mark));
    ws.headerFooter = {
      differentFirst: false,
      differentOddEven: false,
      oddHeader: top,
      oddFooter: `&L&8&K8C8C8C${foot}&R&8第 &P 页，共 &N 页`,
    };
    const header = ws.addRow(table.headers);
    header.font = { bold: true };
    header.eachCell((c) => {
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F0FB' } };
      c.border = { bottom: { style: 'thin' } };
    });
    for (const row of table.rows) ws.addRow(row);
    table.headers.forEach((h, i) => {
      const longest = Math.max(h.length, ...table.rows.map((r) => String(r[i] ?? '').length));
      ws.getColumn(i + 1).width = Math.min(60, Math.max(10, longest * 2 + 2));
    });
    ws.views = [{ state: 'frozen', ySplit: 3 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function reportPdf(report: Report, mark: string): Promise<Buffer> {
  const content = reportDocument(report);
  const { doc, done } = await startPdf({ Title: content.title, Subject: content.subtitle }, mark);
  const left = doc.page.margins.left;
  const usable = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  doc.fontSize(16).text(content.title, { align: 'center' });
  doc.moveDown(0.3).fontSize(10).fillColor('#555').text(content.subtitle, { align: 'center' }).fillColor('#000');
  doc.moveDown(0.8);

  // The console's charts, two to a row, before the tables.
  const charts = reportCharts(report);
  const gap = 14;
  const chartWidth = (usable - gap) / 2;
  const chartHeight = 190;
  for (let i = 0; i < charts.length; i += 2) {
    if (doc.y + chartHeight > bottom()) doc.addPage();
    const y = doc.y;
    for (const [j, option] of charts.slice(i, i + 2).entries()) await drawChart(doc, option, left + j * (chartWidth + gap), y, chartWidth, chartHeight);
    doc.x = left;
    doc.y = y + chartHeight + 10;
  }

  for (const table of content.tables) {
    // Column widths: the first (names) column wider, the rest equal; text wraps within its cell.
    const n = table.headers.length;
    const first = n === 2 ? usable * 0.6 : n >= 6 ? usable * 0.22 : usable * 0.4;
    const widths = [first, ...Array.from({ length: n - 1 }, () => (usable - first) / Math.max(1, n - 1))];
    if (doc.y + 60 > bottom()) doc.addPage();
    doc.fontSize(12).text(table.name, left, doc.y);
    doc.moveDown(0.3);
    const drawRow = (cells: Cell[], bold: boolean) => {
      doc.fontSize(bold ? 9.5 : 9);
      const texts = cells.map((c) => String(c ?? ''));
      const height = Math.max(...texts.map((t, i) => doc.heightOfString(t, { width: widths[i] - 6 }))) + 6;
      if (doc.y + height > bottom()) doc.addPage();
      const y = doc.y;
      if (bold) doc.rect(left, y, usable, height).fill('#e8f0fb').fillColor('#000');
      let x = left;
      texts.forEach((t, i) => {
        doc.text(t, x + 3, y + 3, { width: widths[i] - 6, align: i === 0 ? 'left' : 'right' });
        x += widths[i];
      });
      doc.moveTo(left, y + height).lineTo(left + usable, y + height).lineWidth(0.3).strokeColor('#bbb').stroke();
      doc.x = left;
      doc.y = y + height;
    };
    drawRow(table.headers, true);
    for (const row of table.rows) drawRow(row, false);
    doc.moveDown(1);
  }
  doc.end();
  return done;
}
