import type { CommentTarget } from '../inputs.js';
import { shortSha } from '../text.js';
import { describeError, type Octokit, type RepoRef } from './client.js';
import type { EventInfo } from './event.js';
import type { CommitRange } from './types.js';

/** Every PR that shipped hears of the deploy, up to this many. */
export const MAX_PULL_REQUESTS = 10;
/** Commits whose PRs are looked up, head first then newest first. */
const MAX_LOOKUPS = 30;

export interface PullRequestsRequest {
  octokit: Octokit;
  repo: RepoRef;
  target: CommentTarget;
  event: Pick<EventInfo, 'pullRequest'>;
  range: Pick<CommitRange, 'head' | 'commits'>;
}

export interface PullRequests {
  /** The PRs to comment on, the head commit's first. */
  numbers: number[];
  /** The PR of the head commit: the `pr-number` output. */
  head?: number;
  /** What could not be looked up, in words for the step log. */
  notes: string[];
}

/**
 * The PRs to comment on: `comment: <n>` that one; `off` none; `auto` the PR of a pull_request
 * event, else the merged (or open) PRs that contain the head commit or a commit of the range.
 */
export async function resolvePullRequests(request: PullRequestsRequest): Promise<PullRequests> {
  const { target, event, range } = request;
  if (target.mode === 'off') return { numbers: [], notes: [] };
  if (target.mode === 'pr') return { numbers: [target.number], head: target.number, notes: [] };
  if (event.pullRequest)
    return { numbers: [event.pullRequest], head: event.pullRequest, notes: [] };

  const shas = [
    ...new Set([range.head, ...range.commits.map((c) => c.sha).reverse()].filter(Boolean)),
  ] as string[];
  const numbers: number[] = [];
  const notes: string[] = [];
  let head: number | undefined;
  for (const sha of shas.slice(0, MAX_LOOKUPS)) {
    if (numbers.length >= MAX_PULL_REQUESTS) break;
    let shipped: ShippedPull[];
    try {
      shipped = await shippedPulls(request, sha);
    } catch (error) {
      notes.push(
        `Could not look up the pull requests of ${shortSha(sha)} (${describeError(error)}): no further PRs are commented on.`,
      );
      break;
    }
    if (sha === range.head && shipped.length > 0) {
      // The PR that merged the head commit, when GitHub says which.
      head = (shipped.find((pull) => pull.merge_commit_sha === sha) ?? shipped[0]).number;
      numbers.push(head);
    }
    for (const { number } of shipped) {
      if (!numbers.includes(number) && numbers.length < MAX_PULL_REQUESTS) numbers.push(number);
    }
  }
  if (shas.length > MAX_LOOKUPS && numbers.length < MAX_PULL_REQUESTS) {
    notes.push(`The PRs of the newest ${MAX_LOOKUPS} of ${shas.length} commits were looked up.`);
  }
  return { numbers, head, notes };
}

interface ShippedPull {
  number: number;
  merge_commit_sha?: string | null;
}

/** The merged or open PRs that contain a commit; closed unmerged ones did not ship it. */
async function shippedPulls(request: PullRequestsRequest, sha: string): Promise<ShippedPull[]> {
  const { data } = await request.octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    ...request.repo,
    commit_sha: sha,
    per_page: 30,
  });
  return data.filter((pull) => pull.merged_at || pull.state === 'open');
}
