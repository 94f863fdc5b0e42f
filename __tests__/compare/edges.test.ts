/**
 * The comparison at its edges: a correction over testable signatures only, falls as a family of
 * their own, changes too thin to judge said as such, a cut source that shortens only its own
 * windows, and the trend of the others computed in one sort.
 */
import { describe, expect, it } from '@jest/globals';
import { compare } from '../../src/compare/index.js';
import { trendsExcludingEach, type Counted } from '../../src/compare/traffic.js';
import {
  binomialLowerTail,
  binomialUpperTail,
  holmAdjust,
  median,
  taroneHolm,
} from '../../src/compare/stats.js';
import type { MinedSignatures } from '../../src/signatures/index.js';
import { MINUTE, countedSignature, mined, poisson, random, spread } from './generate.js';

const HOUR = 60 * MINUTE;

/** A signature with `before` events over the hour and `after` over the ten minutes. */
const counts = (id: string, before: number, after: number, level: 'error' | 'warn' = 'error') =>
  countedSignature(id, spread(before, 60), spread(after, 10), level);

const judge = (input: MinedSignatures, baselineMs = HOUR, afterMs = 10 * MINUTE) =>
  compare({ mined: input, baselineMs, afterMs });

const finding = (result: ReturnType<typeof compare>, id: string) =>
  result.findings.find((f) => f.id === id)!;

describe('the correction counts only signatures that could ever be significant (Tarone)', () => {
  it('a new error with 5 events is flagged among 35 signatures of two events each', () => {
    const others = Array.from({ length: 34 }, (_, i) => counts(`rare-${i}`, 1, 1));
    const result = judge(mined([counts('target', 0, 5), ...others]));
    expect(finding(result, 'target').status).toBe('new');
    expect(result.verdict).toBe('regression');
    // Holm over all 35 would not: 35 × 0.2⁵ = 0.0112 > 0.01.
    expect(35 * finding(result, 'target').pValue).toBeGreaterThan(0.01);
  });

  it('gives untestable signatures an adjusted p of 1 and says they are too few', () => {
    const result = judge(mined([counts('target', 0, 5), counts('pair', 1, 1)]));
    expect(finding(result, 'pair').adjustedPValue).toBe(1);
    expect(finding(result, 'pair').why).toMatch(/too few events for any test to pass/);
  });

  it('rejects whatever Holm rejects, never an untestable one, and equals Holm when all are testable', () => {
    const next = random(5);
    for (let trial = 0; trial < 200; trial++) {
      const m = 1 + Math.floor(next() * 30);
      const minima = Array.from({ length: m }, () => next() ** 4);
      const pValues = minima.map((min) => min + (1 - min) * next());
      const tarone = taroneHolm(pValues, minima, 0.01);
      // Adjusted p-values are never below the raw ones, and one whose smallest attainable
      // p-value is above 0.01 can never be rejected.
      tarone.forEach((p, i) => {
        expect(p).toBeGreaterThanOrEqual(pValues[i]);
        if (minima[i] > 0.01) expect(p).toBe(1);
      });
      // The family is no larger than Holm's, so a rejection by Holm is one by Tarone–Holm.
      const holm = holmAdjust(pValues);
      holm.forEach((p, i) => {
        if (p < 0.01) expect(tarone[i]).toBeLessThan(0.01);
      });
      const allTestable = taroneHolm(
        pValues,
        pValues.map(() => 0),
        0.01,
      );
      expect(allTestable).toEqual(holmAdjust(pValues));
    }
  });
});

describe('falls are their own family, tested against no change', () => {
  it('48 events before and none after is resolved alone and beside four steady signatures', () => {
    const alone = judge(mined([counts('gone', 48, 0)]));
    expect(finding(alone, 'gone').status).toBe('resolved');
    const steady = [1, 2, 3, 4].map((i) => counts(`steady-${i}`, 60, 10));
    const beside = judge(mined([counts('gone', 48, 0), ...steady]));
    expect(finding(beside, 'gone').status).toBe('resolved');
    expect(beside.verdict).toBe('clean');
  });

  it('a fall the test cannot confirm reads "fewer, not enough to tell", never "did not change"', () => {
    const result = judge(mined([counts('fewer', 6, 0), counts('steady', 60, 10)]));
    const fewer = finding(result, 'fewer');
    expect(fewer.status).toBe('unchanged');
    expect(fewer.unconfirmed).toBe('fall');
    expect(fewer.why).toMatch(/fewer, not enough to tell/);
  });

  it('falls never gate and never widen the correction of rises', () => {
    const falls = Array.from({ length: 30 }, (_, i) => counts(`falling-${i}`, 120, 0));
    const result = judge(mined([counts('target', 0, 5), ...falls]));
    expect(finding(result, 'target').status).toBe('new');
    expect(result.verdict).toBe('regression');
  });
});

