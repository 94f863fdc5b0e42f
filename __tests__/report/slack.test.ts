import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Report } from '../../src/report/index.js';
import { postToSlack, slackMessage } from '../../src/report/index.js';
import { SLACK_LIMITS, slackEscape } from '../../src/report/slack-message.js';
import { blockKitProblem, startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { report, signature } from '../helpers/report.js';
import { runCli } from '../helpers/cli.js';

const PINGS = /<!channel>|<!here>|<!everyone>|<@[UW]|<#C|<!subteam/;
/** The only `<…|…>` sequences a message may hold: links we made, to GitHub and the console. */
const OUR_LINK =
  /^<https:\/\/(github\.com\/acme\/shop\/commit\/[0-9a-f]{40}|[a-z0-9-]+\.console\.aws\.amazon\.com\/)/;

function texts(message: ReturnType<typeof slackMessage>): string[] {
  const found: string[] = [message.text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'text' && typeof inner === 'string') found.push(inner);
        else walk(inner);
      }
    }
  };
  walk(message.blocks);
  return found;
}

const HOSTILE = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U024BE7LH>',
  '<#C024BE7LR>',
  '<!subteam^SAZ94GDB8>',
  '<https://evil.example|click>',
  '@channel',
  'http://evil.example/a',
  'www.evil.example',
  'evil.example/reset',
  '`',
  '```',
  '*bold*',
  '_it_',
  '~s~',
  '&lt;!channel&gt;',
  '&',
  '>',
  '\n',
  'AKIAIOSFODNN7EXAMPLE',
  'hunter2-secret-value',
  '🔥',
  'é',
];

const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 20 })), { maxLength: 30 })
  .map((parts) => parts.join(' '));

describe('the Slack message', () => {
  it('defuses every control sequence, bare mention and address, whatever the outside text', () => {
    fc.assert(
      fc.property(
        hostileText,
        hostileText,
        hostileText,
        hostileText,
        (template, subject, author, summary) => {
          const hostile: Report = {
            ...report([
              signature({ template }),
              signature({ id: 'fff0000000', template: summary }),
            ]),
            suspects: [
              {
                sha: '3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6',
                signatureId: 'abc123def0',
                score: 7,
                reason: 'changes CartService.java',
                subject,
                author,
              },
            ],
            analysis: {
              source: 'claude',
              model: 'claude-sonnet-5-5',
              summary,
              nextSteps: [],
              citedSignatures: [],
              citedCommits: [],
            },
            sources: {
              read: ['/ecs/checkout'],
              failed: [{ source: '/ecs/x', kind: 'read', message: summary }],
            },
          };
          const message = slackMessage(
            hostile,
            { commentUrl: 'https://github.com/acme/shop/pull/1' },
            ['hunter2-secret-value'],
          );
          expect(blockKitProblem(message)).toBeUndefined();
          for (const text of texts(message)) {
            expect(text).not.toMatch(PINGS);
            expect(text).not.toContain('hunter2-secret-value');
            expect(text).not.toMatch(/https?:\/\/evil|evil\.example/);
            for (const angle of text.matchAll(/</g)) {
              expect(text.slice(angle.index)).toMatch(OUR_LINK);
            }
          }
        },
      ),
      { seed: 20261203, numRuns: 200 },
    );
  });

  it('keeps to Slack’s limits however many and however long the signatures', () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      signature({ id: `${i}`.padStart(10, '0'), template: `ERROR ${'x'.repeat(5000)} ${i}` }),
    );
    const message = slackMessage(report(many));
    expect(blockKitProblem(message)).toBeUndefined();
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(texts(message).join('\n')).toContain('…and 191 more');
  });

  it('says in its header what could not be read when nothing could', () => {
    const unreadable: Report = {
      ...report([]),
      verdict: 'inconclusive',
      reason: 'Could not read logs: /ecs/checkout: AccessDeniedException <!here>',
      sources: { read: [], failed: [{ source: '/ecs/checkout', kind: 'read', message: 'denied' }] },
    };
    const message = slackMessage(unreadable);
    expect(blockKitProblem(message)).toBeUndefined();
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: expect.objectContaining({
        text: '⚪ Inconclusive: Could not read logs: /ecs/checkout: AccessDeniedException !here',
      }),
    });
    expect(JSON.stringify(message)).not.toMatch(PINGS);
  });

  it('escapes as Slack asks', () => {
    expect(slackEscape('a & <b> @c `d`')).toBe('a &amp; &lt;b&gt; @\u200bc ˋdˋ');
  });
});

describe('posting to the webhook', () => {
  let fake: FakeSlack;
  const message = slackMessage(report([signature()]));
  const sleeps: number[] = [];
  const sleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };

  beforeAll(async () => {
    fake = await startFakeSlack({ failFirst: [500, 429] });
  });
  afterAll(() => fake.close());

  it('retries a server error and a rate limit, then posts once', async () => {
    const result = await postToSlack({ url: fake.url, message, sleep });
    expect(result).toEqual({ posted: true });
    expect(fake.requests.map((r) => r.status)).toEqual([500, 429, 200]);
    expect(sleeps).toEqual([1000, 0]);
    expect(fake.messages).toHaveLength(1);
  });

  it('does not retry what Slack refuses, and says why without the URL', async () => {
    const refused = await startFakeSlack({ always: { status: 400, body: 'invalid_blocks' } });
    try {
      const result = await postToSlack({ url: refused.url, message, sleep });
      expect(result).toEqual({
        posted: false,
        error: 'Could not post to Slack: Slack rejected the message’s blocks (invalid_blocks).',
      });
      expect(refused.requests).toHaveLength(1);
    } finally {
      await refused.close();
    }
  });

  it('gives up on an answer that does not come, without a second try that could post twice', async () => {
    let calls = 0;
    const hanging: typeof fetch = (_url, init) => {
      calls++;
      return new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)),
      );
    };
    const result = await postToSlack({
      url: 'https://hooks.slack.com/services/T/B/x',
      message,
      fetch: hanging,
      timeoutMs: 20,
      sleep,
    });
    expect(calls).toBe(1);
    expect(result).toEqual({
      posted: false,
      error: 'Could not post to Slack: no answer within 0.02 s.',
    });
  });
});

describe('the CLI posts to Slack', () => {
  it('demo --slack-webhook-url posts the example; a failing webhook warns and exits as before', async () => {
    const fake = await startFakeSlack();
    try {
      const posted = await runCli(['demo', '--slack-webhook-url', fake.url]);
      expect(posted.code).toBe(0);
      expect(posted.stderr).toBe('aftershock: posted the verdict to Slack\n');
      expect(fake.messages).toHaveLength(1);
      expect(fake.messages[0].payload.text).toMatch(/^🔴 Regression: new error after the deploy/);

      const revoked = await runCli(['demo', '--slack-webhook-url', `${fake.url}-revoked`]);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toBe(posted.stdout);
      expect(revoked.stderr).toMatch(
        /^aftershock: warning: Could not post to Slack: the webhook URL is not valid or was revoked/,
      );
      expect(revoked.stderr).not.toContain('s3cr3t');
    } finally {
      await fake.close();
    }
  });
});
