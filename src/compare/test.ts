/** The test of one signature: the exact conditional test of two Poisson rates, as a finding. */
import type { Signature } from '../signatures/index.js';
import { binomialLowerTail, binomialUpperTail, clopperPearson } from './stats.js';
import {
  THIN_RATIO,
  type CompareInput,
  type CompareOptions,
  type Exposure,
  type Finding,
  type Status,
  type Test,
} from './types.js';
import { formatDuration } from '../text.js';
import { explain } from './wording.js';

/**
 * A window a source cut at its event cap was read only up to the last timestamp before the cut:
 * the counts of that source's signatures are rated over that span (the shortest, when several
 * of its sources were cut). Other sources keep their whole windows.
 */
export function exposureOf(
  { mined, baselineMs, afterMs, windows }: CompareInput,
  logGroups?: readonly string[],
): Exposure {
  const covered = (window: 'baseline' | 'after', nominal: number): number => {
    if (!windows) return nominal;
    const spans = (mined.truncated ?? [])
      .filter((cut) => cut.window === window && cut.lastTimestamp !== undefined)
      .filter((cut) => logGroups === undefined || logGroups.includes(cut.source))
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
 * A rise is tested against the minimum effect times a rising trend; a fall against no change,
 * moved by a falling trend: the trend only ever raises the bar, never lowers it. A rise needs
 * `minEvents` events after the deploy, so a total below that cannot flag one.
 */
export function testSignature(
  { before, after }: Signature,
  spread: number,
  trend: number,
  exposure: Exposure,
  { minRatio, minEvents }: Pick<Required<CompareOptions>, 'minRatio' | 'minEvents'>,
): Test {
  const a = after / spread;
  const n = (before + after) / spread;
  const up = minRatio * Math.max(1, trend);
  const down = Math.min(1, trend);
  const upShare = afterShare(up, exposure);
  const downShare = afterShare(down, exposure);
  return {
    up: {
      pValue: binomialUpperTail(a, n, upShare),
      threshold: up,
      minPValue: n > 0 && before + after >= minEvents ? upShare ** n : 1,
    },
    down: {
      pValue: binomialLowerTail(a, n, downShare),
      threshold: down,
      minPValue: n > 0 ? (1 - downShare) ** n : 1,
    },
    trend,
    expectedAfter: ((before * exposure.afterMs) / exposure.baselineMs) * trend,
    burstiness: spread,
    exposure,
  };
}

/** The adjusted p-values of a signature's two tails, each within its own family. */
export interface Adjusted {
  up: number;
  down: number;
}

export function toFinding(
  signature: Signature,
  test: Test,
  adjusted: Adjusted,
  parameters: Required<CompareOptions>,
): Finding {
  const { before, after } = signature;
  const windows = test.exposure;
  const risesSignificantly = adjusted.up < parameters.alpha;
  const enough = after >= parameters.minEvents;
  const rise = risesSignificantly && enough;
  const fall = !rise && adjusted.down < parameters.alpha;
  const status: Status = rise
    ? before === 0
      ? 'new'
      : 'increased'
    : fall
      ? after === 0
        ? 'resolved'
        : 'decreased'
      : 'unchanged';
  const beforeRate = before / (windows.baselineMs / 60_000);
  const afterRate = after / (windows.afterMs / 60_000);
  const ratio = before === 0 ? null : afterRate / beforeRate;
  const shown = rise ? 'up' : fall ? 'down' : after >= test.expectedAfter ? 'up' : 'down';
  const finding: Finding = {
    ...signature,
    status,
    flagged: rise || fall,
    beforeRate,
    afterRate,
    ratio,
    ratioInterval: rateRatioInterval(before, after, test.burstiness, windows),
    pValue: test[shown].pValue,
    adjustedPValue: adjusted[shown],
    why: '',
    expectedAfter: test.expectedAfter,
    threshold: test[shown].threshold,
    burstiness: test.burstiness,
  };
  if (!finding.flagged) {
    const unconfirmed = unconfirmedChange(finding, test, parameters);
    if (unconfirmed) finding.unconfirmed = unconfirmed;
  }
  finding.why = explain(finding, test, { significant: risesSignificantly, enough }, parameters);
  return finding;
}

/** A rise by ×3 (or a new signature) or a fall by the minimum effect, that the test left alone. */
function unconfirmedChange(
  { before, after, ratio }: Finding,
  { trend }: Test,
  { minRatio }: Required<CompareOptions>,
): 'rise' | 'fall' | undefined {
  if (after >= 2 && (before === 0 || (ratio !== null && ratio >= THIN_RATIO * Math.max(1, trend))))
    return 'rise';
  if (ratio !== null && before >= 2 && ratio <= Math.min(1, trend) / minRatio) return 'fall';
  return undefined;
}

/** INFO and DEBUG lines: what a filter selected for a word (`timeout`), not errors. */
export function isContext(signature: Signature): boolean {
  return signature.level === 'info' || signature.level === 'debug';
}

/** A context signature as a finding: its rates and interval, never flagged. */
export function contextFinding(
  signature: Signature,
  test: Test,
  parameters: Required<CompareOptions>,
): Finding {
  const finding = toFinding(signature, test, { up: 1, down: 1 }, parameters);
  const context = { ...finding };
  delete context.unconfirmed;
  const counts = `${signature.before} in ${formatDuration(test.exposure.baselineMs)} → ${signature.after} in ${formatDuration(test.exposure.afterMs)}`;
  return {
    ...context,
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
