/**
 * The sticky PR comment, posted through the real Octokit to the fake GitHub: one comment per PR
 * and marker, found by a paginated lookup, updated in place; others' comments left alone; a
 * fork's read-only token, a 422 and a flaky server become warnings; hostile log text stays inert.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitHubClient } from '../../src/commits/index.js';
import {
  commentBudget,
  commentMarker,
  publishComments,
  type PublishRequest,
} from '../../src/report/comment.js';
import {
  MAX_COMMENT_CHARS,
  renderMarkdown,
  type Report,
  type ReportSignature,
} from '../../src/report/index.js';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../fakes/github.js';

const repo = { owner: 'acme', repo: 'shop' };
const BOT = { login: 'github-actions[bot]', type: 'Bot' as const };
const marker = commentMarker({ workflow: 'Deploy', logGroups: ['/ecs/checkout'] });

let github: FakeGitHub | undefined;
afterEach(async () => {
  await github?.close();
  github = undefined;
});

async function start(options: FakeGitHubOptions = {}) {
  github = await startFakeGitHub(options);
  return github;
}

function request(fake: FakeGitHub, overrides: Partial<PublishRequest> = {}): PublishRequest {
  return {
    octokit: createGitHubClient('ghs_test', { baseUrl: fake.url, retryBaseMs: 1 }),
    repo,
    prNumbers: [7],
    markdown: '### 🔴 Regression: 1 new error signature after the deploy',
    marker,
    ...overrides,
  };
}

const others = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => ({
    body: `LGTM ${from + i}`,
    user: { login: `reviewer${(from + i) % 3}`, type: 'User' as const },
  }));

describe('commentMarker', () => {
  it('is keyed by workflow and log groups, in any order, and carries no names', () => {
    expect(commentMarker({ workflow: 'Deploy', logGroups: ['/b', '/a'] })).toBe(
      commentMarker({ workflow: 'Deploy', logGroups: ['/a', '/b'] }),
    );
    expect(commentMarker({ workflow: 'Deploy', logGroups: ['/ecs/api'] })).not.toBe(marker);
    expect(commentMarker({ workflow: 'Deploy API', logGroups: ['/ecs/checkout'] })).not.toBe(
      marker,
    );
    expect(commentMarker({ workflow: '--> <b>', logGroups: ['/x'] })).toMatch(
      /^<!-- aftershock [0-9a-f]{16} -->$/,
    );
  });
});

describe('publishComments', () => {
  it('creates one comment, then updates that one in place on a PR with more than 100 comments', async () => {
    const fake = await start({
      comments: {
        7: [
          ...others(120),
          { body: `${marker}\n### 🟢 Clean: an earlier run`, user: BOT },
          ...others(30, 120),
        ],
      },
    });
    const before = fake.comments(7).map((c) => ({ ...c }));

    const result = await publishComments(request(fake));

    expect(result.warnings).toEqual([]);
    expect(result.comments).toEqual([{ pr: 7, url: before[120].html_url, action: 'updated' }]);
    const after = fake.comments(7);
    expect(after).toHaveLength(151);
    expect(after[120].body).toBe(
      `${marker}\n### 🔴 Regression: 1 new error signature after the deploy`,
    );
    // Nobody else's comment changed.
    expect(after.filter((_, i) => i !== 120)).toEqual(before.filter((_, i) => i !== 120));
    // The lookup read page 2 to find it; nothing was created.
    const pages = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/7/comments'));
    expect(pages.map((r) => r.query.get('page') ?? '1')).toEqual(['1', '2']);
    expect(fake.requests.some((r) => r.method === 'POST')).toBe(false);

    // A second run with the same text changes nothing.
    const again = await publishComments(request(fake));
    expect(again.comments[0].action).toBe('unchanged');
    expect(fake.comments(7)).toHaveLength(151);
  });

  it('creates the comment when the PR has none of ours, and re-runs update it', async () => {
    const fake = await start({ comments: { 7: others(105) } });
    const first = await publishComments(request(fake));
    expect(first.comments[0].action).toBe('created');
    const second = await publishComments(request(fake, { markdown: 'second run' }));
    expect(second.comments[0]).toMatchObject({ action: 'updated', url: first.comments[0].url });
    const ours = fake.comments(7).filter((c) => c.body.startsWith(marker));
    expect(ours).toHaveLength(1);
    expect(ours[0].body).toBe(`${marker}\nsecond run`);
  });

  it('keeps a comment per service: another marker is another comment', async () => {
    const fake = await start();
    const api = commentMarker({ workflow: 'Deploy', logGroups: ['/ecs/api'] });
    await publishComments(request(fake, { markdown: 'checkout' }));
    await publishComments(request(fake, { markdown: 'api', marker: api }));
    await publishComments(request(fake, { markdown: 'checkout again' }));
    expect(fake.comments(7).map((c) => c.body)).toEqual([
      `${marker}\ncheckout again`,
      `${api}\napi`,
    ]);
  });

  it('never touches a person’s comment that quotes the marker', async () => {
    const person = { login: 'mallory', type: 'User' as const };
    const fake = await start({ comments: { 7: [{ body: `${marker}\nmine`, user: person }] } });
    const result = await publishComments(request(fake));
    expect(result.comments[0].action).toBe('created');
    expect(fake.comments(7)[0].body).toBe(`${marker}\nmine`);
  });

  it('with a personal token, recognises its own comments by login', async () => {
    const me = { login: 'deploy-bot-user', type: 'User' as const };
    const fake = await start({
      viewer: me,
      comments: { 7: [{ body: `${marker}\nold`, user: me }] },
    });
    const result = await publishComments(request(fake));
    expect(result.comments[0].action).toBe('updated');
    expect(fake.comments(7)).toHaveLength(1);
  });

  it('comments on every PR given', async () => {
    const fake = await start();
    const result = await publishComments(request(fake, { prNumbers: [7, 8, 9] }));
    expect(result.comments.map((c) => [c.pr, c.action])).toEqual([
      [7, 'created'],
      [8, 'created'],
      [9, 'created'],
    ]);
  });
});

describe('faults', () => {
  it('a fork’s read-only token: a warning naming pull-requests: write, no throw', async () => {
    const fake = await start({ readOnly: true });
    const result = await publishComments(request(fake, { prNumbers: [7, 8] }));
    expect(result.comments).toEqual([]);
    expect(result.warnings[0]).toMatch(
      /Could not comment on PR #7 \(403 Resource not accessible by integration\).*fork.*`permissions: pull-requests: write`/,
    );
    expect(result.warnings[1]).toMatch(/#8/);
    // The permission failure is not retried, and #8 is not tried with the same token.
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a 422 is a warning with GitHub’s message', async () => {
    const fake = await start({
      faults: [{ method: 'POST', path: /comments$/, status: 422, message: 'Validation Failed' }],
    });
    const result = await publishComments(request(fake));
    expect(result.warnings).toEqual([
      'GitHub refused the comment on PR #7 (422 Validation Failed).',
    ]);
  });

  it('5xx and secondary rate limits are retried with backoff', async () => {
    const fake = await start({
      faults: [
        { method: 'GET', path: /comments$/, status: 502, message: 'Bad Gateway', times: 1 },
        {
          method: 'POST',
          path: /comments$/,
          status: 403,
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes.',
          headers: { 'retry-after': '1' },
          times: 1,
        },
      ],
    });
    const waits: number[] = [];
    const octokit = createGitHubClient('t', {
      baseUrl: fake.url,
      retryBaseMs: 1,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    const result = await publishComments(request(fake, { octokit }));
    expect(result.warnings).toEqual([]);
    expect(result.comments[0].action).toBe('created');
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThanOrEqual(1000);
  });

  it('a secondary rate limit without retry-after waits a minute, within the client’s budget', async () => {
    const fake = await start({
      faults: [
        {
          method: 'POST',
          path: /comments$/,
          status: 403,
          message: 'You have exceeded a secondary rate limit.',
          times: 2,
        },
      ],
    });
    const waits: number[] = [];
    const octokit = createGitHubClient('t', {
      baseUrl: fake.url,
      maxTotalWaitMs: 90_000,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    const result = await publishComments(request(fake, { octokit }));
    // One minute waited; a second would overrun the budget, so the warning comes instead.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(60_000);
    expect(result.warnings[0]).toMatch(/secondary rate limit.*rate limit held after retries/);
  });

  it('a rate limit that asks for too long a wait is not waited for', async () => {
    const fake = await start({
      faults: [
        {
          method: 'GET',
          path: /comments$/,
          status: 403,
          message: 'API rate limit exceeded',
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
          },
        },
      ],
    });
    const result = await publishComments(request(fake));
    expect(result.warnings[0]).toMatch(/403 API rate limit exceeded.*rate limit held/);
    expect(fake.requests).toHaveLength(1);
  });
});

function hostileReport(): Report {
  const hostile = [
    '@octocat @acme/security look #123 ![x](https://evil.example/p.png) <img src=x onerror=alert(1)>',
    'payload: ```',
    '```',
    '</details><script>alert(1)</script>',
    '# Not a heading',
    '````suggestion',
    'rm -rf /',
  ].join('\n');
  const signature: ReportSignature = {
    id: 'f00dfeed01',
    template: 'ERROR @octocat `rm -rf` | <b>bold</b> ``` #123 for <NUM>',
    logGroups: ['/ecs/checkout'],
    status: 'new',
    before: 0,
    after: 42,
    examples: [hostile],
    level: 'error',
    kind: 'exception',
    flagged: true,
    beforeRatePerMinute: 0,
    afterRatePerMinute: 4.2,
    ratio: null,
    ratioInterval95: [3.1, null],
    pValue: 1e-12,
    adjustedPValue: 1e-11,
    why: 'new after the deploy: 42 events, 0 before (p < 0.001)',
    firstSeenAfter: '2026-11-20T14:11:07.000Z',
  };
  return {
    version: '0.1.0',
    verdict: 'regression',
    reason: '1 new error signature after the deploy',
    summary: 'regression: 1 new error signature after the deploy',
    deployedAt: { time: '2026-11-20T14:10:00.000Z', source: 'event' },
    windows: {
      baseline: { start: '2026-11-20T13:10:00.000Z', end: '2026-11-20T14:10:00.000Z' },
      after: { start: '2026-11-20T14:10:00.000Z', end: '2026-11-20T14:20:00.000Z' },
    },
    logGroups: ['/ecs/checkout'],
    sources: { read: ['/ecs/checkout'], failed: [] },
    events: { baseline: 120, after: 65 },
    signatures: [signature],
    suspects: [
      {
        sha: '3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6',
        signatureId: 'f00dfeed01',
        score: 9,
        reason:
          '3f9e8d7 "Apply stacked coupons @team" changes src/checkout/coupons.ts, which is in the stack trace; adds lines with `octocat` in src/checkout/coupons.ts',
      },
    ],
    commits: { base: '5e1f0c2a9b', head: 'c41d7e9f2a', count: 4, notes: [] },
    analysis: {
      source: 'statistics',
      summary: 'One new error signature appeared after the deploy @octocat.',
      nextSteps: [],
      citedSignatures: [],
      citedCommits: [],
    },
    usage: { input_tokens: 0, output_tokens: 0 },
    notes: [],
    context: { repositoryUrl: 'https://github.com/acme/shop' },
  };
}

/** The Markdown outside fenced blocks and code spans: where GitHub would act on it. */
function outsideCode(markdown: string): string {
  const lines = markdown.split('\n');
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const run = /^(`{3,})/.exec(line)?.[1];
    if (fence) {
      if (run && run.length >= fence.length && line.trim() === run) fence = undefined;
      continue;
    }
    if (run) {
      fence = run;
      continue;
    }
    kept.push(line.replace(/(`+)(?:(?!\1).)*?\1/g, ''));
  }
  expect(fence).toBeUndefined();
  return kept.join('\n');
}

