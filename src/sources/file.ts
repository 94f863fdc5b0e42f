import { compileFilterPattern } from './filter.js';
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
  /** The log of the baseline window (`--before`). */
  before: string;
  /** The log of the window after the deploy (`--after`). */
  after: string;
  filterPattern: string;
}

/**
 * Two local log files, one per window: the files are the windows, so time ranges are ignored.
 * Text lines are joined into multi-line events, then the filter pattern selects the errors.
 */
export class FileSource implements LogSource {
  readonly name: string;
  private readonly matches: (message: string) => boolean;

  constructor(private readonly options: FileSourceOptions) {
    this.name = options.name;
    this.matches = compileFilterPattern(options.filterPattern);
  }

  async *events(
    window: WindowName,
    _range: TimeRange,
    signal?: AbortSignal,
  ): AsyncGenerator<LogEvent> {
    for await (const record of this.records(window, signal)) {
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

  /** Whether the after file holds any record at all, before filtering. */
  async loggedAnything(_range: TimeRange, signal?: AbortSignal): Promise<boolean> {
    for await (const _record of this.records('after', signal)) return true;
    return false;
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
