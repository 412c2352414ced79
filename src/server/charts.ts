// Charts for the PDF files, drawn by ECharts itself on the server (its SVG renderer, server-side
// mode) and placed in the PDF as vector drawing (svg-to-pdfkit), so a printed report shows the
// same charts as the console. Loaded on the first PDF with a chart, as exceljs and pdfkit are.
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TitleComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';

export type ChartOption = ComposeOption<BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption>;

/** The font the SVG's text names; svg-to-pdfkit maps every text to the PDF's CJK font. */
const FONT = 'Noto Sans CJK SC';

let loaded: Promise<typeof import('echarts/core')> | null = null;

function echartsCore() {
  loaded ??= (async () => {
    const core = await import('echarts/core');
    const charts = await import('echarts/charts');
    const components = await import('echarts/components');
    const renderers = await import('echarts/renderers');
    core.use([charts.BarChart, charts.LineChart, charts.PieChart, components.GridComponent, components.LegendComponent, components.TitleComponent, renderers.SVGRenderer]);
    return core;
  })();
  return loaded;
}

/** The chart as an SVG document of the given size in points. */
export async function chartSvg(option: ChartOption, width: number, height: number): Promise<string> {
  const echarts = await echartsCore();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Draws the chart at (x, y) on the current page of a PDF whose CJK font is registered as 'cjk'. */
export async function drawChart(doc: PDFKit.PDFDocument, option: ChartOption, x: number, y: number, width: number, height: number): Promise<void> {
  const svg = await chartSvg(option, width, height);
  const { default: SVGtoPDF } = await import('svg-to-pdfkit');
  SVGtoPDF(doc, svg, x, y, { width, height, assumePt: true, fontCallback: () => 'cjk' });
  doc.font('cjk');
}
