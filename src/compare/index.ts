import type { MinedSignatures, Windows, Signature } from '../signatures/index.js';
import { formatDuration } from '../text.js';
import { burstiness, type Burstiness } from './bursts.js';
import {
  binomialLowerTail,
  binomialUpperTail,
  clopperPearson,
  holmAdjust,
  median,
} from './stats.js';
import { commonTrend, MIN_TREND_SIGNATURES, trendsExcludingEach, type Trend } from './traffic.js';
import type { Verdict } from './verdict.js';

export { VERDICTS, type Verdict } from './verdict.js';
export type { Trend } from './traffic.js';

export type Status = 'new' | 'increased' | 'unchanged' | 'decreased' | 'resolved';

/** The sensitivity of the comparison; docs/statistics.md says what each one does and why. */
export interface CompareOptions {
  /** Family-wise error rate across all signatures (Holm). */
  alpha?: number;
  /** Smallest change in rate that counts: a ratio of at least this, or at most its inverse. */
  minRatio?: number;
  /** Fewest events after the deploy for a signature to be flagged new or increased. */
  minEvents?: number;
  /** Judge each signature against the common trend of the recurring ones (traffic shifts). */
  normaliseTraffic?: boolean;
  /** Judge each signature against its own variability across the baseline (bursts). */
  judgeBursts?: boolean;
}

export const DEFAULT_ALPHA = 0.01;
export const DEFAULT_MIN_RATIO = 1.5;
export const DEFAULT_MIN_EVENTS = 5;

/**
 * With nothing flagged, the data is too thin to call clean when the 95% interval of the pooled
 * error rate ratio still reaches this far: the windows could hide a tripling of the errors.
 */
export const THIN_RATIO = 3;

/** A signature with its counts turned into rates and the test's evidence. */
export interface Finding extends Signature {
  status: Status;
  flagged: boolean;
  /** Events per minute in each window. */
  beforeRate: number;
  afterRate: number;
  /** After rate over baseline rate; null when the baseline rate is zero. */
  ratio: number | null;
  /** 95% interval of the ratio; an upper bound of null means unbounded. */
  ratioInterval: [number, number | null];
  pValue: number;
  adjustedPValue: number;
  /** Why it was flagged (or not), in words a person can check. */
  why: string;
  /** Events the after window would hold at the baseline rate moved by the common trend. */
  expectedAfter?: number;
  /** The ratio the test measured against: minimum effect times the common trend (inverse for falls). */
  threshold?: number;
  /** What the counts were divided by before testing: 1 for a steady rate, more for a bursty one. */
  burstiness?: number;
}

export interface Comparison {
  verdict: Verdict;
  /** One line a person can check by hand. */
  reason: string;
  findings: Finding[];
  notes: string[];
  /** How the recurring signatures moved together. */
  trend?: Trend;
  /** The parameters the comparison ran with. */
  parameters?: Required<CompareOptions>;
}

