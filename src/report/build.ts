import type { Analysis, AnalysisResult } from '../ai/index.js';
import type { CommitRange, Suspect } from '../commits/index.js';
import type { Comparison, Finding } from '../compare/index.js';
import type { Incident } from '../incidents/index.js';
import type { DeployedAtSource } from '../time.js';
import { scrubberFor, type Scrub } from '../redact.js';
import type { MinedSignatures, SourcePath, Windows } from '../signatures/index.js';
import { oneLine } from '../text.js';
import { timelineFrom, type Timeline } from './timeline.js';
import type { EarlyCall, Report, ReportContext, ReportSignature } from './types.js';

export interface ReportInput {
  version: string;
  deployedAt: number;
  deployedAtSource: DeployedAtSource;
  windows: Windows;
  logGroups: string[];
  mined: MinedSignatures;
  comparison: Comparison;
  range: CommitRange;
  suspects: Suspect[];
  incidents?: Incident[];
  result: AnalysisResult;
  /** Credentials to scrub wherever they appear, besides the patterns of redact(). */
  secrets?: readonly string[];
  /** Where the run happened, for links; absent parts leave their links out. */
  context?: ReportContext;
  early?: EarlyCall;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Assembles report.json from the stages' results. The verdict is the comparison's, copied once;
 * fields of fixed vocabularies, ids, SHAs, numbers and our own sentences are copied as they are.
 * Only text that came from outside (log text, commits, the model, error messages) is scrubbed,
 * where it stands: the earlier stages scrubbed it by its patterns, and this adds the run's
 * credentials.
 */
export function buildReport(input: ReportInput): Report {
  const { comparison, windows, mined, range } = input;
  const scrub = scrubberFor(input.secrets);
  return {
    version: input.version,
    verdict: comparison.verdict,
    reason: comparison.reason,
    summary: summaryLine(comparison, scrub),
    deployedAt: { time: iso(input.deployedAt), source: input.deployedAtSource },
    windows: {
      baseline: { start: iso(windows.baseline.start), end: iso(windows.baseline.end) },
      after: { start: iso(windows.after.start), end: iso(windows.after.end) },
    },
    logGroups: input.logGroups,
    sources: {
      read: mined.sourcesRead,
      failed: mined.failures.map((failure) => ({ ...failure, message: scrub(failure.message) })),
      // A reason may quote an AWS error message: outside text.
      paths: (mined.paths ?? []).map((path) => ({ ...path, reason: scrub(path.reason) })),
      ...(mined.scanned && { scanned: mined.scanned }),
    },
    events: mined.eventsRead,
    signatures: comparison.findings.map((finding) => toReportSignature(finding, windows, scrub)),
    suspects: input.suspects.map((suspect) => scrubSuspect(suspect, scrub)),
    incidents: (input.incidents ?? []).map(({ onset, ...incident }) => ({
      ...incident,
      ...(onset !== undefined && { onset: iso(onset) }),
    })),
    commits: {
      base: range.base,
      head: range.head,
      count: range.commits.length,
      notes: range.notes.map(scrub),
    },
    analysis: scrubAnalysis(input.result.analysis, scrub),
    usage: input.result.usage,
    notes: [...pathNotes(mined.paths ?? [], scrub), ...comparison.notes, ...range.notes.map(scrub)],
    context: input.context ?? {},
    ...(input.early && { early: input.early }),
    ...statistics(comparison),
  };
}

/**
 * A note for each source Logs Insights counted, and for each it could not be asked about; a
 * source paged because its volume is small needs no word.
 */
function pathNotes(paths: SourcePath[], scrub: Scrub): string[] {
  return paths
    .filter((path) => path.path === 'insights' || path.unavailable)
    .map(
      (path) =>
        `${path.source}: ${path.path === 'insights' ? 'counted by Logs Insights' : 'paged with FilterLogEvents'} (${scrub(path.reason)})`,
    );
}

function scrubSuspect(suspect: Suspect, scrub: Scrub): Suspect {
  return {
    ...suspect,
    reason: scrub(suspect.reason),
    ...(suspect.subject !== undefined && { subject: scrub(suspect.subject) }),
    ...(suspect.author !== undefined && { author: scrub(suspect.author) }),
    ...(suspect.evidence && { evidence: suspect.evidence.map(scrub) }),
  };
}

function scrubAnalysis(analysis: Analysis, scrub: Scrub): Analysis {
  return {
    ...analysis,
    summary: scrub(analysis.summary),
    ...(analysis.rootCause !== undefined && { rootCause: scrub(analysis.rootCause) }),
    nextSteps: analysis.nextSteps.map(scrub),
    ...(analysis.fallbackReason !== undefined && {
      fallbackReason: scrub(analysis.fallbackReason),
    }),
  };
}

/** The evidence behind a signature's test, beyond the fields of ReportSignature. */
interface SignatureEvidence {
  expectedAfter?: number;
  threshold?: number;
  burstiness?: number;
}

function toReportSignature(
  finding: Finding,
  windows: Windows,
  scrub: Scrub,
): ReportSignature & SignatureEvidence {
  return {
    id: finding.id,
    template: scrub(finding.template),
    logGroups: finding.logGroups,
    status: finding.status,
    before: finding.before,
    after: finding.after,
    examples: finding.examples.map(scrub),
    level: finding.level,
    kind: finding.kind,
    flagged: finding.flagged,
    beforeRatePerMinute: round(finding.beforeRate),
    afterRatePerMinute: round(finding.afterRate),
    ratio: finding.ratio === null ? null : round(finding.ratio),
    ratioInterval95: [
      round(finding.ratioInterval[0]),
      finding.ratioInterval[1] === null ? null : round(finding.ratioInterval[1]),
    ],
    pValue: finding.pValue,
    adjustedPValue: finding.adjustedPValue,
    why: finding.why,
    ...(finding.unconfirmed && { unconfirmed: finding.unconfirmed }),
    ...(finding.firstSeenAfter !== undefined && { firstSeenAfter: iso(finding.firstSeenAfter) }),
    ...timelineOf(finding, windows),
    ...(finding.expectedAfter !== undefined && { expectedAfter: round(finding.expectedAfter) }),
    ...(finding.threshold !== undefined && { threshold: round(finding.threshold) }),
    ...(finding.burstiness !== undefined && { burstiness: round(finding.burstiness) }),
  };
}

function timelineOf(finding: Finding, windows: Windows): { timeline?: Timeline } {
  if (!finding.flagged || !finding.buckets) return {};
  const { bucketMs } = finding.buckets;
  const length = (range: { start: number; end: number }) =>
    Math.ceil((range.end - range.start) / bucketMs);
  const timeline = timelineFrom(finding.buckets, {
    baseline: length(windows.baseline),
    after: length(windows.after),
  });
  return timeline ? { timeline } : {};
}

/** The common trend and the parameters of the test, so a reader can redo the arithmetic. */
function statistics(comparison: Comparison): { statistics?: object } {
  if (!comparison.trend || !comparison.parameters) return {};
  const { factor, signatures, shift, pValue } = comparison.trend;
  return {
    statistics: {
      trend: { factor: round(factor), recurringSignatures: signatures, shift, pValue },
      parameters: comparison.parameters,
    },
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The `summary` output: verdict, reason, and the top flagged template for people reading a chat. */
function summaryLine(comparison: Comparison, scrub: Scrub): string {
  const top = comparison.findings.find((f) => f.status === 'new' || f.status === 'increased');
  const suffix = top ? ` ${top.template}` : '';
  // Scrubbed before it is cut: a secret cut in half no longer matches its pattern.
  return oneLine(`${comparison.verdict}: ${comparison.reason}${scrub(suffix)}`);
}
