/**
 * The action's run() in-process against the CloudWatch Logs and GitHub fakes, on the failures
 * users read: a new exception under a log message that used to carry another, an uncaught error
 * whose message holds a level word, and a flood of INFO lines that the filter selects.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { namedFailures } from '../../__fixtures__/scenarios.js';
import { run } from '../../src/main.js';
import { startFakeCloudWatch, type FakeCloudWatch } from '../fakes/cloudwatch.js';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../fakes/github.js';

const MINUTE = 60_000;
const deployedAt = Date.now() - 30 * MINUTE;
const sha = (n: number) => `${n}`.repeat(40);
const BASE = sha(1);
const DECOY = sha(2);
const CULPRIT = sha(3);
const HEAD = sha(4);

const groups = namedFailures(deployedAt);

const repository: FakeGitHubOptions = {
  commits: [
    { sha: BASE, message: 'Release 41' },
    {
      sha: DECOY,
      message: 'Gateway: longer timeout',
      files: [
        {
          filename: 'src/main/java/com/shop/payments/GatewayClient.java',
          patch:
            '@@ -20,3 +20,3 @@\n-    private static final int TIMEOUT = 3000;\n+    private static final int TIMEOUT = 5000;',
        },
      ],
    },
    {
      sha: CULPRIT,
      message: 'Charge the saved card',
      files: [
        {
          filename: 'src/main/java/com/shop/checkout/CheckoutService.java',
          patch:
            '@@ -98,4 +98,5 @@ public class CheckoutService {\n-    return gateway.charge(order.card(), total);\n+    Card card = wallet.defaultCard(order.customer());\n+    return gateway.charge(card.token(), total);',
        },
      ],
    },
    { sha: HEAD, message: 'CI: cache Maven' },
  ],
  pulls: { [HEAD]: [{ number: 12, merge_commit_sha: HEAD }] },
};

let cloudwatch: FakeCloudWatch;
let workdir: string;
let github: FakeGitHub;
const saved = { ...process.env };

beforeAll(async () => {
  cloudwatch = await startFakeCloudWatch({
    groups: Object.fromEntries(
      Object.entries(groups).map(([name, list]) => [
        name,
        { events: list.sort((a, b) => a.timestamp - b.timestamp) },
      ]),
    ),
  });
  github = await startFakeGitHub(repository);
  workdir = await mkdtemp(join(tmpdir(), 'aftershock-failures-'));
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: cloudwatch.url,
  });
});

afterEach(() => {
  process.exitCode = undefined;
});

afterAll(async () => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  await cloudwatch?.close();
  await github?.close();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

let runs = 0;

interface Signature {
  id: string;
  template: string;
  level: string;
  status: string;
}

async function runAction(logGroup: string) {
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
    writeFile(files.GITHUB_EVENT_PATH, JSON.stringify({ before: BASE, after: HEAD })),
  ]);
  Object.assign(process.env, files);
  const env: NodeJS.ProcessEnv = {
    ...files,
    RUNNER_TEMP: dir,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: HEAD,
    GITHUB_API_URL: github.url,
    'INPUT_LOG-GROUPS': logGroup,
    'INPUT_DEPLOYED-AT': new Date(deployedAt).toISOString(),
    INPUT_SOAK: '10m',
    INPUT_BASELINE: '1h',
    'INPUT_AWS-REGION': 'eu-west-1',
    'INPUT_GITHUB-TOKEN': 'ghs_faketoken0123456789',
    'INPUT_FAIL-ON': 'regression',
    INPUT_COMMENT: 'off',
  };
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await run(env);
  } finally {
    write.mockRestore();
  }
  const text = await readFile(files.GITHUB_OUTPUT, 'utf8');
  const outputs: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]] = m[3];
  const report = JSON.parse(await readFile(outputs.report, 'utf8')) as {
    verdict: string;
    signatures: Signature[];
    suspects: { sha: string }[];
  };
  return { outputs, report, exitCode: process.exitCode };
}

describe('signatures that name the error, end to end', () => {
  it('a NullPointerException under a message that carried a TimeoutException is a regression, culprit first', async () => {
    const { report, exitCode } = await runAction('/ecs/java');

    expect(report.verdict).toBe('regression');
    expect(exitCode).toBe(1);
    const [first, ...rest] = report.signatures;
    expect(first).toMatchObject({ status: 'new', level: 'error' });
    expect(first.template).toContain('Request failed for /api/checkout');
    expect(first.template).toContain('java.lang.NullPointerException');
    const timeout = rest.find((s) => s.template.includes('TimeoutException'));
    expect(timeout).toMatchObject({ status: 'unchanged' });
    expect(report.suspects[0].sha).toBe(CULPRIT);
  });

  it("an uncaught TypeError reading 'info' is an error, and a regression", async () => {
    const { report, exitCode } = await runAction('/ecs/node');

    expect(report.verdict).toBe('regression');
    expect(exitCode).toBe(1);
    expect(report.signatures[0]).toMatchObject({ status: 'new', level: 'error' });
    expect(report.signatures[0].template).toMatch(/^TypeError: Cannot read properties/);
  });

  it('a flood of new INFO lines that mention timeouts is clean', async () => {
    const { report, exitCode } = await runAction('/ecs/info');

    expect(report.verdict).toBe('clean');
    expect(exitCode).toBeFalsy();
    const info = report.signatures.find((s) => s.template.includes('negotiated timeout'));
    expect(info).toMatchObject({ level: 'info', status: 'unchanged' });
    expect(report.signatures.every((s) => s.template.trim() !== '')).toBe(true);
  });
});
