import { describe, expect, it } from '@jest/globals';
import { commonTrend, trendsExcludingEach } from '../../src/compare/traffic.js';

const exposure = { baselineMs: 60, afterMs: 10 };
const options = { minRatio: 1.5, alpha: 0.01 };
const steady = (before: number, factor: number) => ({
  before,
  after: (before / 6) * factor,
  burstiness: 1,
});

describe('common trend', () => {
  it('is the median of the recurring signatures’ ratios, and a shift when broad and significant', () => {
    const trend = commonTrend(
      [steady(600, 2), steady(300, 2), steady(600, 2.2), steady(300, 10)],
      exposure,
      options,
    );
    expect(trend.factor).toBeGreaterThan(1.95);
    expect(trend.factor).toBeLessThan(2.2);
    expect(trend.shift).toBe('rise');
    expect(trend.signatures).toBe(4);
  });

  it('ignores signatures too rare to recur, and needs three that do', () => {
    const trend = commonTrend([steady(600, 3), steady(600, 3), steady(12, 3)], exposure, options);
    expect(trend).toEqual({ factor: 1, signatures: 2, shift: null, pValue: 1 });
  });

  it('judges each signature against the others, and only when they moved significantly', () => {
    const signatures = [steady(600, 2), steady(600, 2), steady(600, 2), steady(600, 12)];
    const trends = trendsExcludingEach(signatures, exposure, 0.01);
    expect(trends[3]).toBeCloseTo(2, 1);
    const quiet = [steady(30, 1.3), steady(30, 1.3), steady(30, 1.3), steady(30, 1)];
    expect(trendsExcludingEach(quiet, exposure, 0.01)).toEqual([1, 1, 1, 1]);
  });
});
