import { binomialLowerTail, binomialUpperTail, median } from './stats.js';

/** How the recurring errors moved together between the windows. */
export interface Trend {
  /**
   * The common factor of after rate over baseline rate: the median of the recurring signatures'
   * own ratios. 1 when fewer than `MIN_TREND_SIGNATURES` signatures recur.
   */
  factor: number;
  /** How many recurring signatures the factor comes from. */
  signatures: number;
  /** A broad rise or fall: the factor is beyond the minimum effect and the pooled change is significant. */
  shift: 'rise' | 'fall' | null;
  /** One-sided p-value of the pooled change of the recurring signatures against no change. */
  pValue: number;
}

/** A signature recurs when the baseline rate predicts at least this many events after the deploy. */
export const MIN_EXPECTED_TO_RECUR = 5;
/** Fewer recurring signatures than this cannot tell a common trend from a few signatures' changes. */
export const MIN_TREND_SIGNATURES = 3;

export interface Counted {
  before: number;
  after: number;
  /** The burstiness factor: counts are divided by it before they are pooled. */
  burstiness: number;
  /** Its source was cut at max-events: the counts are lower bounds and take no part in trends. */
  cut?: boolean;
}

interface Exposure {
  baselineMs: number;
  afterMs: number;
}

/**
 * The common trend as RNA-seq normalisation finds it (median of ratios): a traffic change moves
 * every recurring error by about the same factor, while a deploy that breaks one code path moves
 * only that path's signature, which the median ignores. Recurring is decided from the baseline
 * alone, so signatures that vanished after the deploy still count.
 */
export function commonTrend(
  signatures: Counted[],
  exposure: Exposure,
  options: { minRatio: number; alpha: number },
): Trend {
  const recurring = signatures.filter((s) => recurs(s, exposure));
  if (recurring.length < MIN_TREND_SIGNATURES) {
    return { factor: 1, signatures: recurring.length, shift: null, pValue: 1 };
  }
  const factor = Math.exp(median(recurring.map((s) => logRatio(s, exposure))));
  const pValue = pooledChange(pooledCounts(recurring), factor, exposure);
  const significant = pValue < options.alpha;
  const shift =
    significant && factor >= options.minRatio
      ? 'rise'
      : significant && factor <= 1 / options.minRatio
        ? 'fall'
        : null;
  return { factor, signatures: recurring.length, shift, pValue };
}

/**
 * The trend each signature is judged against: that of the other recurring signatures, so a
 * signature never explains itself away, and only when they moved together significantly
 * (otherwise 1), so noise in a few signatures does not blunt the test of the rest. One sort:
 * the median of the others is read around each signature's place in it, and their pooled counts
 * are the totals less its own.
 */
export function trendsExcludingEach(
  signatures: Counted[],
  exposure: Exposure,
  alpha: number,
): number[] {
  const recurring = signatures.filter((s) => recurs(s, exposure));
  const logs = recurring.map((s) => logRatio(s, exposure));
  const order = logs.map((_, i) => i).sort((a, b) => logs[a] - logs[b]);
  const place = new Map<Counted, number>();
  order.forEach((index, position) => place.set(recurring[index], position));
  const sorted = order.map((index) => logs[index]);
  const total = pooledCounts(recurring);
  const trendOf = (factor: number, pooled: Pooled) =>
    pooledChange(pooled, factor, exposure) < alpha ? factor : 1;
  const others = recurring.length - 1;
  // A signature that does not recur is judged against all the recurring ones: one answer.
  const forAll =
    recurring.length < MIN_TREND_SIGNATURES ? 1 : trendOf(Math.exp(median(sorted)), total);
  return signatures.map((signature) => {
    const position = place.get(signature);
    if (position === undefined) return forAll;
    if (others < MIN_TREND_SIGNATURES) return 1;
    // The k-th of the others is the k-th of all, or the next one past this signature's place.
    const at = (k: number) => sorted[k < position ? k : k + 1];
    const middle = Math.floor(others / 2);
    const logMedian = others % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
    const own = signature;
    return trendOf(Math.exp(logMedian), {
      after: total.after - own.after / own.burstiness,
      before: total.before - own.before / own.burstiness,
    });
  });
}

interface Pooled {
  after: number;
  before: number;
}

function pooledCounts(signatures: Counted[]): Pooled {
  let after = 0;
  let before = 0;
  for (const s of signatures) {
    after += s.after / s.burstiness;
    before += s.before / s.burstiness;
  }
  return { after, before };
}

function recurs(s: Counted, { baselineMs, afterMs }: Exposure): boolean {
  return !s.cut && (s.before * afterMs) / baselineMs >= MIN_EXPECTED_TO_RECUR;
}

/** Half an event on each side keeps a signature that vanished from giving a ratio of zero. */
function logRatio(s: Counted, { baselineMs, afterMs }: Exposure): number {
  return Math.log(((s.after + 0.5) / afterMs) * (baselineMs / (s.before + 0.5)));
}

/** One-sided p-value of the pooled counts against no change, in the direction of `factor`. */
function pooledChange({ after, before }: Pooled, factor: number, exposure: Exposure): number {
  const share = exposure.afterMs / (exposure.afterMs + exposure.baselineMs);
  return factor >= 1
    ? binomialUpperTail(after, after + before, share)
    : binomialLowerTail(after, after + before, share);
}
