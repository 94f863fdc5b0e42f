import { afterEach, describe, expect, it } from '@jest/globals';
import { fakeClient } from '../helpers/fake-client.js';
import { QueryRunner, querySeconds, type InsightsQuery } from '../../src/sources/insights-query.js';
import type { Clock } from '../../src/sources/rate-limit.js';
import { startFakeCloudWatch, type FakeCloudWatch, type FakeEvent } from '../fakes/cloudwatch.js';

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);

function events(): FakeEvent[] {
  return Array.from({ length: 120 }, (_, i) => ({
    timestamp: T0 + i * 1000,
    message: i % 3 === 0 ? `ERROR payment ${i} failed` : `INFO ok ${i}`,
  }));
}

/** Sleeps return at once (a tick later, so other requests get their turn) and are recorded. */
function fakeClock(onSleep?: (count: number) => void): Clock & { sleeps: number[] } {
  let time = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    async sleep(ms, signal) {
      sleeps.push(ms);
      time += ms;
      onSleep?.(sleeps.length);
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    },
  };
}

let fake: FakeCloudWatch | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

// StartQuery's whole seconds may cover more than the range: queries cut it, as Aftershock's do.
const count = (range = { start: T0, end: T0 + 60_000 }): InsightsQuery => ({
  logGroup: 'app',
  range,
  queryString:
    `filter toMillis(@timestamp) >= ${range.start} and toMillis(@timestamp) < ${range.end}` +
    ' and @message like /ERROR/ | stats count(*) as events',
  doing: 'counting the after window',
});

describe('querySeconds', () => {
  it('covers a half-open millisecond range with whole seconds, however the end is read', () => {
    expect(querySeconds({ start: 10_500, end: 20_000 })).toEqual({ startTime: 10, endTime: 20 });
    expect(querySeconds({ start: 10_000, end: 20_001 })).toEqual({ startTime: 10, endTime: 21 });
  });
});

