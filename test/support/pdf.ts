// What a PDF's pages draw, for tests that look for a chart in an exported file.
import { inflateSync } from 'node:zlib';

/** The content streams of a PDF, inflated: what its pages draw. */
export function pageOperators(pdf: Buffer): string {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  const re = /\/Filter \/FlateDecode[^]*?stream\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    try {
      out.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      /* a font or image stream, not drawing */
    }
  }
  return out.join('\n');
}

/** How pdfkit sets a fill colour: `r g b scn`, each part the byte over 255 as JavaScript prints it. */
export function fillOperator(hex: string): RegExp {
  const parts = [1, 3, 5].map((i) => String(parseInt(hex.slice(i, i + 2), 16) / 255).replace('.', '\\.'));
  return new RegExp(`(^|\\s)${parts.join(' ')} scn`, 'g');
}
