/**
 * The windows of a run on local files, from the files' own timestamps: a file's window is the
 * span its records cover, unless the window's length was given; a file without timestamps gets
 * the default length, and the notes say so. One file split at the deploy time gives both.
 */
import { formatDuration } from '../text.js';
import type { TimeRange } from './types.js';

/** What a file's timestamps cover. */
export interface FileSpan {
  path: string;
  /** First and last timestamps (ms); undefined when no record had one. */
  first?: number;
  last?: number;
  /** It could not be read: the run reports why; no note about its timestamps. */
  unreadable?: boolean;
}

export interface FileWindows {
  baseline: TimeRange;
  after: TimeRange;
  /** Where the deploy is: the after window's start. */
  deployedAt: number;
  notes: string[];
}

export interface WindowLengths {
  /** Lengths given on the command line; undefined: read them from the files. */
  baselineMs?: number;
  soakMs?: number;
  /** The defaults for a file without timestamps. */
  defaultBaselineMs: number;
  defaultSoakMs: number;
}

/** A file whose timestamps span less than this cannot give a window: one second. */
const MIN_SPAN_MS = 1000;

const span = (file: FileSpan): number | undefined =>
  file.first !== undefined && file.last !== undefined && file.last - file.first >= MIN_SPAN_MS
    ? file.last - file.first + 1
    : undefined;

/**
 * `--before B --after A`: each window is its file's span (or the given length, counted from the
 * file's first timestamp); the deploy is where the after file starts, or `deployedAt` if given.
 */
export function twoFileWindows(
  before: FileSpan,
  after: FileSpan,
  lengths: WindowLengths,
  { deployedAt, now }: { deployedAt?: number; now: number },
): FileWindows {
  const notes: string[] = [];
  const afterSpan = span(after);
  const afterStart = deployedAt ?? (afterSpan !== undefined ? after.first! : undefined);
  const soakMs = lengths.soakMs ?? afterSpan ?? lengths.defaultSoakMs;
  const baselineMs = lengths.baselineMs ?? span(before) ?? lengths.defaultBaselineMs;
  if (lengths.soakMs === undefined && afterSpan === undefined && !after.unreadable) {
    notes.push(untimed(after, 'after', '--soak', lengths.defaultSoakMs));
  }
  if (lengths.baselineMs === undefined && span(before) === undefined && !before.unreadable) {
    notes.push(untimed(before, 'baseline', '--baseline', lengths.defaultBaselineMs));
  }
  const start = afterStart ?? now - soakMs;
  const baselineStart = span(before) !== undefined ? before.first! : start - baselineMs;
  return {
    baseline: { start: baselineStart, end: baselineStart + baselineMs },
    after: { start, end: start + soakMs },
    deployedAt: start,
    notes,
  };
}

/**
 * One file split at the deploy: the baseline runs from the file's first timestamp (or the given
 * length before the deploy) to the deploy, the after window from the deploy to the file's last
 * timestamp (or the given length).
 */
export function splitFileWindows(
  file: FileSpan,
  deployedAt: number,
  lengths: WindowLengths,
): FileWindows {
  if (file.unreadable) {
    // The run reports why the file could not be read; the windows only need to be valid.
    const baselineMs = lengths.baselineMs ?? lengths.defaultBaselineMs;
    const soakMs = lengths.soakMs ?? lengths.defaultSoakMs;
    return {
      baseline: { start: deployedAt - baselineMs, end: deployedAt },
      after: { start: deployedAt, end: deployedAt + soakMs },
      deployedAt,
      notes: [],
    };
  }
  if (file.first === undefined || file.last === undefined) {
    throw new RangeError(
      `${file.path} has no timestamps, so it cannot be split at the deploy: give --before and --after files instead`,
    );
  }
  if (deployedAt <= file.first || deployedAt > file.last) {
    throw new RangeError(
      `the deploy time ${new Date(deployedAt).toISOString()} is outside ${file.path}, which runs from ${new Date(file.first).toISOString()} to ${new Date(file.last).toISOString()}: give a --deployed-at inside it`,
    );
  }
  const baselineMs = lengths.baselineMs ?? deployedAt - file.first;
  const soakMs = lengths.soakMs ?? Math.max(MIN_SPAN_MS, file.last + 1 - deployedAt);
  return {
    baseline: { start: deployedAt - baselineMs, end: deployedAt },
    after: { start: deployedAt, end: deployedAt + soakMs },
    deployedAt,
    notes: [],
  };
}

function untimed(file: FileSpan, window: string, option: string, ms: number): string {
  return `${file.path} has no usable timestamps: its ${window} window is taken as ${formatDuration(ms)} (the ${option} default); give ${option} for its real length.`;
}