describe('too thin to judge is said', () => {
  it('×6 on 10 → 10 events is listed as too few to tell, and the reason counts it', () => {
    const result = judge(
      mined([counts('thin', 10, 10), ...[1, 2, 3].map((i) => counts(`steady-${i}`, 600, 100))]),
    );
    const thin = finding(result, 'thin');
    expect(thin.flagged).toBe(false);
    expect(thin.unconfirmed).toBe('rise');
    expect(thin.why).toMatch(/^×6\.0, 10 in 1h → 10 in 10m: too few to tell/);
    expect(result.verdict).toBe('clean');
    expect(result.reason).toMatch(/1 rose, too few events to tell/);
  });
});

describe('a source cut at max-events shortens only its own windows', () => {
  it('a steady group beside a cut one is not increased', () => {
    const steady = countedSignature('steady', spread(600, 60), spread(100, 10));
    steady.logGroups = ['/ecs/steady'];
    const busy = countedSignature('busy', spread(600, 60), spread(500, 10));
    busy.logGroups = ['/ecs/busy'];
    const input: MinedSignatures = {
      ...mined([steady, busy]),
      sourcesRead: ['/ecs/steady', '/ecs/busy'],
      truncated: [
        { source: '/ecs/busy', window: 'after', maxEvents: 500, lastTimestamp: HOUR + 5 * MINUTE },
      ],
    };
    const windows = {
      baseline: { start: 0, end: HOUR },
      after: { start: HOUR, end: HOUR + 10 * MINUTE },
    };
    const result = compare({ mined: input, baselineMs: HOUR, afterMs: 10 * MINUTE, windows });
    expect(finding(result, 'steady').status).toBe('unchanged');
    expect(finding(result, 'steady').afterRate).toBeCloseTo(10);
    // The cut group is rated over the five minutes it was read: 500 in 5m against 10/min.
    expect(finding(result, 'busy').afterRate).toBeCloseTo(100);
  });

  it('a group cut a minute into the after window does not make a steady group too thin to judge', () => {
    const steady = countedSignature('steady', spread(906, 60), spread(151, 10));
    steady.logGroups = ['/ecs/steady'];
    const cut = countedSignature('cut', spread(600, 60), spread(10, 1));
    cut.logGroups = ['/ecs/cut'];
    const input: MinedSignatures = {
      ...mined([steady, cut]),
      sourcesRead: ['/ecs/steady', '/ecs/cut'],
      truncated: [
        { source: '/ecs/cut', window: 'after', maxEvents: 10, lastTimestamp: HOUR + MINUTE },
      ],
    };
    const windows = {
      baseline: { start: 0, end: HOUR },
      after: { start: HOUR, end: HOUR + 10 * MINUTE },
    };
    const result = compare({ mined: input, baselineMs: HOUR, afterMs: 10 * MINUTE, windows });
    expect(result.verdict).toBe('clean');
    expect(result.reason).toContain('in the 10m after');
  });
});

describe('the trend of the others', () => {
  const exposure = { baselineMs: HOUR, afterMs: 10 * MINUTE };

  /** The definition, one signature at a time: O(n²). */
  function naive(signatures: Counted[], alpha: number): number[] {
    const recurs = (s: Counted) => (s.before * exposure.afterMs) / exposure.baselineMs >= 5;
    const log = (s: Counted) => Math.log(((s.after + 0.5) / 10) * (60 / (s.before + 0.5)));
    const recurring = signatures.filter(recurs);
    const share = exposure.afterMs / (exposure.afterMs + exposure.baselineMs);
    return signatures.map((signature) => {
      const others = recurring.filter((s) => s !== signature);
      if (others.length < 3) return 1;
      const factor = Math.exp(median(others.map(log)));
      const after = others.reduce((sum, s) => sum + s.after / s.burstiness, 0);
      const before = others.reduce((sum, s) => sum + s.before / s.burstiness, 0);
      const p =
        factor >= 1
          ? binomialUpperTail(after, after + before, share)
          : binomialLowerTail(after, after + before, share);
      return p < alpha ? factor : 1;
    });
  }

  it('is the median and pooled change of the others, for every signature', () => {
    const next = random(11);
    for (let trial = 0; trial < 50; trial++) {
      const signatures: Counted[] = Array.from({ length: 2 + Math.floor(next() * 40) }, () => {
        const rate = Math.exp(Math.log(0.05) + next() * Math.log(400));
        const shift = next() < 0.5 ? 2 : 1;
        return {
          before: poisson(next, rate * 60),
          after: poisson(next, rate * 10 * shift),
          burstiness: next() < 0.3 ? 1 + next() * 3 : 1,
        };
      });
      for (const alpha of [0.01, 1.01]) {
        const fast = trendsExcludingEach(signatures, exposure, alpha);
        naive(signatures, alpha).forEach((factor, i) => expect(fast[i]).toBeCloseTo(factor, 9));
      }
    }
  });
});
