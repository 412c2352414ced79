// Similarity of two matters' facts, for the duplicate check (第十二条(二)3 避免重复派单).
// Character bigrams work for Chinese without segmentation; the check also needs the same requester.
function bigrams(text: string): Set<string> {
  const chars = [...text.replace(/[\s\p{P}\p{S}]/gu, '')];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i] + chars[i + 1]);
  if (chars.length === 1) grams.add(chars[0]);
  return grams;
}

/** Dice coefficient of character bigrams, 0 (nothing shared) to 1 (same text). */
export function factsSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared++;
  return (2 * shared) / (x.size + y.size);
}

/** Dice coefficient of two word lists taken as sets (segmented facts), 0 to 1. */
export function wordsSimilarity(a: readonly string[], b: readonly string[]): number {
  const x = new Set(a);
  const y = new Set(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return (2 * shared) / (x.size + y.size);
}

/** When two callers' tickets count as likely the same event (国办函〔2025〕66号 并单); the city sets the figures. */
export interface CrossCallerRule {
  /** How far back, in days, a neighbour's ticket is compared. */
  windowDays: number;
  /** Similarity of the segmented facts (0–1) from which two matters look the same. */
  factsSimilarity: number;
  /** Similarity of the addresses (character bigrams, 0–1) from which they are the same place. */
  addressSimilarity: number;
}

export interface MatterForComparison {
  categoryId: number | null;
  districtId: number | null;
  address: string | null;
  words: readonly string[];
}

/**
 * How likely two tickets of different callers are one event: null when not (another category, another
 * place, other facts), else a score 0–1. Same category is required; the place is the address when both
 * have one, else the district when both have one; the facts must be similar by their words.
 */
export function crossCallerScore(a: MatterForComparison, b: MatterForComparison, rule: CrossCallerRule): number | null {
  if (a.categoryId == null || a.categoryId !== b.categoryId) return null;
  let place: number;
  if (a.address && b.address) place = factsSimilarity(a.address, b.address);
  else if (a.districtId != null && b.districtId != null) place = a.districtId === b.districtId ? rule.addressSimilarity : 0;
  else return null;
  if (place < rule.addressSimilarity) return null;
  const facts = wordsSimilarity(a.words, b.words);
  if (facts < rule.factsSimilarity) return null;
  return Math.round(((place + facts) / 2) * 100) / 100;
}
