/**
 * A local fake of the CloudWatch Logs JSON 1.1 protocol, for tests that drive the real AWS SDK
 * (or the bundled action) through `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=<url>`. Loopback only.
 *
 * Protocol: `POST /`, header `X-Amz-Target: Logs_20140328.<Operation>`, JSON body; answers
 * `application/x-amz-json-1.1`. Errors are what the service sends: status 400 and
 * `{"__type": "<Code>", "message": "..."}` (the SDK reads the code from `__type`). Signatures are
 * not checked, so any fake credentials do.
 *
 * Operations:
 * - FilterLogEvents: `logGroupName` or `logGroupIdentifier` (name or ARN; an ARN ending in `:*`
 *   is rejected like the service does), `startTime` and `endTime` in milliseconds, both inclusive,
 *   `limit`, `nextToken`, `filterPattern`, `logStreamNames`. Filter patterns are evaluated roughly:
 *   `%regex%` as a JavaScript regex; terms (`ERROR "bad thing"`) must all appear, `?a ?b` any of
 *   them, `-term` excludes; JSON patterns (`{ $.level = "error" }`) match every event. A group's
 *   `match` option replaces this evaluation. No filter pattern: every event in the time range.
 *   Pages hold at most `min(limit, pageSize)` events; a full page carries a `nextToken` (so when
 *   the total is a multiple of the page size the last page is empty, as the service may do).
 * - DescribeLogGroups: `logGroupNamePrefix`, one page, the configured groups.
 * - StartQuery (Logs Insights): `logGroupName`, `logGroupNames` or `logGroupIdentifiers` (names
 *   or ARNs; exactly one of the three), `startTime` and `endTime` in epoch seconds, both inclusive
 *   (an event at ms t is in range when startTime*1000 <= t <= endTime*1000+999), `queryString`
 *   (at most 10,000 characters) and `limit` (1..10,000; replaces the query's own `limit`). The
 *   query is parsed at once and evaluated for real by `insights-query.ts` in the background
 *   (the answer does not wait for the scan), over the groups' events merged in timestamp
 *   order; a syntax error answers MalformedQueryException with the
 *   reason, an unknown group ResourceNotFoundException, more than `maxConcurrentQueries` queries
 *   Scheduled or Running LimitExceededException. Answers `{queryId}`.
 * - GetQueryResults: `{queryId}`. The first `pollsUntilComplete` calls answer Scheduled, then
 *   Running, with no results, and so do later calls until the scan is done; then Complete with
 *   the rows (all values strings) and
 *   statistics (`recordsMatched`, `recordsScanned`, `bytesScanned`: the UTF-8 bytes of the
 *   scanned messages plus 30 per event). `neverComplete` keeps it Running, `fail` ends it Failed.
 * - StopQuery: `{queryId}`; `{success: true}` for a Scheduled or Running query (it becomes
 *   Cancelled and its scan stops), else InvalidParameterException. Every query is listed in `queries`.
 * - anything else: 400 UnknownOperationException.
 *
 * Events of a group are an array, or a function returning an iterable (e.g. a generator), so
 * hundreds of thousands of events need not exist as objects at once. The iterable must yield
 * events in timestamp order. Paging keeps one live iterator per query and only restarts it when
 * a request does not continue where the previous page ended (a retry, a second reader).
 *
 * Every request is recorded (operation, body, headers, arrival time) in `requests`. With the
 * `tls` option it serves HTTPS, for tests of TLS through a proxy.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  parseQuery,
  runQueryInBackground,
  type QueryEvent,
  type QueryResult,
} from './insights-query.js';

export interface FakeEvent {
  timestamp: number;
  message: string;
  /** Default `stream-1`. */
  logStream?: string;
}

export type FakeEvents = readonly FakeEvent[] | (() => Iterable<FakeEvent>);

/** A fixed error kind, or any error the service could send. */
export type FakeError =
  | 'ResourceNotFound'
  | 'AccessDenied'
  | 'InvalidFilterPattern'
  | 'ExpiredToken'
  | 'UnrecognizedClient'
  | { type: string; message: string; status?: number };

export interface FakeLogGroup {
  events?: FakeEvents;
  /** Answer every FilterLogEvents and StartQuery on this group with this error. */
  error?: FakeError;
  /** Replaces the built-in filter pattern evaluation (called only for non-empty patterns). */
  match?: (event: FakeEvent, filterPattern: string) => boolean;
  /** After the first page, answer every page with the same nextToken and no events. */
  stuckToken?: boolean;
}

