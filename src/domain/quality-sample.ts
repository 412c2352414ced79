// 质效审核 sampling (第二十六条): a reproducible random sample of closed tickets, stratified by the
// handling unit so every unit is checked in proportion to what it closed. The same population and
// seed always give the same sample.
import { Random } from './random.ts';

/** A seed string → a 32-bit integer (FNV-1a). */
export function seedNumber(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** How many of `size` each stratum gets: proportional, remainders to the largest fractions (ties: first key). */
export function allocate(strata: Array<{ key: number; count: number }>, size: number): Map<number, number> {
  const total = strata.reduce((s, x) => s + x.count, 0);
  const take = Math.min(size, total);
  const out = new Map<number, number>();
  if (!total) return out;
  const shares = strata.map((s) => ({ key: s.key, count: s.count, exact: (take * s.count) / total }));
  let given = 0;
  for (const s of shares) {
    const n = Math.floor(s.exact);
    out.set(s.key, n);
    given += n;
  }
  const order = [...shares].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || a.key - b.key);
  for (const s of order) {
    if (given >= take) break;
    if (out.get(s.key)! < s.count) {
      out.set(s.key, out.get(s.key)! + 1);
      given++;
    }
  }
  return out;
}

/** Picks `size` of the items (sorted by id first), stratified by `stratum`, with the seed. */
export function drawSample<T extends { id: number; stratum: number }>(items: readonly T[], size: number, seed: string): T[] {
  const sorted = [...items].sort((a, b) => a.id - b.id);
  const byStratum = new Map<number, T[]>();
  for (const it of sorted) byStratum.set(it.stratum, [...(byStratum.get(it.stratum) ?? []), it]);
  const keys = [...byStratum.keys()].sort((a, b) => a - b);
  const quota = allocate(keys.map((k) => ({ key: k, count: byStratum.get(k)!.length })), size);
  const rng = new Random(seedNumber(seed));
  const picked: T[] = [];
  for (const k of keys) {
    const pool = [...byStratum.get(k)!];
    const n = quota.get(k) ?? 0;
    // Partial Fisher–Yates: the first n places hold a uniform sample.
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(rng.next() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    picked.push(...pool.slice(0, n));
  }
  return picked.sort((a, b) => a.id - b.id);
}

/** The sample size for a rate of a population: at least one when there is anything to sample. */
export function sizeForRate(population: number, rate: number): number {
  if (!population) return 0;
  return Math.min(population, Math.max(1, Math.ceil(population * rate)));
}
