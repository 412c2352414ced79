// Pure text handling shared by the bulletin splitter and hand-written articles: cleaning a line of
// a converted government document, joining hard-wrapped lines into paragraphs, and cutting a body
// into passages (the unit the knowledge base searches and answers with), each under its headings.

/** A CJK ideograph or full-width punctuation: spaces next to one are layout, not text. */
const WIDE = '\\u3000-\\u303f\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u2014\\u2026\\u201c\\u201d\\u2018\\u2019\\u00d7';
const SPACE_NEXT_TO_WIDE = new RegExp(`(?<=[${WIDE}])[ \\u00a0\\u3000]+|[ \\u00a0\\u3000]+(?=[${WIDE}])`, 'g');

/** One line of a converted document as plain text: no markdown or HTML marks, no layout spaces. */
export function cleanLine(raw: string): string {
  return raw
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/^\s*#{1,6}\s+/, '')
    .replace(/\*\*/g, '')
    .replace(/^\s*[-•]\s+/, '')
    .replace(/[ \u00a0\u3000]+/g, ' ')
    .replace(SPACE_NEXT_TO_WIDE, '')
    .trim()
    .replace(/^(第[一二三四五六七八九十百零]+[章节条])(?=[^\s，。、])/, '$1 ');
}

/** Text as it is compared: no whitespace, one form of each bracket, quote and dash. */
export function canonical(text: string): string {
  return cleanLine(text)
    .replace(/\s+/g, '')
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .replace(/[〔［【]/g, '[')
    .replace(/[〕］】]/g, ']')
    .replace(/[“”"「」]/g, '"')
    .replace(/[‘’']/g, "'")
    .replace(/[：]/g, ':')
    .replace(/[，]/g, ',')
    .replace(/[—–―-]+/g, '-')
    .replace(/[.．…·。]+$/g, '');
}

/** Chinese typesetting: brackets around Chinese text are full-width. */
export function fullWidthBrackets(text: string): string {
  return text.replace(/\(([^()]*[\u3400-\u9fff][^()]*)\)/g, '（$1）');
}

/** A date written 2022年7月14日 (spaces allowed) as 2022-07-14, or null. */
export function parseChineseDate(text: string): string | null {
  const m = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const TERMINAL = /([。！？；：:;!?]|[。！？]["”’」』])$/;
/** A converted PDF keeps its line breaks: a line this long or shorter that ends mid-sentence goes on. */
const WRAPPED_MAX = 45;
const LIST_START = /^(第[一二三四五六七八九十百零]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|附件|专栏)/;
/** A paragraph that opens an article of a regulation (第十六条 …): its own unit, never cut across. */
export const ARTICLE_START = /^(第[一二三四五六七八九十百零]+条)(?:\s|$|(?=[^\s，。、]))/;
/** A decimal-numbered heading (2.1 / 2.1.6 …): its depth gives its level below the chapters. */
const DECIMAL_HEADING = /^(\d{1,2}(?:[.．]\d{1,2}){1,3})(?![.．\d])(?:\s+|(?=[\u4e00-\u9fa5]))(?![万亿倍元个米吨年月日天小%‰])/;

export type Paragraph = { kind: 'text'; text: string } | { kind: 'heading'; level: number; text: string } | { kind: 'row'; cells: string[] };

/**
 * The level of a heading line (1 chapter/一、, 2 （一）, 3 1.), or 0 when the line is not a heading.
 * A numbered line ending a sentence is a list item, unless the source marked it as a heading (#).
 */
export function headingLevel(text: string, marked = false): number {
  if (text.length > 40) return 0;
  const ends = !marked && /[。；;：:]$/.test(text);
  if (/^第[一二三四五六七八九十百零]+[章节](\s|$|[^条])/.test(text)) return 1;
  if (/^[一二三四五六七八九十]+、/.test(text)) return text.length <= 30 && !ends ? 1 : 0;
  if (/^专栏\s*\d+/.test(text)) return 2;
  if (/^[（(][一二三四五六七八九十]+[）)]/.test(text)) return text.length <= 30 && !/[，,；;]/.test(text) && !ends ? 2 : 0;
  const decimal = DECIMAL_HEADING.exec(text);
  if (decimal) return text.length <= 40 && !/[，,；;。]/.test(text.slice(decimal[0].length)) && !ends ? 2 + decimal[1].split(/[.．]/).length : 0;
  if (/^\d{1,2}[.．、](?!\d)/.test(text)) return text.length <= 24 && !/[，,；;]/.test(text) && !ends ? 3 : 0;
  return 0;
}

/**
 * Lines → paragraphs. Lines that break mid-sentence (a converted PDF keeps its line breaks) are
 * joined; tab-separated lines are table rows; short numbered lines are headings.
 */
export function toParagraphs(lines: string[]): Paragraph[] {
  const out: Paragraph[] = [];
  let pending = '';
  let marked = false;
  const flush = () => {
    if (!pending) return;
    const level = headingLevel(pending, marked);
    out.push(level ? { kind: 'heading', level, text: pending } : { kind: 'text', text: pending });
    pending = '';
    marked = false;
  };
  let attachmentNext = false;
  for (const raw of lines) {
    if (raw.includes('\t')) {
      flush();
      const cells = raw.split('\t').map(cleanLine);
      if (cells.some(Boolean)) out.push({ kind: 'row', cells });
      continue;
    }
    const line = cleanLine(raw);
    if (!line) continue;
    const markedLine = /^\s*#{1,6}\s/.test(raw);
    if (pending && (LIST_START.test(line) || markedLine)) flush();
    // 附件2 on its own line: the next line is the title of the attached document.
    if (/^附件\s*\d*[:：]?$/.test(line)) {
      flush();
      attachmentNext = true;
      continue;
    }
    if (attachmentNext) {
      attachmentNext = false;
      if (line.length <= 60 && !/[，。；]/.test(line)) {
        out.push({ kind: 'heading', level: 0, text: fullWidthBrackets(line) });
        continue;
      }
    }
    if (!pending) marked = markedLine;
    pending += line;
    // A line that ends a sentence, a short line (a heading, a signature, a name), a long one (a
    // paragraph on one line) or a marked heading ends the paragraph.
    if (TERMINAL.test(line) || line.length < 20 || line.length > WRAPPED_MAX || markedLine) flush();
  }
  flush();
  return out;
}

export interface Passage {
  /** The headings the passage sits under, outermost first, joined with ' / '. */
  heading: string;
  text: string;
}

export const PASSAGE_TARGET = 360;
const PASSAGE_MIN = 120;
const PASSAGE_MAX = 700;

/** Splits a long text at sentence ends into pieces of about `target` characters. */
function splitLong(text: string, target: number): string[] {
  if (text.length <= PASSAGE_MAX) return [text];
  const sentences = text.match(/[^。！？；;!?]+[。！？；;!?]*/g) ?? [text];
  const pieces: string[] = [];
  let current = '';
  for (const s of sentences) {
    if (current && current.length + s.length > target) {
      pieces.push(current);
      current = '';
    }
    current += s;
    while (current.length > PASSAGE_MAX) {
      pieces.push(current.slice(0, target));
      current = current.slice(target);
    }
  }
  if (current) pieces.push(current);
  return pieces;
}

interface Piece {
  text: string;
  /** The headings the piece sits under. */
  path: string[];
}

/**
 * Paragraphs → passages of about PASSAGE_TARGET characters. A passage carries the headings common
 * to its paragraphs; a small section joins the next one with its own heading kept inline, and a
 * chapter or an enclosed document always starts a new passage. Table rows are grouped under their
 * header row, so every passage of a table can be read on its own.
 */
export function cutPassages(paragraphs: Paragraph[]): Passage[] {
  const passages: Passage[] = [];
  const headings: string[] = [];
  const levels: number[] = [];
  let current: Piece[] = [];
  let size = 0;
  let tableHeader: string | null = null;
  /** The 条 being cut (第十六条), part of its passages' heading path until the next heading or 条. */
  let article: string | null = null;
  const flush = () => {
    if (!current.length) return;
    let common = current[0].path;
    for (const piece of current) {
      let n = 0;
      while (n < common.length && n < piece.path.length && common[n] === piece.path[n]) n++;
      common = common.slice(0, n);
    }
    const lines: string[] = [];
    let shown = common;
    for (const piece of current) {
      const extra = piece.path.slice(common.length).filter((h, n) => shown[common.length + n] !== h);
      if (extra.length) lines.push(...extra);
      shown = piece.path;
      lines.push(piece.text);
    }
    for (const text of splitLong(lines.join('\n'), PASSAGE_TARGET)) passages.push({ heading: common.join(' / '), text });
    current = [];
    size = 0;
  };
  const add = (text: string) => {
    current.push({ text, path: article ? [...headings, article] : [...headings] });
    size += text.length;
  };
  for (const p of paragraphs) {
    if (p.kind === 'heading') {
      if (size >= PASSAGE_MIN || p.level <= 1 || tableHeader !== null) flush();
      tableHeader = null;
      // Drop headings at this level or deeper, then push this one.
      while (levels.length && levels[levels.length - 1] >= p.level) {
        levels.pop();
        headings.pop();
      }
      levels.push(p.level);
      headings.push(p.text);
      article = null;
      continue;
    }
    if (p.kind === 'row') {
      const row = p.cells.filter(Boolean).join(' | ');
      if (!row) continue;
      if (tableHeader === null) {
        flush();
        tableHeader = row;
        add(row);
        continue;
      }
      if (size + row.length > PASSAGE_TARGET && current.length > 1) {
        flush();
        add(tableHeader);
      }
      add(row);
      continue;
    }
    if (tableHeader !== null) {
      flush();
      tableHeader = null;
    }
    const opens = ARTICLE_START.exec(p.text);
    if (opens) {
      // Each 条 starts a passage; its 款 (the paragraphs after it) stay with it up to PASSAGE_MAX.
      flush();
      article = opens[1];
    } else if (size && size + p.text.length > (article ? PASSAGE_MAX : PASSAGE_TARGET)) flush();
    add(p.text);
  }
  flush();
  return passages;
}

/** A hand-written article body: blank-line or newline separated paragraphs → passages. */
export function passagesOf(body: string): Passage[] {
  return cutPassages(toParagraphs(body.split(/\r?\n/)));
}