export interface FakeCloudWatchOptions {
  /** Keyed by log group name. */
  groups?: Record<string, FakeLogGroup>;
  /** Events per page at most (the service: 10,000 or 1 MB). Default 10,000. */
  pageSize?: number;
  /** Empty pages (events: [], with a nextToken) sent before every page that has events. */
  emptyPages?: number;
  /** The first N requests (any operation) answer ThrottlingException. */
  throttleFirst?: number;
  /** Wait this long before answering (a number, or per request). */
  delayMs?: number | ((request: RecordedRequest) => number);
  region?: string;
  accountId?: string;
  /**
   * Events become visible only this many milliseconds after their own time (0: once their time
   * has come), as on the service, where a deploy's events arrive while the soak runs. Default:
   * every event is there from the start.
   */
  visibleAfterMs?: number;
  /** Serve HTTPS with this key and certificate (the url is then `https://127.0.0.1:<port>`). */
  tls?: { key: string; cert: string };
  /** Logs Insights behaviour (StartQuery, GetQueryResults, StopQuery). */
  insights?: FakeInsightsOptions;
}

export interface FakeInsightsOptions {
  /** GetQueryResults calls answering Scheduled then Running before Complete. Default 1. */
  pollsUntilComplete?: number;
  /** StartQuery beyond this many Scheduled or Running queries: LimitExceededException. Default 30. */
  maxConcurrentQueries?: number;
  /** Queries stay Running forever (until stopped). */
  neverComplete?: boolean;
  /** Queries end Failed instead of Complete. */
  fail?: boolean;
  /** Queries whose text this is true of end Failed at their first poll. */
  failIf?: (queryString: string) => boolean;
  /** Every StartQuery answers this error: a role without the Insights permissions. */
  error?: FakeError;
}

export type FakeQueryStatus =
  'Scheduled' | 'Running' | 'Complete' | 'Failed' | 'Cancelled' | 'Timeout';

/** A query started on the fake, as the tests see it. */
export interface FakeQuery {
  queryId: string;
  queryString: string;
  logGroups: string[];
  /** Epoch seconds, as sent. */
  startTime: number;
  endTime: number;
  status: FakeQueryStatus;
  /** StopQuery succeeded for it. */
  stopped: boolean;
}

export interface RecordedRequest {
  operation: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  /** Date.now() when the request arrived. */
  time: number;
}

export interface FakeCloudWatch {
  /** The endpoint, e.g. `http://127.0.0.1:41234`. */
  url: string;
  requests: RecordedRequest[];
  /** Every StartQuery that was accepted, in order. */
  queries: FakeQuery[];
  close(): Promise<void>;
}

