/** Which PRs hear of a deploy, looked up through the fake GitHub (`commits/{sha}/pulls`). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createGitHubClient,
  resolvePullRequests,
  type CommitRange,
  type Octokit,
} from '../../src/commits/index.js';
import { startFakeGitHub, type FakeGitHub, type FakePull } from '../fakes/github.js';

const sha = (n: number) => n.toString(16).padStart(40, 'e');
const repo = { owner: 'acme', repo: 'shop' };
const range = (count: number): Pick<CommitRange, 'head' | 'commits'> => ({
  head: sha(count),
  commits: Array.from({ length: count }, (_, i) => ({ sha: sha(i + 1), subject: '', files: [] })),
});

let github: FakeGitHub;
let octokit: Octokit;

beforeAll(async () => {
  const pulls: Record<string, FakePull[]> = {};
  // Commits 1–14 each merged by their own PR (101–114); commit 15 is the head, merged by PR 200,
  // and also sits in a closed, unmerged PR that must not be commented on.
  for (let i = 1; i <= 14; i++) pulls[sha(i)] = [{ number: 100 + i }];
  pulls[sha(15)] = [
    { number: 199, state: 'closed', merged_at: null },
    { number: 200, merge_commit_sha: sha(15) },
  ];
  pulls[sha(3)].push({ number: 300, state: 'open', merged_at: null });
  github = await startFakeGitHub({ pulls });
  octokit = createGitHubClient('t', { baseUrl: github.url });
});

afterAll(async () => github?.close());

describe('resolvePullRequests', () => {
  it('auto on a pull_request event: that PR, without a lookup', async () => {
    const before = github.requests.length;
    const prs = await resolvePullRequests({
      octokit,
      repo,
      target: { mode: 'auto' },
      event: { pullRequest: 42 },
      range: range(15),
    });
    expect(prs).toEqual({ numbers: [42], head: 42, notes: [] });
    expect(github.requests.length).toBe(before);
  });

  it('auto otherwise: the head commit’s PR first, then the range’s newest first, at most 10', async () => {
    const prs = await resolvePullRequests({
      octokit,
      repo,
      target: { mode: 'auto' },
      event: {},
      range: range(15),
    });
    expect(prs.head).toBe(200);
    expect(prs.numbers).toEqual([200, 114, 113, 112, 111, 110, 109, 108, 107, 106]);
    expect(prs.numbers).not.toContain(199);
  });

  it('open PRs that contain a commit count too', async () => {
    const prs = await resolvePullRequests({
      octokit,
      repo,
      target: { mode: 'auto' },
      event: {},
      range: { head: sha(3), commits: range(3).commits },
    });
    expect(prs.numbers).toEqual([103, 300, 102, 101]);
    expect(prs.head).toBe(103);
  });

  it('a number forces that PR; off means none', async () => {
    const target = { mode: 'pr', number: 7 } as const;
    expect(
      await resolvePullRequests({
        octokit,
        repo,
        target,
        event: { pullRequest: 42 },
        range: range(2),
      }),
    ).toEqual({ numbers: [7], head: 7, notes: [] });
    expect(
      (
        await resolvePullRequests({
          octokit,
          repo,
          target: { mode: 'off' },
          event: {},
          range: range(2),
        })
      ).numbers,
    ).toEqual([]);
  });

  it('a failed lookup is a note, not a crash', async () => {
    const broken = await startFakeGitHub({
      faults: [
        { path: /\/pulls$/, status: 403, message: 'Resource not accessible by integration' },
      ],
    });
    try {
      const prs = await resolvePullRequests({
        octokit: createGitHubClient('t', { baseUrl: broken.url }),
        repo,
        target: { mode: 'auto' },
        event: {},
        range: range(3),
      });
      expect(prs.numbers).toEqual([]);
      expect(prs.notes[0]).toMatch(/403 Resource not accessible by integration/);
    } finally {
      await broken.close();
    }
  });
});
