import type { Status, Verdict } from '../compare/index.js';
import type { Suspect } from '../commits/index.js';
import { fence, formatDuration, formatTime, shortSha, truncate, wrapLongLines } from '../text.js';
import {
  earlyCallText,
  flaggedInOrder,
  footerParts,
  leadOf,
  lengthOf,
  membersOf,
  ratioText,
  suspectOf,
  withoutLevel,
} from './lead.js';
import { insightsUrl, logGroupUrl, signatureQuery } from './links.js';
import { mermaidChart, sparkline } from './timeline.js';
import type { Report, ReportSignature } from './types.js';

/** GitHub rejects comments longer than this. */
export const MAX_COMMENT_CHARS = 65_536;
const MAX_DETAILED = 10;
const MAX_TABLE_ROWS = 30;
/** Characters of a log line that a comment's code block shows without scrolling. */
const EXAMPLE_WIDTH = 100;

const VERDICT_HEADLINE: Record<Verdict, string> = {
  regression: '🔴 Regression',
  warning: '🟠 Warning',
  inconclusive: '⚪ Inconclusive',
  clean: '🟢 Clean',
};

const STATUS_LABEL: Record<Status, string> = {
  new: '🆕 new',
  increased: '📈 increased',
  decreased: '📉 decreased',
  resolved: '✅ resolved',
  unchanged: 'unchanged',
};

/** Web addresses GitHub would make clickable: a scheme's URL, or a bare `www.` host. */
const LINK_LIKE = /(?:\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.)[^\s<>`|]*/gi;

/**
 * Text from logs, commits or the model, made safe for Markdown outside code fences: nothing it
 * holds can format, link, load an image, break a table cell, start a block (heading, quote,
 * list), or ping a person or an issue. Addresses are shown as code, which GitHub never links.
 */
export function escapeInline(text: string): string {
  return escapeLineStart(escapeRun(flatten(text)));
}

/** One line; leading spaces would indent a code block where the text starts a line. */
function flatten(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trimStart();
}

/** A number and a full stop or parenthesis would start an ordered list; + - = other blocks. */
function escapeLineStart(escaped: string): string {
  return escaped.replace(/^(\d+)([.)])/, '$1\\$2').replace(/^([+=-])/, '\\$1');
}

/** Escapes a run of text in the middle of a line, its addresses as code. */
function escapeRun(flat: string): string {
  let result = '';
  let at = 0;
  for (const match of flat.matchAll(LINK_LIKE)) {
    result += escapeText(flat.slice(at, match.index)) + inlineCode(match[0]);
    at = match.index + match[0].length;
  }
  return result + escapeText(flat.slice(at));
}

function escapeText(text: string): string {
  return (
    text
      .replace(/[\\`*_[\]<>|~!&#$]/g, (char) => `\\${char}`)
      // A zero-width space after every @ (mentions, e-mail autolinks) and before a reference.
      .replace(/@/g, '@\u200b')
      .replace(/#(?=[\w-])/g, '#\u200b')
  );
}

/**
 * A code span for a template or a log excerpt: literal inside, so no mention, link or HTML works;
 * pipes are escaped so that a table cell holds it (GitHub reads `\|` inside table code spans).
 */
export function inlineCode(text: string, inTable = false): string {
  const oneLine = text.replace(/\s*[\r\n]+\s*/g, ' ');
  const flat = inTable ? oneLine.replace(/\|/g, '\\|') : oneLine;
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** Our own sentences that quote log or diff text in backticks: the quotes become code spans. */
function escapeQuoting(text: string): string {
  const parts = flatten(text).split(/`([^`\n]+)`/);
  return escapeLineStart(
    parts.map((part, i) => (i % 2 === 1 ? inlineCode(part) : escapeRun(part))).join(''),
  );
}

function commitLink(report: Report, sha: string): string {
  const label = `\`${shortSha(sha)}\``;
  return report.context.repositoryUrl
    ? `[${label}](${report.context.repositoryUrl}/commit/${sha})`
    : label;
}

