// The smart answer's confidence: the probability that the passage it would read out answers the
// question, from a few features of the search (how much of the question the passage covers, how
// much of the question no document uses at all, whether it states the kind of fact asked, whether
// both search fields found it, how far ahead of the next document it is) through a logistic model
// fitted on a labelled question set (scripts/fit-kb-confidence.ts writes ./confidence-model.json;
// `npm run eval:kb` reports how well its probabilities hold on questions it was not fitted on).
import type { QueryPlan, SearchHitDetail } from './search.ts';
import { factsAsked } from './search.ts';
import model from './confidence-model.json' with { type: 'json' };

export const FEATURES = ['coverage', 'unknown', 'fact', 'bothFields', 'relativeScore', 'margin', 'lexicalFirst', 'rarest', 'whole'] as const;
export type FeatureName = (typeof FEATURES)[number];
export type Features = Record<FeatureName, number>;

export interface ConfidenceModel {
  features: readonly string[];
  weights: number[];
  bias: number;
  /** What it was fitted on, for the record. */
  fittedOn?: string;
}

/** The features of the best hit of a search (hits in their final order). */
export function featuresOf(question: string, plan: QueryPlan, hits: SearchHitDetail[]): Features | null {
  const best = hits[0];
  if (!best) return null;
  const words = plan.words.length || 1;
  const unknown = plan.words.filter((w) => w.df === 0).length / words;
  const asked = factsAsked(question);
  const next = hits.find((h) => h.article.id !== best.article.id);
  const rarest = plan.words.filter((w) => w.df > 0).sort((a, b) => a.df - b.df)[0];
  const margin = next && best.score > 0 ? Math.max(0, (best.score - next.score) / best.score) : 1;
  return {
    coverage: best.coverage,
    unknown,
    fact: asked.length ? (best.signals.facts.length ? 1 : -1) : 0,
    bothFields: best.signals.lexicalRank !== null && best.signals.gramRank !== null ? 1 : 0,
    relativeScore: Math.min(1, best.signals.bm25 / Math.max(best.signals.maxBm25, 1e-9)),
    margin,
    lexicalFirst: best.signals.lexicalRank === 1 ? 1 : 0,
    // Whether the passage holds the question's most specific word that documents use (棚厦, 弹弓, 护照 …).
    rarest: rarest ? (best.matched.includes(rarest.label) ? 1 : -1) : 0,
    // Coverage of the whole question, its words no document uses counted as missed (护照 in 护照过期了换个新的得多久).
    whole: best.coverage * (1 - unknown),
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The model's probability for a feature vector. */
export function probability(f: Features, m: ConfidenceModel = model as ConfidenceModel): number {
  let z = m.bias;
  m.features.forEach((name, i) => (z += m.weights[i] * (f[name as FeatureName] ?? 0)));
  return sigmoid(z);
}

/**
 * A passage holding less than this share of the question's weight does not answer it, whatever the
 * other signals say: a model fitted on questions whose best passages nearly all cover them learns
 * little about coverage, and would read out 每小时收费2元 for 供暖每平方米收费多少.
 */
export const MIN_COVERAGE = 0.3;

/** The confidence of an answer: the model's probability; 0 below MIN_COVERAGE or when the passage states none of the kind of fact asked. */
export function answerConfidence(f: Features, m: ConfidenceModel = model as ConfidenceModel): number {
  if (f.coverage < MIN_COVERAGE) return 0;
  // Asked how much, when or where, a passage stating no such fact does not answer, however well it matches.
  if (f.fact < 0) return 0;
  return probability(f, m);
}

/**
 * Logistic regression by Newton's method (iteratively reweighted least squares) with a small ridge
 * penalty, so a feature that separates the few examples perfectly does not run off to infinity.
 */
export function fitLogistic(rows: Array<{ features: Features; label: 0 | 1 }>, options: { ridge?: number; iterations?: number } = {}): ConfidenceModel {
  const ridge = options.ridge ?? 1;
  const d = FEATURES.length + 1;
  const x = rows.map((r) => [1, ...FEATURES.map((f) => r.features[f])]);
  const y = rows.map((r) => r.label);
  let w = new Array<number>(d).fill(0);
  for (let it = 0; it < (options.iterations ?? 50); it++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    x.forEach((xi, n) => {
      const p = sigmoid(xi.reduce((s, v, j) => s + v * w[j], 0));
      for (let j = 0; j < d; j++) {
        grad[j] += (p - y[n]) * xi[j];
        for (let k = 0; k < d; k++) hess[j][k] += p * (1 - p) * xi[j] * xi[k];
      }
    });
    for (let j = 1; j < d; j++) {
      grad[j] += ridge * w[j];
      hess[j][j] += ridge;
    }
    hess[0][0] += 1e-6;
    const step = solve(hess, grad);
    w = w.map((v, j) => v - step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { features: [...FEATURES], weights: w.slice(1).map((v) => Math.round(v * 10000) / 10000), bias: Math.round(w[0] * 10000) / 10000 };
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and symmetric positive definite). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    const div = m[c][c] || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / div;
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / (row[i] || 1e-12));
}

export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  /** Mean predicted probability in the bin. */
  predicted: number;
  /** Share that was right. */
  observed: number;
}

/** The reliability table: predictions binned, mean prediction against observed share right. */
export function reliability(points: Array<{ p: number; label: 0 | 1 }>, bins = 5): ReliabilityBin[] {
  return Array.from({ length: bins }, (_, i) => {
    const from = i / bins;
    const to = (i + 1) / bins;
    const inBin = points.filter((q) => q.p >= from && (i === bins - 1 ? q.p <= to : q.p < to));
    const mean = (f: (q: { p: number; label: 0 | 1 }) => number) => (inBin.length ? Math.round((inBin.reduce((s, q) => s + f(q), 0) / inBin.length) * 1000) / 1000 : 0);
    return { from, to, count: inBin.length, predicted: mean((q) => q.p), observed: mean((q) => q.label) };
  });
}
