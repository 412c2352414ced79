// 未诉先办: the spike detector. For each (district, topic) the count of the last day is compared with
// the days before it; a topic is flagged when it rises well above its own recent level in that
// district, e.g. a burst of 停水 calls in one district. Pure: counts in, flags out.

import type { Spike } from './contract.ts';

export type { Spike };

export interface SpikeOptions {
  /** Below this many tickets in the day nothing is a spike, whatever the baseline (one or two calls never are). */
  minCount: number;
  /** How many standard deviations above the baseline mean. */
  sigmas: number;
  /** And at least this many times the baseline mean. */
  ratio: number;
}

export const DEFAULT_SPIKE_OPTIONS: SpikeOptions = { minCount: 5, sigmas: 3, ratio: 2 };

export interface TopicSeries {
  district: string;
  topic: string;
  /** Tickets in the day examined. */
  count: number;
  /** Tickets on each of the previous days (14 in the platform), zeros included. */
  baseline: number[];
}

/**
 * threshold = max(minCount, mean + sigmas·max(sd, √mean, 1), ratio·mean), where mean and sd
 * (population) are over the baseline days. The √mean floor is the noise of a Poisson count: a steady
 * topic whose daily count barely varies is not flagged for an ordinary fluctuation.
 */
export function spikeThreshold(baseline: number[], options: SpikeOptions = DEFAULT_SPIKE_OPTIONS): { mean: number; sd: number; threshold: number } {
  const n = baseline.length || 1;
  const mean = baseline.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(baseline.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  const threshold = Math.max(options.minCount, mean + options.sigmas * Math.max(sd, Math.sqrt(mean), 1), options.ratio * mean);
  return { mean, sd, threshold };
}

/** The series whose day is a spike, highest excess first. */
export function detectSpikes(series: TopicSeries[], options: SpikeOptions = DEFAULT_SPIKE_OPTIONS): Spike[] {
  const out: Spike[] = [];
  for (const s of series) {
    if (s.count < options.minCount) continue;
    const { mean, sd, threshold } = spikeThreshold(s.baseline, options);
    if (s.count >= threshold) out.push({ district: s.district, topic: s.topic, count: s.count, mean: round2(mean), sd: round2(sd), threshold: round2(threshold) });
  }
  return out.sort((a, b) => b.count - b.threshold - (a.count - a.threshold) || a.district.localeCompare(b.district) || a.topic.localeCompare(b.topic));
}

const round2 = (x: number) => Math.round(x * 100) / 100;
