import { burstiness } from './bursts.js';
import { decide } from './decision.js';
import { holmAdjust } from './stats.js';
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
  const windows = exposureOf(input);
  const { afterMs } = windows;

  const bursts = mined.signatures.map((signature) =>
    parameters.judgeBursts
      ? burstiness(signature.buckets, signature.before, afterMs)
      : { factor: 1 },
  );
  const counted = mined.signatures.map(({ before, after }, i) => ({
    before,
    after,
    burstiness: bursts[i].factor,
  }));
  const trend = parameters.normaliseTraffic ? commonTrend(counted, windows, parameters) : NO_TREND;
  const trends = parameters.normaliseTraffic
    ? trendsExcludingEach(counted, windows, parameters.alpha)
    : counted.map(() => 1);
  const tests = mined.signatures.map((signature, i) =>
    testSignature(signature, bursts[i].factor, trends[i], windows, parameters.minRatio),
  );
  // INFO and DEBUG lines a filter selected are context: never flagged, and not in the family.
  const errors = mined.signatures.flatMap((signature, i) => (isContext(signature) ? [] : [i]));
  const adjustedErrors = holmAdjust(errors.map((i) => tests[i].pValue));
  const adjusted = mined.signatures.map(() => 1);
  errors.forEach((signature, rank) => (adjusted[signature] = adjustedErrors[rank]));
  const findings = mined.signatures.map((signature, i) =>
    isContext(signature)
      ? contextFinding(signature, tests[i], windows, parameters)
      : toFinding(signature, tests[i], adjusted[i], windows, parameters),
  );
  findings.sort(byImportance);
  const notes = [
    ...sourceNotes(mined),
    ...trendNotes(trend, trends.filter((factor) => factor !== 1).length, parameters),
    ...burstNotes(mined.signatures, bursts),
  ];
  return {
    ...decide(findings, mined, trend, windows, parameters),
    notes,
    findings,
    trend,
    parameters,
  };
}
