import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  CloudWatchSource,
  createCloudWatchClient,
  createCloudWatchSources,
  createRateLimiter,
  isRetryable,
  isTruncationMarker,
  type Clock,
  type CloudWatchSourceOptions,
} from '../../src/sources/cloudwatch.js';
import {
  SourceError,
  type LogEvent,
  type LogSource,
  type TimeRange,
} from '../../src/sources/types.js';
import {
  startFakeCloudWatch,
  type FakeCloudWatch,
  type FakeCloudWatchOptions,
  type FakeEvent,
} from '../fakes/cloudwatch.js';

const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake-secret',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
};
const CLEARED = [
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
];
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  for (const key of [...Object.keys(ENV), ...CLEARED]) saved[key] = process.env[key];
  for (const key of CLEARED) delete process.env[key];
  Object.assign(process.env, ENV);
});

afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const fakes: FakeCloudWatch[] = [];
const clients: CloudWatchLogsClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS;
});

/** Starts a fake and points the SDK at it the way a user would: through the environment. */
async function fake(options: FakeCloudWatchOptions): Promise<FakeCloudWatch> {
  const started = await startFakeCloudWatch(options);
  fakes.push(started);
  process.env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS = started.url;
  return started;
}

function client(options: Parameters<typeof createCloudWatchClient>[0] = {}): CloudWatchLogsClient {
  const created = createCloudWatchClient(options);
  clients.push(created);
  return created;
}

function source(
  logGroup: string,
  options: Partial<Omit<CloudWatchSourceOptions, 'logGroup'>> = {},
): CloudWatchSource {
  return new CloudWatchSource({
    filterPattern: 'ERROR',
    ...options,
    client: options.client ?? client(),
    logGroup,
  });
}

/** A clock whose sleeps return at once and are recorded. */
function fakeClock(): Clock & { sleeps: number[]; time: number } {
  const clock = {
    time: 0,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

async function collect(events: AsyncIterable<LogEvent>): Promise<LogEvent[]> {
  const all: LogEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function sourceError(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

const T0 = Date.UTC(2026, 2, 1, 14, 0, 0);
const RANGE: TimeRange = { start: T0, end: T0 + 600_000 };

function errors(count: number, from = T0): FakeEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: from + i * 1000,
    message: `ERROR failure ${i}`,
    logStream: `stream-${i % 2}`,
  }));
}

