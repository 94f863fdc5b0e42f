import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClaudeClient } from '../src/ai/index.js';
import { runPipeline } from '../src/pipeline.js';
import { findSecrets, looksLikeSecret, redact, redactDeep } from '../src/redact.js';
import { renderMarkdown } from '../src/report/index.js';
import { messageReply, startFakeAnthropic, type FakeAnthropic } from './fakes/anthropic.js';
import { memorySource, repeat } from './helpers/memory-source.js';

/** Each line carries a secret: the secret part must be gone, and the words around it kept. */
const POSITIVES: Array<[string, string, string]> = [
  ['AWS access key id', 'using key AKIAIOSFODNN7EXAMPLE for s3', 'AKIAIOSFODNN7EXAMPLE'],
  ['AWS session key id', 'creds ASIAY34FZKBOKMUTVV7A expired', 'ASIAY34FZKBOKMUTVV7A'],
  [
    'AWS secret key alone',
    'secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY rotated',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ],
  [
    'AWS secret key assigned',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'wJalrXUtnFEMI',
  ],
  [
    'GitHub classic token',
    'git push with ghp_16C7e42F292c6912E7710c838347Ae178B4a failed',
    'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  ],
  [
    'GitHub app token',
    'token ghs_Abcdefghijklmnopqrstuvwxyz0123456789 in env',
    'ghs_Abcdefghijklmnopqrstuvwxyz0123456789',
  ],
  [
    'GitHub fine-grained token',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX used',
    'github_pat_11ABCDEFG',
  ],
  [
    'Anthropic key',
    'client created with sk-ant-api03-AbCdEf123456_ghIJkl-789mnoPQR',
    'sk-ant-api03-AbCdEf123456',
  ],
  [
    'JWT',
    'jwt=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  ],
  ['Bearer', 'Authorization: Bearer abc123.def456-ghi789', 'abc123.def456'],
  ['Basic', 'header basic dXNlcjpodW50ZXIy sent', 'dXNlcjpodW50ZXIy'],
  [
    'password in a URL',
    'connect postgres://app:S3cr3t-pw@db.internal:5432/shop refused',
    'S3cr3t-pw',
  ],
  ['password with @ in a URL', 'redis://:p@ss@cache:6379/0 timeout', 'p@ss'],
  [
    'connection string',
    'Server=db;Database=shop;User Id=sa;Password=Tr0ub4dor&3;Encrypt=true',
    'Tr0ub4dor',
  ],
  ['JDBC query', 'jdbc:mysql://db:3306/shop?user=root&password=hunter22&ssl=true', 'hunter22'],
  [
    'private key',
    'key: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nabc\n-----END RSA PRIVATE KEY----- loaded',
    'MIIEowIBAAKCAQEA7bq',
  ],
  [
    'private key cut off',
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA',
    'b3BlbnNzaC1rZXktdjEAAAAA',
  ],
  ['password=', 'login password=hunter2 rejected', 'hunter2'],
  ['secret=', 'client_secret=s3cr3tvalue&grant=x', 's3cr3tvalue'],
  ['token=', '/callback?token=abc987xyz&state=1', 'abc987xyz'],
  ['quoted JSON password', '{"db_password": "correct horse battery"}', 'correct horse'],
  ['API key header', 'X-Api-Key: 7f3kQ9zLmP2w', '7f3kQ9zLmP2w'],
  ['e-mail', 'password reset sent to dana.whitfield+shop@example.co.uk today', 'dana.whitfield'],
  ['e-mail in brackets', 'author Dana <dana@shop.io>', 'dana@shop.io'],
  [
    'long high-entropy string',
    'signature 9fT2kLm8QxZ4vB7nR1wP3sY6cH0jD5gE9a invalid',
    '9fT2kLm8QxZ4vB7nR1wP3sY6cH0jD5gE9a',
  ],
  ['Slack token', 'xoxb-123456789012-abcdefABCDEF posted', 'xoxb-123456789012'],
];

/** Look-alikes people need for debugging: they must come out unchanged. */
const SURVIVORS: Array<[string, string]> = [
  ['git SHA', 'deployed 3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6 to prod'],
  ['short SHA', 'revert of abc1234'],
  ['UUID', 'RequestId: 123e4567-e89b-12d3-a456-426614174000 failed'],
  ['upper-case UUID', 'order 123E4567-E89B-12D3-A456-426614174000'],
  ['X-Ray trace id', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1'],
  ['Anthropic request id', 'request-id req_011CSHoEeqs5C35K2UUqR7Fy'],
  ['ULID', 'event 01HZX3Y4K5M6N7P8Q9R0S1T2V3 stored'],
  ['image digest', 'sha256:9b2a4f8c1d3e5f7a9b0c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a2'],
  ['low-entropy base64', 'payload aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8= rejected'],
  ['padding', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1'],
  ['file path', 'at /app/src/main/java/com/shop/checkout/CartService.java:142'],
  ['long path', 'open /var/lib/docker/overlay2/containers/checkout-service/logs/app.log'],
  [
    'Java class name',
    'at org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)',
  ],
  [
    'long camel-case identifier',
    'in ThisIsAVeryLongCamelCaseIdentifierName1 and MyApplicationServiceImplTest2Case',
  ],
  ['long method name', 'getUserAccountBalanceForCustomer2024 threw'],
  ['npm package', 'loaded @aws-sdk/client-cloudwatch-logs@3.1169.0'],
  ['Java annotation', '@Test void appliesTwoCoupons()'],
  ['token counts', 'max_tokens=2000 input_tokens: 1234'],
  ['plain URL', 'GET https://api.example.com:8443/v1/orders?page=2 status=502'],
  ['timestamp and ip', '2026-11-20T14:10:41.123Z 10.0.3.17 upstream timeout after 3000ms'],
  ['Kotlin object', 'com.shop.Cart@1a2b3c4d is null'],
];

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

  it('redacts every string of a JSON value and keeps its shape', () => {
    const value = { a: ['token=abc12345', 3], b: { c: 'mail me@x.io' }, d: null };
    expect(redactDeep(value)).toEqual({
      a: ['token=[REDACTED]', 3],
      b: { c: 'mail [REDACTED:email]' },
      d: null,
    });
  });

  it('flags random keys and keeps names, whatever their length', () => {
    expect(looksLikeSecret('x7Kp2Lm9Qw4Rt6Yu8Io0Pa3Sd5Fg1Hj2Kl')).toBe(true);
    expect(looksLikeSecret('AbstractSingletonProxyFactoryBean2')).toBe(false);
  });

  it('takes linear time on a long line without spaces', () => {
    const line = `${'a.b-c_d+e'.repeat(120_000)}@`;
    const started = performance.now();
    redact(line);
    redact('x'.repeat(1_000_000));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('no secret leaves', () => {
  const MINUTE = 60_000;
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
        root_cause: 'The password hunter22 is wrong: password=hunter22.',
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
    const report = await runPipeline(
      {
        logGroups: ['/ecs/auth'],
        deployedAt: 60 * MINUTE,
        deployedAtSource: 'input',
        soakMs: 10 * MINUTE,
        baselineMs: 60 * MINUTE,
        model: 'claude-sonnet-5-5',
        maxPromptTokens: 20_000,
      },
      {
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
        claude: createClaudeClient(API_KEY),
        version: '0.0.0-test',
        secrets: [API_KEY],
      },
    );
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

describe('findSecrets', () => {
  it('returns the secret values, without the words around them', () => {
    expect(
      findSecrets('login password=hunter22 from AKIAIOSFODNN7EXAMPLE, Bearer abc123def456'),
    ).toEqual(expect.arrayContaining(['hunter22', 'AKIAIOSFODNN7EXAMPLE', 'abc123def456']));
    expect(findSecrets('redis://:p4ssw0rd!@cache:6379 {"secret": "two words"}')).toEqual(
      expect.arrayContaining(['p4ssw0rd!', 'two words']),
    );
    expect(findSecrets('deployed 3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6')).toEqual([]);
  });
});

describe('redactDeep', () => {
  it('scrubs a secret recognised in one string wherever it appears bare', () => {
    const report = {
      examples: ['login failed with password=hunter22'],
      suspects: [{ reason: 'adds lines with `login`, `hunter22` in src/login.ts' }],
    };
    expect(JSON.stringify(redactDeep(report))).not.toContain('hunter22');
  });
});
