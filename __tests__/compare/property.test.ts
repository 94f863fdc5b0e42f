import { describe, expect, it } from '@jest/globals';
import { compare } from '../../src/compare/index.js';
import {
  MINUTE,
  background,
  countedSignature,
  mined,
  poisson,
  random,
  spread,
  stationaryDeploy,
} from './generate.js';

// "At N events": N events expected in the after window at the baseline rate.
const POWER_CASES: [number, number][] = [
  [20, 3],
  [20, 5],
  [200, 3],
  [200, 5],
];

describe('compare on random inputs (seeded, so every run is the same)', () => {
  it('calls fewer than 1% of deploys that changed nothing a regression', () => {
    const next = random(20261124);
    const trials = 500;
    let regressions = 0;
    for (let trial = 0; trial < trials; trial++) {
      const deploy = stationaryDeploy(next);
      if (compare(deploy).verdict === 'regression') regressions++;
    }
    expect(regressions / trials).toBeLessThan(0.01);
  });

  it.each(POWER_CASES)(
    'flags a rise ×%#: at %i expected events, ×%i, amid steady signatures',
    (expected, factor) => {
      const next = random(expected * 10 + factor);
      for (let trial = 0; trial < 20; trial++) {
        const target = countedSignature(
          'target',
          spread(expected * 6, 60),
          spread(expected * factor, 10),
        );
        const result = compare({
          mined: mined([target, ...background(next, 5)]),
          baselineMs: 60 * MINUTE,
          afterMs: 10 * MINUTE,
        });
        expect([trial, result.findings.find((f) => f.id === 'target')?.status]).toEqual([
          trial,
          'increased',
        ]);
        expect(result.verdict).toBe('regression');
      }
    },
  );

  it('keeps its power when the after count is itself random', () => {
    const next = random(99);
    const power = POWER_CASES.map(([expected, factor]) => {
      let hits = 0;
      const trials = 100;
      for (let trial = 0; trial < trials; trial++) {
        const rate = expected / 10;
        const counts = Array.from({ length: 70 }, (_, minute) =>
          poisson(next, minute < 60 ? rate : rate * factor),
        );
        const target = countedSignature('target', counts.slice(0, 60), counts.slice(60));
        const result = compare({
          mined: mined([target, ...background(next, 5)]),
          baselineMs: 60 * MINUTE,
          afterMs: 10 * MINUTE,
        });
        if (result.findings.find((f) => f.id === 'target')?.status === 'increased') hits++;
      }
      return hits / trials;
    });
    // ×3 at 20 events is about the smallest rise this test can see: Poisson noise alone
    // sometimes makes it look like ×2.
    expect(power[0]).toBeGreaterThan(0.8);
    expect(power.slice(1).every((p) => p > 0.99)).toBe(true);
  });

  /** 200 steady signatures with Zipf rates, as services log them: a few frequent, many rare. */
  function manySteady(next: () => number, count = 200): ReturnType<typeof countedSignature>[] {
    return Array.from({ length: count }, (_, i) => {
      const rate = 5 / (i + 1);
      const counts = Array.from({ length: 70 }, () => poisson(next, rate));
      return countedSignature(`steady-${i}`, counts.slice(0, 60), counts.slice(60));
    }).filter((s) => s.before + s.after > 0);
  }

  it('flags a new error with 6 events among 200 steady signatures', () => {
    const next = random(200);
    for (let trial = 0; trial < 20; trial++) {
      const target = countedSignature('target', spread(0, 60), spread(6, 10));
      const result = compare({
        mined: mined([target, ...manySteady(next)]),
        baselineMs: 60 * MINUTE,
        afterMs: 10 * MINUTE,
      });
      expect([trial, result.findings.find((f) => f.id === 'target')?.status]).toEqual([
        trial,
        'new',
      ]);
    }
  });

  it('calls fewer than 1% of deploys among 200 steady signatures a regression', () => {
    const next = random(201);
    const trials = 50;
    let regressions = 0;
    for (let trial = 0; trial < trials; trial++) {
      const result = compare({
        mined: mined(manySteady(next)),
        baselineMs: 60 * MINUTE,
        afterMs: 10 * MINUTE,
      });
      if (result.verdict === 'regression') regressions++;
    }
    expect(regressions / trials).toBeLessThan(0.01);
  });
});
