/**
 * Exact binomial tails and intervals, from the regularised incomplete beta function. Counts may
 * be fractional: the beta function extends the tails smoothly between whole counts, which is what
 * the tests of bursty signatures need (their counts are scaled down, see bursts.ts).
 */

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i + 1);
  const t = z + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront =
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(X >= k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  return regularizedBeta(p, k, n - k + 1);
}

/** P(X <= k) for X ~ Binomial(n, p). */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k >= n) return 1;
  if (k < 0) return 0;
  return 1 - regularizedBeta(p, k + 1, n - k);
}

/** Clopper–Pearson interval for a binomial proportion k/n at the given confidence. */
export function clopperPearson(k: number, n: number, confidence = 0.95): [number, number] {
  const alpha = (1 - confidence) / 2;
  const lower = k === 0 ? 0 : bisect((p) => binomialUpperTail(k, n, p) - alpha);
  const upper = k === n ? 1 : bisect((p) => alpha - binomialLowerTail(k, n, p));
  return [lower, upper];
}

/** Root of an increasing function on (0, 1), to a relative precision of 1e-7. */
function bisect(f: (p: number) => number): number {
  let low = 0;
  let high = 1;
  for (let i = 0; i < 100 && high - low > 1e-7 * high; i++) {
    const mid = (low + high) / 2;
    if (f(mid) < 0) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * Holm's step-down adjustment over the testable hypotheses only (Tarone, 1990): a hypothesis
 * whose smallest attainable p-value is above α/k, where k is the smallest number such that at most
 * k hypotheses could reach α/k, can never be rejected and does not widen the correction. The
 * smallest attainable p-values depend on the totals alone, on which the exact test conditions,
 * so choosing the family from them keeps the family-wise error rate at α. Untestable ones get 1.
 */
export function taroneHolm(pValues: number[], minPValues: number[], alpha: number): number[] {
  const sorted = [...minPValues].sort((a, b) => a - b);
  // The count of attainable p-values at most α/k falls as k grows; the first k it fits is the one.
  let k = 1;
  let attainable = sorted.length;
  for (; k <= sorted.length; k++) {
    while (attainable > 0 && sorted[attainable - 1] > alpha / k) attainable--;
    if (attainable <= k) break;
  }
  const bound = alpha / k;
  const testable = pValues.flatMap((p, i) => (minPValues[i] <= bound ? [i] : []));
  const adjusted = pValues.map(() => 1);
  const holm = holmAdjust(testable.map((i) => pValues[i]));
  testable.forEach((index, rank) => (adjusted[index] = holm[rank]));
  return adjusted;
}

/** Holm's step-down adjustment: adjusted p-values, in the input order. */
export function holmAdjust(pValues: number[]): number[] {
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