export interface CompareInput {
  mined: MinedSignatures;
  baselineMs: number;
  afterMs: number;
  /** The windows' starts, to rate a window cut at an event cap only up to where it was read. */
  windows?: Windows;
}

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
  const adjusted = holmAdjust(tests.map((test) => test.pValue));
  const findings = mined.signatures.map((signature, i) =>
    toFinding(signature, tests[i], adjusted[i], windows, parameters),
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

/** The lengths of the two windows, which weigh the counts. */
interface Exposure {
  baselineMs: number;
  afterMs: number;
}

/**
 * A window a source cut at its event cap was read only up to the last timestamp before the cut:
 * its counts are rated over that span (the shortest, when several sources were cut).
 */
function exposureOf({ mined, baselineMs, afterMs, windows }: CompareInput): Exposure {
  const covered = (window: 'baseline' | 'after', nominal: number): number => {
    if (!windows) return nominal;
    const spans = (mined.truncated ?? [])
      .filter((cut) => cut.window === window && cut.lastTimestamp !== undefined)
      .map((cut) => (cut.lastTimestamp ?? 0) + 1 - windows[window].start);
    return Math.max(1000, Math.min(nominal, ...spans));
  };
  return { baselineMs: covered('baseline', baselineMs), afterMs: covered('after', afterMs) };
}

interface Test {
  direction: 'up' | 'down';
  pValue: number;
  /** The ratio tested against. */
  threshold: number;
  /** The ratios a change must go beyond, down and up. */
  bars: [number, number];
  expectedAfter: number;
  burstiness: number;
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
function testSignature(
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

function toFinding(
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

/** 95% interval of the rate ratio, from the Clopper–Pearson interval of the after window's share. */
function rateRatioInterval(
  before: number,
  after: number,
  spread: number,
  { baselineMs, afterMs }: Exposure,
): [number, number | null] {
  const [low, high] = clopperPearson(after / spread, (before + after) / spread);
  const toRatio = (share: number) => (share / (1 - share)) * (baselineMs / afterMs);
  return [toRatio(low), high >= 1 ? null : toRatio(high)];
}

function explain(
  finding: Finding,
  test: Test,
  outcome: { significant: boolean; enough: boolean },
  windows: Exposure,
  { alpha, minRatio, minEvents }: Required<CompareOptions>,
): string {
  const counts = `${finding.before} in ${formatDuration(windows.baselineMs)} → ${finding.after} in ${formatDuration(windows.afterMs)}`;
  const p = `adjusted p = ${formatP(finding.adjustedPValue)}`;
  const bar =
    test.threshold === minRatio || test.threshold === 1 / minRatio
      ? `×${formatRatio(test.threshold)}`
      : `×${formatRatio(test.threshold)} (the minimum effect ×${minRatio} with the common trend)`;
  const bursty =
    test.burstiness > 1.05
      ? `; bursty: its baseline slices varied ×${formatRatio(test.burstiness)} as much as a steady rate's, so its counts weigh that much less`
      : '';
  if (!outcome.enough && outcome.significant) {
    return `${counts}: only ${finding.after} events after the deploy, fewer than the ${minEvents} needed to flag a rise (${p})${bursty}`;
  }
  if (finding.status === 'unchanged') {
    const [down, up] = test.bars;
    const trend = up !== minRatio || down !== 1 / minRatio ? ', with the common trend' : '';
    return `${counts}: no significant change outside ×${formatRatio(down)}–×${formatRatio(up)}${trend} (${p}, threshold ${alpha})${bursty}`;
  }
  const change =
    finding.ratio === null
      ? 'none before the deploy'
      : `×${formatRatio(finding.ratio)} the rate (95% CI ${formatInterval(finding.ratioInterval)})`;
  const verb = test.direction === 'up' ? 'above' : 'below';
  return `${counts}, ${change}: ${verb} ${bar} (${p} < ${alpha})${bursty}`;
}

export function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}

function formatRatio(ratio: number): string {
  return ratio >= 10 ? ratio.toFixed(0) : ratio >= 0.1 ? ratio.toFixed(1) : ratio.toPrecision(1);
}

function formatInterval([low, high]: [number, number | null]): string {
  return `${formatRatio(low)}–${high === null ? '∞' : formatRatio(high)}`;
}

const STATUS_ORDER: Record<Status, number> = {
  new: 0,
  increased: 1,
  resolved: 2,
  decreased: 3,
  unchanged: 4,
};

function byImportance(a: Finding, b: Finding): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    a.adjustedPValue - b.adjustedPValue ||
    b.after - a.after ||
    a.id.localeCompare(b.id)
  );
}

/** A flagged rise counts as a regression when the lines are error-level or worse, or a crash. */
function isSevere(finding: Finding): boolean {
  if (finding.kind === 'oom' || finding.kind === 'crash') return true;
  return finding.level === 'error' || finding.level === 'fatal' || finding.level === 'unknown';
}

function sourceNotes(mined: MinedSignatures): string[] {
  const notes: string[] = [];
  const failed = mined.failures.map((failure) => failure.source);
  if (failed.length > 0) notes.push(`Could not read ${failed.join(', ')}: not included.`);
  for (const cut of mined.truncated ?? []) {
    notes.push(
      `${cut.source}: the ${cut.window} window was cut at ${cut.maxEvents} events (max-events)` +
        (cut.lastTimestamp !== undefined
          ? `; its counts are rated up to ${new Date(cut.lastTimestamp).toISOString()}.`
          : '; its counts are lower bounds.'),
    );
  }
  if (mined.templateCapReached) {
    notes.push('The template cap was reached: rare templates were merged into one signature.');
  }
  return notes;
}

function trendNotes(
  trend: Trend,
  applied: number,
  { minRatio }: Required<CompareOptions>,
): string[] {
  if (trend.signatures === 0) return [];
  if (trend.signatures < MIN_TREND_SIGNATURES) {
    return [
      `Only ${trend.signatures} recurring error signature${trend.signatures > 1 ? 's' : ''}: too few to measure a common trend, so none was applied.`,
    ];
  }
  const moved = `×${formatRatio(trend.factor)}`;
  const judged =
    applied > 0
      ? `${applied} signature${applied > 1 ? 's were' : ' was'} judged against the trend of the others`
      : 'for each signature the trend of the others is within chance, so each was judged against its own baseline';
  if (trend.shift) {
    return [
      `Traffic shift: the ${trend.signatures} recurring error signatures ${trend.shift === 'rise' ? 'rose' : 'fell'} together, ${moved} the rate (median of their ratios; pooled p = ${formatP(trend.pValue)}); ${judged}.`,
    ];
  }
  if (trend.factor < 1.1 && trend.factor > 1 / 1.1) return [];
  return [
    `The ${trend.signatures} recurring error signatures moved ${moved} together (median of their ratios; pooled p = ${formatP(trend.pValue)}), not a shift beyond ×${minRatio}; ${judged}.`,
  ];
}

function burstNotes(signatures: Signature[], bursts: Burstiness[]): string[] {
  const notes: string[] = [];
  const bursty = bursts.filter((b) => b.factor >= 2);
  if (bursty.length > 0) {
    const most = Math.max(...bursty.map((b) => b.factor));
    notes.push(
      `${bursty.length} signature${bursty.length > 1 ? 's are' : ' is'} bursty (baseline slices as long as the after window varied up to ×${formatRatio(most)} as much as a steady rate's): each was judged against its own variability.`,
    );
  }
  const unmeasured = signatures.filter((s, i) => s.before > 0 && bursts[i].unmeasured);
  if (unmeasured.length > 0) {
    const reason = bursts.find((b) => b.unmeasured)?.unmeasured ?? '';
    notes.push(
      `Burstiness was not measured for ${unmeasured.length} signature${unmeasured.length > 1 ? 's' : ''} (${reason}): they were judged as steady rates.`,
    );
  }
  return notes;
}

function decide(
  findings: Finding[],
  mined: MinedSignatures,
  trend: Trend,
  windows: Exposure,
  parameters: Required<CompareOptions>,
): Pick<Comparison, 'verdict' | 'reason'> {
  const failed = mined.failures.map((failure) => failure.source);
  if (mined.sourcesRead.length === 0) {
    return {
      verdict: 'inconclusive',
      reason: `${mined.failures.every((failure) => failure.kind === 'read') ? 'Could not read logs' : 'Could not analyse the logs'}: ${mined.failures.map((failure) => failure.message).join('; ')}`,
    };
  }

  const rising = findings.filter((f) => f.status === 'new' || f.status === 'increased');
  const severe = rising.filter(isSevere);
  if (severe.length > 0) {
    return { verdict: 'regression', reason: describeRise(severe, 'error', windows, parameters) };
  }
  if (failed.length > 0) {
    return {
      verdict: 'inconclusive',
      reason: `No regression in the logs that could be read, but ${failed.join(', ')} could not be read and might hide one.`,
    };
  }
  if (rising.length > 0) {
    return { verdict: 'warning', reason: describeRise(rising, 'warn-level', windows, parameters) };
  }
  if (trend.shift === 'rise') {
    return {
      verdict: 'warning',
      reason: `All ${trend.signatures} recurring error signatures rose together, ×${formatRatio(trend.factor)} the rate (median), and none stands out from that trend: more traffic, or a shared dependency failing? Compare with the request rate.`,
    };
  }

  const { baseline, after } = mined.eventsRead;
  // Errors that stop with everything else are a silent service, not a fix.
  if (after === 0 && mined.loggedAfter === false) {
    return {
      verdict: 'inconclusive',
      reason: 'The service logged nothing after the deploy: is it running?',
    };
  }
  if (baseline + after === 0) {
    if (mined.loggedAfter === true) {
      return { verdict: 'clean', reason: 'No error events before or after the deploy.' };
    }
    return {
      verdict: 'inconclusive',
      reason:
        mined.loggedAfter === false
          ? 'The service logged nothing after the deploy: is it running?'
          : 'No error events in either window, and no way to tell whether the service logged anything after the deploy.',
    };
  }

  const totals = pooled(findings);
  const baselineText = `${formatDuration(windows.baselineMs)} before`;
  const afterText = `${formatDuration(windows.afterMs)} after`;
  if (totals.after > 0) {
    const [, high] = rateRatioInterval(totals.before, totals.after, totals.burstiness, windows);
    if (high === null || high > THIN_RATIO * Math.max(1, trend.factor)) {
      return {
        verdict: 'inconclusive',
        reason: `Too few error events to tell: ${totals.before} in the ${baselineText} and ${totals.after} in the ${afterText} cannot rule out a ×${THIN_RATIO} rise (95% CI of the ratio up to ${high === null ? '∞' : `×${formatRatio(high)}`}); a longer baseline would help.`,
      };
    }
  }
  const fewer = findings.filter((f) => f.status === 'resolved' || f.status === 'decreased').length;
  return {
    verdict: 'clean',
    reason:
      `No error signature rose significantly (${findings.length} signatures, ${baseline} events in the ${baselineText}, ${after} in the ${afterText}` +
      (fewer > 0 ? `; ${fewer} fell` : '') +
      ').',
  };
}

/** All signatures as one, weighed by a typical burstiness so one bursty job cannot make it thin. */
function pooled(findings: Finding[]): { before: number; after: number; burstiness: number } {
  const before = findings.reduce((sum, f) => sum + f.before, 0);
  const after = findings.reduce((sum, f) => sum + f.after, 0);
  const spreads = findings.filter((f) => f.before + f.after > 0).map((f) => f.burstiness ?? 1);
  return { before, after, burstiness: spreads.length > 0 ? median(spreads) : 1 };
}

/** The reason names counts, not log text: the report shows the templates where they are fenced. */
function describeRise(
  rising: Finding[],
  severity: 'error' | 'warn-level',
  windows: Exposure,
  { alpha }: Required<CompareOptions>,
): string {
  const [top] = rising;
  const newCount = rising.filter((f) => f.status === 'new').length;
  const increasedCount = rising.length - newCount;
  const parts = [
    newCount > 0 && `${newCount} new`,
    increasedCount > 0 && `${increasedCount} increased`,
  ].filter(Boolean);
  const counts = `${top.before} in ${formatDuration(windows.baselineMs)} → ${top.after} in ${formatDuration(windows.afterMs)}`;
  const change =
    top.ratio === null
      ? counts
      : `${counts}, ×${formatRatio(top.ratio)} the rate (95% CI ${formatInterval(top.ratioInterval)}) against a bar of ×${formatRatio(top.threshold ?? 1)}`;
  return `${parts.join(' and ')} ${severity} signature${rising.length > 1 ? 's' : ''} after the deploy (top: ${top.id}, ${change}; adjusted p = ${formatP(top.adjustedPValue)} < ${alpha}).`;
}
