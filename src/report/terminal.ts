import type { Status, Verdict } from '../compare/index.js';
import type { Suspect } from '../commits/index.js';
import { formatTime, shortSha, truncate, wrapLongLines } from '../text.js';
import {
  earlyCallText,
  flaggedInOrder,
  footerParts,
  leadOf,
  lengthOf,
  ratioText,
  suspectOf,
  withoutLevel,
} from './lead.js';
import { sparkline } from './timeline.js';
import type { Report, ReportSignature } from './types.js';

export interface TerminalOptions {
  /** ANSI colours; the caller decides (a terminal, and no NO_COLOR). */
  colour: boolean;
  /** Columns of the terminal: table rows and example lines are cut to fit. */
  width?: number;
}

const DEFAULT_WIDTH = 100;
const MAX_DETAILED = 5;
const EXAMPLE_LINES = 12;
const MAX_OTHERS = 10;

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'green' | 'white';
const SGR: Record<Style, string> = {
  bold: '1',
  dim: '2',
  red: '1;31',
  yellow: '1;33',
  green: '1;32',
  white: '1;37',
};

const VERDICT_STYLE: Record<Verdict, Style> = {
  regression: 'red',
  warning: 'yellow',
  inconclusive: 'white',
  clean: 'green',
};

const STATUS_STYLE: Record<Status, Style | undefined> = {
  new: 'red',
  increased: 'yellow',
  decreased: 'green',
  resolved: 'green',
  unchanged: undefined,
};

/**
 * Log, commit and model text made harmless for a terminal: control characters (escape
 * sequences that could move the cursor, retitle the window or hide what follows) and
 * bidirectional overrides are shown as `\u{…}` instead of acting.
 */
