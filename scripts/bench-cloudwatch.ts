/**
 * The action against 500k error events in one log group (3 streams) served by the local fake of
 * CloudWatch Logs: wall time and peak RSS of the whole bundled action (`node dist/index.js`,
 * started as a runner starts it) paging with FilterLogEvents, next to the time the bare AWS SDK
 * takes to page through the same events under the same request pacing (5 requests/s), in the
 * same run, bundled as the action is (scripts/lib/sdk-paging.ts); the pacing hides the work in
 * the wall time, so the CPU time is the figure to compare. Then the action counting with Logs
 * Insights (`source: insights`) on the same 500k events, whose counts must agree with paging's
 * within 1% per signature, and on 100k to 10M events, whose CPU time and peak RSS must stay
 * within 2x of each other.
 * Usage: npm run bench:cloudwatch  (uses the committed dist/; EVENTS=... to change the paged
 * count, INSIGHTS_EVENTS=100000,1000000 for the Insights rows)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from '../src/compare/stats.js';
import { DEFAULT_FILTER_PATTERN } from '../src/config.js';
import { DEFAULT_REQUESTS_PER_SECOND } from '../src/sources/cloudwatch.js';
import { startFakeCloudWatch, type FakeEvent } from '../__tests__/fakes/cloudwatch.js';

const TOTAL = Number(process.env.EVENTS ?? 500_000);
const INSIGHTS_TOTALS = (process.env.INSIGHTS_EVENTS ?? '100000,1000000,10000000')
  .split(',')
  .map(Number);
const TARGET_FLAT = 2;
const TARGET_AGREEMENT = 0.01;
const STREAMS = 3;
/** The service returns at most 10,000 events or 1 MB a page: about 5,000 events this size. */
const PAGE_SIZE = 5_000;
const GROUP = '/bench/api';
const MINUTE = 60_000;
const BASELINE_MS = 60 * MINUTE;
const SOAK_MS = 10 * MINUTE;
const TARGET_RATIO = 1.2;
const TARGET_RSS_MB = 200;
/** How many times the bare SDK and the action page through the events, in turns. */
const PAGING_RUNS = Number(process.env.RUNS ?? 3);

/** Each figure of the runs' measures, the median of its own; the exit code the worst. */
function medianOf(runs: Measured[]): Measured {
  return {
    code: runs.find((run) => run.code !== 0)?.code ?? 0,
    wallMs: median(runs.map((run) => run.wallMs)),
    cpuMs: median(runs.map((run) => run.cpuMs)),
    peakRssMb: median(runs.map((run) => run.peakRssMb)),
    stdout: runs[0].stdout,
  };
}

const deployedAt = Math.floor((Date.now() - 30 * MINUTE) / 1000) * 1000;
const windows = [
  { start: deployedAt - BASELINE_MS, end: deployedAt },
  { start: deployedAt, end: deployedAt + SOAK_MS },
];

