/**
 * How the comparison scales with the number of signatures: compare() on n recurring
 * signatures, next to a floor measured in the same run (the exact test of each signature alone,
 * which any comparison must do), median of 5 runs. Usage: npm run bench:compare
 */
import { compare } from '../src/compare/index.js';
import { testSignature } from '../src/compare/test.js';
import { trendsExcludingEach } from '../src/compare/traffic.js';
import { seededRandom } from '../src/demo/random.js';
import type { MinedSignatures, Signature } from '../src/signatures/index.js';

const HOUR = 3_600_000;
const exposure = { baselineMs: HOUR, afterMs: HOUR / 6 };

function signatures(count: number): Signature[] {
  const next = seededRandom(count);
  return Array.from({ length: count }, (_, i) => {
    const rate = Math.exp(Math.log(0.05) + next() * Math.log(400));
    const before = Math.round(rate * 60 * (0.8 + 0.4 * next()));
    const after = Math.round(rate * 10 * (0.8 + 0.4 * next()));
    return {
      id: `s${i}`,
      template: `ERROR signature ${i}`,
      level: 'error',
      kind: 'error',
      logGroups: ['svc'],
      before,
      after,
      examples: [],
    };
  });
}

function mined(list: Signature[]): MinedSignatures {
  return {
    signatures: list,
    failures: [],
    sourcesRead: ['svc'],
    eventsRead: { baseline: 0, after: 0 },
    loggedAfter: true,
    templateCapReached: false,
    truncated: [],
  };
}

function median(run: () => void): number {
  const times = Array.from({ length: 5 }, () => {
    const start = performance.now();
    run();
    return performance.now() - start;
  });
  return times.sort((a, b) => a - b)[2];
}

console.log('signatures   floor (tests alone)   trend of the others   compare()   compare ÷ floor');
for (const count of [1_000, 5_000, 10_000, 20_000]) {
  const list = signatures(count);
  const floor = median(() => {
    for (const s of list) testSignature(s, 1, 1, exposure, { minRatio: 1.5, minEvents: 5 });
  });
  const counted = list.map(({ before, after }) => ({ before, after, burstiness: 1 }));
  const trends = median(() => trendsExcludingEach(counted, exposure, 0.01));
  const whole = median(() =>
    compare({ mined: mined(list), baselineMs: exposure.baselineMs, afterMs: exposure.afterMs }),
  );
  console.log(
    `${String(count).padStart(10)}   ${floor.toFixed(0).padStart(16)} ms   ${trends.toFixed(0).padStart(16)} ms   ${whole.toFixed(0).padStart(6)} ms   ${(whole / floor).toFixed(1).padStart(14)}`,
  );
}