const UNSAFE_FOR_TERMINAL =
  // eslint-disable-next-line no-control-regex -- control characters are what is neutralised
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`);
}

/** One line of outside text: newlines and tabs become spaces, control characters visible. */
const oneLine = (text: string) => terminalSafe(text.replace(/\s*[\r\n]+\s*|\t/g, ' '));

/**
 * The report for a person at a terminal: the verdict and its cause first, an aligned table of
 * what changed, then each flagged signature with an example; plain text, no Markdown.
 */
export function renderTerminal(report: Report, options: TerminalOptions): string {
  const width = Math.max(60, options.width ?? DEFAULT_WIDTH);
  const paint = (style: Style | undefined, text: string) =>
    options.colour && style ? `\u001b[${SGR[style]}m${text}\u001b[0m` : text;
  const verdict = paint(VERDICT_STYLE[report.verdict], report.verdict.toUpperCase());
  if (report.sources.read.length === 0) {
    return `${verdict}  ${oneLine(report.reason)}\n`;
  }

  const flagged = flaggedInOrder(report);
  const lead = leadOf(report, flagged);
  const out: string[] = [];
  const field = (name: string, value: string) =>
    hanging(`  ${paint('dim', name.padEnd(13))} `, value, width);
  if (lead) {
    const more = lead.more > 0 ? ` — and ${lead.more} more below` : '';
    out.push(hanging(`${verdict}  `, `${lead.what}${more}`, width));
    out.push(field('error', oneLine(lead.top.template)));
    if (lead.suspect) out.push(field('likely cause', commitText(lead.suspect)));
    else if (lead.noSuspect) out.push(field('likely cause', lead.noSuspect));
    if (lead.chain.length > 0) {
      const chain = lead.chain.map((s) => oneLine(truncate(withoutLevel(s.template), 60)));
      out.push(field('chain', chain.join(' → ')));
    }
  } else {
    out.push(hanging(`${verdict}  `, oneLine(report.reason), width));
  }
  const early = earlyCallText(report, lead?.top);
  if (early) out.push(field('early verdict', `${early}; the rest of the soak was not waited for`));
  out.push(field('deploy', deployText(report)));
  for (const failure of report.sources.failed) {
    out.push(field('not read', oneLine(failure.message)));
  }

  if (flagged.length > 0) out.push('', ...table(report, flagged, width, paint));
  const unconfirmed = report.signatures.filter((s) => s.unconfirmed === 'rise');
  if (unconfirmed.length > 0) {
    out.push(
      '',
      paint('bold', 'Too few events to tell'),
      ...unconfirmed
        .slice(0, MAX_OTHERS)
        .map((s) =>
          cut(`  ${`${s.before} → ${s.after}`.padEnd(14)} ${oneLine(s.template)}`, width),
        ),
    );
  }
  for (const signature of flagged.slice(0, MAX_DETAILED)) {
    out.push('', ...details(report, signature, width, paint));
  }
  out.push('', ...analysis(report, width, paint));
  if (report.notes.length > 0) {
    out.push(
      '',
      paint('bold', 'Notes'),
      ...report.notes.map((note) => hanging('  - ', oneLine(note), width)),
    );
  }
  const others = report.signatures.filter((s) => !s.flagged && s.unconfirmed !== 'rise');
  if (others.length > 0) {
    out.push(
      '',
      paint('bold', `Other signatures (${others.length})`),
      ...others
        .slice(0, MAX_OTHERS)
        .map((s) =>
          cut(
            `  ${(s.unconfirmed === 'fall' ? 'fewer' : s.status).padEnd(10)} ${`${s.before} → ${s.after}`.padEnd(14)} ${oneLine(s.template)}`,
            width,
          ),
        ),
    );
    if (others.length > MAX_OTHERS) out.push(`  …and ${others.length - MAX_OTHERS} more (--json)`);
  }
  out.push(
    '',
    ...hanging('', footerText(report), width)
      .split('\n')
      .map((row) => paint('dim', row)),
  );
  return `${out.join('\n')}\n`;
}

// eslint-disable-next-line no-control-regex -- colour codes are what is measured out
const ANSI = /\u001b\[[0-9;]*m/g;
const columnsOf = (text: string) => [...text.replace(ANSI, '')].length;

/**
 * `prefix`, then `text` wrapped at spaces to the width with its continuation rows under the
 * text's start; a word wider than the room is broken.
 */
function hanging(
  prefix: string,
  text: string,
  width: number,
  style: (row: string) => string = (row) => row,
): string {
  const indent = columnsOf(prefix);
  const room = Math.max(20, width - indent);
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(' ').flatMap((w) => chunks(w, room))) {
    if (row && columnsOf(row) + 1 + columnsOf(word) > room) {
      rows.push(row);
      row = word;
    } else {
      row = row ? `${row} ${word}` : word;
    }
  }
  rows.push(row);
  return rows.map((r, i) => (i === 0 ? prefix : ' '.repeat(indent)) + style(r)).join('\n');
}

function chunks(word: string, size: number): string[] {
  const chars = [...word];
  if (chars.length <= size) return [word];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** A line cut to the terminal's width, so a table row never wraps into the next. */
function cut(line: string, width: number): string {
  return [...line].length <= width ? line : `${[...line].slice(0, width - 1).join('')}…`;
}

function commitText(suspect: Suspect): string {
  const subject = suspect.subject ? ` ${oneLine(truncate(suspect.subject, 90))}` : '';
  const author = suspect.author ? ` (${oneLine(suspect.author)})` : '';
  return `${shortSha(suspect.sha)}${subject}${author}`;
}

function deployText(report: Report): string {
  const { commits } = report;
  const range = commits.head
    ? `${commits.base ? `${shortSha(commits.base)}…` : ''}${shortSha(commits.head)} (${commits.count} commit${commits.count === 1 ? '' : 's'})`
    : 'an unknown range';
  const groups = report.logGroups.length > 0 ? report.logGroups.join(', ') : 'local files';
  return `${range} at ${formatTime(Date.parse(report.deployedAt.time))} · ${lengthOf(report.windows.after)} after vs ${lengthOf(report.windows.baseline)} before · ${oneLine(groups)}`;
}

type Paint = (style: Style | undefined, text: string) => string;

/** Columns padded to their widest cell; the signature last, cut to the terminal's width. */
function table(report: Report, flagged: ReportSignature[], width: number, paint: Paint): string[] {
  const header = ['', 'before → after', 'rate', 'per minute, deploy at │', 'first seen', 'suspect'];
  const rows = flagged.map((s) => {
    const suspect = suspectOf(report, s);
    return [
      s.status,
      `${s.before} → ${s.after}`,
      ratioText(s),
      s.timeline ? sparkline(s.timeline) : '–',
      s.firstSeenAfter ? formatTime(Date.parse(s.firstSeenAfter)).slice(11, 16) : '–',
      suspect ? shortSha(suspect.sha) : '–',
    ];
  });
  const widths = header.map((title, i) =>
    Math.max([...title].length, ...rows.map((row) => [...row[i]].length)),
  );
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  return [
    paint('dim', `  ${line(header)}  signature`),
    ...rows.map((row, i) => {
      const status = row[0];
      // Cut while plain, so that colour codes never count as columns.
      const text = cut(`  ${line(row)}  ${oneLine(flagged[i].template)}`, width);
      return `  ${paint(STATUS_STYLE[flagged[i].status], status)}${text.slice(2 + status.length)}`;
    }),
  ];
}

function details(report: Report, s: ReportSignature, width: number, paint: Paint): string[] {
  const out = [
    hanging(`${paint(STATUS_STYLE[s.status], s.status)}  `, oneLine(s.template), width, (row) =>
      paint('bold', row),
    ),
    hanging(`  ${paint('dim', `${s.level} · ${s.kind} · ${s.id}`)}  `, `${oneLine(s.why)}.`, width),
  ];
  const suspect = suspectOf(report, s);
  if (suspect) {
    out.push(hanging('  suspect ', commitText(suspect), width));
    const evidence = suspect.evidence?.length ? suspect.evidence : [suspect.reason];
    out.push(...evidence.map((e) => hanging('    - ', oneLine(e), width)));
  }
  const example = s.examples[0];
  if (example) {
    const lines = example.split(/\r?\n/);
    const bar = paint('dim', '│');
    const rows = lines
      .slice(0, EXAMPLE_LINES)
      .flatMap((l) => wrapLongLines(terminalSafe(l.replace(/\t/g, '    ')), width - 4).split('\n'));
    out.push(...rows.map((row) => `  ${bar} ${row}`));
    if (lines.length > EXAMPLE_LINES) {
      out.push(`  ${paint('dim', `│ … ${lines.length - EXAMPLE_LINES} more lines (--json)`)}`);
    }
  }
  return out;
}

function analysis(report: Report, width: number, paint: Paint): string[] {
  const { analysis } = report;
  const out = [
    paint(
      'bold',
      analysis.source === 'claude'
        ? `Analysis (${oneLine(analysis.model ?? 'Claude')})`
        : 'What to check',
    ),
  ];
  if (analysis.source === 'claude') out.push(hanging('  ', oneLine(analysis.summary), width));
  if (analysis.rootCause) {
    out.push(hanging('  Likely cause: ', oneLine(analysis.rootCause), width));
  }
  if (analysis.nextSteps.length > 0) {
    out.push(...analysis.nextSteps.map((step) => hanging('  - ', oneLine(step), width)));
  } else if (analysis.source !== 'claude') {
    out.push(hanging('  ', oneLine(analysis.summary), width));
  }
  if (analysis.fallbackReason) {
    out.push(
      hanging(
        `  ${paint('yellow', 'Model analysis unavailable:')} `,
        `${oneLine(analysis.fallbackReason)}. The verdict comes from the statistics.`,
        width,
      ),
    );
  }
  return out;
}

function footerText(report: Report): string {
  const parts = footerParts(report, oneLine);
  if (report.context.runUrl) parts.push(report.context.runUrl);
  return parts.join(' · ');
}
