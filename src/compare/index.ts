import { burstiness } from './bursts.js';
import { decide } from './decision.js';
import { taroneHolm } from './stats.js';
import {
  byImportance,
  contextFinding,
  exposureOf,
  isContext,
  testSignature,
  toFinding,
} from './test.js';
import { commonTrend, trendsExcludingEach, type Trend } from './traffic.js';
import {
  DEFAULT_ALPHA,
  DEFAULT_MIN_EVENTS,
  DEFAULT_MIN_RATIO,
  type CompareInput,
  type CompareOptions,
  type Comparison,
} from './types.js';
import { burstNotes, sourceNotes, trendNotes } from './wording.js';

export { VERDICTS, type Verdict } from './verdict.js';
export {
  DEFAULT_ALPHA,
  DEFAULT_MIN_EVENTS,
  DEFAULT_MIN_RATIO,
  type CompareInput,
  type CompareOptions,
  type Comparison,
  type Finding,
  type Status,
} from './types.js';
export { formatP } from './wording.js';

const NO_TREND: Trend = { factor: 1, signatures: 0, shift: null, pValue: 1 };

/**
 * Tests each signature's after-window rate against its baseline rate with the exact conditional
 * binomial test for two Poisson rates, against a minimum effect moved by the common trend of the
 * recurring signatures, with counts weighed down by the signature's own burstiness, and with
 * Holm's correction; then decides the verdict from the flagged signatures alone.
 */
export function compare(input: CompareInput, options: CompareOptions = {}): Comparison {
  const parameters: Required<CompareOptions> = {
    alpha: options.alpha ?? DEFAULT_ALPHA,
    minRatio: options.minRatio ?? DEFAULT_MIN_RATIO,
    minEvents: options.minEvents ?? DEFAULT_MIN_EVENTS,
    normaliseTraffic: options.normaliseTraffic ?? true,
    judgeBursts: options.judgeBursts ?? true,
  };
  const { mined } = input;
  const nominal = { baselineMs: input.baselineMs, afterMs: input.afterMs };
  // A source cut at max-events shortens its own signatures' windows, no one else's.
  const exposures = mined.signatures.map((signature) => exposureOf(input, signature.logGroups));

  const bursts = mined.signatures.map((signature, i) =>
    parameters.judgeBursts
      ? burstiness(signature.buckets, signature.before, exposures[i].afterMs)
      : { factor: 1 },
  );
  // Counts cut short are lower bounds: they take no part in the common trend.
  const counted = mined.signatures.map(({ before, after }, i) => ({
    before,
    after,
    burstiness: bursts[i].factor,
    cut: exposures[i].baselineMs !== nominal.baselineMs || exposures[i].afterMs !== nominal.afterMs,
  }));
  const trend = parameters.normaliseTraffic ? commonTrend(counted, nominal, parameters) : NO_TREND;
  const trends = parameters.normaliseTraffic
    ? trendsExcludingEach(counted, nominal, parameters.alpha)
    : counted.map(() => 1);
  const tests = mined.signatures.map((signature, i) =>
    testSignature(signature, bursts[i].factor, trends[i], exposures[i], parameters),
  );
  // INFO and DEBUG lines a filter selected are context: never flagged, and in no family. Rises
  // and falls are two families, each corrected over its testable signatures only.
  const errors = mined.signatures.flatMap((signature, i) => (isContext(signature) ? [] : [i]));
  const family = (tail: 'up' | 'down') => {
    const adjusted = taroneHolm(
      errors.map((i) => tests[i][tail].pValue),
      errors.map((i) => tests[i][tail].minPValue),
      parameters.alpha,
    );
    const byIndex = mined.signatures.map(() => 1);
    errors.forEach((signature, rank) => (byIndex[signature] = adjusted[rank]));
    return byIndex;
  };
  const up = family('up');
  const down = family('down');
  const findings = mined.signatures.map((signature, i) =>
    isContext(signature)
      ? contextFinding(signature, tests[i], parameters)
      : toFinding(signature, tests[i], { up: up[i], down: down[i] }, parameters),
  );
  findings.sort(byImportance);
  const notes = [
    ...sourceNotes(mined),
    ...trendNotes(trend, trends.filter((factor) => factor !== 1).length, parameters),
    ...burstNotes(mined.signatures, bursts),
  ];
  return {
    // Each source's cut is in its own signatures' exposure; the verdict's sentences use the windows.
    ...decide(findings, mined, trend, nominal, parameters),
    notes,
    findings,
    trend,
    parameters,
  };
}
