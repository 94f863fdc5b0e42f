/**
 * The bundled action (`node dist/index.js`, started as a runner starts it) against the local fake
 * of CloudWatch Logs: the faults of a real account, each named in the job's log, and the paging
 * quirks of the service (throttling, empty pages, ARNs, several streams).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyService, paymentIncident } from '../../__fixtures__/scenarios.js';
import { ACTION, runBundledAction } from '../helpers/run-action.js';
import {
  startFakeCloudWatch,
  type FakeCloudWatch,
  type FakeCloudWatchOptions,
} from '../fakes/cloudwatch.js';

const MINUTE = 60_000;
const deployedAt = Date.now() - 30 * MINUTE;

const incident = () => paymentIncident(deployedAt);
const busy = () => busyService(deployedAt);

let workdir: string;
const fakes: FakeCloudWatch[] = [];

beforeAll(async () => {
  if (!existsSync(ACTION)) throw new Error('dist/index.js is missing: run "npm run package" first');
  workdir = await mkdtemp(join(tmpdir(), 'aftershock-cloudwatch-'));
});

afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

async function fake(options: FakeCloudWatchOptions): Promise<FakeCloudWatch> {
  const started = await startFakeCloudWatch(options);
  fakes.push(started);
  return started;
}

describe('the bundled action on CloudWatch Logs faults', () => {
  it('names every failing group with what to fix, and fails when none can be read', async () => {
    const cw = await fake({
      groups: {
        '/ecs/forbidden': { error: 'AccessDenied' },
        '/ecs/expired': { error: 'ExpiredToken' },
        '/ecs/other-region': { error: 'UnrecognizedClient' },
      },
    });
    const result = await runAction(cw.url, {
      'log-groups': '/ecs/forbidden, /ecs/expired, /ecs/other-region, /ecs/missing',
    });
    expect(result.code).toBe(1);
    expect(result.outputs.verdict).toBe('inconclusive');
    const warning = (group: string) => result.warnings.find((line) => line.includes(group)) ?? '';
    expect(warning('/ecs/forbidden')).toContain('logs:FilterLogEvents');
    expect(warning('/ecs/expired')).toContain('aws-actions/configure-aws-credentials');
    expect(warning('/ecs/other-region')).toContain('aws-actions/configure-aws-credentials');
    expect(warning('/ecs/missing')).toMatch(/not found in region eu-west-1.*aws-region/);
    expect(result.errors.join('\n')).toMatch(/Could not read logs/);
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });

  it('points at the filter-pattern input when CloudWatch rejects the pattern', async () => {
    const cw = await fake({ groups: { '/ecs/api': { error: 'InvalidFilterPattern' } } });
    const result = await runAction(cw.url, {
      'log-groups': '/ecs/api',
      'filter-pattern': '"oops',
    });
    expect(result.code).toBe(1);
    expect(result.warnings.join('\n')).toMatch(/\/ecs\/api.*filter-pattern input/);
    expect(cw.requests[0].body.filterPattern).toBe('"oops');
  });

  it('keeps the verdict of the readable groups when one fails', async () => {
    const cw = await fake({
      groups: { '/ecs/api': { events: incident() }, '/ecs/forbidden': { error: 'AccessDenied' } },
    });
    const result = await runAction(cw.url, { 'log-groups': '/ecs/api\n/ecs/forbidden' });
    expect(result.outputs.verdict).toBe('regression');
    expect(result.warnings.join('\n')).toMatch(/\/ecs\/forbidden.*logs:FilterLogEvents/);
  });
});

describe('the bundled action on the paging of the service', () => {
  it('reads through throttling, empty pages, an ARN and several streams', async () => {
    const events = incident();
    const cw = await fake({
      groups: { '/ecs/api': { events } },
      pageSize: 40,
      emptyPages: 1,
      throttleFirst: 2,
      region: 'eu-west-1',
    });
    const arn = 'arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/api:*';
    const result = await runAction(cw.url, { 'log-groups': arn, 'fail-on': '' });
    expect(result.code).toBe(0);
    expect(result.outputs.verdict).toBe('regression');
    const report = JSON.parse(await readFile(result.outputs.report, 'utf8')) as {
      events: { baseline: number; after: number };
    };
    expect(report.events.baseline + report.events.after).toBe(events.length);
    const reads = cw.requests.filter((request) => request.operation === 'FilterLogEvents');
    expect(reads.every((request) => request.body.logGroupIdentifier === arn.slice(0, -2))).toBe(
      true,
    );
    expect(reads.some((request) => request.body.nextToken === undefined)).toBe(true);
  });
});

interface CountedReport {
  verdict: string;
  events: { baseline: number; after: number };
  signatures: Array<{ id: string; before: number; after: number; status: string }>;
  sources: {
    paths: Array<{ source: string; path: string; reason: string }>;
    scanned?: { bytesScanned: number; queries: number };
  };
  notes: string[];
}

describe('the bundled action counting with Logs Insights', () => {
  it('gives the verdict, signatures and counts of paging, and shows what it scanned', async () => {
    const cw = await fake({ groups: { '/ecs/api': { events: busy() } } });
    const paged = await runAction(cw.url, { 'log-groups': '/ecs/api', source: 'filter' });
    const pagedRequests = cw.requests.length;
    const counted = await runAction(cw.url, { 'log-groups': '/ecs/api', source: 'insights' });
    const read = async (run: typeof paged) =>
      JSON.parse(await readFile(run.outputs.report, 'utf8')) as CountedReport;
    const [byPaging, byInsights] = [await read(paged), await read(counted)];
    expect(byInsights.verdict).toBe('regression');
    expect(byInsights.verdict).toBe(byPaging.verdict);
    expect(byInsights.events).toEqual(byPaging.events);
    const counts = (report: CountedReport) =>
      report.signatures.map(({ id, before, after, status }) => ({ id, before, after, status }));
    expect(counts(byInsights)).toEqual(counts(byPaging));
    expect(byInsights.sources.paths).toEqual([
      { source: '/ecs/api', path: 'insights', reason: 'source: insights' },
    ]);
    expect(byInsights.notes).toContain('/ecs/api: counted by Logs Insights (source: insights)');
    expect(byInsights.sources.scanned?.bytesScanned).toBeGreaterThan(0);
    expect(counted.summary).toMatch(/\d\.\d MB scanned by Logs Insights, (<\$0\.0001|\$0\.\d{4})/);
    // The service counted: a count query ran, and no window was paged (the lines around the
    // flagged example are still read from its stream).
    const pages = cw.requests
      .slice(pagedRequests)
      .filter((request) => request.operation === 'FilterLogEvents');
    expect(pages.every((request) => Array.isArray(request.body.logStreamNames))).toBe(true);
    expect(cw.queries.some((query) => query.queryString.includes('| parse line'))).toBe(true);
  });

  it('with source auto, pages when the role may not run Insights queries, and says why', async () => {
    const cw = await fake({
      groups: { '/ecs/api': { events: incident() } },
      insights: { error: 'AccessDenied' },
    });
    const result = await runAction(cw.url, { 'log-groups': '/ecs/api', 'fail-on': '' });
    expect(result.outputs.verdict).toBe('regression');
    const report = JSON.parse(await readFile(result.outputs.report, 'utf8')) as CountedReport;
    expect(report.sources.paths[0]).toMatchObject({ source: '/ecs/api', path: 'filter' });
    const note = report.notes.find((line) => line.startsWith('/ecs/api: paged')) ?? '';
    expect(note).toMatch(/source: auto, Logs Insights could not count the baseline/);
    expect(note).toContain('logs:StartQuery, logs:GetQueryResults, logs:StopQuery');
  });
});

function runAction(endpoint: string, inputs: Record<string, string>) {
  return runBundledAction({ workdir, endpoint, deployedAt, inputs });
}
