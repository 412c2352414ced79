// The text drawn on each page of a PDF that pdfkit wrote, read the way a PDF reader does: the
// page content streams are inflated (pdfkit compresses them), the glyph ids in their TJ operators
// are mapped back to characters through the font's ToUnicode CMap. Enough for pdfkit's own output
// (one embedded font, hex strings in TJ arrays); not a general PDF parser.
import { inflateSync } from 'node:zlib';

function streams(pdf: Buffer): string[] {
  const out: string[] = [];
  const text = pdf.toString('latin1');
  const start = /(?<!end)stream\r?\n/g;
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const from = m.index + m[0].length;
    const to = text.indexOf('endstream', from);
    if (to < 0) break;
    try {
      out.push(inflateSync(pdf.subarray(from, to)).toString('latin1'));
    } catch {
      // Not a deflated stream (or the font program): not text.
    }
    start.lastIndex = to;
  }
  return out;
}

// A ligature's entry holds several code units, written with spaces between them: <0066 0066>.
const utf16 = (hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex').swap16().toString('utf16le');

/** Glyph id → text, from the ToUnicode CMap's bfrange and bfchar entries. */
function toUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, s, e, list, single] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(?:\[([^\]]*)\]|<([0-9a-fA-F]+)>)/g)) {
      const first = parseInt(s!, 16);
      const last = parseInt(e!, 16);
      if (list !== undefined) [...list.matchAll(/<([0-9a-fA-F\s]*)>/g)].forEach(([, u], i) => map.set(first + i, utf16(u!)));
      else for (let g = first; g <= last; g++) map.set(g, String.fromCodePoint(parseInt(single!, 16) + g - first));
    }
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, g, u] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(g!, 16), utf16(u!));
  }
  return map;
}

/** Each page's text runs (one per TJ operator), in drawing order. */
export function pdfPageTexts(pdf: Buffer): string[][] {
  const all = streams(pdf);
  const cmaps = all.filter((s) => s.includes('begincmap'));
  if (cmaps.length !== 1) throw new Error(`expected one ToUnicode CMap, found ${cmaps.length}`);
  const glyphs = toUnicode(cmaps[0]!);
  // pdfkit starts every page's content stream by flipping the y axis.
  const pages = all.filter((s) => /^1 0 0 -1 0 [\d.]+ cm/.test(s));
  return pages.map((content) =>
    [...content.matchAll(/\[([^\]]*)\]\s*TJ/g)].map(([, items]) =>
      [...items!.matchAll(/<([0-9a-fA-F]*)>/g)]
        .map(([, hex]) => hex!.match(/.{4}/g)?.map((id) => glyphs.get(parseInt(id, 16)) ?? '\uFFFD').join('') ?? '')
        .join(''),
    ),
  );
}
