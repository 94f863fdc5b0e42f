import type { MinedSignatures, Signature } from '../signatures/index.js';
import { binomialLowerTail, binomialUpperTail, clopperPearson, holmAdjust } from './stats.js';
import type { Verdict } from './verdict.js';

export { VERDICTS, type Verdict } from './verdict.js';

export type Status = 'new' | 'increased' | 'unchanged' | 'decreased' | 'resolved';

export interface CompareOptions {
  /** Family-wise error rate across all signatures (Holm). */
  alpha?: number;
  /** Smallest change in rate that counts: a ratio of at least this, or at most its inverse. */
  minRatio?: number;
}

export const DEFAULT_ALPHA = 0.01;
export const DEFAULT_MIN_RATIO = 1.5;

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
}

export interface Comparison {
  verdict: Verdict;
  /** One line a person can check by hand. */
  reason: string;
  findings: Finding[];
  notes: string[];
}

export interface CompareInput {
  mined: MinedSignatures;
  baselineMs: number;
  afterMs: number;
}

/**
 * Tests each signature's after-window rate against its baseline rate with the exact conditional
 * binomial test for two Poisson rates, against a minimum effect, with Holm's correction; then
 * decides the verdict from the flagged signatures alone.
 */
export function compare(input: CompareInput, options: CompareOptions = {}): Comparison {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const minRatio = options.minRatio ?? DEFAULT_MIN_RATIO;
  const { mined, baselineMs, afterMs } = input;

  const tests = mined.signatures.map((signature) =>
    testSignature(signature, baselineMs, afterMs, minRatio),
  );
  const adjusted = holmAdjust(tests.map((test) => test.pValue));
  const findings = mined.signatures.map((signature, i) =>
    toFinding(signature, tests[i], adjusted[i], alpha, baselineMs, afterMs),
  );
  findings.sort(byImportance);
  return { ...decide(findings, mined), findings };
}

interface Test {
  direction: 'up' | 'down';
  pValue: number;
}

function testSignature(
  { before, after }: Signature,
  baselineMs: number,
  afterMs: number,
  minRatio: number,
): Test {
  const n = before + after;
  const upShare = (minRatio * afterMs) / (minRatio * afterMs + baselineMs);
  const downShare = afterMs / minRatio / (afterMs / minRatio + baselineMs);
  const expectedShare = afterMs / (afterMs + baselineMs);
  const direction = after / n >= expectedShare ? 'up' : 'down';
  const pValue =
    direction === 'up'
      ? binomialUpperTail(after, n, upShare)
      : binomialLowerTail(after, n, downShare);
  return { direction, pValue };
}

function toFinding(
  signature: Signature,
  test: Test,
  adjustedPValue: number,
  alpha: number,
  baselineMs: number,
  afterMs: number,
): Finding {
  const { before, after } = signature;
  const flagged = adjustedPValue < alpha;
  const status: Status = !flagged
    ? 'unchanged'
    : test.direction === 'up'
      ? before === 0
        ? 'new'
        : 'increased'
      : after === 0
        ? 'resolved'
        : 'decreased';
  const beforeRate = before / (baselineMs / 60_000);
  const afterRate = after / (afterMs / 60_000);
  const [low, high] = clopperPearson(after, before + after);
  const toRatio = (share: number) => (share / (1 - share)) * (baselineMs / afterMs);
  return {
    ...signature,
    status,
    flagged,
    beforeRate,
    afterRate,
    ratio: before === 0 ? null : afterRate / beforeRate,
    ratioInterval: [toRatio(low), high >= 1 ? null : toRatio(high)],
    pValue: test.pValue,
    adjustedPValue,
    why: explain(status, test, adjustedPValue, alpha),
  };
}

function explain(status: Status, test: Test, adjusted: number, alpha: number): string {
  const p = `adjusted p = ${formatP(adjusted)}`;
  if (status === 'unchanged') return `no significant change (${p}, threshold ${alpha})`;
  const verb = test.direction === 'up' ? 'rose' : 'fell';
  return `rate ${verb} beyond the minimum effect (${p} < ${alpha})`;
}

export function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
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

/** A flagged rise counts as a regression when the lines are error-level or worse. */
function isSevere(finding: Finding): boolean {
  if (finding.kind === 'oom' || finding.kind === 'crash') return true;
  return finding.level === 'error' || finding.level === 'fatal' || finding.level === 'unknown';
}

function decide(findings: Finding[], mined: MinedSignatures): Omit<Comparison, 'findings'> {
  const notes: string[] = [];
  const failed = mined.failures.map((failure) => failure.source);
  if (failed.length > 0) notes.push(`Could not read ${failed.join(', ')}: not included.`);
  if (mined.templateCapReached) {
    notes.push('The template cap was reached: rare templates were merged into one signature.');
  }
  if (mined.sourcesRead.length === 0) {
    return {
      verdict: 'inconclusive',
      reason: `Could not read logs: ${mined.failures.map((failure) => failure.message).join('; ')}`,
      notes,
    };
  }

  const rising = findings.filter((f) => f.status === 'new' || f.status === 'increased');
  const severe = rising.filter(isSevere);
  if (severe.length > 0) {
    return { verdict: 'regression', reason: describeRise(severe), notes };
  }
  if (failed.length > 0) {
    return {
      verdict: 'inconclusive',
      reason: `No regression in the logs that could be read, but ${failed.join(', ')} could not be read and might hide one.`,
      notes,
    };
  }
  if (rising.length > 0) {
    return { verdict: 'warning', reason: describeRise(rising), notes };
  }
  const { baseline, after } = mined.eventsRead;
  if (baseline + after === 0) {
    if (mined.loggedAfter === true) {
      return { verdict: 'clean', reason: 'No error events before or after the deploy.', notes };
    }
    return {
      verdict: 'inconclusive',
      reason:
        mined.loggedAfter === false
          ? 'The service logged nothing after the deploy: is it running?'
          : 'No error events in either window, and no way to tell whether the service logged anything after the deploy.',
      notes,
    };
  }
  const fewer = findings.filter((f) => f.status === 'resolved' || f.status === 'decreased').length;
  return {
    verdict: 'clean',
    reason:
      `No error signature rose significantly (${findings.length} signatures, ${baseline} events before, ${after} after` +
      (fewer > 0 ? `; ${fewer} fell` : '') +
      ').',
    notes,
  };
}

/** The reason names counts, not log text: the report shows the templates where they are fenced. */
function describeRise(rising: Finding[]): string {
  const [top] = rising;
  const newCount = rising.filter((f) => f.status === 'new').length;
  const increasedCount = rising.length - newCount;
  const parts = [
    newCount > 0 && `${newCount} new`,
    increasedCount > 0 && `${increasedCount} increased`,
  ].filter(Boolean);
  const change =
    top.ratio === null
      ? `${top.before} → ${top.after}`
      : `${top.before} → ${top.after}, ×${top.ratio.toFixed(1)} the rate`;
  return `${parts.join(' and ')} error signature${rising.length > 1 ? 's' : ''} after the deploy (top: ${top.id}, ${change}).`;
}
