/** The test of one signature: the exact conditional test of two Poisson rates, as a finding. */
import type { Signature } from '../signatures/index.js';
import { binomialLowerTail, binomialUpperTail, clopperPearson } from './stats.js';
import type { CompareInput, CompareOptions, Exposure, Finding, Status, Test } from './types.js';
import { formatDuration } from '../text.js';
import { explain } from './wording.js';

/**
 * A window a source cut at its event cap was read only up to the last timestamp before the cut:
 * its counts are rated over that span (the shortest, when several sources were cut).
 */
export function exposureOf({ mined, baselineMs, afterMs, windows }: CompareInput): Exposure {
  const covered = (window: 'baseline' | 'after', nominal: number): number => {
    if (!windows) return nominal;
    const spans = (mined.truncated ?? [])
      .filter((cut) => cut.window === window && cut.lastTimestamp !== undefined)
      .map((cut) => (cut.lastTimestamp ?? 0) + 1 - windows[window].start);
    return Math.max(1000, Math.min(nominal, ...spans));
  };
  return { baselineMs: covered('baseline', baselineMs), afterMs: covered('after', afterMs) };
}

/** The share of events that falls in the after window when the after rate is `ratio` × baseline. */
function afterShare(ratio: number, { baselineMs, afterMs }: Exposure): number {
  return (ratio * afterMs) / (ratio * afterMs + baselineMs);
}

/**
 * Given the total, the after count is binomial with the after window's share of the exposure.
 * A rise is tested against the minimum effect times a rising trend, a fall against its inverse
 * times a falling trend: the trend only ever raises the bar, never lowers it.
 */
export function testSignature(
  { before, after }: Signature,
  spread: number,
  trend: number,
  windows: Exposure,
  minRatio: number,
): Test {
  const a = after / spread;
  const n = (before + after) / spread;
  const up = minRatio * Math.max(1, trend);
  const down = Math.min(1, trend) / minRatio;
  const upP = binomialUpperTail(a, n, afterShare(up, windows));
  const downP = binomialLowerTail(a, n, afterShare(down, windows));
  const expectedAfter = ((before * windows.afterMs) / windows.baselineMs) * trend;
  const common = { expectedAfter, burstiness: spread, bars: [down, up] as [number, number] };
  return upP <= downP
    ? { direction: 'up', pValue: upP, threshold: up, ...common }
    : { direction: 'down', pValue: downP, threshold: down, ...common };
}

export function toFinding(
  signature: Signature,
  test: Test,
  adjustedPValue: number,
  windows: Exposure,
  parameters: Required<CompareOptions>,
): Finding {
  const { before, after } = signature;
  const significant = adjustedPValue < parameters.alpha;
  const enough = test.direction === 'down' || after >= parameters.minEvents;
  const flagged = significant && enough;
  const status: Status = !flagged
    ? 'unchanged'
    : test.direction === 'up'
      ? before === 0
        ? 'new'
        : 'increased'
      : after === 0
        ? 'resolved'
        : 'decreased';
  const beforeRate = before / (windows.baselineMs / 60_000);
  const afterRate = after / (windows.afterMs / 60_000);
  const ratio = before === 0 ? null : afterRate / beforeRate;
  const ratioInterval = rateRatioInterval(before, after, test.burstiness, windows);
  const finding: Finding = {
    ...signature,
    status,
    flagged,
    beforeRate,
    afterRate,
    ratio,
    ratioInterval,
    pValue: test.pValue,
    adjustedPValue,
    why: '',
    expectedAfter: test.expectedAfter,
    threshold: test.threshold,
    burstiness: test.burstiness,
  };
  finding.why = explain(finding, test, { significant, enough }, windows, parameters);
  return finding;
}

/** INFO and DEBUG lines: what a filter selected for a word (`timeout`), not errors. */
export function isContext(signature: Signature): boolean {
  return signature.level === 'info' || signature.level === 'debug';
}

/** A context signature as a finding: its rates and interval, never flagged. */
export function contextFinding(
  signature: Signature,
  test: Test,
  windows: Exposure,
  parameters: Required<CompareOptions>,
): Finding {
  const finding = toFinding(signature, test, 1, windows, parameters);
  const counts = `${signature.before} in ${formatDuration(windows.baselineMs)} → ${signature.after} in ${formatDuration(windows.afterMs)}`;
  return {
    ...finding,
    why: `${counts}: ${signature.level.toUpperCase()}-level lines, kept as context and never flagged as errors`,
  };
}

/** 95% interval of the rate ratio, from the Clopper–Pearson interval of the after window's share. */
export function rateRatioInterval(
  before: number,
  after: number,
  spread: number,
  { baselineMs, afterMs }: Exposure,
): [number, number | null] {
  const [low, high] = clopperPearson(after / spread, (before + after) / spread);
  const toRatio = (share: number) => (share / (1 - share)) * (baselineMs / afterMs);
  return [toRatio(low), high >= 1 ? null : toRatio(high)];
}

const STATUS_ORDER: Record<Status, number> = {
  new: 0,
  increased: 1,
  resolved: 2,
  decreased: 3,
  unchanged: 4,
};

export function byImportance(a: Finding, b: Finding): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    a.adjustedPValue - b.adjustedPValue ||
    b.after - a.after ||
    a.id.localeCompare(b.id)
  );
}