const DEFAULT_PAGE_SIZE = 10_000;
const MAX_QUERY_LENGTH = 10_000;
const MAX_QUERY_ROWS = 10_000;

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function startFakeCloudWatch(
  options: FakeCloudWatchOptions = {},
): Promise<FakeCloudWatch> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const groups = options.groups ?? {};
  const requests: RecordedRequest[] = [];
  const cursors = new Map<string, Cursor>();
  const timers = new Set<NodeJS.Timeout>();
  const insights = options.insights ?? {};
  const queries: FakeQuery[] = [];
  /** Per query id: the evaluated result and how many GetQueryResults calls it answered. */
  interface QueryState {
    query: FakeQuery;
    polls: number;
    /** Set once the background evaluation is done. */
    result?: QueryResult;
    error?: unknown;
  }
  const queryState = new Map<string, QueryState>();

  const arnOf = (name: string) => `arn:aws:logs:${region}:${accountId}:log-group:${name}`;

  const handlers: Record<string, (body: Record<string, unknown>) => unknown> = {
    FilterLogEvents: (body) => filterLogEvents(body),
    StartQuery: (body) => startQuery(body),
    GetQueryResults: (body) => getQueryResults(body),
    StopQuery: (body) => stopQuery(body),
    DescribeLogGroups: (body) => {
      const prefix = typeof body.logGroupNamePrefix === 'string' ? body.logGroupNamePrefix : '';
      return {
        logGroups: Object.keys(groups)
          .filter((name) => name.startsWith(prefix))
          .sort()
          .map((name) => ({
            logGroupName: name,
            arn: `${arnOf(name)}:*`,
            logGroupArn: arnOf(name),
            creationTime: 0,
            storedBytes: 0,
          })),
      };
    },
  };

  function filterLogEvents(body: Record<string, unknown>): unknown {
    const name = groupName(body);
    const group = groups[name];
    if (!group)
      throw new ServiceError(
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    if (group.error) throw toServiceError(group.error, arnOf(name));

    const start = typeof body.startTime === 'number' ? body.startTime : -Infinity;
    const asked = typeof body.endTime === 'number' ? body.endTime : Infinity;
    // As the service: an event exists once its time has come (and been ingested).
    const end =
      options.visibleAfterMs === undefined
        ? asked
        : Math.min(asked, Date.now() - options.visibleAfterMs);
    const pattern = typeof body.filterPattern === 'string' ? body.filterPattern.trim() : '';
    const limit = typeof body.limit === 'number' ? body.limit : DEFAULT_PAGE_SIZE;
    const pageSize = Math.max(1, Math.min(limit, options.pageSize ?? DEFAULT_PAGE_SIZE));
    const token = parseToken(body.nextToken);

    if (group.stuckToken && token) return { events: [], nextToken: body.nextToken };
    if (token && token.empty < (options.emptyPages ?? 0)) {
      return { events: [], nextToken: makeToken({ ...token, empty: token.empty + 1 }) };
    }
    if (!token && (options.emptyPages ?? 0) > 0) {
      return { events: [], nextToken: makeToken({ offset: 0, empty: 1 }) };
    }

    const streams = Array.isArray(body.logStreamNames)
      ? (body.logStreamNames as string[])
      : undefined;
    const inStreams = (event: FakeEvent) =>
      !streams || streams.includes(event.logStream ?? 'stream-1');
    const matches = pattern
      ? (event: FakeEvent) => inStreams(event) && (group.match ?? matchPattern)(event, pattern)
      : inStreams;
    const key = JSON.stringify([name, start, end, pattern, streams]);
    const offset = token?.offset ?? 0;
    let cursor = cursors.get(key);
    if (!cursor || cursor.position !== offset) {
      cursor = openCursor(
        group.events ?? [],
        (event) => event.timestamp >= start && event.timestamp <= end && matches(event),
      );
      skip(cursor, offset);
      cursors.set(key, cursor);
    }
    const page = take(cursor, pageSize);
    return {
      events: page.map((event, index) => ({
        logStreamName: event.logStream ?? 'stream-1',
        timestamp: event.timestamp,
        message: event.message,
        ingestionTime: event.timestamp + 1000,
        eventId: String(offset + index),
      })),
      searchedLogStreams: [],
      ...(page.length === pageSize
        ? { nextToken: makeToken({ offset: offset + page.length, empty: 0 }) }
        : {}),
    };
  }

  function startQuery(body: Record<string, unknown>): unknown {
    const names = queryGroupNames(body);
    const { startTime, endTime, queryString, limit } = body;
    if (typeof startTime !== 'number' || typeof endTime !== 'number')
      throw new ServiceError('InvalidParameterException', 'startTime and endTime are required');
    if (endTime < startTime)
      throw new ServiceError('InvalidParameterException', 'endTime must not be before startTime');
    if (typeof queryString !== 'string' || !queryString)
      throw new ServiceError('InvalidParameterException', 'queryString is required');
    if (queryString.length > MAX_QUERY_LENGTH) {
      throw new ServiceError(
        'InvalidParameterException',
        `1 validation error detected: Value at 'queryString' failed to satisfy constraint: ` +
          `Member must have length less than or equal to ${MAX_QUERY_LENGTH}`,
      );
    }
    if (limit !== undefined && (typeof limit !== 'number' || limit < 1 || limit > MAX_QUERY_ROWS))
      throw new ServiceError('InvalidParameterException', `limit must be 1..${MAX_QUERY_ROWS}`);
    const missing = names.find((name) => !groups[name]);
    if (missing !== undefined) {
      throw new ServiceError(
        'ResourceNotFoundException',
        `Log group '${missing}' does not exist for account ID '${accountId}'`,
      );
    }
    for (const name of names) {
      const error = groups[name].error ?? insights.error;
      if (error) throw toServiceError(error, arnOf(name));
    }
    const running = queries.filter((q) => q.status === 'Scheduled' || q.status === 'Running');
    const max = insights.maxConcurrentQueries ?? 30;
    if (running.length >= max) {
      throw new ServiceError(
        'LimitExceededException',
        `Account maximum query concurrency limit of [${max}] reached.`,
      );
    }
    let parsed;
    try {
      parsed = parseQuery(queryString);
    } catch (error) {
      throw new ServiceError('MalformedQueryException', (error as Error).message);
    }
    const endMs = endTime * 1000 + 999;
    const visibleEnd =
      options.visibleAfterMs === undefined
        ? endMs
        : Math.min(endMs, Date.now() - options.visibleAfterMs);
    const events = mergeByTime(names.map((name) => groupEvents(name, groups[name].events ?? [])));
    const query: FakeQuery = {
      queryId: randomUUID(),
      queryString,
      logGroups: names,
      startTime,
      endTime,
      status: 'Scheduled',
      stopped: false,
    };
    queries.push(query);
    const state: QueryState = { query, polls: 0 };
    queryState.set(query.queryId, state);
    // The service answers at once and scans in the background.
    runQueryInBackground(
      parsed,
      events,
      { startMs: startTime * 1000, endMs: visibleEnd },
      { limit: typeof limit === 'number' ? limit : undefined, stopped: () => query.stopped },
    ).then(
      (result) => (state.result = result),
      (error: unknown) => (state.error = error),
    );
    return { queryId: query.queryId };
  }

  function knownQuery(body: Record<string, unknown>) {
    const state = typeof body.queryId === 'string' ? queryState.get(body.queryId) : undefined;
    if (!state) throw new ServiceError('ResourceNotFoundException', 'Query does not exist.');
    return state;
  }

  function getQueryResults(body: Record<string, unknown>): unknown {
    const state = knownQuery(body);
    const { query } = state;
    if (query.status === 'Scheduled' || query.status === 'Running') {
      state.polls++;
      const waits = insights.pollsUntilComplete ?? 1;
      if (state.error !== undefined || insights.failIf?.(query.queryString)) {
        query.status = 'Failed';
      } else if (state.polls <= waits || insights.neverComplete || !state.result) {
        query.status = state.polls === 1 && waits > 0 ? 'Scheduled' : 'Running';
      } else {
        query.status = insights.fail ? 'Failed' : 'Complete';
      }
    }
    const result = state.result;
    const complete = query.status === 'Complete' && result !== undefined;
    return {
      status: query.status,
      results: complete ? result.rows : [],
      statistics: complete
        ? result.statistics
        : { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 },
    };
  }

  function stopQuery(body: Record<string, unknown>): unknown {
    const { query } = knownQuery(body);
    if (query.status !== 'Scheduled' && query.status !== 'Running') {
      throw new ServiceError(
        'InvalidParameterException',
        `Query ${query.queryId} is not running (status ${query.status}).`,
      );
    }
    query.status = 'Cancelled';
    query.stopped = true;
    return { success: true };
  }

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    void handle(request, response);
  };
  const server = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('Logs_20140328.')
      ? target.slice('Logs_20140328.'.length)
      : '';
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length
        ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
        : {};
    } catch {
      body = {};
    }
    const recorded: RecordedRequest = {
      operation,
      body,
      headers: request.headers,
      time: Date.now(),
    };
    requests.push(recorded);

    const delay =
      typeof options.delayMs === 'function' ? options.delayMs(recorded) : (options.delayMs ?? 0);
    if (delay > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, delay);
        timers.add(timer);
      });
    }
    if (response.destroyed) return;

    let status = 200;
    let payload: unknown;
    try {
      if (request.method !== 'POST' || !operation) {
        throw new ServiceError(
          'UnknownOperationException',
          `Unknown target: ${target || '(none)'}`,
        );
      }
      if (requests.length <= (options.throttleFirst ?? 0)) {
        throw new ServiceError('ThrottlingException', 'Rate exceeded');
      }
      const handler = handlers[operation];
      if (!handler)
        throw new ServiceError('UnknownOperationException', `Unknown operation ${operation}`);
      payload = handler(body);
    } catch (error) {
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError('ServiceUnavailableException', String(error), 500);
      status = serviceError.status;
      payload = { __type: serviceError.type, message: serviceError.message };
    }
    const text = JSON.stringify(payload);
    response.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
    });
    response.end(text);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    queries,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function groupName(body: Record<string, unknown>): string {
  const { logGroupName: name, logGroupIdentifier: identifier } = body;
  if ((name === undefined) === (identifier === undefined)) {
    throw new ServiceError(
      'InvalidParameterException',
      'Exactly one of logGroupName or logGroupIdentifier must be specified',
    );
  }
  if (typeof name === 'string') return name;
  const id = String(identifier);
  if (id.endsWith(':*')) {
    throw new ServiceError(
      'InvalidParameterException',
      'logGroupIdentifier ARN must not end with :*',
    );
  }
  const arn = /^arn:aws[\w-]*:logs:[a-z0-9-]+:\d{12}:log-group:(.+)$/.exec(id);
  return arn ? arn[1] : id;
}