/** `abc1234` Apply stacked coupons (Dana): the commit as a person recognises it. */
function commitTitle(report: Report, suspect: Suspect): string {
  const subject = suspect.subject ? ` ${escapeInline(truncate(suspect.subject, 90))}` : '';
  const author = suspect.author ? ` (${escapeInline(suspect.author)})` : '';
  return `${commitLink(report, suspect.sha)}${subject}${author}`;
}

/** Where to look in CloudWatch: the signature's lines over both windows, and its log groups. */
function cloudWatchLinks(report: Report, signature: ReportSignature): string | undefined {
  const { region } = report.context;
  if (!region || signature.logGroups.length === 0) return undefined;
  const query = insightsUrl({
    region,
    logGroups: signature.logGroups,
    start: report.windows.baseline.start,
    end: report.windows.after.end,
    query: signatureQuery(signature.template),
  });
  const groups = signature.logGroups.map(
    (group) => `[${escapeInline(group)}](${logGroupUrl(region, group)})`,
  );
  return `🔎 [Logs Insights query](${query}) · ${groups.join(' · ')}`;
}

/**
 * The first lines: the verdict and what to do about it. For a rise, the signature itself and
 * its likely cause; otherwise the statistics' reason.
 */
function headline(report: Report, flagged: ReportSignature[]): string[] {
  const title = VERDICT_HEADLINE[report.verdict];
  const lead = leadOf(report, flagged);
  if (!lead) return [`### ${title}: ${escapeInline(report.reason)}`];
  const more = lead.more > 0 ? ` — and ${lead.more} more below` : '';
  const lines = [
    `### ${title}: ${lead.what}${more}`,
    `**Error:** ${inlineCode(truncate(lead.top.template, 160))}`,
  ];
  if (lead.suspect) lines.push(`**Likely cause:** ${commitTitle(report, lead.suspect)}`);
  else if (lead.noSuspect) lines.push(`**Likely cause:** ${escapeInline(lead.noSuspect)}`);
  if (lead.chain.length > 0) {
    const chain = lead.chain.map((s) => inlineCode(truncate(withoutLevel(s.template), 64)));
    lines.push(`**Chain:** ${chain.join(' → ')}`);
  }
  const early = earlyCallText(report, lead.top);
  if (early) lines.push(`**Early verdict:** ${early}; the rest of the soak was not waited for.`);
  return lines;
}

/**
 * One timeline per incident of several signatures: who came first, to the second, in which log
 * group, minute by minute around the deploy.
 */
function incidentSections(report: Report): string[] {
  const cascades = (report.incidents ?? []).filter((incident) => incident.signatures.length > 1);
  return cascades.map((incident, i) => {
    const members = membersOf(report, incident);
    const start = incident.onset ? Date.parse(incident.onset) : undefined;
    const rows = members.map((s) => {
      const seen = s.firstSeenAfter ? Date.parse(s.firstSeenAfter) : undefined;
      const when =
        seen === undefined || start === undefined
          ? '–'
          : seen === start
            ? new Date(seen).toISOString().slice(11, 19)
            : `+${formatDuration(seen - start)}`;
      return [
        when,
        s.id === incident.root ? 'root' : '',
        inlineCode(truncate(s.template, 70), true),
        s.logGroups.map((group) => inlineCode(group, true)).join(', '),
        s.timeline ? `<code>${sparkline(s.timeline)}</code>` : '–',
      ].join(' | ');
    });
    const root = members.find((s) => s.id === incident.root);
    const title = cascades.length > 1 ? `Incident ${i + 1}` : 'Incident';
    return [
      `**${title}:** ${members.length} signatures started together; the root is ${root ? inlineCode(truncate(root.template, 60)) : incident.root} (${escapeInline(incident.why)}).`,
      '',
      '| First seen | | Signature | Log group | Per minute, deploy at │ |',
      '|---|---|---|---|---|',
      ...rows.map((row) => `| ${row} |`),
    ].join('\n');
  });
}

