/**
 * The action against 500k error events in one log group (3 streams) served by the local fake of
 * CloudWatch Logs: wall time and peak RSS of the whole bundled action (`node dist/index.js`,
 * started as a runner starts it), next to the time the bare AWS SDK takes to page through the
 * same events under the same request pacing (5 requests/s), in the same run.
 * Usage: npm run bench:cloudwatch  (uses the committed dist/; EVENTS=... to change the count)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DEFAULT_FILTER_PATTERN } from '../src/config.js';
import { createRateLimiter, DEFAULT_REQUESTS_PER_SECOND } from '../src/sources/cloudwatch.js';
import { startFakeCloudWatch, type FakeEvent } from '../__tests__/fakes/cloudwatch.js';

const TOTAL = Number(process.env.EVENTS ?? 500_000);
const STREAMS = 3;
/** The service returns at most 10,000 events or 1 MB a page: about 5,000 events this size. */
const PAGE_SIZE = 5_000;
const GROUP = '/bench/api';
const MINUTE = 60_000;
const BASELINE_MS = 60 * MINUTE;
const SOAK_MS = 10 * MINUTE;
const TARGET_RATIO = 1.2;
const TARGET_RSS_MB = 200;

// The child that pages with the bare SDK reads the same windows from its parent.
const deployedAt =
  Number(process.env.BENCH_DEPLOYED_AT) || Math.floor((Date.now() - 30 * MINUTE) / 1000) * 1000;
const windows = [
  { start: deployedAt - BASELINE_MS, end: deployedAt },
  { start: deployedAt, end: deployedAt + SOAK_MS },
];

/** Child mode: the bare SDK pages through both windows; prints the events and milliseconds. */
if (process.argv[2] === '--sdk-only') {
  const client = new CloudWatchLogsClient({});
  const limiter = createRateLimiter(DEFAULT_REQUESTS_PER_SECOND);
  const started = performance.now();
  let events = 0;
  for (const window of windows) {
    let nextToken: string | undefined;
    do {
      await limiter.acquire();
      const page = await client.send(
        new FilterLogEventsCommand({
          logGroupName: GROUP,
          startTime: window.start,
          endTime: window.end - 1,
          filterPattern: DEFAULT_FILTER_PATTERN,
          nextToken,
        }),
      );
      events += page.events?.length ?? 0;
      nextToken = page.nextToken;
    } while (nextToken);
  }
  console.log(JSON.stringify({ events, ms: performance.now() - started }));
  process.exit(0);
}

/** Deterministic events, spread evenly over both windows, generated as they are paged. */
function* generate(): Iterable<FakeEvent> {
  const start = windows[0].start;
  const span = windows[1].end - start;
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < TOTAL; i++) {
    const timestamp = start + Math.floor((i * span) / TOTAL);
    const id = next().toString(16).padStart(8, '0');
    const ms = 100 + (next() % 5000);
    const kind = next() % 100;
    let message: string;
    if (timestamp >= deployedAt && kind < 8) {
      message = `ERROR CartService - java.lang.NullPointerException: coupon is null for cart ${id} (request ${i})`;
    } else if (kind < 45) {
      message = `2026-03-01T14:00:00Z ERROR PaymentClient - gateway timed out after ${ms}ms for order ${i} trace=${id}`;
    } else if (kind < 75) {
      message = `{"level":"error","msg":"upstream returned 503","service":"inventory","latency_ms":${ms},"request_id":"${id}"}`;
    } else if (kind < 95) {
      message = `ERROR [worker-${kind % 7}] job ${id} failed: connection reset by peer after ${ms}ms, retry ${kind % 3}`;
    } else {
      message = `Traceback (most recent call last): File "/app/handlers.py", line ${kind}, in handle KeyError: 'user_${id}'`;
    }
    yield { timestamp, message, logStream: `api/web/${i % STREAMS}` };
  }
}

