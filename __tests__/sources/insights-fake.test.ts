import { afterEach, describe, expect, it } from '@jest/globals';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
  type StartQueryCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  startFakeCloudWatch,
  type FakeCloudWatch,
  type FakeCloudWatchOptions,
  type FakeEvent,
} from '../fakes/cloudwatch.js';
import { parseQuery, runQuery, type QueryEvent } from '../fakes/insights-query.js';

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const ALL = { startMs: 0, endMs: Number.MAX_SAFE_INTEGER };

/** One event every 10 s; every third an error with a status code and a user. */
function events(count = 60): FakeEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: T0 + i * 10_000,
    message:
      i % 3 === 0 ? `ERROR status=${500 + (i % 4)} user=u${i % 2} took ${i}ms` : `INFO ok ${i}`,
    logStream: i % 2 ? 'odd' : 'even',
  }));
}

/** Rows as plain objects, for readable assertions. */
function objects(rows: { field?: string; value?: string }[][]): Record<string, string>[] {
  return rows.map((row) => Object.fromEntries(row.map((f) => [f.field ?? '', f.value ?? ''])));
}

function run(query: string, input: Iterable<QueryEvent> = events(), limit?: number) {
  return runQuery(parseQuery(query), input, ALL, { limit });
}

describe('parseQuery', () => {
  it('builds a plain AST with commands in order', () => {
    const query = parseQuery(
      'FILTER @message like /err/i and not ispresent(x)\n| Stats count(*) as n BY bin(5m)',
    );
    expect(query.commands.map((c) => c.kind)).toEqual(['filter', 'stats']);
    const filter = query.commands[0];
    expect(filter).toMatchObject({ kind: 'filter', expr: { kind: 'binary', op: 'and' } });
    expect(query.commands[1]).toMatchObject({
      kind: 'stats',
      aggregates: [{ name: 'n', expr: { kind: 'call', name: 'count', args: [{ kind: 'star' }] } }],
      by: [{ name: 'bin(5m)', expr: { kind: 'call', name: 'bin', args: [{ ms: 300_000 }] } }],
    });
  });

  it('gives precedence to and over or, and to * over +', () => {
    const [command] = parseQuery('fields 1 + 2 * 3 as x').commands;
    expect(command).toMatchObject({
      items: [{ name: 'x', expr: { op: '+', right: { op: '*' } } }],
    });
    const [filter] = parseQuery('filter a = 1 or b = 2 and c = 3').commands;
    expect(filter).toMatchObject({ expr: { op: 'or', right: { op: 'and' } } });
  });

  it.each([
    ['stats frobnicate(x)', /Unknown function 'frobnicate'/],
    ['filter @message lik "x"', /Unexpected 'lik'/],
    ['fields @message |', /Expected a command/],
    ['frob @message', /Unknown command 'frob'/],
    ['filter @message like "unterminated', /Unterminated string/],
    ['parse @message /(?<a>x/', /Invalid regex/],
    ['parse @message /(x)/', /no named capture groups/],
    ['parse @message "* *" as a, b', /glob pattern is not supported/],
    ['stats @message', /aggregate function/],
    ['fields count(*)', /only allowed in stats/],
    ['filter @message =~ "x"', /=~ needs a regex literal/],
    ['limit 0', /positive integer/],
    ['limit 10001', /at most 10000/],
    ['stats count(*) by bin(5)', /bin needs a period/],
    ['filter (a = 1', /Expected '\)'/],
    ['', /empty/],
  ])('rejects %p', (text, message) => {
    expect(() => parseQuery(text)).toThrow(message);
  });

  it('says where the problem is', () => {
    expect(() => parseQuery('filter x = = 1')).toThrow(/at character 12/);
  });
});

