/**
 * The FilterLogEvents paging source: one per log group, sharing a client and a request limiter.
 * The client is built in cloudwatch-client.ts, the limiter in rate-limit.ts, and AWS errors are
 * put into words in cloudwatch-errors.ts.
 */

import {
  FilterLogEventsCommand,
  type CloudWatchLogsClient,
  type FilterLogEventsCommandInput,
  type FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import { formatDuration } from '../text.js';
import { createCloudWatchClient, LOG_GROUP_ARN, regionOf } from './cloudwatch-client.js';
import { describe, isRetryable, translateError } from './cloudwatch-errors.js';
import { joinMultiline } from './multiline.js';
import {
  createRateLimiter,
  DEFAULT_REQUESTS_PER_SECOND,
  equalJitter,
  realClock,
  type Clock,
  type RateLimiter,
} from './rate-limit.js';
import { InsightsCounting, type SourceOption } from './insights.js';
import { QueryRunner } from './insights-query.js';
import type {
  EventRef,
  LogEvent,
  LogSource,
  ServerCounting,
  TimeRange,
  WindowName,
} from './types.js';

export { createCloudWatchClient } from './cloudwatch-client.js';
export { isRetryable } from './cloudwatch-errors.js';
export {
  createRateLimiter,
  DEFAULT_REQUESTS_PER_SECOND,
  type Clock,
  type RateLimiter,
} from './rate-limit.js';

/**
 * When the SDK gives up on throttling or a server error, the call is sent again this many
 * times, after a pause that doubles from RETRY_BASE_MS (with jitter, at most RETRY_MAX_MS):
 * at most (1 + DEFAULT_RETRIES) × DEFAULT_MAX_ATTEMPTS requests per page, about 30s of waiting.
 */
export const DEFAULT_RETRIES = 3;
export const DEFAULT_RETRY_BASE_MS = 2_000;
export const DEFAULT_RETRY_MAX_MS = 20_000;
/** One FilterLogEvents call including the SDK's retries and backoff. */
export const DEFAULT_CALL_TIMEOUT_MS = 90_000;
/** loggedAnything follows empty pages this many times before it gives up (answers false). */
const MAX_PROBE_CALLS = 10;

export interface CloudWatchSourceOptions {
  client: CloudWatchLogsClient;
  /** A log group name or ARN (a trailing `:*` is accepted). */
  logGroup: string;
  filterPattern: string;
  limiter?: RateLimiter;
  /** Deadline of one FilterLogEvents call, the SDK's retries included. */
  callTimeoutMs?: number;
  /** Our retries on top of the SDK's, for throttling and server errors. */
  retries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * At most this many events per window: the source stops reading there and ends the window
   * with a truncation marker (see `TruncationMarker`). Default (or 0): no cap.
   */
  maxEvents?: number;
  /** For the pauses between retries; tests pass a fake one. */
  clock?: Clock;
  /** Jitter source, in [0, 1). */
  random?: () => number;
  /** Told about each retry after a pause, for the job's log. */
  log?: (message: string) => void;
  /** Counting on the service's side, when Logs Insights may count this group. */
  counting?: ServerCounting;
}

/**
 * The last item of a window the source cut at `maxEvents`: not an event, a note that more
 * events existed than were read. `lastTimestamp` is the latest timestamp read before the cut.
 */
export interface TruncationMarker extends LogEvent {
  truncated: { window: WindowName; maxEvents: number; lastTimestamp?: number };
}

export function isTruncationMarker(event: LogEvent): event is TruncationMarker {
  return 'truncated' in event && typeof (event as TruncationMarker).truncated === 'object';
}

/** How far after an example its stack trace lines may have been logged, and how many. */
const TRACE_WINDOW_MS = 2000;
const TRACE_MAX_LINES = 200;

async function* toAsync<T>(items: T[]): AsyncIterable<T> {
  yield* items;
  await Promise.resolve();
}

/** A page the service sends at most; asking for less only near the cap. */
const MAX_PAGE_EVENTS = 10_000;

export class CloudWatchSource implements LogSource {
  readonly name: string;
  readonly counting?: ServerCounting;
  private readonly client: CloudWatchLogsClient;
  private readonly filterPattern: string;
  private readonly limiter?: RateLimiter;
  private readonly callTimeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxEvents: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log?: (message: string) => void;
  /** `logGroupIdentifier` for an ARN (it must not end in `:*`), `logGroupName` for a name. */
  private readonly target: Pick<FilterLogEventsCommandInput, 'logGroupName' | 'logGroupIdentifier'>;

  constructor(options: CloudWatchSourceOptions) {
    this.client = options.client;
    this.filterPattern = options.filterPattern;
    this.limiter = options.limiter;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.retryMaxMs = options.retryMaxMs ?? DEFAULT_RETRY_MAX_MS;
    this.maxEvents = options.maxEvents || Infinity;
    if (!(this.maxEvents > 0) || !Number.isInteger(options.maxEvents ?? 0)) {
      throw new RangeError(`maxEvents must be a positive number, got ${options.maxEvents}`);
    }
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.log = options.log;
    this.counting = options.counting;
    const group = options.logGroup.trim();
    if (LOG_GROUP_ARN.test(group)) {
      this.name = group.replace(/:\*$/, '');
      this.target = { logGroupIdentifier: this.name };
    } else {
      this.name = group;
      this.target = { logGroupName: group };
    }
  }

  async *events(
    window: WindowName,
    range: TimeRange,
    signal?: AbortSignal,
  ): AsyncIterable<LogEvent> {
    for await (const page of this.pages(window, range, signal)) yield* page;
  }

  async *pages(
    window: WindowName,
    range: TimeRange,
    signal?: AbortSignal,
  ): AsyncIterable<LogEvent[]> {
    const seen = new Set<string>();
    let nextToken: string | undefined;
    let count = 0;
    let lastTimestamp: number | undefined;
    for (;;) {
      // Near the cap, one event more than it allows tells whether the cap cuts anything.
      const left = this.maxEvents - count;
      const page = await this.call(
        {
          ...this.target,
          ...this.times(range),
          ...(this.filterPattern ? { filterPattern: this.filterPattern } : {}),
          ...(left < MAX_PAGE_EVENTS && { limit: left + 1 }),
          nextToken,
        },
        `reading the ${window} window`,
        signal,
      );
      const events: LogEvent[] = [];
      for (const event of page.events ?? []) {
        if (count === this.maxEvents) {
          const marker: TruncationMarker = {
            message: '',
            logGroup: this.name,
            truncated: { window, maxEvents: this.maxEvents, lastTimestamp },
          };
          events.push(marker);
          yield events;
          return;
        }
        count++;
        if (event.timestamp !== undefined) {
          lastTimestamp = Math.max(lastTimestamp ?? -Infinity, event.timestamp);
        }
        events.push({
          message: event.message ?? '',
          timestamp: event.timestamp,
          logGroup: this.name,
          logStream: event.logStreamName,
        });
      }
      if (events.length > 0) yield events;
      // Pages may be empty while a token remains; a token seen before would loop forever.
      if (!page.nextToken || seen.has(page.nextToken)) return;
      seen.add(page.nextToken);
      nextToken = page.nextToken;
    }
  }

  /**
   * One cheap unfiltered read. When the service keeps answering empty pages with a token, it
   * gives up after a few calls and answers false: "nothing logged" is the cautious answer.
   */
  async loggedAnything(range: TimeRange, signal?: AbortSignal): Promise<boolean> {
    let nextToken: string | undefined;
    for (let call = 0; call < MAX_PROBE_CALLS; call++) {
      const page = await this.call(
        { ...this.target, ...this.times(range), limit: 1, nextToken },
        'checking whether it logged anything',
        signal,
      );
      if (page.events?.length) return true;
      if (!page.nextToken || page.nextToken === nextToken) return false;
      nextToken = page.nextToken;
    }
    return false;
  }

  /**
   * The lines the event's stream logged within a couple of seconds after it, unfiltered, joined
   * the way a multi-line event is: a stack trace stored one line per event comes back whole.
   */
  async surrounding(event: EventRef, signal?: AbortSignal): Promise<string | undefined> {
    const page = await this.call(
      {
        ...this.target,
        logStreamNames: [event.logStream],
        startTime: event.timestamp,
        endTime: event.timestamp + TRACE_WINDOW_MS,
        limit: TRACE_MAX_LINES,
      },
      'reading the lines around an example',
      signal,
    );
    const messages = (page.events ?? []).map((e) => e.message ?? '');
    const at = messages.indexOf(event.message);
    if (at === -1) return undefined;
    for await (const joined of joinMultiline(toAsync(messages.slice(at)))) {
      return joined.length > event.message.length ? joined : undefined;
    }
    return undefined;
  }

  /** FilterLogEvents takes milliseconds and its endTime is inclusive; our ranges are [start, end). */
  private times(range: TimeRange): { startTime: number; endTime: number } {
    return { startTime: Math.floor(range.start), endTime: Math.ceil(range.end) - 1 };
  }

  /**
   * One FilterLogEvents call: a slot from the shared limiter, the SDK's own retries within the
   * call's deadline, and, when throttling or a server error outlasts those, a few more rounds
   * after a jittered pause that doubles each time.
   */
  private async call(
    input: FilterLogEventsCommandInput,
    doing: string,
    signal?: AbortSignal,
  ): Promise<FilterLogEventsCommandOutput> {
    let attempts = 0;
    for (let round = 0; ; round++) {
      await this.limiter?.acquire(signal);
      const deadline = AbortSignal.timeout(this.callTimeoutMs);
      const abortSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
      try {
        return await this.client.send(new FilterLogEventsCommand(input), { abortSignal });
      } catch (error) {
        // The caller cancelled the run: not this source's fault, let the cancellation through.
        if (signal?.aborted) throw error;
        attempts += describe(error).attempts;
        if (round < this.retries && !deadline.aborted && isRetryable(error)) {
          const pause = equalJitter(round, this.retryBaseMs, this.retryMaxMs, this.random);
          this.log?.(
            `CloudWatch Logs, log group ${this.name}: ${describe(error).name} ${doing}; ` +
              `retry ${round + 1} of ${this.retries} in ${formatDuration(pause)}`,
          );
          await this.clock.sleep(pause, signal);
          continue;
        }
        throw translateError(error, {
          source: this.name,
          doing,
          filtered: Boolean(input.filterPattern),
          timedOut: deadline.aborted,
          attempts,
          callTimeoutMs: this.callTimeoutMs,
          region: await regionOf(this.client),
        });
      }
    }
  }
}

export interface CloudWatchSourcesOptions {
  logGroups: string[];
  filterPattern: string;
  region?: string;
  client?: CloudWatchLogsClient;
  limiter?: RateLimiter;
  callTimeoutMs?: number;
  /** At most this many events per log group and window; default: no cap. */
  maxEvents?: number;
  /** Told about retries, for the job's log. */
  log?: (message: string) => void;
  /** Paging, Logs Insights, or a choice by volume; default filter. */
  source?: SourceOption;
  /** Runs the Logs Insights queries of every group; default one on a client of its own. */
  runner?: QueryRunner;
  /** Events Logs Insights reads first and per round (see insights.ts). */
  insightsReads?: { first: number; unmatched: number };
}

/**
 * One source per log group; they share one client and one request limiter, and with Logs
 * Insights one query runner. The runner's client makes one attempt per call: the runner waits
 * out LimitExceededException itself, which the SDK would retry at once as a throttle.
 */
export function createCloudWatchSources(options: CloudWatchSourcesOptions): LogSource[] {
  const client = options.client ?? createCloudWatchClient({ region: options.region });
  const limiter = options.limiter ?? createRateLimiter(DEFAULT_REQUESTS_PER_SECOND);
  const source = options.source ?? 'filter';
  const runner =
    source === 'filter'
      ? undefined
      : (options.runner ??
        new QueryRunner({
          client: createCloudWatchClient({ region: options.region, maxAttempts: 1 }),
          log: options.log,
        }));
  return options.logGroups.map(
    (logGroup) =>
      new CloudWatchSource({
        client,
        logGroup,
        filterPattern: options.filterPattern,
        limiter,
        callTimeoutMs: options.callTimeoutMs,
        maxEvents: options.maxEvents,
        log: options.log,
        ...(runner &&
          source !== 'filter' && {
            counting: new InsightsCounting({
              runner,
              logGroup,
              filterPattern: options.filterPattern,
              path: source,
              reads: options.insightsReads,
            }),
          }),
      }),
  );
}