describe('hostile log text in the comment', () => {
  it('pings nobody, loads nothing, and cannot close its fence', async () => {
    const fake = await start();
    const markdown = renderMarkdown(hostileReport(), { maxChars: commentBudget(marker) });
    const result = await publishComments(request(fake, { markdown }));
    expect(result.warnings).toEqual([]);
    const body = fake.comments(7)[0].body;
    await writeFile(join(tmpdir(), 'comment-hostile.md'), body);

    expect(body.startsWith(`${marker}\n### 🔴 Regression`)).toBe(true);
    // The example sits in one fence longer than any backtick run inside it.
    const opening = body.split('\n').find((line) => /^`{3,}/.test(line)) ?? '';
    expect(opening.length).toBeGreaterThan(4);
    const active = outsideCode(body);
    expect(active).not.toMatch(/@(?:octocat|acme|team)\b/);
    expect(active).not.toMatch(/(?<!\\)#123/);
    expect(active).not.toMatch(/<img|<script|<\/details><script|!\[x\]/);
    expect(active).not.toMatch(/^# Not a heading/m);
    expect(active).not.toMatch(/^````suggestion/m);
  });

  it('fits GitHub’s limit with the marker, whatever the logs', async () => {
    const fake = await start();
    const report = hostileReport();
    report.signatures = Array.from({ length: 40 }, (_, i) => ({
      ...report.signatures[0],
      id: `sig${i}`,
      examples: ['`'.repeat(20) + 'x'.repeat(20_000)],
    }));
    const markdown = renderMarkdown(report, { maxChars: commentBudget(marker) });
    const result = await publishComments(request(fake, { markdown }));
    expect(result.warnings).toEqual([]);
    expect(fake.comments(7)[0].body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
  });

  it('refuses, with a warning, a body that would not fit', async () => {
    const fake = await start();
    const result = await publishComments(
      request(fake, { markdown: 'x'.repeat(MAX_COMMENT_CHARS) }),
    );
    expect(result.warnings[0]).toMatch(/over GitHub's 65536: it was not posted/);
    expect(fake.requests).toHaveLength(0);
  });
});
