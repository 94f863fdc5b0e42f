import { compileFilterPattern } from './filter.js';
import type { FileSpan } from './file-windows.js';
import { isReadableText } from './lines.js';
import { readRecords, type LogRecord } from './records.js';
import {
  SourceError,
  type LogEvent,
  type LogSource,
  type TimeRange,
  type WindowName,
} from './types.js';
import { errorMessage } from '../text.js';

export interface FileSourceOptions {
  /** The name shown in the report for events of these files. */
  name: string;
  /** The log of the baseline window (`--before`), or the one file split at the deploy. */
  before: string;
  /** The log of the window after the deploy (`--after`); the same path for one file. */
  after: string;
  filterPattern: string;
  /**
   * One file split at the deploy: each window holds the records whose time is in its range (a
   * record without one takes the time of the record before it).
   */
  split?: boolean;
}

/**
 * Local log files: two, one per window, where the files are the windows and time ranges only
 * place events in time; or one, split at the deploy by the records' timestamps. Text lines are
 * joined into multi-line events, then the filter pattern selects the errors.
 */
export class FileSource implements LogSource {
  readonly name: string;
  /** The paths of the two windows' files (the same path for one file split at the deploy). */
  readonly before: string;
  readonly after: string;
  private readonly matches: (message: string) => boolean;

  constructor(private readonly options: FileSourceOptions) {
    this.name = options.name;
    this.before = options.before;
    this.after = options.after;
    this.matches = compileFilterPattern(options.filterPattern);
  }

  async *events(
    window: WindowName,
    range: TimeRange,
    signal?: AbortSignal,
  ): AsyncGenerator<LogEvent> {
    let time: number | undefined;
    for await (const record of this.records(window, signal)) {
      time = record.timestamp ?? time;
      if (this.options.split && !(time !== undefined && time >= range.start && time < range.end)) {
        continue;
      }
      if (!this.matches(record.raw)) continue;
      yield {
        message: record.message,
        timestamp: record.timestamp,
        level: record.level,
        logGroup: this.name,
        logStream: record.logStream,
      };
    }
  }

  /** Whether the after file (window) holds any record at all, before filtering. */
  async loggedAnything(range: TimeRange, signal?: AbortSignal): Promise<boolean> {
    let time: number | undefined;
    for await (const record of this.records('after', signal)) {
      time = record.timestamp ?? time;
      if (!this.options.split || (time !== undefined && time >= range.start && time < range.end))
        return true;
    }
    return false;
  }

  /** The span of a window's file: its first and last timestamps, unfiltered. */
  async span(window: WindowName, signal?: AbortSignal): Promise<FileSpan> {
    let first: number | undefined;
    let last: number | undefined;
    for await (const record of this.records(window, signal)) {
      const time = record.timestamp;
      // A small number read as a time (`"t": 0.035`) is not one: it would stretch the span to 1970.
      if (time === undefined || time < PLAUSIBLE_AFTER) continue;
      if (first === undefined || time < first) first = time;
      if (last === undefined || time > last) last = time;
    }
    return { path: window === 'baseline' ? this.before : this.after, first, last };
  }

  private async *records(window: WindowName, signal?: AbortSignal): AsyncGenerator<LogRecord> {
    const path = window === 'baseline' ? this.options.before : this.options.after;
    const flag = window === 'baseline' ? '--before' : '--after';
    const records = readRecords(path, { multiline: true });
    for await (const record of textual(
      readable(records, this.name, `${flag} file`, path),
      this.name,
      `${flag} file`,
      path,
    )) {
      signal?.throwIfAborted();
      yield record;
    }
  }
}

/** Timestamps before this are not times of a service's logs. */
const PLAUSIBLE_AFTER = Date.UTC(2000, 0, 1);

/**
 * The records of a file, failing at the end when it held records and none of them was text:
 * binary data, or another encoding than UTF-8, must not read as a quiet service.
 */
async function* textual<T extends { raw: string }>(
  records: AsyncIterable<T>,
  source: string,
  label: string,
  path: string,
): AsyncGenerator<T> {
  let seen = false;
  let readableSeen = false;
  for await (const record of records) {
    seen = true;
    if (!readableSeen && isReadableText(record.raw)) readableSeen = true;
    yield record;
  }
  if (seen && !readableSeen) {
    throw new SourceError(
      source,
      `no readable log lines in ${label} ${path}: its bytes do not decode as UTF-8 text (binary data, or another encoding?)`,
    );
  }
}

/**
 * The messages of a file or stream for `aftershock signatures`: one per physical line (no
 * multi-line joining, no filtering), extracted from JSON lines and from aws filter-log-events JSON.
 */
export async function* readMessages(input: string | NodeJS.ReadableStream): AsyncGenerator<string> {
  const records = readRecords(input, { multiline: false });
  const name = typeof input === 'string' ? input : 'stdin';
  const checked = typeof input === 'string' ? readable(records, input, 'file', input) : records;
  for await (const record of textual(checked, name, 'input', name)) yield record.message;
}

/** Turns file-system errors into a SourceError that names the file and what is wrong. */
async function* readable<T>(
  records: AsyncIterable<T>,
  source: string,
  label: string,
  path: string,
): AsyncGenerator<T> {
  try {
    yield* records;
  } catch (error) {
    throw new SourceError(source, `${label} ${problem(error)}: ${path}`, { cause: error });
  }
}

function problem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ENOENT') return 'not found';
  if (code === 'EISDIR') return 'is a directory, not a log file';
  if (code === 'EACCES' || code === 'EPERM') return 'is not readable (permission denied)';
  if (code.startsWith('Z_')) return 'is not valid gzip';
  return `could not be read (${errorMessage(error)})`;
}