/** The log groups a StartQuery names: exactly one of the three parameters, names or ARNs. */
function queryGroupNames(body: Record<string, unknown>): string[] {
  const given = [body.logGroupName, body.logGroupNames, body.logGroupIdentifiers].filter(
    (value) => value !== undefined,
  );
  if (given.length !== 1) {
    throw new ServiceError(
      'InvalidParameterException',
      'Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be specified',
    );
  }
  const names = typeof given[0] === 'string' ? [given[0]] : given[0];
  if (!Array.isArray(names) || !names.length || !names.every((n) => typeof n === 'string'))
    throw new ServiceError('InvalidParameterException', 'Specify at least one log group');
  return names.map((id: string) => {
    const arn = /^arn:aws[\w-]*:logs:[a-z0-9-]+:\d{12}:log-group:(.+?)(:\*)?$/.exec(id);
    return arn ? arn[1] : id;
  });
}

/** A group's events, each tagged with the group (for `@log`). */
function* groupEvents(name: string, events: FakeEvents): Generator<QueryEvent> {
  for (const event of typeof events === 'function' ? events() : events)
    yield { ...event, logGroup: name };
}

/** Merges iterables that are each in timestamp order into one in timestamp order. */
function* mergeByTime(sources: Iterable<QueryEvent>[]): Generator<QueryEvent> {
  const heads = sources.map((source) => {
    const iterator = source[Symbol.iterator]();
    return { iterator, next: iterator.next() };
  });
  for (;;) {
    let best: (typeof heads)[number] | undefined;
    for (const head of heads) {
      if (head.next.done) continue;
      if (!best || head.next.value.timestamp < (best.next.value as QueryEvent).timestamp)
        best = head;
    }
    if (!best) return;
    yield best.next.value as QueryEvent;
    best.next = best.iterator.next();
  }
}

