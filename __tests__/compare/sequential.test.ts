import { describe, expect, it } from '@jest/globals';
import {
  EARLY_SHARE,
  earlySpent,
  LookLevels,
  normalUpperQuantile,
  normalUpperTail,
} from '../../src/compare/sequential.js';
import { countedSignature, poisson, random, stationaryDeploy } from './generate.js';
import { deployWith, firstCall, median } from './looks.js';

describe('the levels of the looks', () => {
  it('spend almost nothing early, a tenth of significance before the end, the rest at the end', () => {
    expect(normalUpperTail(normalUpperQuantile(0.0005))).toBeCloseTo(0.0005, 10);
    expect(earlySpent(0.01, 0.1)).toBeLessThan(1e-24);
    expect(earlySpent(0.01, 0.5)).toBeCloseTo(3.26e-6, 8);
    expect(earlySpent(0.01, 1)).toBeCloseTo(0.01 * EARLY_SHARE, 12);
    const levels = new LookLevels(0.01);
    const early = [0.1, 0.2, 0.3, 0.5, 0.7, 0.9].map((t) => levels.early(t));
    for (let i = 1; i < early.length; i++) expect(early[i]).toBeGreaterThanOrEqual(early[i - 1]);
    expect(early.reduce((a, b) => a + b, 0) + levels.final()).toBeCloseTo(0.01, 15);
    expect(levels.final()).toBeGreaterThan(0.009);
    // A look no later than the one before spends nothing.
    expect(levels.early(0.9)).toBe(0);
  });
});

describe('an early verdict over all the looks (seeded)', () => {
  it('calls fewer than 1% of deploys that changed nothing a regression, looking every minute', () => {
    const next = random(20261203);
    const trials = 200;
    let calls = 0;
    for (let trial = 0; trial < trials; trial++) {
      if (firstCall(stationaryDeploy(next)) !== undefined) calls++;
    }
    expect(calls / trials).toBeLessThan(0.01);
  });

  it.each([
    ['a new error at 20 a minute', 0, 20, 3],
    ['a new error at 5 a minute', 0, 5, 8],
    ['an error ×3, 4 → 12 a minute', 4, 12, 9],
  ])('calls %s before the soak ends in most runs', (_name, before, after, latestMedian) => {
    const next = random(before * 100 + after);
    const minutes = Array.from({ length: 40 }, () => firstCall(deployWith(next, before, after)));
    const early = minutes.filter((m): m is number => m !== undefined && m < 10);
    expect(early.length).toBeGreaterThan(minutes.length / 2);
    expect(minutes.every((m) => m !== undefined)).toBe(true);
    expect(median(minutes as number[])).toBeLessThanOrEqual(latestMedian);
  });

  it('still catches a new error that starts at minute 7', () => {
    const next = random(7);
    for (let trial = 0; trial < 10; trial++) {
      const input = deployWith(next, 0, 0);
      const baseline = input.mined.signatures[0].buckets?.baseline ?? [];
      const after = Array.from({ length: 10 }, (_, minute) =>
        minute >= 7 ? poisson(next, 10) : 0,
      );
      input.mined.signatures[0] = countedSignature('target', baseline, after);
      expect(firstCall(input)).toBeGreaterThanOrEqual(8);
    }
  });
});
