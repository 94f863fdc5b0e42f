/**
 * Counting on the service's side for one log group, with Logs Insights: the first events of a
 * range, the lines a set of regexes matches per time bucket, and the choice between this path
 * and FilterLogEvents paging. The queries run through the shared QueryRunner.
 */
import { MESSAGE_KEYS, STACK_KEYS } from '../json-message.js';
import { errorMessage, formatCount } from '../text.js';
import { insightsPredicate, regexLiteral } from './insights-filter.js';
import { MAX_QUERY_CHARS, type QueryRunner } from './insights-query.js';
import type {
  BucketCounts,
  FirstEvents,
  LogEvent,
  PathChoice,
  ScanStatistics,
  ServerCounting,
  TimeRange,
  WindowName,
} from './types.js';

/** The `source` input: page with FilterLogEvents, count with Logs Insights, or choose by volume. */
export type SourceOption = 'auto' | 'filter' | 'insights';
export const SOURCE_OPTIONS: readonly SourceOption[] = ['auto', 'filter', 'insights'];

/**
 * With `source: auto`, a baseline with at least this many error events is counted by Insights:
 * paging it would take 10+ FilterLogEvents pages under the account's 5 requests a second.
 */
export const AUTO_INSIGHTS_EVENTS = 100_000;

/** Events read first, to learn the templates from; all of them when the range holds no more. */
export const FIRST_EVENTS = 5_000;
/** Events no regex matched, read per round. */
export const UNMATCHED_EVENTS = 5_000;

/** Room left in a query for everything but the regexes: filters, fields, stats columns. */
const QUERY_OVERHEAD_CHARS = 1_500;

const field = (name: string) => `\`${name}\``;

/**
 * The fields a JSON event keeps its message in, in the order mining looks for them (Insights
 * discovers a JSON event's fields, nested ones joined with dots); any other event is its text.
 */
const MESSAGE_FIELDS = MESSAGE_KEYS.filter((key) => key !== '@message');
const TEXT = `coalesce(${MESSAGE_FIELDS.map(field).join(', ')}, @message)`;

/**
 * Events mined on the runner and never counted by a regex: more than one line (a trace), or a
 * JSON event with a stack, which mining reads as message and trace.
 */
const READ_ON_RUNNER = [
  '@message like /[\\r\\n]/',
  ...STACK_KEYS.map((key) => `ispresent(${field(key)})`),
].join(' or ');

export interface InsightsCountingOptions {
  runner: QueryRunner;
  logGroup: string;
  /** The filter pattern of the paging path, as an Insights predicate. */
  filterPattern: string;
  path: Exclude<SourceOption, 'filter'>;
  /** With `auto`: baseline error events from which Insights counts. */
  autoThreshold?: number;
  /** Events read first and per round; default FIRST_EVENTS and UNMATCHED_EVENTS. */
  reads?: { first: number; unmatched: number };
}

export class InsightsCounting implements ServerCounting {
  readonly scanned: ScanStatistics = { queries: 0, bytesScanned: 0, recordsScanned: 0 };
  readonly reads: { first: number; unmatched: number };
  private readonly runner: QueryRunner;
  private readonly logGroup: string;
  private readonly filterPattern: string;
  private readonly path: Exclude<SourceOption, 'filter'>;
  private readonly autoThreshold: number;

  constructor(options: InsightsCountingOptions) {
    this.runner = options.runner;
    this.logGroup = options.logGroup;
    this.filterPattern = options.filterPattern;
    this.path = options.path;
    this.autoThreshold = options.autoThreshold ?? AUTO_INSIGHTS_EVENTS;
    this.reads = options.reads ?? { first: FIRST_EVENTS, unmatched: UNMATCHED_EVENTS };
  }

  get patternBudget(): number {
    return MAX_QUERY_CHARS - QUERY_OVERHEAD_CHARS - (this.predicate()?.length ?? 0);
  }

  /**
   * The filter pattern as a predicate, built when first needed: a pattern the service would
   * reject fails this group's read, with the paging path's error, and not the whole run.
   */
  private predicate(): string | undefined {
    return insightsPredicate(this.filterPattern);
  }