/**
 * Rises the counts show but cannot confirm, said where the verdict is read: "×6, 10 → 10
 * events: too few to tell". The verdict stays the test's.
 */
function unconfirmedLine(report: Report): string {
  const rises = report.signatures.filter((s) => s.unconfirmed === 'rise');
  if (rises.length === 0) return '';
  const shown = rises
    .slice(0, 3)
    .map(
      (s) => `${inlineCode(truncate(s.template, 60))} ${ratioText(s)}, ${s.before} → ${s.after}`,
    );
  const more = rises.length > 3 ? `, and ${rises.length - 3} more` : '';
  return `> ❔ Too few events to tell: ${shown.join('; ')}${more}.`;
}

function deployLine(report: Report): string {
  const range = report.commits.head
    ? `${report.commits.base ? `${commitLink(report, report.commits.base)}…` : ''}${commitLink(report, report.commits.head)} (${report.commits.count} commit${report.commits.count === 1 ? '' : 's'})`
    : 'an unknown range';
  const groups =
    report.logGroups.length > 0
      ? report.logGroups.map((group) => inlineCode(group)).join(', ')
      : 'local files';
  return `<sub>Deploy of ${range} at ${formatTime(Date.parse(report.deployedAt.time))} · ${lengthOf(report.windows.after)} after vs ${lengthOf(report.windows.baseline)} before · ${groups}</sub>`;
}

function flaggedTable(report: Report, flagged: ReportSignature[]): string {
  const rows = flagged.slice(0, MAX_TABLE_ROWS).map((s) => {
    const suspect = suspectOf(report, s);
    return [
      STATUS_LABEL[s.status],
      `${inlineCode(truncate(s.template, 80), true)} <sub>${s.id}</sub>`,
      `${s.before} → ${s.after}`,
      ratioText(s),
      s.timeline ? `<code>${sparkline(s.timeline)}</code>` : '–',
      s.firstSeenAfter ? formatTime(Date.parse(s.firstSeenAfter)).slice(11, 16) : '–',
      suspect ? commitLink(report, suspect.sha) : report.commits.count > 0 ? 'no evidence' : '–',
    ].join(' | ');
  });
  return [
    '| | Signature | Before → After | Rate | Per minute, deploy at │ | First seen | Suspect |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
    ...(flagged.length > MAX_TABLE_ROWS
      ? [`\n…and ${flagged.length - MAX_TABLE_ROWS} more flagged signatures in report.json.`]
      : []),
  ].join('\n');
}

function signatureDetails(
  report: Report,
  signature: ReportSignature,
  withExample: boolean,
): string {
  const suspect = suspectOf(report, signature);
  const lines = [
    `#### ${STATUS_LABEL[signature.status]}: ${inlineCode(truncate(signature.template, 120))}`,
    `<sub>${signature.level} · ${signature.kind} · ${signature.id}</sub> ${escapeInline(signature.why)}.`,
  ];
  if (suspect) {
    const evidence = suspect.evidence?.length ? suspect.evidence : [suspect.reason];
    lines.push(
      `**Suspect** ${commitTitle(report, suspect)}\n${evidence.map((e) => `- ${escapeQuoting(e)}`).join('\n')}`,
    );
  }
  const links = cloudWatchLinks(report, signature);
  if (links) lines.push(links);
  if (withExample && signature.timeline) {
    lines.push(mermaidChart(signature.timeline, `${signature.id} per minute`));
  }
  if (withExample && signature.examples[0]) {
    // A code block does not wrap: a long line would run off the side of the comment.
    lines.push(fence(wrapLongLines(truncate(signature.examples[0], 3000), EXAMPLE_WIDTH)));
  }
  return lines.join('\n\n');
}

