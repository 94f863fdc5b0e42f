/**
 * Logs Insights queries, run the way the service needs: a queue of our own so the account-wide
 * concurrency (shared with dashboards and scheduled queries) is not taken at once; a pause that
 * doubles after `LimitExceededException` rather than the SDK's quick retries (give this runner
 * a client with `maxAttempts: 1`); polls within a budget; and `StopQuery` whenever a query is
 * given up (deadline, cancellation, an error), so nothing keeps scanning and billing.
 */
import {
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
  type CloudWatchLogsClient,
  type GetQueryResultsCommandOutput,
  type StartQueryCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import { formatDuration, oneLine } from '../text.js';
import { describe, isRetryable, translateError } from './cloudwatch-errors.js';
import { LOG_GROUP_ARN, regionOf } from './cloudwatch-client.js';
import { equalJitter, realClock, type Clock } from './rate-limit.js';
import { SourceError, type TimeRange } from './types.js';

/** Queries of ours running at once; the account's default quota is 30, shared with others. */
export const DEFAULT_MAX_RUNNING = 4;
/** How long one query may take from its start until it is stopped. */
export const DEFAULT_QUERY_TIMEOUT_MS = 5 * 60_000;
/** The first pause between polls; it grows by half each poll up to POLL_MAX_MS. */
const POLL_FIRST_MS = 500;
const POLL_MAX_MS = 5_000;
/** StartQuery after LimitExceededException, or a poll after a throttle or server error. */
export const DEFAULT_RETRIES = 6;
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** One StartQuery call, which only queues the query. */
const START_TIMEOUT_MS = 30_000;
/** The service's limit on a query's text. */
export const MAX_QUERY_CHARS = 10_000;

export interface QueryStatistics {
  recordsMatched: number;
  recordsScanned: number;
  bytesScanned: number;
}

export interface InsightsQuery {
  /** A log group name or ARN (a trailing `:*` is accepted). */
  logGroup: string;
  /** Half-open, in milliseconds; StartQuery's whole seconds cover it and the query cuts it. */
  range: TimeRange;
  queryString: string;
  /** Rows at most; default the service's 10,000. */
  limit?: number;
  /** What the query is for, in the words of an error: "counting the after window". */
  doing: string;
}

export interface QueryResult {
  /** Each row's fields by name; `@ptr` left out. */
  rows: Array<Record<string, string>>;
  statistics: QueryStatistics;
}

export interface QueryRunnerOptions {
  client: CloudWatchLogsClient;
  maxRunning?: number;
  queryTimeoutMs?: number;
  retries?: number;
  clock?: Clock;
  /** Jitter source, in [0, 1). */
  random?: () => number;
  /** Told about each pause after a limit or a throttle, for the job's log. */
  log?: (message: string) => void;
}

/**
 * StartQuery's whole seconds that cover [start, end) in milliseconds, whether the service reads
 * its inclusive end as that second's start or its end: the query cuts to the millisecond.
 */
export function querySeconds(range: TimeRange): { startTime: number; endTime: number } {
  return { startTime: Math.floor(range.start / 1000), endTime: Math.ceil(range.end / 1000) };
}

function target(
  logGroup: string,
): Pick<StartQueryCommandInput, 'logGroupName' | 'logGroupIdentifiers'> {
  const group = logGroup.trim();
  return LOG_GROUP_ARN.test(group)
    ? { logGroupIdentifiers: [group.replace(/:\*$/, '')] }
    : { logGroupName: group };
}

/** Runs queries one slot at a time; share one runner between all log groups of a run. */
export class QueryRunner {
  /** Statistics summed over every query that completed. */
  readonly total: QueryStatistics & { queries: number } = {
    queries: 0,
    recordsMatched: 0,
    recordsScanned: 0,
    bytesScanned: 0,
  };
  private readonly client: CloudWatchLogsClient;
  private readonly maxRunning: number;
  private readonly queryTimeoutMs: number;
  private readonly retries: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly log?: (message: string) => void;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(options: QueryRunnerOptions) {
    this.client = options.client;
    this.maxRunning = options.maxRunning ?? DEFAULT_MAX_RUNNING;
    if (!(Number.isInteger(this.maxRunning) && this.maxRunning > 0)) {
      throw new RangeError(`maxRunning must be a positive whole number, got ${this.maxRunning}`);
    }
    this.queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.log = options.log;
  }

  async run(query: InsightsQuery, signal?: AbortSignal): Promise<QueryResult> {
    if (query.queryString.length > MAX_QUERY_CHARS) {
      throw new RangeError(
        `a Logs Insights query is at most ${MAX_QUERY_CHARS} characters, this one has ${query.queryString.length}`,
      );
    }
    await this.slot(signal);
    try {
      return await this.runInSlot(query, signal);
    } catch (error) {
      if (signal?.aborted || error instanceof SourceError) throw error;
      throw translateInsightsError(error, query, await regionOf(this.client));
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private async slot(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.running < this.maxRunning) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiting.indexOf(take);
        if (at !== -1) this.waiting.splice(at, 1);
        reject(signal?.reason as Error);
      };
      const take = () => {
        signal?.removeEventListener('abort', onAbort);
        this.running++;
        resolve();
      };
      this.waiting.push(take);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async runInSlot(query: InsightsQuery, signal?: AbortSignal): Promise<QueryResult> {
    const queryId = await this.start(query, signal);
    const deadline = this.clock.now() + this.queryTimeoutMs;
    try {
      let pause = POLL_FIRST_MS;
      for (;;) {
        await this.clock.sleep(Math.min(pause, Math.max(0, deadline - this.clock.now())), signal);
        pause = Math.min(POLL_MAX_MS, pause * 1.5);
        const output = await this.withRetries(
          () => this.client.send(new GetQueryResultsCommand({ queryId }), { abortSignal: signal }),
          query,
          signal,
        );
        const status = output.status ?? 'Unknown';
        if (status === 'Complete') return this.complete(output);
        if (status !== 'Scheduled' && status !== 'Running') {
          throw this.fail(query, `the query ended ${status} on the service's side`);
        }
        if (this.clock.now() >= deadline) {
          throw this.fail(
            query,
            `the query did not complete within ${formatDuration(this.queryTimeoutMs)} and was stopped`,
          );
        }
      }
    } catch (error) {
      await this.stop(queryId);
      throw error;
    }
  }

  /**
   * StartQuery is not cut off by a cancellation: a query the service started while the answer
   * was on its way would scan on with no id to stop it by. It is stopped once its id is known.
   */
  private async start(query: InsightsQuery, signal?: AbortSignal): Promise<string> {
    const output = await this.withRetries(
      () =>
        this.client.send(
          new StartQueryCommand({
            ...target(query.logGroup),
            ...querySeconds(query.range),
            queryString: query.queryString,
            ...(query.limit !== undefined && { limit: query.limit }),
          }),
          { abortSignal: AbortSignal.timeout(START_TIMEOUT_MS) },
        ),
      query,
      signal,
    );
    if (!output.queryId) throw this.fail(query, 'StartQuery answered without a query id');
    if (signal?.aborted) {
      await this.stop(output.queryId);
      signal.throwIfAborted();
    }
    return output.queryId;
  }

  /** Limits, throttles and server errors are waited out; anything else is thrown as it is. */
  private async withRetries<T>(
    call: () => Promise<T>,
    query: InsightsQuery,
    signal?: AbortSignal,
  ): Promise<T> {
    for (let round = 0; ; round++) {
      try {
        return await call();
      } catch (error) {
        if (signal?.aborted) throw error;
        const { name } = describe(error);
        const waitable = name === 'LimitExceededException' || isRetryable(error);
        if (!waitable || round >= this.retries) throw error;
        const pause = equalJitter(round, RETRY_BASE_MS, RETRY_MAX_MS, this.random);
        this.log?.(
          `CloudWatch Logs Insights, log group ${query.logGroup}: ${name} ${query.doing}; ` +
            `retry ${round + 1} of ${this.retries} in ${formatDuration(pause)}`,
        );
        await this.clock.sleep(pause, signal);
      }
    }
  }

  /** Best effort, and never with the run's signal: a cancelled run must still stop its query. */
  private async stop(queryId: string): Promise<void> {
    try {
      await this.client.send(new StopQueryCommand({ queryId }), {
        abortSignal: AbortSignal.timeout(10_000),
      });
    } catch {
      // Already ended, or the service is unreachable: nothing more can be done.
    }
  }

  private complete(output: GetQueryResultsCommandOutput): QueryResult {
    const statistics = {
      recordsMatched: output.statistics?.recordsMatched ?? 0,
      recordsScanned: output.statistics?.recordsScanned ?? 0,
      bytesScanned: output.statistics?.bytesScanned ?? 0,
    };
    this.total.queries++;
    this.total.recordsMatched += statistics.recordsMatched;
    this.total.recordsScanned += statistics.recordsScanned;
    this.total.bytesScanned += statistics.bytesScanned;
    const rows = (output.results ?? []).map((row) => {
      const record: Record<string, string> = {};
      for (const { field, value } of row) {
        if (field && field !== '@ptr' && value !== undefined) record[field] = value;
      }
      return record;
    });
    return { rows, statistics };
  }

  private fail(query: InsightsQuery, text: string): SourceError {
    return new SourceError(
      query.logGroup,
      `CloudWatch Logs Insights, log group ${query.logGroup}, ${query.doing}: ${text}.`,
    );
  }
}

/** The permissions the Insights path needs, named in its access errors and in the README. */
export const INSIGHTS_PERMISSIONS = ['logs:StartQuery', 'logs:GetQueryResults', 'logs:StopQuery'];

/** What only Insights says; the rest (credentials, network, region) as for FilterLogEvents. */
function translateInsightsError(error: unknown, query: InsightsQuery, region: string): SourceError {
  const { name, message, attempts } = describe(error);
  const said = message ? ` (AWS: ${oneLine(message)})` : '';
  const fail = (text: string) =>
    new SourceError(
      query.logGroup,
      `CloudWatch Logs Insights, log group ${query.logGroup}, ${query.doing}: ${text}`,
      { cause: error },
    );
  switch (name) {
    case 'AccessDeniedException':
      return fail(
        `access denied. The Insights path needs ${INSIGHTS_PERMISSIONS.join(', ')} on the log ` +
          `group; grant them, or set source: filter to page with logs:FilterLogEvents${said}.`,
      );
    case 'LimitExceededException':
      return fail(
        `the account's Logs Insights queries stayed at their limit over ${attempts} attempts. ` +
          'The limit is shared with dashboards and scheduled queries in the account and region: ' +
          `retry later, or set source: filter${said}.`,
      );
    case 'ThrottlingException':
      return fail(
        `still throttled after ${attempts} attempts. Logs Insights calls are limited per ` +
          `account and region: retry later${said}.`,
      );
    case 'MalformedQueryException':
      return fail(
        `the service rejected the query Aftershock wrote; this is a bug in Aftershock, not in ` +
          `the logs or the access to them. Set source: filter meanwhile${said}.`,
      );
  }
  return translateError(error, {
    source: query.logGroup,
    doing: query.doing,
    filtered: false,
    timedOut: false,
    attempts,
    callTimeoutMs: 0,
    region,
  });
}
