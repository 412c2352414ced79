// Splits a 政府公报 (a municipal government's bulletin, as converted text) into the documents it
// contains. Pure: text in, documents out.
//
// A bulletin opens with a cover and a table of contents (目录) listing every document by title and
// page; the documents follow, each with its title (often broken over lines, sometimes with the
// issuing body on a line of its own), its 文号 (牡政办发〔2023〕18号), the addressees, the text, the
// signature and date, and often the 方案/办法 the notice issues. The table of contents is the list of
// documents: each entry is found in the text in order, by its title, allowing for the converter's
// line breaks, spaces and small slips. A text without a table of contents is one document.
import { canonical, cleanLine, cutPassages, fullWidthBrackets, parseChineseDate, toParagraphs, type Paragraph, type Passage } from './text.ts';

export interface BulletinDocument {
  /** The document's title as the table of contents gives it (the text's own title without one). */
  title: string;
  /** 文号, e.g. 牡政办发〔2023〕18号; null when the document has none. */
  docNo: string | null;
  /** The issuing body from the signature (or the title), e.g. 牡丹江市人民政府办公室. */
  issuer: string | null;
  /** The signature date, YYYY-MM-DD. */
  date: string | null;
  /** 自…起施行/执行/实施 in the text, YYYY-MM-DD. */
  effectiveFrom: string | null;
  /** 实施至… / 实施期限至… / 有效期至… in the text, YYYY-MM-DD. */
  expiresOn: string | null;
  /** The section of the table of contents (市政府文件, 市政府办公室文件, 市直部门文件). */
  section: string | null;
  /** Titles of the 方案/办法/规划 the document issues. */
  enclosed: string[];
  /** The document's text (after its title and 文号), paragraphs separated by newlines. */
  body: string;
  passages: Passage[];
}

export interface Bulletin {
  /** 牡丹江市人民政府公报 2022年第4期, when the cover says so. */
  name: string | null;
  documents: BulletinDocument[];
}

const DOC_NO = /^[\u4e00-\u9fa5]{1,14}\s*[〔［\[【(（]\s*(19|20)\d{2}\s*[〕］\]】)）]\s*\d{1,4}\s*号$/;
const PAGE_REF = /(?:[.．。·…]{2,}\s*[（(]?\s*\d{1,4}\s*[)）]?|\s[（(]\s*\d{1,4}\s*[)）]|[（(]\d{1,4}[)）])\s*$/;
const SECTION = /^(●\s*)?(市政府文件|市政府办公室文件|市直部门文件|部门文件|其他文件|省政府文件|县（市）区政府文件)$/;
const DATE_LINE = /^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$/;
/** Running heads and page numbers a converted bulletin leaves inside the text. */
const NOISE = [SECTION, /人民政府公报$/, /^[-—–－]?\s*\d{1,3}\s*[-—–－]?$/, /^MUDANJIANG SHI/i, /^BULLETIN OF/i];

interface Line {
  raw: string;
  text: string;
}

interface TocEntry {
  title: string;
  section: string | null;
}

/** The table of contents: entries (title without page number), and the index of the first line after it. */
function readToc(lines: Line[]): { entries: TocEntry[]; end: number } | null {
  const start = lines.findIndex((l) => /^目\s*录$/.test(l.text));
  if (start < 0) return null;
  const entries: TocEntry[] = [];
  let section: string | null = null;
  let pending = '';
  let pendingFrom = -1;
  let i = start + 1;
  for (; i < lines.length; i++) {
    const text = lines[i].text;
    if (!text) {
      if (pending) break; // an entry without a page number: the contents are over
      continue;
    }
    const sectionMatch = SECTION.exec(text);
    if (sectionMatch && !pending) {
      section = sectionMatch[2];
      continue;
    }
    if (!pending) pendingFrom = i;
    pending += text;
    if (PAGE_REF.test(pending)) {
      const title = pending.replace(PAGE_REF, '').replace(/[.．。·…\s]+$/, '');
      entries.push({ title: fullWidthBrackets(cleanLine(title)), section });
      pending = '';
    } else if (pending.length > 160) {
      break;
    }
  }
  if (!entries.length) return null;
  // An unfinished entry is the first document's title: the text starts there.
  return { entries, end: pending ? pendingFrom : i };
}