/** Deterministic events, spread evenly over both windows, generated as they are read. */
function* generate(total: number): Iterable<FakeEvent> {
  const start = windows[0].start;
  const span = windows[1].end - start;
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < total; i++) {
    const timestamp = start + Math.floor((i * span) / total);
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

interface BenchReport {
  verdict?: string;
  events?: { baseline: number; after: number };
  signatures?: Array<{ id: string; before: number; after: number }>;
  sources?: { scanned?: { bytesScanned: number; queries: number } };
}

interface Run {
  measured: Measured;
  report: BenchReport;
}

const eventsOf = (report: BenchReport) =>
  (report.events?.baseline ?? 0) + (report.events?.after ?? 0);

let runs = 0;

/** The bundled action on the fake at `url`, as a runner starts it. */
async function runAction(source: 'filter' | 'insights', url: string): Promise<Run> {
  const runDir = join(dir, `run-${++runs}`);
  await mkdir(runDir);
  const outputFile = join(runDir, 'output');
  const eventFile = join(runDir, 'event.json');
  await writeFile(outputFile, '');
  await writeFile(eventFile, JSON.stringify({ after: 'abc1234' }));
  const measured = await measure(
    process.execPath,
    [resolve('dist/index.js')],
    {
      ...awsEnv,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: url,
      RUNNER_TEMP: runDir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: 'abc1234abc1234abc1234abc1234abc1234abcd',
      'INPUT_LOG-GROUPS': GROUP,
      'INPUT_DEPLOYED-AT': new Date(deployedAt).toISOString(),
      INPUT_SOAK: '10m',
      INPUT_BASELINE: '1h',
      'INPUT_FAIL-ON': '',
      INPUT_SOURCE: source,
    },
    runDir,
  );
  const report = JSON.parse(
    await readFile(join(runDir, 'aftershock-report.json'), 'utf8').catch(() => '{}'),
  ) as BenchReport;
  return { measured, report };
}

function row(label: string, run: Run, requests: number): string[] {
  const scanned = run.report.sources?.scanned;
  return [
    label,
    eventsOf(run.report).toLocaleString('en-US'),
    String(requests),
    `${(run.measured.wallMs / 1000).toFixed(1)}s`,
    `${(run.measured.cpuMs / 1000).toFixed(1)}s`,
    `${run.measured.peakRssMb.toFixed(0)} MB`,
    scanned ? `${(scanned.bytesScanned / 1e9).toFixed(2)} GB in ${scanned.queries} queries` : '',
  ];
}

/** The signature whose counts differ most, as a share of its events on the paging path. */
function worstDisagreement(
  paged: BenchReport,
  counted: BenchReport,
): { id: string; share: number } {
  const other = new Map((counted.signatures ?? []).map((s) => [s.id, s]));
  let worst = { id: '(none)', share: 0 };
  for (const signature of paged.signatures ?? []) {
    const found = other.get(signature.id);
    const total = signature.before + signature.after;
    const off = found
      ? Math.abs(found.before - signature.before) + Math.abs(found.after - signature.after)
      : total;
    const share = total > 0 ? off / total : 0;
    if (share > worst.share) worst = { id: signature.id, share };
  }
  if (
    (counted.signatures ?? []).some((s) => !(paged.signatures ?? []).some((p) => p.id === s.id))
  ) {
    worst = { id: 'a signature paging does not have', share: Math.max(worst.share, 1) };
  }
  return worst;
}

const dir = await mkdtemp(join(tmpdir(), 'aftershock-bench-'));
const fake = await startFakeCloudWatch({
  // Every event is an error: the fake need not evaluate the pattern, the service would.
  groups: { [GROUP]: { events: () => generate(TOTAL), match: () => true } },
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
};

/**
 * The bare SDK's paging (scripts/lib/sdk-paging.ts), bundled as the action is: both start as
 * plain node on one file, with no compiler in the measured process.
 */
function bundleSdkPaging(): string {
  const out = join(dir, 'sdk-paging');
  const built = spawnSync(
    resolve('node_modules/.bin/ncc'),
    ['build', resolve('scripts/lib/sdk-paging.ts'), '-o', out, '-q', '--transpile-only'],
    { encoding: 'utf8' },
  );
  if (built.status !== 0)
    throw new Error(`could not bundle the bare SDK's paging: ${built.stderr}`);
  return join(out, 'index.js');
}
const sdkPaging = bundleSdkPaging();
const sdkEnv = {
  ...awsEnv,
  BENCH_GROUP: GROUP,
  BENCH_WINDOWS: JSON.stringify(windows),
  BENCH_FILTER_PATTERN: DEFAULT_FILTER_PATTERN,
};

try {
  console.log(
    `${TOTAL.toLocaleString('en-US')} events, ${STREAMS} streams, pages of ${PAGE_SIZE.toLocaleString('en-US')}, ${DEFAULT_REQUESTS_PER_SECOND} requests/s`,
  );

  // The pair runs PAGING_RUNS times in turns; each figure is the median of its runs, as the
  // time a shared machine gives a process varies from run to run.
  const sdkRuns: Array<{ measured: Measured; events: number; ms: number; requests: number }> = [];
  const pagedRuns: Array<Run & { requests: number }> = [];
  for (let i = 0; i < PAGING_RUNS; i++) {
    fake.requests.length = 0;
    const measured = await measure(process.execPath, [sdkPaging], sdkEnv, dir);
    const result = JSON.parse(measured.stdout.trim().split('\n').pop() ?? '{}') as {
      events: number;
      ms: number;
    };
    sdkRuns.push({ measured, ...result, requests: fake.requests.length });
    fake.requests.length = 0;
    const run = await runAction('filter', fake.url);
    pagedRuns.push({ ...run, requests: fake.requests.length });
  }
  const sdk = medianOf(sdkRuns.map((run) => run.measured));
  const sdkResult = {
    events: Math.min(...sdkRuns.map((run) => run.events)),
    ms: median(sdkRuns.map((run) => run.ms)),
  };
  const sdkRequests = sdkRuns[0].requests;
  const paged = { ...pagedRuns[0], measured: medianOf(pagedRuns.map((run) => run.measured)) };
  const pagedRequests = pagedRuns[0].requests;
  const action = paged.measured;
  const actionEvents = Math.min(...pagedRuns.map((run) => eventsOf(run.report)));

  const ratio = action.wallMs / sdkResult.ms;
  const rows = [
    [
      `median of ${PAGING_RUNS}`,
      'events',
      'requests',
      'wall time',
      'CPU time',
      'peak RSS',
      'scanned',
    ],
    [
      'bare SDK paging',
      sdkResult.events.toLocaleString('en-US'),
      String(sdkRequests),
      `${(sdkResult.ms / 1000).toFixed(1)}s (process ${(sdk.wallMs / 1000).toFixed(1)}s)`,
      `${(sdk.cpuMs / 1000).toFixed(1)}s`,
      `${sdk.peakRssMb.toFixed(0)} MB`,
      '',
    ],
    row('action, source: filter', paged, pagedRequests),
  ];

  // Logs Insights on the same events: each signature's counts against paging's.
  fake.requests.length = 0;
  const counted = await runAction('insights', fake.url);
  rows.push(row('action, source: insights', counted, fake.requests.length));
  const disagreement = worstDisagreement(paged.report, counted.report);

  // Logs Insights from 100k to 10M events: CPU time and memory stay flat.
  const scale: Run[] = [];
  for (const total of INSIGHTS_TOTALS) {
    const big = await startFakeCloudWatch({
      groups: { [GROUP]: { events: () => generate(total), match: () => true } },
    });
    try {
      const run = await runAction('insights', big.url);
      scale.push(run);
      rows.push(row(`action, source: insights`, run, big.requests.length));
    } finally {
      await big.close();
    }
  }

  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  console.log(
    `verdict ${paged.report.verdict ?? '(none)'}, exit ${action.code}; action / SDK paging: ${ratio.toFixed(2)}x (target ≤ ${TARGET_RATIO}x), peak RSS ${action.peakRssMb.toFixed(0)} MB (target ≤ ${TARGET_RSS_MB} MB)`,
  );
  console.log(
    `CPU time, which no pacing hides: action / bare SDK ${(action.cpuMs / sdk.cpuMs).toFixed(2)}x (target ≤ ${TARGET_RATIO}x)`,
  );
  console.log(
    `Logs Insights against paging on the same events: verdict ${counted.report.verdict ?? '(none)'}, worst signature off by ${(disagreement.share * 100).toFixed(2)}% (${disagreement.id}; target ≤ ${TARGET_AGREEMENT * 100}%)`,
  );
  const spread = (values: number[]) => Math.max(...values) / Math.min(...values);
  const cpuSpread = spread(scale.map((run) => run.measured.cpuMs));
  const rssSpread = spread(scale.map((run) => run.measured.peakRssMb));
  console.log(
    `Logs Insights from ${INSIGHTS_TOTALS[0].toLocaleString('en-US')} to ${INSIGHTS_TOTALS.at(-1)!.toLocaleString('en-US')} events: CPU time within ${cpuSpread.toFixed(2)}x, peak RSS within ${rssSpread.toFixed(2)}x (target ≤ ${TARGET_FLAT}x)`,
  );
  const ok =
    action.code === 0 &&
    actionEvents === TOTAL &&
    sdkResult.events === TOTAL &&
    ratio <= TARGET_RATIO &&
    action.peakRssMb <= TARGET_RSS_MB &&
    counted.measured.code === 0 &&
    counted.report.verdict === paged.report.verdict &&
    disagreement.share <= TARGET_AGREEMENT &&
    scale.every((run, i) => eventsOf(run.report) === INSIGHTS_TOTALS[i]) &&
    cpuSpread <= TARGET_FLAT &&
    rssSpread <= TARGET_FLAT;
  if (!ok) {
    for (const run of [paged, counted, ...scale]) {
      if (run.measured.code !== 0)
        console.log(run.measured.stdout.split('\n').slice(-15).join('\n'));
    }
    process.exitCode = 1;
  }
} finally {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
}
