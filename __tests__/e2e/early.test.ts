/**
 * The bundled action's early verdict against the CloudWatch fake, where events become visible
 * only once their time has come: a deploy that throws a new exception is called a regression
 * minutes into its soak; a steady one is clean only once the soak and its grace have passed;
 * each look reads only the events it has not read.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCloudWatch, type FakeCloudWatch, type FakeEvent } from '../fakes/cloudwatch.js';
import { couponExceptions, steadyTimeouts } from '../../__fixtures__/scenarios.js';
import { ACTION, runBundledAction } from '../helpers/run-action.js';

const MINUTE = 60_000;

const steady = steadyTimeouts;
const exception = couponExceptions;

let workdir: string;
const fakes: FakeCloudWatch[] = [];

beforeAll(async () => {
  if (!existsSync(ACTION)) throw new Error('dist/index.js is missing: run "npm run package" first');
  workdir = await mkdtemp(join(tmpdir(), 'aftershock-early-'));
});

afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

async function run(deployedAt: number, events: FakeEvent[], inputs: Record<string, string> = {}) {
  const fake = await startFakeCloudWatch({
    groups: { '/ecs/api': { events: events.sort((a, b) => a.timestamp - b.timestamp) } },
    visibleAfterMs: 0,
  });
  fakes.push(fake);
  const started = Date.now();
  const result = await runBundledAction({
    workdir,
    endpoint: fake.url,
    deployedAt,
    inputs: { 'log-groups': '/ecs/api', ...inputs },
  });
  const report = JSON.parse(await readFile(result.outputs.report, 'utf8')) as {
    verdict: string;
    early?: { calledAfterMs: number; soakMs: number; looks: number };
    windows: { after: { start: string; end: string } };
  };
  /** The after window's reads: [startTime, endTime] of each first page (not the traces'). */
  const reads = fake.requests
    .filter((r) => r.operation === 'FilterLogEvents' && !r.body.nextToken && !r.body.logStreamNames)
    .map((r) => [r.body.startTime as number, r.body.endTime as number])
    .filter(([start]) => start >= deployedAt);
  return {
    result,
    report,
    reads,
    queries: fake.queries,
    seconds: (Date.now() - started) / 1000,
  };
}

describe('the early verdict of the bundled action', () => {
  it('calls a new exception at 20 a minute a regression within 4 minutes of a 10-minute soak', async () => {
    const deployedAt = Date.now() - 3.5 * MINUTE;
    const { result, report, seconds } = await run(deployedAt, [
      ...steady(deployedAt),
      ...exception(deployedAt, 20),
    ]);
    expect(result.code).toBe(1);
    expect(result.outputs.verdict).toBe('regression');
    expect(report.early?.soakMs).toBe(10 * MINUTE);
    expect(report.early!.calledAfterMs).toBeLessThanOrEqual(4 * MINUTE);
    // The report's after window ends where the call was made.
    expect(Date.parse(report.windows.after.end) - deployedAt).toBe(report.early!.calledAfterMs);
    expect(result.summary).toMatch(
      /\*\*Early verdict:\*\* called 2m\d*s? into the 10m soak: 0 → \d+/,
    );
    // It did not wait for the soak's end, six minutes away.
    expect(seconds).toBeLessThan(60);
  }, 90_000);

  it('makes the same early call when Logs Insights counts', async () => {
    const deployedAt = Date.now() - 3.5 * MINUTE;
    const events = [...steady(deployedAt), ...exception(deployedAt, 20)];
    const { result, report, reads, seconds, queries } = await run(deployedAt, events, {
      source: 'insights',
    });
    expect(result.outputs.verdict).toBe('regression');
    expect(report.early!.calledAfterMs).toBeLessThanOrEqual(4 * MINUTE);
    // Each look asked Insights for the after window's new events; no page was read.
    expect(reads).toEqual([]);
    const looks = queries.filter((query) => query.startTime * 1000 >= deployedAt - 1000);
    expect(looks.length).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(60);
  }, 90_000);

  it('calls a steady service clean only once the soak and its grace have passed, reading each event once', async () => {
    // The soak and its minute of grace end 12 seconds from now.
    const deployedAt = Date.now() - 11 * MINUTE + 12_000;
    const { result, report, reads, seconds } = await run(deployedAt, steady(deployedAt));
    expect(result.outputs.verdict).toBe('clean');
    expect(result.code).toBe(0);
    expect(report.early).toBeUndefined();
    expect(seconds).toBeGreaterThanOrEqual(11);
    // Two looks' reads of the after window that meet and do not overlap (end times inclusive).
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < reads.length; i++) expect(reads[i][0]).toBe(reads[i - 1][1] + 1);
    expect(reads[reads.length - 1][1]).toBe(deployedAt + 10 * MINUTE - 1);
  }, 90_000);

  it('still catches a new error that starts at minute 7', async () => {
    const deployedAt = Date.now() - 11 * MINUTE + 10_000;
    const { result, report } = await run(deployedAt, [
      ...steady(deployedAt),
      ...exception(deployedAt, 10, 7),
    ]);
    expect(result.outputs.verdict).toBe('regression');
    expect(report.early!.calledAfterMs).toBeGreaterThan(7 * MINUTE);
  }, 90_000);

  it('early-verdict: false reads the after window once, after the soak and its grace', async () => {
    const deployedAt = Date.now() - 11 * MINUTE + 8_000;
    const { result, report, reads, seconds } = await run(
      deployedAt,
      [...steady(deployedAt), ...exception(deployedAt, 20)],
      { 'early-verdict': 'false' },
    );
    expect(result.outputs.verdict).toBe('regression');
    expect(report.early).toBeUndefined();
    expect(seconds).toBeGreaterThanOrEqual(7);
    expect(reads).toEqual([[deployedAt, deployedAt + 10 * MINUTE - 1]]);
  }, 90_000);
});
