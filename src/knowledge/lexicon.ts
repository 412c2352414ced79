// Callers' words for what documents name otherwise (./colloquial-lexicon.json, plus a city's own in
// its configuration): spoken phrasings rewritten into written Chinese before a question is
// segmented (咋处理 → 如何处理, 几回 → 几次), and spoken words that also search for the documents'
// words (先掏 → 起付标准, 掏钱 → 出资/承担). Pure: a question in, a question and concepts out.
import general from './colloquial-lexicon.json' with { type: 'json' };

export interface LexiconEntry {
  /** What a caller says (any one of them, as a substring of the question). */
  say: string[];
  /** What the documents say for it. */
  means: string[];
}

export interface Lexicon {
  rewrites: Array<[string, string]>;
  concepts: LexiconEntry[];
}

export const GENERAL_LEXICON: Lexicon = { rewrites: general.rewrites as Array<[string, string]>, concepts: general.concepts };

/** The general lexicon with a city's entries added. */
export function lexiconWith(city?: Partial<Lexicon>): Lexicon {
  if (!city) return GENERAL_LEXICON;
  return { rewrites: [...(city.rewrites ?? []), ...GENERAL_LEXICON.rewrites], concepts: [...(city.concepts ?? []), ...GENERAL_LEXICON.concepts] };
}

/** A question with its spoken phrasings in written form, longest phrasing first, each part rewritten once. */
export function rewriteQuestion(question: string, lexicon: Lexicon = GENERAL_LEXICON): string {
  const rules = [...lexicon.rewrites].sort((a, b) => b[0].length - a[0].length);
  let out = '';
  let i = 0;
  while (i < question.length) {
    const rule = rules.find(([from]) => from && question.startsWith(from, i));
    if (rule) {
      out += rule[1];
      i += rule[0].length;
    } else out += question[i++];
  }
  return out.trim() || question;
}

/**
 * The lexicon's groups a question brings in: for each entry whose spoken words occur in it, the
 * spoken words it said and the documents' words, as one group of alternatives.
 */
export function lexiconGroups(question: string, lexicon: Lexicon = GENERAL_LEXICON): string[][] {
  const groups: string[][] = [];
  for (const entry of lexicon.concepts) {
    const said = entry.say.filter((s) => question.includes(s));
    // A spoken word inside a longer one another entry matched (抓着 in 偷着抓着) still counts: entries are independent.
    if (said.length) groups.push([...new Set([...said, ...entry.means])]);
  }
  return groups;
}