function toServiceError(error: FakeError, arn: string): ServiceError {
  switch (error) {
    case 'ResourceNotFound':
      return new ServiceError(
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
    case 'AccessDenied':
      return new ServiceError(
        'AccessDeniedException',
        'User: arn:aws:sts::123456789012:assumed-role/deploy/session is not authorized to perform: ' +
          `logs:FilterLogEvents on resource: ${arn}:log-stream: because no identity-based policy ` +
          'allows the logs:FilterLogEvents action',
      );
    case 'InvalidFilterPattern':
      return new ServiceError('InvalidParameterException', "Invalid character(s) in term '\"oops'");
    case 'ExpiredToken':
      return new ServiceError(
        'ExpiredTokenException',
        'The security token included in the request is expired',
      );
    case 'UnrecognizedClient':
      return new ServiceError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    default:
      return new ServiceError(error.type, error.message, error.status);
  }
}

interface PageToken {
  offset: number;
  empty: number;
}

function makeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function parseToken(value: unknown): PageToken | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  try {
    const token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as PageToken;
    if (typeof token.offset === 'number' && typeof token.empty === 'number') return token;
  } catch {
    // fall through
  }
  throw new ServiceError('InvalidParameterException', 'The specified nextToken is invalid.');
}

interface Cursor {
  iterator: Iterator<FakeEvent>;
  keep: (event: FakeEvent) => boolean;
  /** How many kept events were taken so far. */
  position: number;
  done: boolean;
}

function openCursor(events: FakeEvents, keep: (event: FakeEvent) => boolean): Cursor {
  const iterable = typeof events === 'function' ? events() : events;
  return { iterator: iterable[Symbol.iterator](), keep, position: 0, done: false };
}

function take(cursor: Cursor, count: number): FakeEvent[] {
  const page: FakeEvent[] = [];
  while (page.length < count && !cursor.done) {
    const next = cursor.iterator.next();
    if (next.done) cursor.done = true;
    else if (cursor.keep(next.value)) page.push(next.value);
  }
  cursor.position += page.length;
  return page;
}

function skip(cursor: Cursor, count: number): void {
  while (cursor.position < count && !cursor.done)
    take(cursor, Math.min(10_000, count - cursor.position));
}

/** A rough CloudWatch filter pattern evaluation: see the top of this file. */
export function matchPattern(event: FakeEvent, pattern: string): boolean {
  const text = event.message;
  if (pattern.length > 1 && pattern.startsWith('%') && pattern.endsWith('%')) {
    return new RegExp(pattern.slice(1, -1)).test(text);
  }
  if (pattern.startsWith('{') || pattern.startsWith('[')) return true;
  const terms = [...pattern.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((m) => ({
    op: m[1],
    term: m[2] ?? m[3],
  }));
  const any = terms.filter((t) => t.op === '?');
  if (any.length) return any.some((t) => text.includes(t.term));
  return terms.every((t) => (t.op === '-' ? !text.includes(t.term) : text.includes(t.term)));
}