/** Levenshtein distance, for titles the converter damaged slightly. */
function distance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

function similarity(a: string, b: string): number {
  if (!a || !b) return 0;
  return 1 - distance(a, b) / Math.max(a.length, b.length);
}

const TITLE_LINE_MAX = 90;
const isTitleLine = (text: string) => !!text && text.length <= TITLE_LINE_MAX && !/[。；;]/.test(text) && !/[，,：:]$/.test(text) && !DOC_NO.test(text) && !DATE_LINE.test(text) && !text.includes('\t');

/**
 * Where a document's title stands in the text: the first run of title-like lines at or after
 * `from` whose joined text matches `title` closely, as [first line, line after the title].
 */
function findTitle(lines: Line[], from: number, title: string): [number, number, number] | null {
  const want = canonical(title);
  for (let i = from; i < lines.length; i++) {
    if (!isTitleLine(lines[i].text)) continue;
    let joined = '';
    let best: [number, number, number] | null = null;
    for (let j = i, taken = 0; j < lines.length && taken < 6; j++) {
      const text = lines[j].text;
      if (!text) continue;
      if (!isTitleLine(text)) break;
      joined += canonical(text);
      taken++;
      const score = similarity(joined, want);
      if (!best || score > best[2]) best = [i, j + 1, score];
      if (joined.length > want.length + 12) break;
    }
    if (best && best[2] >= 0.8) return best;
  }
  return null;
}

/** The issuing body named at the start of a title: 牡丹江市人民政府办公室关于… → 牡丹江市人民政府办公室. */
function issuerOfTitle(title: string): string | null {
  const m = /^(.{4,30}?)(关于|印发)/.exec(title);
  return m && !m[1].startsWith('关于') ? m[1] : null;
}

const ENCLOSED = /(方案|办法|规划|细则|预案|清单|名录|目录|计划|规定|意见|措施|纲要|制度|规则|标准)(（[^）]*）)?$/;

function documentOf(lines: Line[], titleEnd: number, end: number, title: string, section: string | null): BulletinDocument {
  let i = titleEnd;
  const skipBlank = () => {
    while (i < end && !lines[i].text) i++;
  };
  skipBlank();
  let docNo: string | null = null;
  if (i < end && DOC_NO.test(lines[i].text)) {
    docNo = lines[i].text.replace(/\s+/g, '');
    i++;
    skipBlank();
  }
  // The addressees (各县（市）、区人民政府，市政府各直属单位：) are not content.
  if (i < end && /[：:]$/.test(lines[i].text) && lines[i].text.length <= 60 && /^(各|市|县|区)/.test(lines[i].text)) i++;

  let date: string | null = null;
  let issuer: string | null = null;
  const enclosed: string[] = [];
  // Body lines, and where an enclosed document (the 方案 a notice issues) starts among them.
  const bodyLines: string[] = [];
  const enclosedAt: Array<{ at: number; title: string }> = [];
  for (let k = i; k < end; k++) {
    const text = lines[k].text;
    if (NOISE.some((re) => re.test(text))) continue;
    if (DATE_LINE.test(text)) {
      if (!date) {
        date = parseChineseDate(text);
        // The signature: the non-empty line just above the date.
        for (let s = k - 1; s >= i; s--) {
          if (!lines[s].text) continue;
          if (lines[s].text.length <= 30 && !/[。，；：:]/.test(lines[s].text)) issuer = lines[s].text;
          break;
        }
        if (issuer) {
          let last = bodyLines.length - 1;
          while (last >= 0 && !cleanLine(bodyLines[last])) last--;
          if (last >= 0 && cleanLine(bodyLines[last]) === issuer) bodyLines.splice(last);
        }
        // The document the notice issues usually follows the date, its title on a line or three.
        let joined = '';
        for (let n = k + 1, taken = 0; n < end && taken < 3; n++) {
          const next = lines[n].text;
          if (!next || /^附件\s*\d*[:：]?$/.test(next)) continue;
          if (!isTitleLine(next) || next.length > 60) break;
          joined = fullWidthBrackets(joined + next);
          taken++;
          if (ENCLOSED.test(joined)) {
            // A qualifier such as （试行） may stand on the next line.
            let q = n + 1;
            while (q < end && !lines[q].text) q++;
            if (q < end && /^[（(][^）)]{1,8}[）)]$/.test(lines[q].text)) {
              joined = fullWidthBrackets(joined + lines[q].text);
              n = q;
            }
            enclosed.push(joined);
            enclosedAt.push({ at: bodyLines.length, title: joined });
            k = n;
            break;
          }
        }
      }
      continue;
    }
    bodyLines.push(lines[k].raw);
  }
  issuer ??= issuerOfTitle(title);
  const bodyText = bodyLines.map((l) => (l.includes('\t') ? l : cleanLine(l))).join('\n');
  const effective = /自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起(?:施行|执行|实施|生效)/.exec(bodyText);
  const until = /(?:实施|执行|有效)(?:期限|期)?(?:至|到|截至|截止到?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)/.exec(bodyText);
  const paragraphs: Paragraph[] = [];
  let from = 0;
  for (const e of [...enclosedAt, { at: bodyLines.length, title: '' }]) {
    paragraphs.push(...toParagraphs(bodyLines.slice(from, e.at)));
    if (e.title) paragraphs.push({ kind: 'heading', level: 0, text: e.title });
    from = e.at;
  }
  return {
    title,
    docNo,
    issuer,
    date,
    effectiveFrom: effective ? parseChineseDate(effective[1]) : null,
    expiresOn: until ? parseChineseDate(until[1]) : null,
    section,
    enclosed,
    body: paragraphs.map((p) => (p.kind === 'row' ? p.cells.join(' | ') : p.text)).join('\n'),
    passages: cutPassages(paragraphs),
  };
}

