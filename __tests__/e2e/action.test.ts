/**
 * The bundled action, started the way a GitHub runner starts it: `node dist/index.js` with
 * INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_EVENT_PATH, reading a local
 * fake of CloudWatch Logs through AWS_ENDPOINT_URL_CLOUDWATCH_LOGS.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeCloudWatch, type FakeEvent } from '../fakes/cloudwatch.js';

const ACTION = resolve('dist/index.js');
const MINUTE = 60_000;
const deployedAt = Date.now() - 30 * MINUTE;

function events(
  from: number,
  to: number,
  perMinute: number,
  message: (i: number) => string,
): FakeEvent[] {
  const result: FakeEvent[] = [];
  const step = MINUTE / perMinute;
  for (let t = from, i = 0; t < to; t += step, i++)
    result.push({ timestamp: Math.floor(t), message: message(i) });
  return result;
}

const timeout = (i: number) =>
  `ERROR PaymentClient - gateway timed out after ${3000 + i}ms for order ${40000 + i}`;
const npe = (i: number) =>
  `ERROR CartService - java.lang.NullPointerException: coupon is null for cart ${i.toString(16).padStart(8, '0')}`;

const steady = events(deployedAt - 60 * MINUTE, deployedAt + 10 * MINUTE, 2, timeout);
const broken = [...steady, ...events(deployedAt + MINUTE, deployedAt + 10 * MINUTE, 5, npe)].sort(
  (a, b) => a.timestamp - b.timestamp,
);

let fake: Awaited<ReturnType<typeof startFakeCloudWatch>>;
let workdir: string;

beforeAll(async () => {
  if (!existsSync(ACTION)) throw new Error('dist/index.js is missing: run "npm run package" first');
  fake = await startFakeCloudWatch({
    groups: {
      '/ecs/steady': { events: steady },
      '/ecs/broken': { events: broken },
      '/ecs/forbidden': { error: 'AccessDenied' },
      '/ecs/missing': { error: 'ResourceNotFound' },
    },
    pageSize: 50,
  });
  workdir = await mkdtemp(join(tmpdir(), 'aftershock-action-'));
});

afterAll(async () => {
  await fake?.close();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

interface RunResult {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

let runs = 0;

async function runAction(inputs: Record<string, string>): Promise<RunResult> {
  const dir = join(workdir, `run-${++runs}`);
  await mkdir(dir);
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  const eventFile = join(dir, 'event.json');
  await Promise.all([
    writeFile(outputFile, ''),
    writeFile(summaryFile, ''),
    writeFile(eventFile, JSON.stringify({ after: 'abc1234' })),
  ]);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: workdir,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SHA: 'abc1234abc1234abc1234abc1234abc1234abcd',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: fake.url,
    'INPUT_FAIL-ON': 'regression',
    INPUT_SOAK: '10m',
    INPUT_BASELINE: '1h',
    'INPUT_DEPLOYED-AT': new Date(deployedAt).toISOString(),
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
  };
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((done) => {
    execFile(process.execPath, [ACTION], { env, timeout: 60_000 }, (error, out) => {
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: out });
    });
  });
  return {
    code,
    stdout,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1]] = match[3];
  return outputs;
}

describe('the bundled action', () => {
  it('fails a bad input with one line naming the input, the value and the valid forms', async () => {
    const result = await runAction({ 'log-groups': '/ecs/steady', soak: '10 minutes' });
    expect(result.code).toBe(1);
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toEqual([
      '::error::Invalid soak: "10 minutes". Expected a duration such as 90s, 10m, 1h or 1h30m.',
    ]);
    expect(result.stdout).not.toMatch(/\n\s+at /);
    expect(result.outputs).toEqual({});
  });

  it('says regression for a new exception, writes outputs, summary and report, and fails', async () => {
    const result = await runAction({ 'log-groups': '/ecs/broken' });
    expect(result.outputs.verdict).toBe('regression');
    expect(result.code).toBe(1);
    expect(result.outputs.summary).toMatch(/^regression: 1 new error signature/);
    expect(result.summary).toMatch(/^### 🔴 Regression/);
    expect(result.summary).toContain('NullPointerException');
    const report = JSON.parse(await readFile(result.outputs.report, 'utf8')) as {
      verdict: string;
      signatures: Array<{ status: string; before: number; after: number; logGroups: string[] }>;
    };
    expect(report.verdict).toBe('regression');
    const fresh = report.signatures.find((s) => s.status === 'new');
    expect(fresh).toMatchObject({ before: 0, logGroups: ['/ecs/broken'] });
    expect(fresh?.after).toBeGreaterThan(30);
  });

  it('says clean and passes when the rates hold', async () => {
    const result = await runAction({ 'log-groups': '/ecs/steady' });
    expect(result.outputs.verdict).toBe('clean');
    expect(result.code).toBe(0);
    expect(result.summary).toMatch(/^### 🟢 Clean/);
  });

  it('names a failing group in a warning and still gives the verdict of the others', async () => {
    const result = await runAction({ 'log-groups': '/ecs/broken\n/ecs/forbidden' });
    expect(result.outputs.verdict).toBe('regression');
    const warnings = result.stdout.split('\n').filter((line) => line.startsWith('::warning::'));
    expect(warnings.join('\n')).toContain('/ecs/forbidden');
    expect(warnings.join('\n')).toContain('logs:FilterLogEvents');
  });

  it('fails with the reason when no group can be read', async () => {
    const result = await runAction({ 'log-groups': '/ecs/missing', 'fail-on': '' });
    expect(result.code).toBe(1);
    expect(result.outputs.verdict).toBe('inconclusive');
    expect(result.stdout).toMatch(/::error::Could not read logs: .*\/ecs\/missing/);
  });
});
