/**
 * The action's run() in-process, as a runner drives it (INPUT_* variables, GITHUB_EVENT_PATH,
 * GITHUB_OUTPUT), against local fakes of CloudWatch Logs (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) and
 * GitHub (GITHUB_API_URL): the deployed range, the suspect commit, one sticky comment on each PR
 * that shipped, updated on a re-run, and a fork's read-only token that only warns.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkoutRegression } from '../../__fixtures__/scenarios.js';
import { run } from '../../src/main.js';
import { startFakeCloudWatch, type FakeCloudWatch } from '../fakes/cloudwatch.js';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../fakes/github.js';

const MINUTE = 60_000;
const deployedAt = Date.now() - 30 * MINUTE;
const sha = (n: number) => `${n}`.repeat(40);
const BASE = sha(1);
const DOCS = sha(2);
const CULPRIT = sha(3);
const HEAD = sha(4);

const logs = checkoutRegression(deployedAt);

const repository: FakeGitHubOptions = {
  commits: [
    { sha: BASE, message: 'Release 41' },
    {
      sha: DOCS,
      message: 'Docs: coupons',
      files: [
        { filename: 'docs/coupons.md', patch: '@@ -1 +1,2 @@\n+A coupon applies to the cart.' },
      ],
    },
    {
      sha: CULPRIT,
      message: 'Apply stacked coupons',
      files: [
        {
          filename: 'src/main/java/com/shop/checkout/CartService.java',
          patch:
            '@@ -136,4 +136,6 @@ public class CartService {\n-    return subtotal.minus(cart.coupon().discount());\n+    for (String code : cart.couponCodes()) {\n+      Coupon coupon = coupons.find(code);\n+      total = total.minus(coupon.discount());\n+    }',
        },
      ],
    },
    {
      sha: HEAD,
      message: 'CI: cache Maven',
      files: [
        {
          filename: '.github/workflows/ci.yml',
          patch: '@@ -1 +1,2 @@\n+      - uses: actions/cache@v4',
        },
      ],
    },
  ],
  pulls: {
    [DOCS]: [{ number: 10 }],
    [CULPRIT]: [{ number: 11 }],
    [HEAD]: [{ number: 12, merge_commit_sha: HEAD }],
  },
  comments: {
    12: Array.from({ length: 101 }, (_, i) => ({
      body: `review ${i}`,
      user: { login: 'reviewer', type: 'User' as const },
    })),
  },
};

let cloudwatch: FakeCloudWatch;
let workdir: string;
let github: FakeGitHub | undefined;
const saved = { ...process.env };

beforeAll(async () => {
  cloudwatch = await startFakeCloudWatch({ groups: { '/ecs/checkout': { events: logs } } });
  workdir = await mkdtemp(join(tmpdir(), 'aftershock-run-'));
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: cloudwatch.url,
  });
});

afterEach(async () => {
  await github?.close();
  github = undefined;
  process.exitCode = undefined;
});

afterAll(async () => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  await cloudwatch?.close();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

let runs = 0;

/** One run of the action; the runner's files and what it printed. */
async function runAction(eventName: string, payload: unknown, inputs: Record<string, string> = {}) {
  const dir = join(workdir, `run-${++runs}`);
  await mkdir(dir);
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
  };
  await Promise.all([
    writeFile(files.GITHUB_OUTPUT, ''),
    writeFile(files.GITHUB_STEP_SUMMARY, ''),
    writeFile(files.GITHUB_EVENT_PATH, JSON.stringify(payload)),
  ]);
  // @actions/core writes outputs and the summary where process.env says.
  Object.assign(process.env, files);
  const env: NodeJS.ProcessEnv = {
    ...files,
    RUNNER_TEMP: dir,
    GITHUB_EVENT_NAME: eventName,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: HEAD,
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_API_URL: github?.url,
    'INPUT_LOG-GROUPS': '/ecs/checkout',
    'INPUT_DEPLOYED-AT': new Date(deployedAt).toISOString(),
    INPUT_SOAK: '10m',
    INPUT_BASELINE: '1h',
    'INPUT_AWS-REGION': 'eu-west-1',
    'INPUT_GITHUB-TOKEN': 'ghs_faketoken0123456789',
    'INPUT_FAIL-ON': 'regression',
    INPUT_COMMENT: 'auto',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  let stdout = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await run(env);
  } finally {
    write.mockRestore();
  }
  const outputs: Record<string, string> = {};
  const text = await readFile(files.GITHUB_OUTPUT, 'utf8');
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]] = m[3];
  const report = JSON.parse(await readFile(outputs.report, 'utf8')) as Record<string, unknown>;
  return { outputs, stdout, report, exitCode: process.exitCode };
}