describe('createCloudWatchClient', () => {
  it("leaves out the SDK's logger step, which copies every response for a logger that does nothing", () => {
    const steps = (c: CloudWatchLogsClient) => c.middlewareStack.identify().join('\n');
    expect(steps(new CloudWatchLogsClient({ region: 'us-east-1' }))).toContain('loggerMiddleware');
    expect(steps(createCloudWatchClient({ region: 'us-east-1' }))).not.toContain(
      'loggerMiddleware',
    );
  });

  it('reaches the endpoint named by AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, signed', async () => {
    const cw = await fake({ groups: { app: { events: errors(1) } } });
    const events = await collect(source('app').events('after', RANGE));
    expect(events).toHaveLength(1);
    expect(cw.requests).toHaveLength(1);
    expect(cw.requests[0].headers['x-amz-target']).toBe('Logs_20140328.FilterLogEvents');
    expect(cw.requests[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 .*us-east-1\/logs\//);
  });
});

describe('CloudWatchSource.events', () => {
  it('pages through several pages, empty ones included, and streams as pages arrive', async () => {
    const cw = await fake({ groups: { app: { events: errors(25) } }, pageSize: 10, emptyPages: 2 });
    const events: LogEvent[] = [];
    let requestsAtFirstEvent = 0;
    for await (const event of source('app').events('after', RANGE)) {
      if (events.length === 0) requestsAtFirstEvent = cw.requests.length;
      events.push(event);
    }
    expect(events.map((event) => event.message)).toEqual(errors(25).map((event) => event.message));
    expect(events[3]).toEqual({
      message: 'ERROR failure 3',
      timestamp: T0 + 3000,
      logGroup: 'app',
      logStream: 'stream-1',
    });
    // 3 pages with events, each after 2 empty pages.
    expect(cw.requests).toHaveLength(9);
    expect(requestsAtFirstEvent).toBe(3);
    expect(cw.requests.every((request) => request.body.filterPattern === 'ERROR')).toBe(true);
    expect(cw.requests[0].body.nextToken).toBeUndefined();
  });

  it('applies the filter pattern on the service side', async () => {
    const mixed: FakeEvent[] = [
      { timestamp: T0, message: 'INFO all good' },
      { timestamp: T0 + 1, message: 'ERROR broken' },
    ];
    await fake({ groups: { app: { events: mixed } } });
    const events = await collect(source('app').events('baseline', RANGE));
    expect(events.map((event) => event.message)).toEqual(['ERROR broken']);
  });

  it('ends when the service returns the same token again', async () => {
    const cw = await fake({
      groups: { app: { events: errors(5), stuckToken: true } },
      pageSize: 2,
    });
    const events = await collect(source('app').events('after', RANGE));
    expect(events).toHaveLength(2);
    expect(cw.requests).toHaveLength(2);
  });

  it('sends a name as logGroupName and an ARN as logGroupIdentifier without :*', async () => {
    const cw = await fake({ groups: { '/ecs/api': { events: errors(1) } } });
    const arn = 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/api';

    const byArn = await collect(source(`${arn}:*`).events('after', RANGE));
    expect(cw.requests[0].body.logGroupIdentifier).toBe(arn);
    expect(cw.requests[0].body.logGroupName).toBeUndefined();
    expect(byArn[0].logGroup).toBe(arn);

    const byName = await collect(source('/ecs/api').events('after', RANGE));
    expect(cw.requests[1].body.logGroupName).toBe('/ecs/api');
    expect(cw.requests[1].body.logGroupIdentifier).toBeUndefined();
    expect(byName[0].logGroup).toBe('/ecs/api');
  });

  it('passes the time range in milliseconds, the end excluded', async () => {
    const edges: FakeEvent[] = [
      { timestamp: RANGE.start - 1, message: 'ERROR before' },
      { timestamp: RANGE.start, message: 'ERROR first' },
      { timestamp: RANGE.end - 1, message: 'ERROR last' },
      { timestamp: RANGE.end, message: 'ERROR after' },
    ];
    const cw = await fake({ groups: { app: { events: edges } } });
    const events = await collect(source('app').events('after', RANGE));
    expect(cw.requests[0].body).toMatchObject({ startTime: RANGE.start, endTime: RANGE.end - 1 });
    expect(events.map((event) => event.message)).toEqual(['ERROR first', 'ERROR last']);
  });

  it('streams a large generated group without holding it', async () => {
    const total = 25_000;
    const cw = await fake({
      groups: {
        big: {
          events: function* () {
            for (let i = 0; i < total; i++) yield { timestamp: T0 + i, message: `ERROR e${i}` };
          },
        },
      },
    });
    let count = 0;
    for await (const event of source('big').events('after', RANGE)) {
      if (event.message !== `ERROR e${count}`) throw new Error(`out of order at ${count}`);
      count++;
    }
    expect(count).toBe(total);
    expect(cw.requests).toHaveLength(3);
  });
});

describe('errors', () => {
  it('names the group, the region and the inputs to check when the group does not exist', async () => {
    await fake({ groups: {} });
    const error = await sourceError(collect(source('/ecs/missing').events('after', RANGE)));
    expect(error.source).toBe('/ecs/missing');
    expect(error.message).toMatch(/log group \/ecs\/missing/);
    expect(error.message).toMatch(/not found in region us-east-1/);
    expect(error.message).toMatch(/log-groups.*aws-region/);
  });

  it('names the permission and the resource when access is denied', async () => {
    await fake({ groups: { '/ecs/api': { error: 'AccessDenied' } } });
    const error = await sourceError(collect(source('/ecs/api').events('after', RANGE)));
    expect(error.message).toMatch(/log group \/ecs\/api/);
    expect(error.message).toMatch(
      /needs logs:FilterLogEvents on arn:aws:logs:us-east-1:<account-id>:log-group:\/ecs\/api:\*/,
    );
  });

  it('points at the filter-pattern input when the pattern is rejected', async () => {
    await fake({ groups: { app: { error: 'InvalidFilterPattern' } } });
    const error = await sourceError(
      collect(source('app', { filterPattern: '"oops' }).events('after', RANGE)),
    );
    expect(error.message).toMatch(/log group app/);
    expect(error.message).toMatch(/filter-pattern input/);
    expect(error.message).toMatch(/Invalid character/);
  });

  it.each(['ExpiredToken', 'UnrecognizedClient'] as const)(
    'points at configure-aws-credentials on %s',
    async (kind) => {
      await fake({ groups: { app: { error: kind } } });
      const error = await sourceError(collect(source('app').events('after', RANGE)));
      expect(error.message).toMatch(/log group app/);
      expect(error.message).toMatch(/aws-actions\/configure-aws-credentials/);
    },
  );

  it('names the region when the credentials are not recognised there (wrong region)', async () => {
    const cw = await fake({
      groups: { app: { error: 'UnrecognizedClient' } },
      region: 'ap-east-1',
    });
    const error = await sourceError(
      collect(source('app', { client: client({ region: 'ap-east-1' }) }).events('after', RANGE)),
    );
    expect(error.message).toMatch(/do(es)? not recognise the credentials in region ap-east-1/);
    expect(error.message).toMatch(/aws-region input/);
    expect(cw.requests).toHaveLength(1);
  });

  it('names the region when the endpoint of a misspelt region does not resolve', async () => {
    const unresolvable = new CloudWatchLogsClient({
      region: 'us-esat-1',
      maxAttempts: 1,
      requestHandler: {
        handle: () =>
          Promise.reject(
            Object.assign(new Error('getaddrinfo ENOTFOUND logs.us-esat-1.amazonaws.com'), {
              code: 'ENOTFOUND',
              hostname: 'logs.us-esat-1.amazonaws.com',
            }),
          ),
      },
    });
    clients.push(unresolvable);
    const error = await sourceError(
      collect(source('app', { client: unresolvable, retries: 0 }).events('after', RANGE)),
    );
    expect(error.message).toMatch(/log group app/);
    expect(error.message).toMatch(/logs\.us-esat-1\.amazonaws\.com does not resolve/);
    expect(error.message).toMatch(/aws-region input \(now us-esat-1\)/);
  });

  it('points at configure-aws-credentials when no credentials can be loaded', async () => {
    const cw = await fake({ groups: { app: { events: errors(1) } } });
    const noCredentials = new CloudWatchLogsClient({
      region: 'us-east-1',
      credentials: () =>
        Promise.reject(
          Object.assign(new Error('Could not load credentials from any providers'), {
            name: 'CredentialsProviderError',
          }),
        ),
    });
    clients.push(noCredentials);
    const error = await sourceError(
      collect(source('app', { client: noCredentials }).events('after', RANGE)),
    );
    expect(error.message).toMatch(/log group app/);
    expect(error.message).toMatch(/aws-actions\/configure-aws-credentials/);
    expect(cw.requests).toHaveLength(0);
  });

  it('retries throttling and succeeds', async () => {
    const cw = await fake({ groups: { app: { events: errors(3) } }, throttleFirst: 2 });
    const events = await collect(source('app').events('after', RANGE));
    expect(events).toHaveLength(3);
    expect(cw.requests).toHaveLength(3);
  });

  it('survives a throttling storm longer than the SDK retries, backing off with jitter', async () => {
    // The SDK makes 2 attempts per round; 7 throttled requests take 3 rounds and a half.
    const cw = await fake({ groups: { app: { events: errors(3) } }, throttleFirst: 7 });
    const clock = fakeClock();
    const storm = source('app', {
      client: client({ maxAttempts: 2 }),
      clock,
      retries: 3,
      retryBaseMs: 1000,
      random: () => 0.5,
    });
    const events = await collect(storm.events('after', RANGE));
    expect(events).toHaveLength(3);
    expect(cw.requests).toHaveLength(8);
    // Equal jitter: half the doubled pause for sure, half of it random.
    expect(clock.sleeps).toEqual([750, 1500, 3000]);
  });

  it('gives up on a storm within a bound and says so', async () => {
    const cw = await fake({ groups: { app: { events: errors(3) } }, throttleFirst: 1000 });
    const clock = fakeClock();
    const error = await sourceError(
      collect(
        source('app', { client: client({ maxAttempts: 2 }), clock, retries: 2 }).events(
          'after',
          RANGE,
        ),
      ),
    );
    expect(error.message).toMatch(/log group app/);
    expect(error.message).toMatch(/throttled after 6 attempts/);
    expect(error.message).toMatch(/quota/);
    expect(cw.requests).toHaveLength(6);
    expect(clock.sleeps).toHaveLength(2);
    // Pauses stay within [pause / 2, pause] of 2s, 4s.
    clock.sleeps.forEach((ms, round) => {
      expect(ms).toBeGreaterThanOrEqual(1000 * 2 ** round);
      expect(ms).toBeLessThanOrEqual(2000 * 2 ** round);
    });
  });

  it('caps the pause between retries', async () => {
    await fake({ groups: { app: { events: errors(1) } }, throttleFirst: 5 });
    const clock = fakeClock();
    const capped = source('app', {
      client: client({ maxAttempts: 1 }),
      clock,
      retries: 5,
      retryBaseMs: 1000,
      retryMaxMs: 3000,
      random: () => 0.999,
    });
    await collect(capped.events('after', RANGE));
    expect(clock.sleeps).toEqual([1000, 1999, 2999, 2999, 2999]);
  });

  it('retries server errors, not client errors', async () => {
    const cw = await fake({
      groups: {
        flaky: { error: { type: 'ServiceUnavailableException', message: 'busy', status: 503 } },
        forbidden: { error: 'AccessDenied' },
      },
    });
    const clock = fakeClock();
    const logs: string[] = [];
    const options = {
      client: client({ maxAttempts: 1 }),
      clock,
      retries: 2,
      log: (message: string) => logs.push(message),
    };
    const unavailable = await sourceError(collect(source('flaky', options).events('after', RANGE)));
    expect(unavailable.message).toMatch(
      /log group flaky.*kept failing \(ServiceUnavailableException\) over 3 attempts.*retry later/,
    );
    expect(cw.requests).toHaveLength(3);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(
      /^CloudWatch Logs, log group flaky: ServiceUnavailableException reading the after window; retry 1 of 2 in \d+s$/,
    );

    await sourceError(collect(source('forbidden', options).events('after', RANGE)));
    expect(cw.requests).toHaveLength(4);
    expect(isRetryable(new Error('plain'))).toBe(false);
  });

  it('times out a slow call with a clear error', async () => {
    await fake({ groups: { app: { events: errors(1) } }, delayMs: 5_000 });
    const error = await sourceError(
      collect(source('app', { callTimeoutMs: 300 }).events('after', RANGE)),
    );
    expect(error.message).toMatch(/log group app/);
    expect(error.message).toMatch(/no answer within 0.3s/);
  });

  it("makes the SDK's request timeout an error, not a warning", async () => {
    const cw = await fake({ groups: { app: { events: errors(1) } }, delayMs: 5_000 });
    const impatient = client({ requestTimeoutMs: 200, maxAttempts: 2 });
    const error = await sourceError(
      collect(source('app', { client: impatient }).events('after', RANGE)),
    );
    expect(error.message).toMatch(/no answer within the request timeout over 2 attempts/);
    expect(cw.requests).toHaveLength(2);
  });

  it('lets a cancellation by the caller through as it is', async () => {
    await fake({ groups: { app: { events: errors(1) } }, delayMs: 5_000 });
    const controller = new AbortController();
    const reading = collect(source('app').events('after', RANGE, controller.signal));
    setTimeout(() => controller.abort(), 100);
    const error = await reading.catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(SourceError);
    expect((error as Error).name).toBe('AbortError');
  });
});

describe('maxEvents', () => {
  it('stops at the cap and ends the window with a truncation marker', async () => {
    const cw = await fake({ groups: { app: { events: errors(25) } }, pageSize: 10 });
    const events = await collect(source('app', { maxEvents: 12 }).events('after', RANGE));
    expect(events).toHaveLength(13);
    expect(events.slice(0, 12).some(isTruncationMarker)).toBe(false);
    const marker = events[12];
    expect(isTruncationMarker(marker)).toBe(true);
    expect(marker).toMatchObject({
      logGroup: 'app',
      truncated: { window: 'after', maxEvents: 12, lastTimestamp: T0 + 11_000 },
    });
    // Near the cap it asks for one event more than it may take, and no further page.
    expect(cw.requests.map((request) => request.body.limit)).toEqual([13, 3]);
  });

  it('adds no marker when the window holds exactly the cap', async () => {
    await fake({ groups: { app: { events: errors(12) } }, pageSize: 10 });
    const events = await collect(source('app', { maxEvents: 12 }).events('baseline', RANGE));
    expect(events).toHaveLength(12);
    expect(events.some(isTruncationMarker)).toBe(false);
  });

  it('leaves the page size to the service far from the cap, and 0 means no cap', async () => {
    const cw = await fake({ groups: { app: { events: errors(5) } } });
    await collect(source('app', { maxEvents: 50_000 }).events('after', RANGE));
    await collect(source('app', { maxEvents: 0 }).events('after', RANGE));
    expect(cw.requests.map((request) => request.body.limit)).toEqual([undefined, undefined]);
    expect(() => source('app', { maxEvents: -1 })).toThrow(RangeError);
    expect(() => source('app', { maxEvents: 1.5 })).toThrow(RangeError);
  });

  it('is passed to every source of a run', async () => {
    await fake({ groups: { a: { events: errors(5) }, b: { events: errors(5) } } });
    const sources = createCloudWatchSources({
      logGroups: ['a', 'b'],
      filterPattern: 'ERROR',
      client: client(),
      maxEvents: 2,
    });
    for (const each of sources) {
      const events = await collect(each.events('after', RANGE));
      expect(events.filter(isTruncationMarker)).toHaveLength(1);
      expect(events).toHaveLength(3);
    }
  });
});

describe('CloudWatchSource.loggedAnything', () => {
  it('is true when any event exists, read with limit 1 and no filter', async () => {
    const cw = await fake({
      groups: { app: { events: [{ timestamp: T0 + 5, message: 'INFO started' }] } },
    });
    await expect(source('app').loggedAnything(RANGE)).resolves.toBe(true);
    expect(cw.requests[0].body).toMatchObject({
      logGroupName: 'app',
      limit: 1,
      startTime: RANGE.start,
      endTime: RANGE.end - 1,
    });
    expect(cw.requests[0].body.filterPattern).toBeUndefined();
  });

  it('is false when nothing was logged in the range', async () => {
    await fake({ groups: { app: { events: [{ timestamp: RANGE.end, message: 'INFO later' }] } } });
    await expect(source('app').loggedAnything(RANGE)).resolves.toBe(false);
  });

  it('follows the token past empty pages', async () => {
    const cw = await fake({
      groups: { app: { events: [{ timestamp: T0, message: 'INFO started' }] } },
      emptyPages: 3,
    });
    await expect(source('app').loggedAnything(RANGE)).resolves.toBe(true);
    expect(cw.requests).toHaveLength(4);
  });

  it('translates errors too', async () => {
    await fake({ groups: {} });
    const error = await sourceError(source('gone').loggedAnything(RANGE));
    expect(error.message).toMatch(/log group gone.*not found/);
  });
});

describe('createRateLimiter', () => {
  /** Sleeps that do not move the time: every request asks at the same instant. */
  function fakeClock(): Clock & { sleeps: number[]; time: number } {
    const clock = {
      time: 0,
      sleeps: [] as number[],
      now: () => clock.time,
      sleep: (ms: number) => {
        clock.sleeps.push(ms);
        return Promise.resolve();
      },
    };
    return clock;
  }

  it('spaces requests 1/perSecond apart and lets an idle bucket go at once', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter(5, clock);
    await Promise.all(Array.from({ length: 5 }, () => limiter.acquire()));
    expect(clock.sleeps).toEqual([200, 400, 600, 800]);

    clock.time = 2_000;
    await limiter.acquire();
    expect(clock.sleeps).toHaveLength(4);
  });

  it('rejects when the signal is aborted', async () => {
    const limiter = createRateLimiter(1);
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects a rate that is not positive', () => {
    expect(() => createRateLimiter(0)).toThrow(RangeError);
  });

  it('is shared by the sources of one run', async () => {
    const cw = await fake({
      groups: Object.fromEntries(['a', 'b', 'c', 'd'].map((name) => [name, { events: errors(1) }])),
    });
    const sources: LogSource[] = createCloudWatchSources({
      logGroups: ['a', 'b', 'c', 'd'],
      filterPattern: 'ERROR',
      client: client(),
      limiter: createRateLimiter(20),
    });
    expect(sources.map((s) => s.name)).toEqual(['a', 'b', 'c', 'd']);
    await Promise.all(sources.map((s) => collect(s.events('after', RANGE))));
    const times = cw.requests.map((request) => request.time);
    expect(times).toHaveLength(4);
    // 4 requests at 20/s span 150 ms; loosely: they did not all arrive within 50 ms.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(50);
  });
});
