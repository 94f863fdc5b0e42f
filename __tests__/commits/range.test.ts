/**
 * The deployed range for every event kind, read through the real Octokit from a local fake of
 * the GitHub REST API (GITHUB_API_URL-style base URL).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createGitHubClient,
  readEvent,
  resolveRange,
  type EventInfo,
} from '../../src/commits/index.js';
import { startFakeGitHub, type FakeCommit, type FakeGitHub } from '../fakes/github.js';

const sha = (n: number) => n.toString(16).padStart(40, 'a');
const repo = { owner: 'acme', repo: 'shop' };

const commits: FakeCommit[] = Array.from({ length: 8 }, (_, i) => ({
  sha: sha(i + 1),
  message: `Change ${i + 1}\n\nbody`,
  files: [{ filename: `src/file${i + 1}.ts`, patch: `@@ -1 +1 @@\n+export const n${i + 1} = 1;` }],
}));
const orphan: FakeCommit = { sha: sha(0xdead), message: 'Rewritten', files: [] };

let github: FakeGitHub;
let dir: string;

beforeAll(async () => {
  github = await startFakeGitHub({
    commits: [...commits, orphan],
    history: commits.map((c) => c.sha),
    runs: [
      {
        id: 30,
        workflow_id: 7,
        head_sha: sha(8),
        head_branch: 'main',
        conclusion: 'success',
        created_at: '2026-11-20T12:30:00Z',
      },
      {
        id: 29,
        workflow_id: 7,
        head_sha: sha(6),
        head_branch: 'main',
        conclusion: 'failure',
        created_at: '2026-11-20T12:20:00Z',
      },
      {
        id: 28,
        workflow_id: 7,
        head_sha: sha(5),
        head_branch: 'main',
        conclusion: 'success',
        created_at: '2026-11-20T12:10:00Z',
      },
      {
        id: 27,
        workflow_id: 9,
        head_sha: sha(7),
        head_branch: 'main',
        conclusion: 'success',
        created_at: '2026-11-20T12:15:00Z',
      },
    ],
    deployments: [
      {
        id: 503,
        sha: sha(8),
        environment: 'production',
        created_at: '2026-11-20T12:30:00Z',
        states: ['in_progress'],
      },
      {
        id: 502,
        sha: sha(7),
        environment: 'production',
        created_at: '2026-11-20T12:20:00Z',
        states: ['in_progress', 'failure'],
      },
      {
        id: 501,
        sha: sha(7),
        environment: 'staging',
        created_at: '2026-11-20T12:15:00Z',
        states: ['success'],
      },
      {
        id: 500,
        sha: sha(4),
        environment: 'production',
        created_at: '2026-11-20T12:00:00Z',
        states: ['in_progress', 'success'],
      },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'aftershock-range-'));
});

afterAll(async () => {
  await github?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const client = () => createGitHubClient('ghs_test', { baseUrl: github.url, retryBaseMs: 1 });

let files = 0;
async function event(name: string, payload: unknown): Promise<EventInfo> {
  const path = join(dir, `event-${++files}.json`);
  await writeFile(path, JSON.stringify(payload));
  return readEvent({
    GITHUB_EVENT_NAME: name,
    GITHUB_EVENT_PATH: path,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: sha(8),
  });
}

const subjects = (range: { commits: Array<{ subject: string }> }) =>
  range.commits.map((c) => c.subject);

describe('resolveRange', () => {
  it('push: before...after, oldest first, with each commit’s files and patches', async () => {
    const info = await event('push', { before: sha(5), after: sha(8) });
    const range = await resolveRange({ octokit: client(), repo, event: info });
    expect(range.base).toBe(sha(5));
    expect(range.head).toBe(sha(8));
    expect(subjects(range)).toEqual(['Change 6', 'Change 7', 'Change 8']);
    expect(range.commits[2].files[0]).toMatchObject({ path: 'src/file8.ts' });
    expect(range.commits[2].files[0].patch).toContain('n8');
    expect(range.notes).toEqual([]);
  });

  it('first push (before all zeros): the head commit alone, and says so', async () => {
    const info = await event('push', { before: '0'.repeat(40), after: sha(8) });
    const range = await resolveRange({ octokit: client(), repo, event: info });
    expect(subjects(range)).toEqual(['Change 8']);
    expect(range.notes.join(' ')).toMatch(/first push.*head commit alone/);
  });

  it('force push: the head commit alone, and says so', async () => {
    const info = await event('push', { before: sha(0xdead), after: sha(8), forced: true });
    const range = await resolveRange({ octokit: client(), repo, event: info });
    expect(subjects(range)).toEqual(['Change 8']);
    expect(range.notes.join(' ')).toMatch(/force push.*head commit alone/);
  });

  it('a base that is no ancestor of head (diverged): the head commit alone', async () => {
    const range = await resolveRange({
      octokit: client(),
      repo,
      event: { name: 'push', base: sha(0xdead), head: sha(8) },
    });
    expect(subjects(range)).toEqual(['Change 8']);
    expect(range.base).toBeUndefined();
    expect(range.notes.join(' ')).toMatch(/not an ancestor.*diverged/);
  });

  it('an unknown base (compare 404): the head commit alone, with the reason', async () => {
    const range = await resolveRange({
      octokit: client(),
      repo,
      event: { name: 'push', base: sha(0xbeef), head: sha(8) },
    });
    expect(subjects(range)).toEqual(['Change 8']);
    expect(range.notes.join(' ')).toMatch(/Could not compare .*404 Not Found.*head commit alone/);
  });

  it('pull_request: the PR’s base and head, and its number', async () => {
    const info = await event('pull_request', {
      pull_request: { number: 42, base: { sha: sha(6) }, head: { sha: sha(8) } },
    });
    expect(info.pullRequest).toBe(42);
    const range = await resolveRange({ octokit: client(), repo, event: info });
    expect(subjects(range)).toEqual(['Change 7', 'Change 8']);
  });

  it('workflow_run: from the previous successful run of the same workflow on the branch', async () => {
    const info = await event('workflow_run', {
      workflow_run: {
        id: 30,
        workflow_id: 7,
        head_sha: sha(8),
        head_branch: 'main',
        created_at: '2026-11-20T12:30:00Z',
        updated_at: '2026-11-20T12:34:00Z',
      },
    });
    expect(info.time).toBe(Date.parse('2026-11-20T12:34:00Z'));
    const range = await resolveRange({ octokit: client(), repo, event: info });
    expect(range.base).toBe(sha(5));
    expect(subjects(range)).toEqual(['Change 6', 'Change 7', 'Change 8']);
    expect(range.notes.join(' ')).toMatch(/previous successful run of this workflow \(run 28\)/);
    const runs = github.requests.find((r) => r.path.endsWith('/actions/workflows/7/runs'));
    expect(runs?.query.get('status')).toBe('success');
    expect(runs?.query.get('branch')).toBe('main');
  });

  it('workflow_run without an earlier successful run: the head commit alone', async () => {
    const info = await event('workflow_run', {
      workflow_run: { id: 27, workflow_id: 9, head_sha: sha(7), head_branch: 'main' },
    });
    const range = await resolveRange({ octokit: client(), repo, event: info });
    expect(subjects(range)).toEqual(['Change 7']);
    expect(range.notes.join(' ')).toMatch(/No earlier successful run/);
  });

  it('deployment_status: from the previous successful deployment to the same environment', async () => {
    const info = await event('deployment_status', {
      deployment: { id: 503, sha: sha(8), environment: 'production' },
      deployment_status: { state: 'success', created_at: '2026-11-20T12:31:00Z' },
    });
    expect(info.time).toBe(Date.parse('2026-11-20T12:31:00Z'));
    const range = await resolveRange({ octokit: client(), repo, event: info });
    // 502 failed and 501 is staging: 500 is the last good production deploy.
    expect(range.base).toBe(sha(4));
    expect(subjects(range)).toEqual(['Change 5', 'Change 6', 'Change 7', 'Change 8']);
    expect(range.notes.join(' ')).toMatch(/previous successful deployment to `production`/);
  });

  it('deployment: the same lookup from the deployment event', async () => {
    const info = await event('deployment', {
      deployment: {
        id: 502,
        sha: sha(7),
        environment: 'production',
        created_at: '2026-11-20T12:20:00Z',
      },
    });
    const range = await resolveRange({ octokit: client(), repo, event: info });
    expect(range.base).toBe(sha(4));
    expect(subjects(range)).toEqual(['Change 5', 'Change 6', 'Change 7']);
  });

  it('base-sha and head-sha inputs win over the event', async () => {
    const info = await event('push', { before: sha(1), after: sha(8) });
    const range = await resolveRange({
      octokit: client(),
      repo,
      event: info,
      baseSha: sha(2),
      headSha: sha(4),
    });
    expect(subjects(range)).toEqual(['Change 3', 'Change 4']);
  });

  it('an event without a base names why the head commit stands alone', async () => {
    const range = await resolveRange({
      octokit: client(),
      repo,
      event: { name: 'workflow_dispatch', head: sha(3) },
    });
    expect(subjects(range)).toEqual(['Change 3']);
    expect(range.notes.join(' ')).toMatch(/workflow_dispatch event names no base commit/);
  });
});

describe('big ranges', () => {
  let big: FakeGitHub;
  beforeAll(async () => {
    const many: FakeCommit[] = Array.from({ length: 301 }, (_, i) => ({
      sha: sha(0x1000 + i),
      message: `Commit ${i}`,
      files:
        i === 300
          ? Array.from({ length: 320 }, (_, f) => ({ filename: `gen/f${f}.ts`, patch: '+x' }))
          : [],
    }));
    big = await startFakeGitHub({ commits: many });
  });
  afterAll(async () => big?.close());

  it('pages the compare API to the newest 250, reads the newest 50 and says what was cut', async () => {
    const range = await resolveRange({
      octokit: createGitHubClient('t', { baseUrl: big.url }),
      repo,
      event: { name: 'push', base: sha(0x1000), head: sha(0x1000 + 300) },
    });
    const compares = big.requests.filter((r) => r.path.includes('/compare/'));
    // 300 commits: page 1 for the total, then pages 1–3 hold the newest 250 (51st to 300th).
    expect(compares.map((r) => r.query.get('page'))).toEqual(['1', '2', '3']);
    expect(range.commits).toHaveLength(50);
    expect(range.commits.at(-1)?.sha).toBe(sha(0x1000 + 300));
    expect(range.commits[0].sha).toBe(sha(0x1000 + 251));
    const notes = range.notes.join('\n');
    expect(notes).toMatch(/The range has 300 commits: the newest 250 were read/);
    expect(notes).toMatch(/files of the newest 50 were read/);
    expect(notes).toMatch(/changes 300 files or more/);
  });
});

describe('faults', () => {
  it('retries 5xx and secondary rate limits with backoff, then succeeds', async () => {
    const flaky = await startFakeGitHub({
      commits,
      faults: [
        { path: /\/compare\//, status: 502, message: 'Bad Gateway', times: 1 },
        {
          path: /\/commits\/a+8$/,
          status: 403,
          message: 'You have exceeded a secondary rate limit',
          headers: { 'retry-after': '0' },
          times: 1,
        },
      ],
    });
    const waits: number[] = [];
    try {
      const octokit = createGitHubClient('t', {
        baseUrl: flaky.url,
        retryBaseMs: 5,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      });
      const range = await resolveRange({
        octokit,
        repo,
        event: { name: 'push', base: sha(7), head: sha(8) },
      });
      expect(subjects(range)).toEqual(['Change 8']);
      expect(range.notes).toEqual([]);
      expect(waits).toHaveLength(2);
    } finally {
      await flaky.close();
    }
  });

  it('gives up after the bounded retries and falls back to the head commit', async () => {
    const down = await startFakeGitHub({
      commits,
      faults: [{ path: /\/compare\//, status: 503, message: 'Service Unavailable' }],
    });
    try {
      const octokit = createGitHubClient('t', { baseUrl: down.url, retries: 2, retryBaseMs: 1 });
      const range = await resolveRange({
        octokit,
        repo,
        event: { name: 'push', base: sha(7), head: sha(8) },
      });
      expect(down.requests.filter((r) => r.path.includes('/compare/'))).toHaveLength(3);
      expect(subjects(range)).toEqual(['Change 8']);
      expect(range.notes.join(' ')).toMatch(/503 Service Unavailable/);
    } finally {
      await down.close();
    }
  });
});
