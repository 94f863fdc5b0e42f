/**
 * The early verdict's error and power, simulated with a look every minute of the soak and the
 * last at its end (see docs/statistics.md, "Early verdict"): the share of deploys that changed
 * nothing called a regression at any look, next to a single look at the end with the whole
 * significance; and for a new error and a rise, the share called before the soak ends and the
 * median minute of the call.
 * Usage: npm run bench:early [-- TRIALS]
 */
import { compare } from '../src/compare/index.js';
import { random, stationaryDeploy } from '../__tests__/compare/generate.js';
import { deployWith, firstCall, median } from '../__tests__/compare/looks.js';

const trials = Number(process.argv[2] ?? 2000);

const next = random(20261203);
let early = 0;
let single = 0;
const started = performance.now();
for (let trial = 0; trial < trials; trial++) {
  const deploy = stationaryDeploy(next);
  if (firstCall(deploy) !== undefined) early++;
  if (compare(deploy).verdict === 'regression') single++;
}
console.log(`${trials} deploys that changed nothing (1 to 25 signatures, steady, stormy or cron):`);
console.log(`  looking every minute: ${((early / trials) * 100).toFixed(2)}% called a regression`);
console.log(`  one look at the end:  ${((single / trials) * 100).toFixed(2)}% (significance 1%)`);

const cases: Array<[string, number, number]> = [
  ['new error at 20/min', 0, 20],
  ['new error at 5/min', 0, 5],
  ['new error at 1/min', 0, 1],
  ['rise ×3, 4 → 12/min', 4, 12],
  ['rise ×3, 1 → 3/min', 1, 3],
];
console.log(
  `\npower, ${Math.min(trials, 500)} deploys each, 1h baseline, 10m soak, 5 steady others:`,
);
for (const [name, before, after] of cases) {
  const nextCase = random(before * 100 + after);
  const minutes = Array.from({ length: Math.min(trials, 500) }, () =>
    firstCall(deployWith(nextCase, before, after)),
  );
  const called = minutes.filter((m): m is number => m !== undefined);
  const beforeEnd = called.filter((m) => m < 10).length;
  console.log(
    `  ${name.padEnd(22)} called ${((called.length / minutes.length) * 100).toFixed(0).padStart(3)}%, before the end ${((beforeEnd / minutes.length) * 100).toFixed(0).padStart(3)}%, median minute ${called.length ? median(called) : '–'}`,
  );
}
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