function analysisSection(report: Report): string {
  const { analysis } = report;
  const title =
    analysis.source === 'claude'
      ? `### Analysis (${escapeInline(analysis.model ?? 'Claude')})`
      : '### What to check';
  const parts = [title];
  if (analysis.source === 'claude') parts.push(escapeInline(analysis.summary));
  if (analysis.rootCause) parts.push(`**Likely cause:** ${escapeInline(analysis.rootCause)}`);
  if (analysis.nextSteps.length > 0) {
    parts.push(analysis.nextSteps.map((step) => `- ${escapeInline(step)}`).join('\n'));
  } else if (analysis.source !== 'claude') {
    parts.push(escapeInline(analysis.summary));
  }
  if (analysis.fallbackReason) {
    parts.push(
      `> Model analysis unavailable: ${escapeInline(analysis.fallbackReason)}. The verdict comes from the statistics.`,
    );
  }
  return parts.join('\n\n');
}

/** What the table says of a signature the test did not flag: never "unchanged" for 48 → 0. */
const UNCONFIRMED_LABEL = { rise: '❔ too few to tell', fall: 'fewer, not enough to tell' };

function othersSection(others: ReportSignature[]): string {
  if (others.length === 0) return '';
  const rows = others
    .slice(0, 50)
    .map(
      (s) =>
        `| ${s.unconfirmed ? UNCONFIRMED_LABEL[s.unconfirmed] : STATUS_LABEL[s.status]} | ${inlineCode(truncate(s.template, 90), true)} | ${s.before} → ${s.after} |`,
    );
  const more = others.length > 50 ? `\n\n…and ${others.length - 50} more in report.json.` : '';
  return [
    `<details><summary>Other signatures (${others.length})</summary>`,
    '',
    '| | Signature | Before → After |',
    '|---|---|---|',
    ...rows,
    more,
    '</details>',
  ].join('\n');
}

/** Nothing could be read: what failed, in one line, and the footer; no sections left empty. */
function unreadableMarkdown(report: Report): string {
  return [
    `**${VERDICT_HEADLINE[report.verdict]}:** ${escapeInline(report.reason)}`,
    footer(report),
  ].join('\n\n');
}

function footer(report: Report): string {
  const parts = footerParts(report, escapeInline);
  if (report.context.runUrl) parts.push(`[run](${report.context.runUrl})`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

/** The Markdown report: the CLI prints it, the job summary and the PR comment show it. */
export function renderMarkdown(report: Report, options: { maxChars?: number } = {}): string {
  const maxChars = options.maxChars ?? MAX_COMMENT_CHARS;
  if (report.sources.read.length === 0) return unreadableMarkdown(report).slice(0, maxChars);
  const flagged = flaggedInOrder(report);
  const others = report.signatures.filter((s) => !s.flagged);
  const head = [
    ...headline(report, flagged),
    deployLine(report),
    ...(report.sources.failed.length > 0
      ? [
          `> ⚠️ Could not read: ${report.sources.failed.map((f) => escapeInline(f.message)).join('; ')}`,
        ]
      : []),
    ...(flagged.length > 0 ? [flaggedTable(report, flagged)] : []),
    ...incidentSections(report),
    unconfirmedLine(report),
  ].filter(Boolean);
  const tail = [
    analysisSection(report),
    ...report.notes.map((note) => `> ${escapeInline(note)}`),
    othersSection(others),
    footer(report),
  ].filter(Boolean);

  // The richest version that fits: fewer detailed signatures, then no examples, then neither.
  const candidates: Array<[number, number]> = [];
  for (let detailed = Math.min(flagged.length, MAX_DETAILED); detailed >= 0; detailed--) {
    candidates.push([detailed, detailed], [detailed, 0]);
  }
  for (const [detailed, withExamples] of candidates) {
    const details = flagged
      .slice(0, detailed)
      .map((s, i) => signatureDetails(report, s, i < withExamples));
    const body = [...head, ...details, ...tail].join('\n\n');
    if (body.length <= maxChars) return body;
  }
  return [...head, footer(report)].join('\n\n').slice(0, maxChars);
}