describe('runQuery', () => {
  it('filters and shows the fields in order plus @ptr', () => {
    const { rows, statistics } = run(
      'fields @timestamp, @logStream, @message | filter @message like "ERROR" | limit 2',
    );
    expect(objects(rows)).toEqual([
      {
        '@timestamp': '2026-12-01 10:00:00.000',
        '@logStream': 'even',
        '@message': 'ERROR status=500 user=u0 took 0ms',
        '@ptr': expect.any(String),
      },
      {
        '@timestamp': '2026-12-01 10:00:30.000',
        '@logStream': 'odd',
        '@message': 'ERROR status=503 user=u1 took 3ms',
        '@ptr': expect.any(String),
      },
    ]);
    expect(rows[0].map((f) => f.field)).toEqual(['@timestamp', '@logStream', '@message', '@ptr']);
    // The limit bounds rows, not what matched.
    expect(statistics).toMatchObject({ recordsMatched: 20, recordsScanned: 60 });
  });

  it('counts bytes as UTF-8 message bytes plus 30 per event in the range', () => {
    const input = [
      { timestamp: 1000, message: 'é' }, // 2 bytes
      { timestamp: 2000, message: 'abc' },
      { timestamp: 3000, message: 'outside' },
    ];
    const result = runQuery(parseQuery('filter @message = "abc"'), input, {
      startMs: 1000,
      endMs: 2000,
    });
    expect(result.statistics).toEqual({ recordsMatched: 1, recordsScanned: 2, bytesScanned: 65 });
  });

  it('parses named groups, leaving absent the ones that did not take part', () => {
    const input = [
      { timestamp: 1, message: 'code=7' },
      { timestamp: 2, message: 'name=bob' },
      { timestamp: 3, message: 'nothing' },
    ];
    const { rows } = run(
      'parse @message /code=(?<code>\\d+)|name=(?<name>\\w+)/ | fields code, name, ispresent(code) as has',
      input,
    );
    expect(objects(rows.map((row) => row.filter((f) => f.field !== '@ptr')))).toEqual([
      { code: '7', has: 'true' },
      { name: 'bob', has: 'false' },
      { has: 'false' },
    ]);
  });

  it('aggregates per group with count(*), count(field) and sum, names as given', () => {
    const { rows } = run(
      'parse @message /status=(?<status>\\d+) user=(?<user>\\w+)/ ' +
        '| stats count(*), count(status) as withStatus, sum(status) as total by user | sort user',
    );
    expect(objects(rows)).toEqual([
      { user: 'u0', 'count(*)': '10', withStatus: '10', total: String(10 * 500 + 5 * 2) },
      { user: 'u1', 'count(*)': '10', withStatus: '10', total: String(10 * 500 + 5 * 3 + 5 * 1) },
      // The INFO events have no user: a group of their own, key and sum absent.
      { 'count(*)': '40', withStatus: '0' },
    ]);
    // Records without the field form their own group, with the key absent.
    const all = run(
      'parse @message /user=(?<user>\\w+)/ | stats count() as n, count(user) as users by user',
    );
    expect(objects(all.rows)).toContainEqual({ n: '40', users: '0' });
  });

  it('buckets by bin() on the epoch and shows the bucket as a timestamp', () => {
    const { rows } = run('filter @message like /ERROR/ | stats count(*) as n by bin(1m) as minute');
    expect(objects(rows)).toEqual([
      { minute: '2026-12-01 10:00:00.000', n: '2' },
      { minute: '2026-12-01 10:01:00.000', n: '2' },
      ...Array.from({ length: 8 }, (_, i) => ({
        minute: `2026-12-01 10:${String(i + 2).padStart(2, '0')}:00.000`,
        n: '2',
      })),
    ]);
  });

  it('evaluates arithmetic, comparisons, functions and regex matches', () => {
    const input = [{ timestamp: 1234, message: 'took 15ms' }];
    const { rows } = run(
      'parse @message /took (?<ms>\\d+)ms/ | fields ms * 2 + 1 as a, ms / 2 as b, floor(ms / 2) as c, ' +
        'toMillis(@timestamp) as t, strlen(@message) as len, ms > 9 as big, ms = "15" as eq, ' +
        '@message =~ /TOOK/i as re, @message not like "x" as nl, -ms as neg',
      input,
    );
    expect(objects(rows)[0]).toMatchObject({
      a: '31',
      b: '7.5',
      c: '7',
      t: '1234',
      len: '9',
      big: 'true',
      eq: 'true',
      re: 'true',
      nl: 'true',
      neg: '-15',
    });
  });

  it('treats like with a string as a case-sensitive substring', () => {
    expect(run('filter @message like "error"').statistics.recordsMatched).toBe(0);
    expect(run('filter @message like /error/i').statistics.recordsMatched).toBe(20);
    expect(run('filter @message not like "ERROR"').statistics.recordsMatched).toBe(40);
    expect(
      run('filter (@message like "ok" or @logStream = "odd") and not @message like "ERROR"')
        .statistics.recordsMatched,
    ).toBe(40);
  });

  it('sorts descending, puts absent values last, and honours an override limit', () => {
    const { rows } = run(
      'parse @message /took (?<ms>\\d+)ms/ | sort ms desc | fields ms',
      events(),
      3,
    );
    expect(objects(rows).map((r) => r.ms)).toEqual(['57', '54', '51']);
    const asc = run('parse @message /took (?<ms>\\d+)ms/ | sort ms asc | fields ms | limit 25');
    expect(
      objects(asc.rows)
        .map((r) => r.ms)
        .slice(18),
    ).toEqual(['54', '57', undefined, undefined, undefined, undefined, undefined]);
  });

  it('caps rows at 10,000 by default', () => {
    const input = Array.from({ length: 10_005 }, (_, i) => ({ timestamp: i, message: 'm' }));
    expect(run('fields @message', input).rows).toHaveLength(10_000);
  });

  it('streams 10 million generated events with bounded memory', () => {
    let made = 0;
    function* generate(): Generator<QueryEvent> {
      for (let i = 0; i < 10_000_000; i++) {
        made++;
        yield { timestamp: i, message: i % 1000 === 0 ? 'ERROR boom' : 'INFO fine' };
      }
    }
    const before = process.memoryUsage().heapUsed;
    const result = run('filter @message like "ERROR" | stats count(*) as n by bin(1h)', generate());
    const grown = process.memoryUsage().heapUsed - before;
    expect(made).toBe(10_000_000);
    expect(objects(result.rows)).toEqual([
      { 'bin(1h)': '1970-01-01 00:00:00.000', n: '3600' },
      { 'bin(1h)': '1970-01-01 01:00:00.000', n: '3600' },
      { 'bin(1h)': '1970-01-01 02:00:00.000', n: '2800' },
    ]);
    expect(result.statistics.recordsScanned).toBe(10_000_000);
    expect(grown).toBeLessThan(200 * 1024 * 1024);
  }, 60_000);

  it('stops reading at the first event after the range', () => {
    let read = 0;
    function* generate(): Generator<QueryEvent> {
      for (let i = 0; ; i++) {
        read++;
        yield { timestamp: i * 1000, message: 'x' };
      }
    }
    const result = runQuery(parseQuery('stats count(*) as n'), generate(), {
      startMs: 5000,
      endMs: 9999,
    });
    expect(objects(result.rows)).toEqual([{ n: '5' }]);
    expect(read).toBe(11);
  });
});