const push = { before: BASE, after: HEAD };

describe('run() with GitHub', () => {
  it('names the suspect and comments once on every PR that shipped; a re-run updates them', async () => {
    github = await startFakeGitHub(repository);
    const first = await runAction('push', push);

    expect(first.outputs.verdict).toBe('regression');
    expect(first.exitCode).toBe(1);
    expect(first.report.suspects).toEqual([
      expect.objectContaining({
        sha: CULPRIT,
        reason: expect.stringContaining('CartService.java'),
      }),
    ]);
    expect(first.report.pullRequests).toEqual([12, 11, 10]);
    expect(first.outputs['pr-number']).toBe('12');
    const ours = (pr: number) => github!.comments(pr).filter((c) => c.user.type === 'Bot');
    expect(first.outputs['comment-url']).toBe(ours(12)[0].html_url);
    for (const pr of [10, 11, 12]) {
      expect(ours(pr)).toHaveLength(1);
      expect(ours(pr)[0].body).toMatch(/^<!-- aftershock [0-9a-f]{16} -->\n### 🔴 Regression/);
      expect(ours(pr)[0].body).toContain('3333333');
    }
    expect(ours(12)[0].body).not.toContain('ghs_faketoken');
    await writeFile(join(tmpdir(), 'comment.md'), ours(12)[0].body);

    // The re-run reads a shorter soak, so its comment says something else.
    const second = await runAction('push', push, { soak: '9m' });
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url']);
    expect(github.comments(12)).toHaveLength(102);
    for (const pr of [10, 11, 12]) expect(ours(pr)).toHaveLength(1);
    expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(3);
    expect(ours(12)[0].body).toContain('9m after');
  });

  it('a fork PR’s read-only token: a warning naming the permission, and everything else', async () => {
    github = await startFakeGitHub({ ...repository, readOnly: true });
    const result = await runAction('pull_request', {
      pull_request: { number: 77, base: { sha: BASE }, head: { sha: HEAD } },
    });
    const warnings = result.stdout.split('\n').filter((line) => line.startsWith('::warning::'));
    expect(warnings.join('\n')).toMatch(
      /Could not comment on PR #77 \(403 Resource not accessible by integration\).*pull-requests: write/,
    );
    expect(result.outputs.verdict).toBe('regression');
    expect(result.outputs.summary).toMatch(/^regression: /);
    expect(result.outputs['pr-number']).toBe('77');
    expect(result.outputs['comment-url']).toBe('');
    expect(result.exitCode).toBe(1);
    expect(result.report.suspects).toEqual([expect.objectContaining({ sha: CULPRIT })]);
  });

  it('comment: off posts nothing; a number comments on that PR alone', async () => {
    github = await startFakeGitHub(repository);
    const off = await runAction('push', push, { comment: 'off' });
    expect(off.outputs['pr-number']).toBe('');
    expect(github.requests.some((r) => r.path.includes('/issues/'))).toBe(false);

    const forced = await runAction('push', push, { comment: '5' });
    expect(forced.outputs['pr-number']).toBe('5');
    expect(github.comments(5)).toHaveLength(1);
    expect(forced.outputs['comment-url']).toBe(github.comments(5)[0].html_url);
  });
});
