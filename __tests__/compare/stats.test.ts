import { describe, expect, it } from '@jest/globals';
import {
  binomialLowerTail,
  binomialUpperTail,
  clopperPearson,
  holmAdjust,
  logGamma,
} from '../../src/compare/stats.js';

/** Direct summation, for checking the incomplete-beta route on small n. */
function upperTailBySum(k: number, n: number, p: number): number {
  let total = 0;
  for (let i = k; i <= n; i++) {
    total += Math.exp(
      logGamma(n + 1) -
        logGamma(i + 1) -
        logGamma(n - i + 1) +
        i * Math.log(p) +
        (n - i) * Math.log1p(-p),
    );
  }
  return total;
}

describe('exact binomial tails', () => {
  it('log-gamma matches factorials', () => {
    expect(Math.exp(logGamma(6))).toBeCloseTo(120, 8);
    expect(Math.exp(logGamma(11))).toBeCloseTo(3628800, 2);
  });

  it.each([
    [0, 10, 0.3],
    [3, 10, 0.3],
    [9, 20, 0.2],
    [17, 40, 0.5],
    [40, 40, 0.9],
  ])('P(X >= %i | n=%i, p=%f) agrees with direct summation', (k, n, p) => {
    expect(binomialUpperTail(k, n, p)).toBeCloseTo(upperTailBySum(k, n, p), 10);
    expect(binomialLowerTail(k - 1, n, p) + binomialUpperTail(k, n, p)).toBeCloseTo(1, 10);
  });

  it('a new signature seen k times has p = share^k', () => {
    expect(binomialUpperTail(3, 3, 0.2)).toBeCloseTo(0.008, 10);
  });
});

describe('Clopper–Pearson', () => {
  it('contains the estimate and is wider for fewer trials', () => {
    const [low, high] = clopperPearson(5, 10);
    expect(low).toBeLessThan(0.5);
    expect(high).toBeGreaterThan(0.5);
    const [wideLow, wideHigh] = clopperPearson(1, 2);
    expect(wideHigh - wideLow).toBeGreaterThan(high - low);
  });

  it('matches a known interval (1 of 10: 0.0025 to 0.4450)', () => {
    const [low, high] = clopperPearson(1, 10);
    expect(low).toBeCloseTo(0.00253, 4);
    expect(high).toBeCloseTo(0.44502, 4);
  });
});

describe('Holm adjustment', () => {
  it('multiplies by the remaining count and keeps the order monotone', () => {
    expect(holmAdjust([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
  });
  it('caps at 1', () => {
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
  });
});
