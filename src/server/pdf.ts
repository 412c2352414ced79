// The kernel of the PDF exports (reports, the monthly ranking): the CJK font, a document every page
// of which carries the viewer's watermark, and the download types. pdfkit is loaded on first use.
import { existsSync } from 'node:fs';
import { Problem } from './problem.ts';
import { exportFooter } from './watermark.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PDF_TYPE = 'application/pdf';

/** Where the CJK font is looked for; fonts-noto-cjk installs the first. */
export const CJK_FONTS: Array<{ file: string; family: string }> = [
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { file: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', family: 'NotoSerifCJKsc-Regular' },
];

export function cjkFont(): { file: string; family: string } {
  const env = process.env.HOTLINE_REPORT_FONT;
  const missing = () => new Problem(503, 'font-missing', '服务器未安装中文字体（fonts-noto-cjk），暂不能导出 PDF，请改用 Excel 导出');
  if (env) {
    if (!existsSync(env)) throw missing();
    return { file: env, family: process.env.HOTLINE_REPORT_FONT_FAMILY ?? '' };
  }
  const found = CJK_FONTS.find((f) => existsSync(f.file));
  if (!found) throw missing();
  return found;
}

/**
 * The viewer's mark on the current page: a faint diagonal pattern across the whole page, drawn
 * before the page's content so the figures stay readable, and a footer line in the bottom margin.
 * Drawn with lineBreak off and the bottom margin lifted, so it never starts a new page itself.
 */
export function markPage(doc: PDFKit.PDFDocument, mark: string): void {
  const { x, y } = doc;
  // A page may be added in the middle of a table row, whose text size must survive the mark.
  const size = (doc as unknown as { _fontSize: number })._fontSize;
  const { width, height } = doc.page;
  const bottomMargin = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  doc.save();
  doc.rotate(-30, { origin: [width / 2, height / 2] });
  doc.fontSize(11).fillColor('#000', 0.07);
  const step = { x: doc.widthOfString(mark) + 60, y: 90 };
  const diagonal = Math.hypot(width, height);
  for (let row = 0, yy = (height - diagonal) / 2; yy < (height + diagonal) / 2; row++, yy += step.y) {
    const shift = row % 2 ? step.x / 2 : 0;
    for (let xx = (width - diagonal) / 2 - shift; xx < (width + diagonal) / 2; xx += step.x) doc.text(mark, xx, yy, { lineBreak: false });
  }
  doc.restore();
  doc.fontSize(7.5).fillColor('#8c8c8c', 1).text(exportFooter(mark), doc.page.margins.left, height - bottomMargin / 2 - 4, { lineBreak: false });
  doc.fillColor('#000', 1).fontSize(size);
  doc.page.margins.bottom = bottomMargin;
  doc.x = x;
  doc.y = y;
}

/**
 * A PDF document in the CJK font ('cjk'), every page marked for the viewer, and the promise of its
 * bytes once ended.
 */
export async function startPdf(info: { Title: string; Subject: string }, mark: string, layout: 'portrait' | 'landscape' = 'portrait'): Promise<{ doc: PDFKit.PDFDocument; done: Promise<Buffer> }> {
  const font = cjkFont();
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', layout, margin: 40, info: { ...info, Creator: '12345热线平台' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (font.family) doc.registerFont('cjk', font.file, font.family);
  else doc.registerFont('cjk', font.file);
  doc.font('cjk');
  markPage(doc, mark);
  doc.on('pageAdded', () => markPage(doc, mark));
  return { doc, done };
}