  async choose(windows: Record<WindowName, TimeRange>, signal?: AbortSignal): Promise<PathChoice> {
    if (this.path === 'insights') return { path: 'insights', reason: 'source: insights' };
    let events: number;
    try {
      this.predicate();
      const { rows } = await this.query(
        windows.baseline,
        `${this.where(windows.baseline)} | stats count(*) as events`,
        'counting the baseline to choose a path',
        signal,
      );
      events = Number(rows[0]?.events ?? 0);
    } catch (error) {
      if (signal?.aborted) throw error;
      return {
        path: 'filter',
        unavailable: true,
        reason: `source: auto, Logs Insights could not count the baseline (${errorMessage(error)}); paging with FilterLogEvents`,
      };
    }
    const counted = `${formatCount(events)} error events in the baseline`;
    return events >= this.autoThreshold
      ? {
          path: 'insights',
          reason: `source: auto, ${counted}, at least ${formatCount(this.autoThreshold)}: counted by Logs Insights`,
        }
      : {
          path: 'filter',
          reason: `source: auto, ${counted}, fewer than ${formatCount(this.autoThreshold)}: paged with FilterLogEvents`,
        };
  }

  async firstEvents(
    window: WindowName,
    range: TimeRange,
    options: { limit: number; except?: string },
    signal?: AbortSignal,
  ): Promise<FirstEvents> {
    const except = options.except
      ? ` | filter ${READ_ON_RUNNER} or ${TEXT} not like ${regexLiteral(options.except)}`
      : '';
    const { rows, matched } = await this.query(
      range,
      `${this.where(range)}${except}` +
        ' | fields toMillis(@timestamp) as ms, @message, @logStream' +
        ` | sort ms asc | limit ${options.limit + 1}`,
      `reading the first events of the ${window} window`,
      signal,
    );
    const events = rows.slice(0, options.limit).map((row): LogEvent => ({
      message: row['@message'] ?? '',
      timestamp: Number(row.ms),
      logGroup: this.logGroup,
      ...(row['@logStream'] !== undefined && { logStream: row['@logStream'] }),
    }));
    // Insights counts every event its filters matched, before the limit.
    return { events, complete: rows.length <= options.limit, matched };
  }

  async countMatches(
    window: WindowName,
    range: TimeRange,
    options: { pattern: string; groups: readonly string[]; bucketsFrom: number; bucketMs: number },
    signal?: AbortSignal,
  ): Promise<BucketCounts[]> {
    const columns = options.groups.map((group) => `count(${group}) as n${group}`).join(', ');
    const { rows } = await this.query(
      range,
      `${this.where(range)} | filter not (${READ_ON_RUNNER})` +
        ` | fields ${TEXT} as line,` +
        ` floor((toMillis(@timestamp) - ${options.bucketsFrom}) / ${options.bucketMs}) as bucket` +
        ` | parse line ${regexLiteral(options.pattern)}` +
        ` | stats ${columns} by bucket`,
      `counting the ${window} window`,
      signal,
    );
    return rows.map((row) => ({
      bucket: Number(row.bucket),
      matched: Object.fromEntries(
        options.groups.map((group) => [group, Number(row[`n${group}`] ?? 0)]),
      ),
    }));
  }

  textOf(message: string): string | undefined {
    if (message.includes('\n') || message.includes('\r')) return undefined;
    if (!message.trimStart().startsWith('{')) return message;
    const fields = jsonFields(message);
    if (STACK_KEYS.some((key) => fields.has(key))) return undefined;
    for (const key of MESSAGE_FIELDS) {
      const value = fields.get(key);
      if (value !== undefined) return value;
    }
    return message;
  }

  /** The error events of the range, cut to its milliseconds: StartQuery takes whole seconds. */
  private where(range: TimeRange): string {
    const cut = `toMillis(@timestamp) >= ${range.start} and toMillis(@timestamp) < ${range.end}`;
    const predicate = this.predicate();
    return `filter ${cut}${predicate ? ` and (${predicate})` : ''}`;
  }

  private async query(
    range: TimeRange,
    queryString: string,
    doing: string,
    signal?: AbortSignal,
  ): Promise<{ rows: Array<Record<string, string>>; matched: number }> {
    const { rows, statistics } = await this.runner.run(
      { logGroup: this.logGroup, range, queryString, doing },
      signal,
    );
    this.scanned.queries++;
    this.scanned.bytesScanned += statistics.bytesScanned;
    this.scanned.recordsScanned += statistics.recordsScanned;
    return { rows, matched: statistics.recordsMatched };
  }
}

/**
 * A JSON event's fields as Insights discovers them: keys of nested objects joined with dots,
 * strings, numbers and booleans as text; none when the event is not a JSON object.
 */
function jsonFields(message: string): Map<string, string> {
  const fields = new Map<string, string>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return fields;
  }
  const walk = (value: unknown, path: string): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else if (
      path &&
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    ) {
      fields.set(path, String(value));
    }
  };
  walk(parsed, '');
  return fields;
}