describe('QueryRunner against the fake', () => {
  it('starts in seconds, polls until Complete, and reads rows and statistics', async () => {
    fake = await startFakeCloudWatch({
      groups: { app: { events: events() } },
      insights: { pollsUntilComplete: 3 },
    });
    const clock = fakeClock();
    const runner = new QueryRunner({ client: fakeClient(fake.url), clock });
    const result = await runner.run(count());
    // Events at seconds 0..59 of the range, every third an error.
    expect(result.rows).toEqual([{ events: '20' }]);
    expect(result.statistics.recordsMatched).toBe(20);
    expect(result.statistics.bytesScanned).toBeGreaterThan(0);
    expect(runner.total).toMatchObject({ queries: 1, recordsMatched: 20 });
    const start = fake.requests.find((r) => r.operation === 'StartQuery')!;
    expect(start.body).toMatchObject({ startTime: T0 / 1000, endTime: T0 / 1000 + 60 });
    expect(fake.requests.filter((r) => r.operation === 'GetQueryResults')).toHaveLength(4);
    expect(clock.sleeps).toHaveLength(4);
    expect(fake.requests.some((r) => r.operation === 'StopQuery')).toBe(false);
  });

  it('keeps its own queries within maxRunning', async () => {
    fake = await startFakeCloudWatch({
      groups: { app: { events: events() } },
      insights: { pollsUntilComplete: 2, maxConcurrentQueries: 2 },
    });
    const runner = new QueryRunner({
      client: fakeClient(fake.url),
      clock: fakeClock(),
      maxRunning: 2,
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => runner.run(count())));
    expect(results.map((r) => r.rows[0].events)).toEqual(['20', '20', '20', '20', '20']);
    expect(fake.queries).toHaveLength(5);
    // The fake would have answered LimitExceededException to a third query at once.
    expect(fake.queries.every((q) => q.status === 'Complete')).toBe(true);
  });

  it('backs off on LimitExceededException when others hold the account limit', async () => {
    fake = await startFakeCloudWatch({
      groups: { app: { events: events() } },
      insights: { pollsUntilComplete: 3, maxConcurrentQueries: 1 },
    });
    const log: string[] = [];
    const clock = fakeClock();
    const runner = new QueryRunner({
      client: fakeClient(fake.url),
      clock,
      maxRunning: 3,
      retries: 50,
      random: () => 0,
      log: (line) => log.push(line),
    });
    const results = await Promise.all([runner.run(count()), runner.run(count())]);
    expect(results.map((r) => r.rows[0].events)).toEqual(['20', '20']);
    expect(log.length).toBeGreaterThan(0);
    expect(log[0]).toMatch(/LimitExceededException counting the after window; retry 1 of 50/);
    expect(fake.queries.filter((q) => q.status === 'Complete')).toHaveLength(2);
  });

  it('stops a query that outlasts its budget and says so', async () => {
    fake = await startFakeCloudWatch({
      groups: { app: { events: events() } },
      insights: { neverComplete: true },
    });
    const runner = new QueryRunner({
      client: fakeClient(fake.url),
      clock: fakeClock(),
      queryTimeoutMs: 10_000,
    });
    await expect(runner.run(count())).rejects.toThrow(
      /log group app, counting the after window: the query did not complete within 10s and was stopped/,
    );
    expect(fake.queries[0]).toMatchObject({ stopped: true, status: 'Cancelled' });
    expect(runner.total.queries).toBe(0);
  });

  it('stops the query when the run is cancelled mid-query', async () => {
    fake = await startFakeCloudWatch({
      groups: { app: { events: events() } },
      insights: { neverComplete: true },
    });
    const controller = new AbortController();
    const clock = fakeClock((sleeps) => sleeps === 3 && controller.abort());
    const runner = new QueryRunner({ client: fakeClient(fake.url), clock });
    await expect(runner.run(count(), controller.signal)).rejects.toThrow();
    expect(controller.signal.aborted).toBe(true);
    expect(fake.requests.filter((r) => r.operation === 'GetQueryResults')).toHaveLength(2);
    expect(fake.requests.filter((r) => r.operation === 'StopQuery')).toHaveLength(1);
    expect(fake.queries[0]).toMatchObject({ stopped: true, status: 'Cancelled' });
  });

  it('stops a query the run was cancelled while starting, once its id is known', async () => {
    const controller = new AbortController();
    fake = await startFakeCloudWatch({
      groups: { app: { events: events() } },
      insights: { neverComplete: true },
      // The run is cancelled when StartQuery reaches the service, before its answer is back.
      delayMs: (request) => {
        if (request.operation !== 'StartQuery') return 0;
        controller.abort();
        return 20;
      },
    });
    const runner = new QueryRunner({ client: fakeClient(fake.url), clock: fakeClock() });
    await expect(runner.run(count(), controller.signal)).rejects.toThrow();
    expect(fake.requests.filter((r) => r.operation === 'GetQueryResults')).toHaveLength(0);
    expect(fake.queries[0]).toMatchObject({ stopped: true, status: 'Cancelled' });
  });

  it('names the status of a query that failed on the service side', async () => {
    fake = await startFakeCloudWatch({
      groups: { app: { events: events() } },
      insights: { fail: true },
    });
    const runner = new QueryRunner({ client: fakeClient(fake.url), clock: fakeClock() });
    await expect(runner.run(count())).rejects.toThrow(
      /the query ended Failed on the service's side/,
    );
  });

  it('explains a malformed query and a missing log group', async () => {
    fake = await startFakeCloudWatch({ groups: { app: { events: events() } } });
    const runner = new QueryRunner({ client: fakeClient(fake.url), clock: fakeClock() });
    await expect(runner.run({ ...count(), queryString: 'stats frobnicate(' })).rejects.toThrow(
      /rejected the query Aftershock wrote; this is a bug in Aftershock/,
    );
    await expect(runner.run({ ...count(), logGroup: 'missing' })).rejects.toThrow(
      /log group missing.*not found in region us-east-1/,
    );
  });

  it('names the permissions the Insights path needs when access is denied', async () => {
    fake = await startFakeCloudWatch({ groups: { app: { error: 'AccessDenied' } } });
    const runner = new QueryRunner({ client: fakeClient(fake.url), clock: fakeClock() });
    await expect(runner.run(count())).rejects.toThrow(
      /log group app, counting the after window: access denied\. The Insights path needs logs:StartQuery, logs:GetQueryResults, logs:StopQuery/,
    );
  });

  it('refuses a query longer than the service takes, before sending it', async () => {
    fake = await startFakeCloudWatch({ groups: { app: { events: events() } } });
    const runner = new QueryRunner({ client: fakeClient(fake.url), clock: fakeClock() });
    await expect(runner.run({ ...count(), queryString: 'x'.repeat(10_001) })).rejects.toThrow(
      /at most 10000 characters, this one has 10001/,
    );
    expect(fake.requests).toHaveLength(0);
  });
});
