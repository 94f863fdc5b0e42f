/**
 * The bundled action, started the way a GitHub runner starts it: `node dist/index.js` with
 * INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_EVENT_PATH, reading a local
 * fake of CloudWatch Logs through AWS_ENDPOINT_URL_CLOUDWATCH_LOGS.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { steadyAndBroken } from '../../__fixtures__/scenarios.js';
import { ACTION, runBundledAction } from '../helpers/run-action.js';
import { startFakeCloudWatch } from '../fakes/cloudwatch.js';

const MINUTE = 60_000;
const deployedAt = Date.now() - 30 * MINUTE;

const { steady, broken } = steadyAndBroken(deployedAt);

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

  it('sets the outputs and fails on the verdict even when report.json cannot be written', async () => {
    const result = await runBundledAction({
      workdir,
      endpoint: fake.url,
      deployedAt,
      inputs: { 'log-groups': '/ecs/broken' },
      env: { RUNNER_TEMP: join(workdir, 'no-such-folder') },
    });
    expect(result.outputs.verdict).toBe('regression');
    expect(result.outputs.summary).toMatch(/^regression: /);
    expect(result.outputs.report).toBe('');
    expect(result.warnings.join('\n')).toMatch(/Could not write report\.json to .*no-such-folder/);
    expect(result.code).toBe(1);
    expect(result.errors).toEqual([
      expect.stringMatching(/^::error::Verdict regression is listed in fail-on/),
    ]);
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
    // Said once, not wrapped in itself.
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].match(/Could not read logs/g)).toHaveLength(1);
  });
});

function runAction(inputs: Record<string, string>) {
  return runBundledAction({ workdir, endpoint: fake.url, deployedAt, inputs });
}
