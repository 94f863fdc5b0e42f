import type { Buckets } from '../signatures/index.js';

/** How much more a signature's count varies than a steady rate's would, and how it was measured. */
export interface Burstiness {
  /**
   * The variance of the signature's counts in baseline slices over their mean (the index of
   * dispersion): 1 for a steady (Poisson) rate, never less.
   */
  factor: number;
  /** Why the factor is 1 without being measured; absent when it was measured. */
  unmeasured?: string;
}

/** Events without a usable timestamp beyond this share of the baseline leave burstiness unmeasured. */
const MAX_UNBUCKETED_SHARE = 0.1;
/** A steady rate stays under the 99.9th percentile of its dispersion at each of the few scales. */
const STEADY_QUANTILE_Z = 3.09;

/**
 * How far apart the baseline's slices already were, at every time scale from one bucket up to
 * the after window's length (doubling in between): the largest index of dispersion that a steady
 * rate would not reach by chance. Short scales see a retry storm of a few seconds even when the
 * baseline holds only a few of them; the after window's own scale sees slow swings and jobs that
 * fail every quarter hour. For bursts that come and go independently, the index is about the same
 * at every scale longer than a burst, so a short scale's index holds for the after window too.
 */
export function burstiness(
  buckets: Buckets | undefined,
  baselineCount: number,
  afterMs: number,
): Burstiness {
  if (baselineCount === 0) return { factor: 1 };
  if (
    !buckets ||
    buckets.baseline.length === 0 ||
    buckets.unbucketed.baseline > MAX_UNBUCKETED_SHARE * baselineCount
  ) {
    return { factor: 1, unmeasured: 'the baseline events carry no usable timestamps' };
  }
  const counts = buckets.baseline;
  const window = Math.max(1, Math.round(afterMs / buckets.bucketMs));
  const scales = new Set([window]);
  for (let scale = 1; scale < window; scale *= 2) scales.add(scale);
  let factor = 1;
  let measured = false;
  for (const scale of scales) {
    const slices = Math.floor(counts.length / scale);
    if (slices < 2) continue;
    measured = true;
    const index = dispersionIndex(counts, scale);
    if (index > steadyLimit(slices - 1)) factor = Math.max(factor, index);
  }
  return measured ? { factor } : { factor: 1, unmeasured: 'the baseline is a single bucket' };
}

/**
 * Variance over mean of the sums of `scale` consecutive buckets. Slices start at every offset and
 * the variances are averaged, so where a burst falls relative to the slice boundaries does not
 * matter; within one offset the slices do not overlap, so a steady rate gives about 1.
 */
function dispersionIndex(counts: number[], scale: number): number {
  let varianceSum = 0;
  let meanSum = 0;
  for (let offset = 0; offset < scale; offset++) {
    const sums: number[] = [];
    for (let start = offset; start + scale <= counts.length; start += scale) {
      let sum = 0;
      for (let i = start; i < start + scale; i++) sum += counts[i];
      sums.push(sum);
    }
    if (sums.length < 2) continue;
    const mean = sums.reduce((a, b) => a + b, 0) / sums.length;
    varianceSum += sums.reduce((acc, x) => acc + (x - mean) ** 2, 0) / (sums.length - 1);
    meanSum += mean;
  }
  return meanSum === 0 ? 1 : varianceSum / meanSum;
}

/** The 99.9th percentile of a steady rate's index: chi-square over its degrees of freedom (Wilson–Hilferty). */
function steadyLimit(degrees: number): number {
  const spread = 2 / (9 * degrees);
  return (1 - spread + STEADY_QUANTILE_Z * Math.sqrt(spread)) ** 3;
}
