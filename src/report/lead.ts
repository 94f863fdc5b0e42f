import { formatCost, formatScanned } from '../ai/index.js';
import type { Suspect } from '../commits/index.js';
import { formatDuration } from '../text.js';
import type { Report, ReportIncident, ReportSignature } from './types.js';

/**
 * What every rendering of a report leads with and in which order it lists the flagged
 * signatures; the Markdown and the terminal text only dress it differently.
 */
export interface Lead {
  /** The root of the incident of the first severe rise: the error a reader should look at. */
  top: ReportSignature;
  /** "new error after the deploy, 35× in 10m (none in the 1h before)". */
  what: string;
  /** Rises besides the top one. */
  more: number;
  /** The likely commit: the top's own suspect, else one of its incident's. */
  suspect?: Suspect;
  /** Why no commit is named, when none is; undefined when there is nothing to say. */
  noSuspect?: string;
  /** The incident's signatures in order of appearance, when it has several. */
  chain: ReportSignature[];
}

export const lengthOf = (window: { start: string; end: string }) =>
  formatDuration(Date.parse(window.end) - Date.parse(window.start));

export function ratioText(signature: ReportSignature): string {
  if (signature.ratio === null) return signature.after > 0 ? 'new' : '–';
  return `×${signature.ratio.toFixed(1)}`;
}

export function suspectOf(report: Report, signature: ReportSignature): Suspect | undefined {
  return report.suspects.find((s) => s.signatureId === signature.id);
}

/** What makes a rise a regression (see compare/decision.ts): error level or worse, or a crash. */
export function isSevere(s: ReportSignature): boolean {
  return (
    s.kind === 'oom' ||
    s.kind === 'crash' ||
    s.level === 'error' ||
    s.level === 'fatal' ||
    s.level === 'unknown'
  );
}

const isRise = (s: ReportSignature) => s.status === 'new' || s.status === 'increased';

/** A template without its leading level word, which every link of a chain would repeat. */
export function withoutLevel(template: string): string {
  return template.replace(
    /^\[?(?:ERROR|FATAL|CRITICAL|SEVERE|WARN(?:ING)?)\]?:?\s+(?!(?:ERROR|EXCEPTION)\b)/i,
    '',
  );
}

/** The flagged signatures, incident by incident, each in the order they appeared; falls after. */
export function flaggedInOrder(report: Report): ReportSignature[] {
  const order = new Map<string, number>();
  (report.incidents ?? []).forEach((incident, i) =>
    incident.signatures.forEach((id, j) => order.set(id, i * 10_000 + j)),
  );
  const rank = (s: ReportSignature) => order.get(s.id) ?? Number.MAX_SAFE_INTEGER;
  return report.signatures
    .filter((s) => s.flagged)
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
    .map(({ s }) => s);
}

/** The members of an incident, in its order. */
export function membersOf(report: Report, incident: ReportIncident): ReportSignature[] {
  return incident.signatures
    .map((id) => report.signatures.find((s) => s.id === id))
    .filter((s): s is ReportSignature => s !== undefined);
}

/**
 * The lead of a regression or warning; undefined for other verdicts, whose first line is the
 * statistics' reason.
 */
export function leadOf(report: Report, flagged: ReportSignature[]): Lead | undefined {
  if (report.verdict !== 'regression' && report.verdict !== 'warning') return undefined;
  const rises = flagged.filter(isRise);
  // The incident of the first severe rise: a regression's headline names an error, not a warning.
  const severe = rises.find(isSevere) ?? rises[0];
  const incident =
    report.incidents?.find((i) => severe && i.signatures.includes(severe.id)) ??
    report.incidents?.[0];
  const top = (incident && rises.find((s) => s.id === incident.root)) ?? rises[0];
  if (!top) return undefined;
  const what =
    top.status === 'new'
      ? `new error after the deploy, ${top.after}× in ${lengthOf(report.windows.after)} (none in the ${lengthOf(report.windows.baseline)} before)`
      : `error ×${(top.ratio ?? 0).toFixed(1)} after the deploy, ${top.before} → ${top.after}`;
  const members = incident?.signatures ?? [top.id];
  const suspect =
    suspectOf(report, top) ??
    members
      .map((id) => report.suspects.find((s) => s.signatureId === id))
      .find((found) => found !== undefined);
  const noSuspect = suspect
    ? undefined
    : rises.some((s) => suspectOf(report, s))
      ? 'none of this incident’s signatures matches a diff; the suspects of the others are below.'
      : report.commits.count > 0
        ? 'no commit of the deploy shows evidence; check configuration and dependencies.'
        : undefined;
  const chain = incident && incident.signatures.length > 1 ? membersOf(report, incident) : [];
  return { top, what, more: rises.length - 1, suspect, noSuspect, chain };
}

/**
 * The footer's facts, each rendering's own escaping applied to the model's name (`model`): the
 * version, the analysis, the tokens and cost when the model answered, the events read.
 */
export function footerParts(report: Report, model: (name: string) => string): string[] {
  const { analysis, usage } = report;
  const parts = [
    `Aftershock ${report.version}`,
    analysis.source === 'claude' ? model(analysis.model ?? 'Claude') : 'statistics only',
  ];
  // A fallback after the model answered (max_tokens, invalid JSON) was still paid for.
  if (usage.input_tokens > 0) {
    parts.push(
      `${usage.input_tokens.toLocaleString('en-US')} in / ${usage.output_tokens.toLocaleString('en-US')} out tokens`,
      formatCost(analysis.model ?? '', usage),
    );
  }
  parts.push(`${report.events.baseline} events before, ${report.events.after} after`);
  if (report.sources.scanned) parts.push(formatScanned(report.sources.scanned.bytesScanned));
  return parts;
}

/** "called 2m30s into the 10m soak: 0 → 47", when a regression was called before the end. */
export function earlyCallText(
  report: Report,
  top: ReportSignature | undefined,
): string | undefined {
  const { early } = report;
  if (!early) return undefined;
  const counts = top ? `: ${top.before} → ${top.after}` : '';
  return `called ${formatDuration(early.calledAfterMs)} into the ${formatDuration(early.soakMs)} soak${counts}`;
}
