/**
 * The gate, end to end: the bundled action as a runner starts it, against local fakes of
 * CloudWatch Logs and GitHub. Log lines carry every word of the report's fixed vocabularies as
 * the value of a credential-looking key (`token=regression`, `credentials: unchanged`); a real
 * regression must stay a regression in the outputs, the exit status, report.json and the PR
 * comment, and the words must not vanish from the text around them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KINDS, SOURCES, STATUSES, vocabularyRegression } from '../../__fixtures__/scenarios.js';
import { LEVELS } from '../../src/signatures/classify.js';
import { startFakeCloudWatch, type FakeCloudWatch } from '../fakes/cloudwatch.js';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github.js';
import { ACTION, runBundledAction } from '../helpers/run-action.js';

const MINUTE = 60_000;
const deployedAt = Date.now() - 30 * MINUTE;
const BASE = '1'.repeat(40);
const HEAD = '2'.repeat(40);

let cloudwatch: FakeCloudWatch;
let github: FakeGitHub;
let workdir: string;

beforeAll(async () => {
  if (!existsSync(ACTION)) throw new Error('dist/index.js is missing: run "npm run package" first');
  cloudwatch = await startFakeCloudWatch({
    groups: {
      '/ecs/checkout': {
        events: vocabularyRegression(deployedAt),
      },
    },
  });
  github = await startFakeGitHub({
    commits: [
      { sha: BASE, message: 'Release 41' },
      { sha: HEAD, message: 'Apply stacked coupons (token=clean)' },
    ],
    pulls: { [HEAD]: [{ number: 12, merge_commit_sha: HEAD }] },
  });
  workdir = await mkdtemp(join(tmpdir(), 'aftershock-gate-'));
});

afterAll(async () => {
  await cloudwatch?.close();
  await github?.close();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

describe('the gate of the bundled action', () => {
  it('keeps a regression a regression whatever words the logs hold as secret values', async () => {
    const result = await runBundledAction({
      workdir,
      endpoint: cloudwatch.url,
      deployedAt,
      inputs: { 'log-groups': '/ecs/checkout', 'github-token': 'ghs_faketoken0123456789abcdef' },
      event: { before: BASE, after: HEAD },
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_SHA: HEAD,
        GITHUB_WORKFLOW: 'Deploy',
      },
    });

    expect(result.code).toBe(1);
    expect(result.outputs.verdict).toBe('regression');
    expect(result.outputs.summary).toMatch(/^regression: /);
    expect(result.errors.join('\n')).toMatch(/Verdict regression is listed in fail-on/);

    const report = JSON.parse(await readFile(result.outputs.report, 'utf8')) as {
      verdict: string;
      analysis: { source: string };
      signatures: Array<{
        id: string;
        template: string;
        status: string;
        level: string;
        kind: string;
      }>;
    };
    expect(report.verdict).toBe('regression');
    expect(SOURCES).toContain(report.analysis.source);
    for (const signature of report.signatures) {
      expect(STATUSES).toContain(signature.status);
      expect(LEVELS as readonly string[]).toContain(signature.level);
      expect(KINDS).toContain(signature.kind);
      expect(signature.id).toMatch(/^[0-9a-f]{10}$/);
    }
    const fresh = report.signatures.find((s) => s.status === 'new');
    expect(fresh?.template).toContain('NullPointerException');
    // Plain words after a key are not credentials: they stay where they are.
    expect(fresh?.template).toContain('verdict=clean');

    const [comment] = github.comments(12);
    expect(comment.body).toMatch(
      /^(<!--[^\n]*-->\n)?### 🔴 Regression: new error after the deploy/m,
    );
    expect(comment.body).not.toContain('undefined');
    expect(result.summary).toMatch(/^### 🔴 Regression/);
    // The product's own words survive too.
    expect(comment.body).toContain('Aftershock');
  });
});
