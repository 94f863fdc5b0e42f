/** The verdict, decided from the flagged signatures and what could be read. */
import type { MinedSignatures } from '../signatures/index.js';
import { formatDuration } from '../text.js';
import { median } from './stats.js';
import { isContext, rateRatioInterval } from './test.js';
import type { Trend } from './traffic.js';
import {
  THIN_RATIO,
  type Comparison,
  type CompareOptions,
  type Exposure,
  type Finding,
} from './types.js';
import { describeRise, formatRatio } from './wording.js';

/** A flagged rise counts as a regression when the lines are error-level or worse, or a crash. */
function isSevere(finding: Finding): boolean {
  if (finding.kind === 'oom' || finding.kind === 'crash') return true;
  return finding.level === 'error' || finding.level === 'fatal' || finding.level === 'unknown';
}

export function decide(
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
  const thin = unconfirmedRises(findings);
  if (severe.length > 0) {
    return {
      verdict: 'regression',
      reason: describeRise(severe, 'error', windows, parameters) + thin.sentence,
    };
  }
  if (failed.length > 0) {
    return {
      verdict: 'inconclusive',
      reason: `No regression in the logs that could be read, but ${failed.join(', ')} could not be read and might hide one.`,
    };
  }
  if (rising.length > 0) {
    return {
      verdict: 'warning',
      reason: describeRise(rising, 'warn-level', windows, parameters) + thin.sentence,
    };
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

  // Context lines (INFO, DEBUG) are not errors: they neither make the data thin nor count.
  const errors = findings.filter((finding) => !isContext(finding));
  // Counts of a source cut at max-events are lower bounds over a shorter span: not pooled.
  const cut = new Set((mined.truncated ?? []).map((truncation) => truncation.source));
  const totals = pooled(errors.filter((f) => !f.logGroups.some((group) => cut.has(group))));
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
      `No error signature rose significantly (${errors.length} signatures, ${baseline} events in the ${baselineText}, ${after} in the ${afterText}` +
      (fewer > 0 ? `; ${fewer} fell` : '') +
      (thin.count > 0 ? `; ${thin.count} rose, too few events to tell` : '') +
      ').',
  };
}

/** Rises the counts show that the test could not confirm: counted in the reason, never gating. */
function unconfirmedRises(findings: Finding[]): { count: number; sentence: string } {
  const count = findings.filter((f) => f.unconfirmed === 'rise').length;
  const sentence =
    count > 0
      ? ` ${count} more signature${count > 1 ? 's' : ''} rose, too few events to tell.`
      : '';
  return { count, sentence };
}

/** All signatures as one, weighed by a typical burstiness so one bursty job cannot make it thin. */
function pooled(findings: Finding[]): { before: number; after: number; burstiness: number } {
  const before = findings.reduce((sum, f) => sum + f.before, 0);
  const after = findings.reduce((sum, f) => sum + f.after, 0);
  const spreads = findings.filter((f) => f.before + f.after > 0).map((f) => f.burstiness ?? 1);
  return { before, after, burstiness: spreads.length > 0 ? median(spreads) : 1 };
}