interface Measured {
  code: number;
  wallMs: number;
  /** User and system CPU time: the work done, with no pacing waits in it. */
  cpuMs: number;
  peakRssMb: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time for its CPU time and peak RSS (maximum resident set size). */
async function measure(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  dir: string,
): Promise<Measured> {
  const timeFile = join(dir, `time-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, command, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  const wallMs = performance.now() - started;
  const [kilobytes, user, system] = (await readFile(timeFile, 'utf8'))
    .trim()
    .split('\n')
    .pop()!
    .split(' ')
    .map(Number);
  return { code, wallMs, cpuMs: (user + system) * 1000, peakRssMb: kilobytes / 1024, stdout };
}

const dir = await mkdtemp(join(tmpdir(), 'aftershock-bench-'));
const fake = await startFakeCloudWatch({
  // Every event is an error: the fake need not evaluate the pattern, the service would.
  groups: { [GROUP]: { events: generate, match: () => true } },
  pageSize: PAGE_SIZE,
});
const awsEnv = {
  PATH: process.env.PATH,
  HOME: dir,
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake-secret',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: fake.url,
  NODE_NO_WARNINGS: '1',
  BENCH_DEPLOYED_AT: String(deployedAt),
};

try {
  console.log(
    `${TOTAL.toLocaleString('en-US')} events, ${STREAMS} streams, pages of ${PAGE_SIZE.toLocaleString('en-US')}, ${DEFAULT_REQUESTS_PER_SECOND} requests/s`,
  );

  const sdk = await measure(
    process.execPath,
    ['--import', 'tsx', resolve('scripts/bench-cloudwatch.ts'), '--sdk-only'],
    awsEnv,
    dir,
  );
  const sdkResult = JSON.parse(sdk.stdout.trim().split('\n').pop() ?? '{}') as {
    events: number;
    ms: number;
  };
  const sdkRequests = fake.requests.length;
  fake.requests.length = 0;

  const outputFile = join(dir, 'output');
  const eventFile = join(dir, 'event.json');
  await writeFile(outputFile, '');
  await writeFile(eventFile, JSON.stringify({ after: 'abc1234' }));
  const action = await measure(
    process.execPath,
    [resolve('dist/index.js')],
    {
      ...awsEnv,
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: 'abc1234abc1234abc1234abc1234abc1234abcd',
      'INPUT_LOG-GROUPS': GROUP,
      'INPUT_DEPLOYED-AT': new Date(deployedAt).toISOString(),
      INPUT_SOAK: '10m',
      INPUT_BASELINE: '1h',
      'INPUT_FAIL-ON': '',
    },
    dir,
  );
  const report = JSON.parse(
    await readFile(join(dir, 'aftershock-report.json'), 'utf8').catch(() => '{}'),
  ) as { verdict?: string; events?: { baseline: number; after: number } };
  const actionEvents = (report.events?.baseline ?? 0) + (report.events?.after ?? 0);

  const ratio = action.wallMs / sdkResult.ms;
  const rows = [
    ['', 'events', 'requests', 'wall time', 'CPU time', 'peak RSS'],
    [
      'bare SDK paging',
      sdkResult.events.toLocaleString('en-US'),
      String(sdkRequests),
      `${(sdkResult.ms / 1000).toFixed(1)}s (process ${(sdk.wallMs / 1000).toFixed(1)}s)`,
      `${(sdk.cpuMs / 1000).toFixed(1)}s`,
      `${sdk.peakRssMb.toFixed(0)} MB`,
    ],
    [
      'action (node dist/index.js)',
      actionEvents.toLocaleString('en-US'),
      String(fake.requests.length),
      `${(action.wallMs / 1000).toFixed(1)}s`,
      `${(action.cpuMs / 1000).toFixed(1)}s`,
      `${action.peakRssMb.toFixed(0)} MB`,
    ],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  console.log(
    `verdict ${report.verdict ?? '(none)'}, exit ${action.code}; action / SDK paging: ${ratio.toFixed(2)}x (target ≤ ${TARGET_RATIO}x), peak RSS ${action.peakRssMb.toFixed(0)} MB (target ≤ ${TARGET_RSS_MB} MB)`,
  );
  // The SDK process runs under tsx, whose start costs CPU too: a floor on the high side.
  console.log(
    `CPU time, which no pacing hides: action / bare SDK ${(action.cpuMs / sdk.cpuMs).toFixed(2)}x (target ≤ ${TARGET_RATIO}x)`,
  );
  const ok =
    action.code === 0 &&
    actionEvents === TOTAL &&
    sdkResult.events === TOTAL &&
    ratio <= TARGET_RATIO &&
    action.peakRssMb <= TARGET_RSS_MB;
  if (!ok) {
    if (action.code !== 0) console.log(action.stdout.split('\n').slice(-15).join('\n'));
    process.exitCode = 1;
  }
} finally {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
}