function bulletinName(lines: Line[], until: number): string | null {
  let name: string | null = null;
  let issue: string | null = null;
  for (let i = 0; i < until; i++) {
    const t = lines[i].text;
    if (!name && /人民政府公报$/.test(t)) name = t;
    const m = /(\d{4})\s*年?\s*第\s*(\d+)\s*期/.exec(t) ?? (/^第\s*(\d+)\s*期/.test(t) ? null : null);
    if (!issue && m) issue = `${m[1]}年第${m[2]}期`;
  }
  if (name && !issue) {
    const year = lines.slice(0, until).map((l) => /^(\d{4})\s*年\s*\d{1,2}\s*月/.exec(l.text)?.[1]).find(Boolean);
    const no = lines.slice(0, until).map((l) => /^第\s*(\d+)\s*期/.exec(l.text)?.[1]).find(Boolean);
    if (year && no) issue = `${year}年第${no}期`;
  }
  return name ? `${name}${issue ? ` ${issue}` : ''}` : null;
}

/** Splits a bulletin's text into its documents, in the order of its table of contents. */
export function splitBulletin(text: string): Bulletin {
  const lines: Line[] = text
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .map((raw) => ({ raw, text: cleanLine(raw) }));
  const toc = readToc(lines);
  if (!toc) {
    // One document: its title is the first line, with a qualifier such as （讨论稿） on the next.
    const first = lines.findIndex((l) => l.text);
    if (first < 0) return { name: null, documents: [] };
    let titleEnd = first + 1;
    let title = lines[first].text;
    const next = lines.findIndex((l, i) => i > first && l.text);
    if (next > 0 && /^[（(][^）)]{1,8}[）)]$/.test(lines[next].text)) {
      title += lines[next].text;
      titleEnd = next + 1;
    }
    return { name: null, documents: [documentOf(lines, titleEnd, lines.length, fullWidthBrackets(title), null)] };
  }
  const starts: Array<{ entry: TocEntry; start: number; titleEnd: number }> = [];
  let from = toc.end;
  for (const entry of toc.entries) {
    const found = findTitle(lines, from, entry.title);
    if (!found) continue; // listed but not printed in this text
    starts.push({ entry, start: found[0], titleEnd: found[1] });
    from = found[1];
  }
  const documents = starts.map((s, n) => documentOf(lines, s.titleEnd, n + 1 < starts.length ? starts[n + 1].start : lines.length, s.entry.title, s.entry.section));
  return { name: bulletinName(lines, toc.end), documents };
}
