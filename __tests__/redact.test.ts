import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClaudeClient } from '../src/ai/index.js';
import { runPipeline } from '../src/pipeline.js';
import { credentialShaped, findSecretSpans, looksLikeSecret, redact } from '../src/redact.js';
import { POSITIVES, SURVIVORS } from '../__fixtures__/secrets.js';
import { renderMarkdown } from '../src/report/index.js';
import { messageReply, startFakeAnthropic, type FakeAnthropic } from './fakes/anthropic.js';
import { memorySource, pipelineConfig, repeat } from './helpers/memory-source.js';

describe('redact', () => {
  it.each(POSITIVES)('scrubs %s', (_name, line, secret) => {
    const out = redact(line);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED');
  });

  it.each(SURVIVORS)('keeps a %s', (_name, line) => {
    expect(redact(line)).toBe(line);
  });

  it('keeps the words around a secret', () => {
    expect(redact('login password=hunter2 rejected for user 42')).toBe(
      'login password=[REDACTED] rejected for user 42',
    );
    expect(redact('connect postgres://app:pw@db:5432/shop')).toBe(
      'connect postgres://app:[REDACTED]@db:5432/shop',
    );
  });

  it('is idempotent', () => {
    for (const [, line] of POSITIVES) expect(redact(redact(line))).toBe(redact(line));
  });

  it('scrubs known secrets wherever they appear', () => {
    expect(redact('key is plainword-secret ok', ['plainword-secret'])).toBe('key is [REDACTED] ok');
  });

  it('scrubs a value where it stands and nowhere else', () => {
    const text = 'ERROR login rejected: invalid token=abc987xyz; retry with abc987xyz later';
    expect(redact(text)).toBe(
      'ERROR login rejected: invalid token=[REDACTED]; retry with abc987xyz later',
    );
    expect(redact('password=regression')).toBe('password=[REDACTED]');
    expect(redact('the verdict is regression')).toBe('the verdict is regression');
  });

  it('tells credential-shaped values from words, numbers and names', () => {
    for (const value of ['abc987xyz', 'hunter22', '7f3kQ9zLmP2w', 'Zm9vYmFyYmF6cXV4cXV1eA']) {
      expect({ value, shaped: credentialShaped(value) }).toEqual({ value, shaped: true });
    }
    for (const value of [
      'write',
      'regression',
      'unchanged',
      'missing_header',
      '12345678',
      '0x14ede63a5a70002',
      'com.apple.xpc.activity/4505:',
      'android.os.BinderProxy@2bd79ce',
      'PlatformUpdateAvailable',
    ]) {
      expect({ value, shaped: credentialShaped(value) }).toEqual({ value, shaped: false });
    }
  });

  it('names the kind and place of every span', () => {
    const line = 'login password=hunter22 by dana@shop.io with AKIAIOSFODNN7EXAMPLE';
    expect(
      findSecretSpans(line).map((span) => [span.kind, line.slice(span.start, span.end)]),
    ).toEqual([
      ['named-credential', 'hunter22'],
      ['email', 'dana@shop.io'],
      ['aws-key-id', 'AKIAIOSFODNN7EXAMPLE'],
    ]);
  });

  it('merges overlapping spans into one marker', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(redact(`Authorization: Bearer ${jwt} sent`)).toBe(
      'Authorization: Bearer [REDACTED:jwt] sent',
    );
  });

  it('flags random keys and keeps names, whatever their length', () => {
    expect(looksLikeSecret('x7Kp2Lm9Qw4Rt6Yu8Io0Pa3Sd5Fg1Hj2Kl')).toBe(true);
    expect(looksLikeSecret('AbstractSingletonProxyFactoryBean2')).toBe(false);
  });

  it('scrubs a long line without spaces in one pass (a quadratic pattern would outlast the test)', () => {
    const line = `${'a.b-c_d+e'.repeat(120_000)}@`;
    expect(redact(line)).toBe(line);
    expect(redact('x'.repeat(1_000_000))).toHaveLength(1_000_000);
    const keys = `${'token=abc987xyz '.repeat(50_000)}`;
    expect(redact(keys)).toBe('token=[REDACTED] '.repeat(50_000));
  });
});

describe('no secret leaves', () => {
  const API_KEY = 'sk-ant-api03-RealLookingKey0123456789abcdefXYZ';
  const SECRETS = [
    'AKIAIOSFODNN7EXAMPLE',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'hunter22',
    'S3cr3t-pw',
    'dana.whitfield@example.com',
    API_KEY,
  ];
  const leakyLine = (i: number) =>
    [
      `ERROR login failed for dana.whitfield@example.com with password=hunter22 attempt ${i}`,
      `  using AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
      `  Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U`,
      `  db postgres://app:S3cr3t-pw@db.internal:5432/shop`,
    ].join('\n');

  let fake: FakeAnthropic;
  const savedBaseUrl = process.env.ANTHROPIC_BASE_URL;
  beforeAll(async () => {
    // The model repeats secrets back: its answer must be scrubbed too.
    fake = await startFakeAnthropic(() =>
      messageReply({
        summary: `Login fails with AKIAIOSFODNN7EXAMPLE for dana.whitfield@example.com (${API_KEY}).`,
        // What the model saw is scrubbed; it can only repeat a secret where the logs had it.
        root_cause: 'The password is wrong: password=hunter22.',
        cited_signature_ids: [],
        cited_commit_shas: [],
        next_steps: ['Rotate ghp_16C7e42F292c6912E7710c838347Ae178B4a'],
        confidence: 'low',
        severity: 'low',
      }),
    );
    process.env.ANTHROPIC_BASE_URL = fake.url;
  });
  afterAll(async () => {
    await fake.close();
    if (savedBaseUrl === undefined) delete process.env.ANTHROPIC_BASE_URL;
    else process.env.ANTHROPIC_BASE_URL = savedBaseUrl;
  });

  it('reaches neither the prompt, nor report.json, the comment, the summary or the outputs', async () => {
    const report = await runPipeline(pipelineConfig('/ecs/auth'), {
      sources: [
        memorySource('/ecs/auth', {
          baseline: repeat(30, (i) => `ERROR cache miss ${i}`),
          after: [...repeat(5, (i) => `ERROR cache miss ${i}`), ...repeat(30, leakyLine)],
        }),
      ],
      loadCommits: () =>
        Promise.resolve({
          notes: [],
          commits: [
            {
              sha: '3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6',
              subject: 'Use the new login (token=ghp_16C7e42F292c6912E7710c838347Ae178B4a)',
              author: 'Dana <dana.whitfield@example.com>',
              files: [
                {
                  path: 'src/login.ts',
                  patch: `@@ -1 +1,2 @@\n+const key = "${API_KEY}";\n+login("password=hunter22")`,
                },
              ],
            },
          ],
        }),
      claude: await createClaudeClient(API_KEY),
      version: '0.0.0-test',
      secrets: [API_KEY],
    });
    expect(report.verdict).toBe('regression');
    expect(report.analysis.source).toBe('claude');

    const prompt = JSON.stringify(fake.requests.map((r) => r.body));
    const exits = {
      prompt,
      'report.json': JSON.stringify(report, null, 2),
      comment: renderMarkdown(report),
      'summary output': report.summary,
    };
    for (const [where, text] of Object.entries(exits)) {
      for (const secret of SECRETS) {
        expect({ where, leaked: text.includes(secret) ? secret : undefined }).toEqual({
          where,
          leaked: undefined,
        });
      }
    }
    expect(prompt).toContain('[REDACTED');
  });
});