describe('Logs Insights on the fake, through the SDK', () => {
  let fake: FakeCloudWatch | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function start(options: FakeCloudWatchOptions = {}) {
    fake = await startFakeCloudWatch({ groups: { app: { events: events() } }, ...options });
    const client = new CloudWatchLogsClient({
      endpoint: fake.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
    return { fake, client };
  }

  const input = (overrides: Partial<StartQueryCommandInput> = {}): StartQueryCommandInput => ({
    logGroupName: 'app',
    startTime: T0 / 1000,
    endTime: T0 / 1000 + 599,
    queryString: 'filter @message like /ERROR/ | stats count(*) as n',
    ...overrides,
  });

  it('answers Scheduled, then Complete with rows and statistics', async () => {
    const { fake, client } = await start();
    const { queryId } = await client.send(new StartQueryCommand(input()));
    expect(queryId).toEqual(expect.any(String));
    const first = await client.send(new GetQueryResultsCommand({ queryId }));
    expect(first).toMatchObject({ status: 'Scheduled', results: [] });
    const second = await client.send(new GetQueryResultsCommand({ queryId }));
    expect(second.status).toBe('Complete');
    expect(second.results).toEqual([[{ field: 'n', value: '20' }]]);
    expect(second.statistics).toEqual({
      recordsMatched: 20,
      recordsScanned: 60,
      bytesScanned: events().reduce((sum, e) => sum + Buffer.byteLength(e.message) + 30, 0),
    });
    expect(fake.queries).toEqual([
      {
        queryId,
        queryString: input().queryString,
        logGroups: ['app'],
        startTime: T0 / 1000,
        endTime: T0 / 1000 + 599,
        status: 'Complete',
        stopped: false,
      },
    ]);
  });

  it('includes both ends of the range in whole seconds', async () => {
    const { client } = await start({ insights: { pollsUntilComplete: 0 } });
    // Events at 10:00:10 and 10:00:20 are the ends of [10:00:10, 10:00:20.999].
    const { queryId } = await client.send(
      new StartQueryCommand(
        input({
          startTime: T0 / 1000 + 10,
          endTime: T0 / 1000 + 20,
          queryString: 'fields @message',
        }),
      ),
    );
    const output = await client.send(new GetQueryResultsCommand({ queryId }));
    expect(objects(output.results ?? []).map((r) => r['@message'])).toEqual([
      'INFO ok 1',
      'INFO ok 2',
    ]);
  });

  it('polls Scheduled, then Running, before Complete as configured', async () => {
    const { client } = await start({ insights: { pollsUntilComplete: 3 } });
    const { queryId } = await client.send(new StartQueryCommand(input()));
    const statuses: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await client.send(new GetQueryResultsCommand({ queryId }))).status);
    expect(statuses).toEqual(['Scheduled', 'Running', 'Running', 'Complete', 'Complete']);
  });

  it('merges several groups in time order and names the group in @log', async () => {
    const { client } = await start({
      groups: {
        a: { events: [{ timestamp: T0 + 2000, message: 'a2' }] },
        b: {
          events: () => [
            { timestamp: T0 + 1000, message: 'b1' },
            { timestamp: T0 + 3000, message: 'b3' },
          ],
        },
      },
      insights: { pollsUntilComplete: 0 },
    });
    const { queryId } = await client.send(
      new StartQueryCommand(
        input({
          logGroupName: undefined,
          logGroupIdentifiers: ['a', 'arn:aws:logs:us-east-1:123456789012:log-group:b'],
          queryString: 'fields @log, @message',
        }),
      ),
    );
    const output = await client.send(new GetQueryResultsCommand({ queryId }));
    expect(objects(output.results ?? []).map((r) => `${r['@log']}:${r['@message']}`)).toEqual([
      'b:b1',
      'a:a2',
      'b:b3',
    ]);
  });

  it('lets the limit parameter override the query limit', async () => {
    const { client } = await start({ insights: { pollsUntilComplete: 0 } });
    const { queryId } = await client.send(
      new StartQueryCommand(input({ queryString: 'fields @message | limit 2', limit: 5 })),
    );
    const output = await client.send(new GetQueryResultsCommand({ queryId }));
    expect(output.results).toHaveLength(5);
  });

  it('rejects malformed queries, unknown groups and bad parameters like the service', async () => {
    const { client, fake } = await start();
    const reject = (overrides: Partial<StartQueryCommandInput>) =>
      client.send(new StartQueryCommand(input(overrides)));
    await expect(reject({ queryString: 'stats frobnicate(x)' })).rejects.toMatchObject({
      name: 'MalformedQueryException',
      message: expect.stringMatching(/Unknown function 'frobnicate'/),
      $metadata: { httpStatusCode: 400 },
    });
    await expect(reject({ logGroupName: 'missing' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      reject({ queryString: 'fields @message' + ' '.repeat(10_000) }),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(reject({ limit: 10_001 })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(reject({ logGroupNames: ['app'] })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      client.send(new GetQueryResultsCommand({ queryId: 'nope' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(fake.queries).toHaveLength(0);
  });

  it('refuses a query beyond the concurrency limit until one finishes', async () => {
    const { client } = await start({
      insights: { maxConcurrentQueries: 2, pollsUntilComplete: 1 },
    });
    const first = await client.send(new StartQueryCommand(input()));
    await client.send(new StartQueryCommand(input()));
    await expect(client.send(new StartQueryCommand(input()))).rejects.toMatchObject({
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    await client.send(new GetQueryResultsCommand({ queryId: first.queryId }));
    await client.send(new GetQueryResultsCommand({ queryId: first.queryId })); // Complete
    await expect(client.send(new StartQueryCommand(input()))).resolves.toHaveProperty('queryId');
  });

  it('stops a running query once, and records it', async () => {
    const { client, fake } = await start({ insights: { neverComplete: true } });
    const { queryId } = await client.send(new StartQueryCommand(input()));
    for (let i = 0; i < 3; i++) await client.send(new GetQueryResultsCommand({ queryId }));
    expect(fake.queries[0].status).toBe('Running');
    await expect(client.send(new StopQueryCommand({ queryId }))).resolves.toMatchObject({
      success: true,
    });
    expect(fake.queries[0]).toMatchObject({ status: 'Cancelled', stopped: true });
    await expect(client.send(new GetQueryResultsCommand({ queryId }))).resolves.toMatchObject({
      status: 'Cancelled',
      results: [],
    });
    await expect(client.send(new StopQueryCommand({ queryId }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('ends Failed with fail, with no results', async () => {
    const { client } = await start({ insights: { fail: true } });
    const { queryId } = await client.send(new StartQueryCommand(input()));
    await client.send(new GetQueryResultsCommand({ queryId }));
    await expect(client.send(new GetQueryResultsCommand({ queryId }))).resolves.toMatchObject({
      status: 'Failed',
      results: [],
    });
  });
});
