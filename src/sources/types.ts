/** One log event as a source delivers it; a multi-line event has its lines joined with "\n". */
export interface LogEvent {
  /** Milliseconds since the epoch, when the source knows it. */
  timestamp?: number;
  message: string;
  /** The level a structured source reported (JSON `level`, `severity`), when it did. */
  level?: string;
  /** Where the event came from: a log group name, or the name given to local files. */
  logGroup: string;
  logStream?: string;
  /**
   * Set on the one item that ends a window cut at a cap: not an event, but word that more events
   * existed than were read, and the latest timestamp read before the cut.
   */
  truncated?: { window: WindowName; maxEvents: number; lastTimestamp?: number };
}

export type WindowName = 'baseline' | 'after';

/** A half-open time range [start, end) in milliseconds since the epoch. */
export interface TimeRange {
  start: number;
  end: number;
}

/** A place error events are read from: a CloudWatch log group, or a pair of local files. */
export interface LogSource {
  /** The name shown in the report (log group name or label of local files). */
  readonly name: string;
  /** The error events of one window, in the order the source returns them. */
  events(window: WindowName, range: TimeRange, signal?: AbortSignal): AsyncIterable<LogEvent>;
  /**
   * The same events in the pages the source reads them in, when it reads in pages: a reader that
   * takes a page at a time waits once a page instead of once an event.
   */
  pages?(window: WindowName, range: TimeRange, signal?: AbortSignal): AsyncIterable<LogEvent[]>;
  /**
   * Whether the source logged anything at all (not only errors) in the range.
   * Sources that cannot tell cheaply leave it out.
   */
  loggedAnything?(range: TimeRange, signal?: AbortSignal): Promise<boolean>;
  /**
   * The event with the lines its stream logged right after it, joined into one multi-line event:
   * CloudWatch often stores each line of a stack trace as its own event, and only the first
   * passes an error filter. Undefined when there is nothing more to join.
   */
  surrounding?(event: EventRef, signal?: AbortSignal): Promise<string | undefined>;
  /** Counting on the service's side (Logs Insights), when the source can and was told to. */
  readonly counting?: ServerCounting;
}

/**
 * A source that counts on the service's side: the miner learns templates from the first events
 * of a range, the service counts the lines each template's regex matches, and what no regex
 * matched is read and mined as events (see signatures/server-counts.ts).
 */
export interface ServerCounting {
  /** Which path to take for these windows, asked once before the first read, and why. */
  choose(windows: Record<WindowName, TimeRange>, signal?: AbortSignal): Promise<PathChoice>;
  /**
   * The first `limit` error events of the range in time order, those an `except` regex matches
   * left out; `complete` when there were no more, and how many there were in all.
   */
  firstEvents(
    window: WindowName,
    range: TimeRange,
    options: { limit: number; except?: string },
    signal?: AbortSignal,
  ): Promise<FirstEvents>;
  /**
   * Per time bucket from `bucketsFrom`, how many of the range's error events each named group
   * of `pattern` (an alternation of single-line regexes) matched.
   */
  countMatches(
    window: WindowName,
    range: TimeRange,
    options: { pattern: string; groups: readonly string[]; bucketsFrom: number; bucketMs: number },
    signal?: AbortSignal,
  ): Promise<BucketCounts[]>;
  /**
   * The text the regexes of `countMatches` and `except` are matched against in an event: the
   * message field of a JSON event, else the event; undefined for events always read and mined
   * (more than one line, or a JSON event with a stack).
   */
  textOf(message: string): string | undefined;
  /** Characters the pattern of `countMatches` and the `except` of `firstEvents` may take. */
  readonly patternBudget: number;
  /** Events read first, to learn templates from, and unmatched events read per round. */
  readonly reads: { first: number; unmatched: number };
  /** Summed over this source's queries. */
  readonly scanned: ScanStatistics;
}

export interface PathChoice {
  path: 'filter' | 'insights';
  /** Why, in words for the report: "source: auto, 1,234 error events in the baseline, …". */
  reason: string;
  /** Set when Logs Insights was to be asked and could not be: the report says so. */
  unavailable?: true;
}

export interface FirstEvents {
  events: LogEvent[];
  /** Whether these are all the events there were. */
  complete: boolean;
  /** How many events there were in all. */
  matched: number;
}

export interface BucketCounts {
  bucket: number;
  /** By group name; groups that matched nothing in the bucket may be left out. */
  matched: Record<string, number>;
}

export interface ScanStatistics {
  queries: number;
  bytesScanned: number;
  recordsScanned: number;
}

/** Where an event was read: enough to read its neighbours again. */
export interface EventRef {
  message: string;
  timestamp: number;
  logStream: string;
}

/** A source that could not be read; the message names the source and says what to fix. */
export class SourceError extends Error {
  constructor(
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SourceError';
  }
}
