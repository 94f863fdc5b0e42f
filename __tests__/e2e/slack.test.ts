/**
 * The bundled action with `slack-webhook-url`, against the CloudWatch Logs, GitHub and Slack
 * fakes: one Block Kit message that Slack accepts, with the verdict, the root error, its commit
 * and links to the comment, the run and CloudWatch; nothing in it pings or leaks; a failing
 * webhook is a warning and the verdict stands.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASCADE_COMMITS, CASCADE_REPOSITORY, MINUTE } from '../../__fixtures__/cascade.js';
import { hostileCascade, LEAKED_KEY } from '../../__fixtures__/scenarios.js';
import { startFakeCloudWatch, type FakeCloudWatch } from '../fakes/cloudwatch.js';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github.js';
import { startFakeSlack, WEBHOOK_PATH, type FakeSlack } from '../fakes/slack.js';
import { ACTION, runBundledAction } from '../helpers/run-action.js';

const deployedAt = Date.now() - 30 * MINUTE;
const PINGS = /<!channel>|<!here>|<!everyone>|<@U|<#C|<!subteam/;

const events = () => hostileCascade(deployedAt);

let cloudwatch: FakeCloudWatch;
let github: FakeGitHub;
let workdir: string;
const fakes: FakeSlack[] = [];

beforeAll(async () => {
  if (!existsSync(ACTION)) throw new Error('dist/index.js is missing: run "npm run package" first');
  cloudwatch = await startFakeCloudWatch({ groups: { '/ecs/api': { events: events() } } });
  github = await startFakeGitHub(CASCADE_REPOSITORY);
  workdir = await mkdtemp(join(tmpdir(), 'aftershock-slack-'));
});

afterAll(async () => {
  await Promise.all([cloudwatch?.close(), github?.close(), ...fakes.map((fake) => fake.close())]);
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

async function slack(options: Parameters<typeof startFakeSlack>[0] = {}): Promise<FakeSlack> {
  const fake = await startFakeSlack(options);
  fakes.push(fake);
  return fake;
}

function runWithWebhook(webhook: string) {
  return runBundledAction({
    workdir,
    endpoint: cloudwatch.url,
    deployedAt,
    inputs: {
      'log-groups': '/ecs/api',
      'github-token': 'ghs_faketoken0123456789abcdef',
      'slack-webhook-url': webhook,
    },
    event: { before: CASCADE_COMMITS.base, after: CASCADE_COMMITS.head },
    env: {
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'acme/api',
      GITHUB_SHA: CASCADE_COMMITS.head,
      GITHUB_WORKFLOW: 'Deploy',
      GITHUB_RUN_ID: '4242',
    },
  });
}

/** Every mrkdwn and plain text of the message, in order. */
function textsOf(blocks: Array<Record<string, unknown>>): string[] {
  return JSON.stringify(blocks)
    .match(/"text":"((?:[^"\\]|\\.)*)"/g)!
    .map((field) => JSON.parse(field.slice(7)) as string);
}

describe('the bundled action posts to Slack', () => {
  it('one message Slack accepts: verdict, root error, its commit, counts and the links', async () => {
    const fake = await slack();
    const result = await runWithWebhook(fake.url);
    expect(result.code).toBe(1);
    expect(result.outputs.verdict).toBe('regression');
    expect(fake.messages).toHaveLength(1);

    const { payload, raw } = fake.messages[0];
    const blocks = payload.blocks!;
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(payload.unfurl_links).toBe(false);
    const texts = textsOf(blocks);
    expect(texts[0]).toMatch(/^🔴 Regression: new error after the deploy/);
    const body = texts.join('\n');
    expect(body).toMatch(/\*Error:\* `FATAL ERROR: Reached heap limit Allocation failed/);
    expect(body).toContain(
      `*Likely cause:* <https://github.com/acme/api/commit/${CASCADE_COMMITS.culprit}|\`f67958d\`> Preview uploaded PDFs`,
    );
    expect(body).toMatch(/\*Chain:\* `[^`]*heap limit[^`]*` → /);
    expect(body).toMatch(/\*This error\*\n0 → 8 in 10m after vs 1h before/);

    const buttons = blocks.find((b) => b.type === 'actions')!.elements as Array<{ url: string }>;
    const urls = buttons.map((button) => button.url);
    expect(urls[0]).toBe(result.outputs['comment-url']);
    expect(urls).toContain('https://github.com/acme/api/actions/runs/4242');
    expect(urls.some((url) => url.startsWith('https://eu-west-1.console.aws.amazon.com/'))).toBe(
      true,
    );

    // The hostile line is listed, defused: no ping, no link, no secret, nothing formatted.
    expect(body).toMatch(/Login failed for &lt;!channel&gt; &lt;!here&gt; @\u200bhere/);
    expect(raw).not.toMatch(PINGS);
    expect(raw).not.toContain('<https://evil');
    expect(body).not.toContain('https://evil');
    expect(body).not.toMatch(/(?<![`ˋ])www\.evil/);
    expect(raw).not.toContain(LEAKED_KEY);
    expect(raw).not.toContain('ghs_faketoken');
    expect(raw).not.toContain(WEBHOOK_PATH);
    const report = JSON.parse(await readFile(result.outputs.report, 'utf8')) as {
      slack?: unknown;
    };
    expect(report.slack).toEqual({ posted: true });
  });

  it('a revoked webhook is a warning that names the fix, not the URL, and the verdict stands', async () => {
    const fake = await slack();
    const result = await runWithWebhook(fake.url.replace(WEBHOOK_PATH, '/services/T0/B0/revoked'));
    expect(result.code).toBe(1);
    expect(result.outputs.verdict).toBe('regression');
    const warning = result.warnings.find((line) => line.includes('Slack')) ?? '';
    expect(warning).toMatch(/Could not post to Slack: the webhook URL is not valid or was revoked/);
    // The runner hides the masked value everywhere; the add-mask command itself is not shown.
    const shown = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(shown.join('\n')).not.toContain('/services/T0/B0/revoked');
    expect(result.stdout).toContain('::add-mask::http://127.0.0.1:');
    expect(fake.messages).toHaveLength(0);
    const report = JSON.parse(await readFile(result.outputs.report, 'utf8')) as {
      slack?: { posted: boolean };
    };
    expect(report.slack?.posted).toBe(false);
  });

  it('an unreachable webhook is a warning too', async () => {
    const fake = await slack();
    await fake.close();
    const result = await runWithWebhook(fake.url);
    expect(result.outputs.verdict).toBe('regression');
    expect(result.code).toBe(1);
    expect(result.warnings.join('\n')).toMatch(
      /Could not post to Slack: the webhook could not be reached \(ECONNREFUSED\)/,
    );
  }, 30_000);
});
