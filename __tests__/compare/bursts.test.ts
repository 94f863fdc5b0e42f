import { describe, expect, it } from '@jest/globals';
import { burstiness } from '../../src/compare/bursts.js';
import type { Buckets } from '../../src/signatures/index.js';
import { MINUTE, poisson, random } from './generate.js';

const buckets = (baseline: number[], unbucketed = 0): Buckets => ({
  bucketMs: MINUTE,
  baseline,
  after: [],
  unbucketed: { baseline: unbucketed, after: 0 },
});
const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);

describe('burstiness', () => {
  it('is 1 for steady rates, whatever the rate', () => {
    const next = random(42);
    for (const rate of [0.05, 0.5, 3, 20]) {
      const counts = Array.from({ length: 60 }, () => poisson(next, rate));
      expect([rate, burstiness(buckets(counts), sum(counts), 10 * MINUTE).factor]).toEqual([
        rate,
        1,
      ]);
    }
  });

  it('measures a job failing every half hour at the after window’s scale', () => {
    const counts = new Array<number>(60).fill(0);
    counts[5] = 30;
    counts[35] = 30;
    // Slices of 10 minutes hold 30 or 0: variance 180 (or 225) over a mean of 10 (or 12).
    expect(burstiness(buckets(counts), 60, 10 * MINUTE).factor).toBeGreaterThan(15);
  });

  it('sees short storms even when the baseline is only twice the after window', () => {
    const counts = new Array<number>(60).fill(0);
    for (const minute of [7, 31, 52]) counts[minute] = 20;
    expect(burstiness(buckets(counts), 60, 30 * MINUTE).factor).toBeGreaterThan(10);
  });

  it('says why it could not measure', () => {
    expect(burstiness(undefined, 10, 10 * MINUTE).unmeasured).toContain('timestamps');
    expect(burstiness(buckets(new Array<number>(60).fill(0), 10), 10, 10 * MINUTE)).toEqual({
      factor: 1,
      unmeasured: 'the baseline events carry no usable timestamps',
    });
    expect(burstiness(buckets([5]), 5, 10 * MINUTE).unmeasured).toContain('single bucket');
    expect(burstiness(buckets([]), 0, 10 * MINUTE)).toEqual({ factor: 1 });
  });
});
