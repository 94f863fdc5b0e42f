/** The comparison in words a person can check by hand: why a signature was flagged, the notes. */
import type { MinedSignatures, Signature } from '../signatures/index.js';
import { formatCount, formatDuration } from '../text.js';
import type { Burstiness } from './bursts.js';
import { MIN_TREND_SIGNATURES, type Trend } from './traffic.js';
import type { CompareOptions, Exposure, Finding, Test } from './types.js';

export function explain(
  finding: Finding,
  test: Test,
  outcome: { significant: boolean; enough: boolean },
  { alpha, minRatio, minEvents }: Required<CompareOptions>,
): string {
  const windows = test.exposure;
  const counts = `${finding.before} in ${formatDuration(windows.baselineMs)} → ${finding.after} in ${formatDuration(windows.afterMs)}`;
  const p = `adjusted p = ${formatP(finding.adjustedPValue)}`;
  const bursty =
    test.burstiness > 1.05
      ? `; bursty: its baseline slices varied ×${formatRatio(test.burstiness)} as much as a steady rate's, so its counts weigh that much less`
      : '';
  // Counts whose best case cannot reach α even alone: no correction made them untestable.
  const untestable =
    finding.status === 'unchanged' && test.up.minPValue > alpha && test.down.minPValue > alpha;
  const evidence = untestable ? 'too few events for any test to pass' : `${p}, threshold ${alpha}`;
  if (!outcome.enough && outcome.significant) {
    return `${counts}: only ${finding.after} events after the deploy, fewer than the ${minEvents} needed to flag a rise (${p})${bursty}`;
  }
  if (finding.unconfirmed === 'rise') {
    const change = finding.ratio === null ? 'new' : `×${formatRatio(finding.ratio)}`;
    const why =
      finding.after < minEvents
        ? `fewer than the ${minEvents} needed to flag a rise; ${evidence}`
        : evidence;
    return `${change}, ${counts}: too few to tell (${why})${bursty}`;
  }
  if (finding.unconfirmed === 'fall') {
    return `${counts}: fewer, not enough to tell (${evidence})${bursty}`;
  }
  if (finding.status === 'unchanged') {
    const trend = test.trend !== 1 ? ', with the common trend' : '';
    return `${counts}: no significant change${trend} (${evidence})${bursty}`;
  }
  const change =
    finding.ratio === null
      ? 'none before the deploy'
      : `×${formatRatio(finding.ratio)} the rate (95% CI ${formatInterval(finding.ratioInterval)})`;
  if (finding.status === 'decreased' || finding.status === 'resolved') {
    const bar =
      test.down.threshold === 1
        ? 'the baseline rate'
        : `×${formatRatio(test.down.threshold)} (the common trend)`;
    return `${counts}, ${change}: below ${bar} (${p} < ${alpha})${bursty}`;
  }
  const bar =
    test.up.threshold === minRatio
      ? `×${formatRatio(test.up.threshold)}`
      : `×${formatRatio(test.up.threshold)} (the minimum effect ×${minRatio} with the common trend)`;
  return `${counts}, ${change}: above ${bar} (${p} < ${alpha})${bursty}`;
}

export function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}

export function formatRatio(ratio: number): string {
  return ratio >= 10 ? ratio.toFixed(0) : ratio >= 0.1 ? ratio.toFixed(1) : ratio.toPrecision(1);
}

export function formatInterval([low, high]: [number, number | null]): string {
  return `${formatRatio(low)}–${high === null ? '∞' : formatRatio(high)}`;
}

export function sourceNotes(mined: MinedSignatures): string[] {
  const notes: string[] = [];
  const failed = mined.failures.map((failure) => failure.source);
  if (failed.length > 0) notes.push(`Could not read ${failed.join(', ')}: not included.`);
  for (const cut of mined.truncated ?? []) {
    if (cut.unread !== undefined) {
      notes.push(
        `${cut.source}: in the ${cut.window} window, ${formatCount(cut.unread)} events fit no template Logs Insights could count and were not read; the counts of the signatures they belong to are lower bounds.`,
      );
      continue;
    }
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

export function trendNotes(
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

export function burstNotes(signatures: Signature[], bursts: Burstiness[]): string[] {
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

/** The reason names counts, not log text: the report shows the templates where they are fenced. */
export function describeRise(
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
