import { shortSha } from '../text.js';
import { describeError, type Octokit, type RepoRef } from './client.js';
import type { EventInfo } from './event.js';
import type { Commit, CommitRange } from './types.js';

/** Commits of a range read at most, the newest (GitHub's compare gives 250 without paging). */
export const MAX_RANGE_COMMITS = 250;
/** GitHub lists at most this many files of a commit. */
export const MAX_FILES_PER_COMMIT = 300;
/** Reading files costs one call per commit: the newest this many commits are read. */
export const MAX_COMMITS_WITH_FILES = 50;
/** Earlier deployments looked at when searching for the previous successful one. */
const MAX_DEPLOYMENTS_CHECKED = 10;
const PAGE = 100;
const CONCURRENCY = 4;
const ZERO_SHA = /^0+$/;

export interface RangeRequest {
  octokit: Octokit;
  repo: RepoRef;
  event: EventInfo;
  /** The `base-sha` / `head-sha` inputs; they win over the event. */
  baseSha?: string;
  headSha?: string;
}

/**
 * The deployed range: the inputs, else the event's own range, else (workflow_run, deployment) the
 * commit of the previous successful run or deployment. Without a usable base, the head commit
 * alone stands for the range, and the notes say why.
 */
export async function resolveRange(request: RangeRequest): Promise<CommitRange> {
  const { octokit, repo, event } = request;
  const head = request.headSha ?? event.head;
  if (!head) return { commits: [], notes: ['No head commit is known: commits were not read.'] };
  if (request.baseSha) return fetchCommitRange(octokit, repo, { base: request.baseSha, head });

  const notes: string[] = [];
  let base = event.base;
  if (event.forced) {
    notes.push('The push rewrote history (force push): the head commit alone is shown.');
    base = undefined;
  } else if (base && ZERO_SHA.test(base)) {
    notes.push('The push created the branch (first push): the head commit alone is shown.');
    base = undefined;
  } else if (!base && event.workflowRun) {
    ({ base } = await previousRun(octokit, repo, event.workflowRun, head, notes));
  } else if (!base && event.deployment) {
    ({ base } = await previousDeployment(octokit, repo, event.deployment, head, notes));
  } else if (!base) {
    notes.push(
      `The ${event.name || 'unknown'} event names no base commit and no base-sha was given: the head commit alone is shown.`,
    );
  }
  const range = await readRange(octokit, repo, base, head);
  return { ...range, notes: [...notes, ...range.notes] };
}

/** The head commit of the previous successful run of the same workflow (on the same branch). */
async function previousRun(
  octokit: Octokit,
  repo: RepoRef,
  run: NonNullable<EventInfo['workflowRun']>,
  head: string,
  notes: string[],
): Promise<{ base?: string }> {
  try {
    const { data } = await octokit.rest.actions.listWorkflowRuns({
      ...repo,
      workflow_id: run.workflowId,
      status: 'success',
      ...(run.branch && { branch: run.branch }),
      per_page: 30,
    });
    const previous = data.workflow_runs.find(
      (candidate) =>
        candidate.id !== run.id &&
        candidate.head_sha !== head &&
        (!run.createdAt || candidate.created_at < run.createdAt),
    );
    if (previous) {
      notes.push(
        `Base: ${shortSha(previous.head_sha)}, deployed by the previous successful run of this workflow (run ${previous.id}).`,
      );
      return { base: previous.head_sha };
    }
    notes.push(
      'No earlier successful run of this workflow deployed another commit: the head commit alone is shown.',
    );
  } catch (error) {
    notes.push(
      `Could not list earlier runs of the workflow (${describeError(error)}; the token needs \`actions: read\`): the head commit alone is shown.`,
    );
  }
  return {};
}

/** The commit of the newest earlier deployment to the same environment that succeeded. */
async function previousDeployment(
  octokit: Octokit,
  repo: RepoRef,
  deployment: NonNullable<EventInfo['deployment']>,
  head: string,
  notes: string[],
): Promise<{ base?: string }> {
  const environment = deployment.environment ? `\`${deployment.environment}\`` : 'this environment';
  try {
    const { data } = await octokit.rest.repos.listDeployments({
      ...repo,
      ...(deployment.environment && { environment: deployment.environment }),
      per_page: 30,
    });
    const earlier = data
      .filter((candidate) => candidate.id < deployment.id && candidate.sha !== head)
      .slice(0, MAX_DEPLOYMENTS_CHECKED);
    for (const candidate of earlier) {
      const statuses = await octokit.rest.repos.listDeploymentStatuses({
        ...repo,
        deployment_id: candidate.id,
        per_page: PAGE,
      });
      if (statuses.data.some((status) => status.state === 'success')) {
        notes.push(
          `Base: ${shortSha(candidate.sha)}, the previous successful deployment to ${environment} (deployment ${candidate.id}).`,
        );
        return { base: candidate.sha };
      }
    }
    notes.push(
      `No earlier successful deployment to ${environment} was found: the head commit alone is shown.`,
    );
  } catch (error) {
    notes.push(
      `Could not list earlier deployments (${describeError(error)}; the token needs \`deployments: read\`): the head commit alone is shown.`,
    );
  }
  return {};
}

/**
 * Reads the commits between base and head, oldest first, with the changed files of the newest
 * ones. Without a usable base, or when base is no ancestor of head, the head commit alone.
 */
export async function fetchCommitRange(
  octokit: Octokit,
  repo: RepoRef,
  range: { base?: string; head?: string },
): Promise<CommitRange> {
  const { head } = range;
  if (!head) return { commits: [], notes: ['No head commit is known: commits were not read.'] };
  const base = range.base && !ZERO_SHA.test(range.base) ? range.base : undefined;
  const read = await readRange(octokit, repo, base, head);
  if (base) return read;
  return {
    ...read,
    notes: ['No base commit is known: the head commit alone is shown.', ...read.notes],
  };
}

async function readRange(
  octokit: Octokit,
  repo: RepoRef,
  knownBase: string | undefined,
  head: string,
): Promise<CommitRange> {
  const notes: string[] = [];
  let base = knownBase;
  const compared = knownBase;
  let shas: string[] = [head];
  if (base) {
    try {
      const listed = await listRangeShas(octokit, repo, base, head);
      if (listed.status === 'diverged' || listed.status === 'behind') {
        notes.push(
          `${shortSha(base)} is not an ancestor of ${shortSha(head)} (${listed.status}; a force push or a rollback): the head commit alone is shown.`,
        );
        base = undefined;
      } else {
        shas = listed.shas;
        if (listed.total > listed.shas.length) {
          notes.push(
            `The range has ${listed.total} commits: the newest ${listed.shas.length} were read, the older ones were not.`,
          );
        }
        if (shas.length === 0)
          notes.push('Base and head are the same commit: nothing new shipped.');
      }
    } catch (error) {
      notes.push(
        `Could not compare ${shortSha(compared ?? '')}...${shortSha(head)} (${describeError(error)}): the head commit alone is shown.`,
      );
      base = undefined;
    }
  }
  if (shas.length > MAX_COMMITS_WITH_FILES) {
    notes.push(
      `The range has ${shas.length} commits: the files of the newest ${MAX_COMMITS_WITH_FILES} were read.`,
    );
  }
  const commits = await mapLimited(shas.slice(-MAX_COMMITS_WITH_FILES), CONCURRENCY, (sha) =>
    readCommit(octokit, repo, sha),
  );
  for (const commit of commits) {
    if (commit.files.length >= MAX_FILES_PER_COMMIT) {
      notes.push(
        `${shortSha(commit.sha)} changes ${MAX_FILES_PER_COMMIT} files or more: GitHub lists the first ${MAX_FILES_PER_COMMIT}, the others were not read.`,
      );
    }
  }
  return { base, head, commits, notes };
}

/** The newest MAX_RANGE_COMMITS commits of base...head, oldest first, and the range's total. */
async function listRangeShas(
  octokit: Octokit,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<{ status: string; shas: string[]; total: number }> {
  const page = async (number: number) =>
    (
      await octokit.rest.repos.compareCommitsWithBasehead({
        ...repo,
        basehead: `${base}...${head}`,
        per_page: PAGE,
        page: number,
      })
    ).data;
  const first = await page(1);
  const { status } = first;
  if (status === 'diverged' || status === 'behind') return { status, shas: [], total: 0 };
  const total = Math.max(first.total_commits, first.commits.length);
  // Compare pages run oldest first: skip to the pages that hold the newest commits.
  const start = Math.max(0, total - MAX_RANGE_COMMITS);
  const firstPage = Math.floor(start / PAGE) + 1;
  const lastPage = Math.max(1, Math.ceil(total / PAGE));
  const shas: string[] = [];
  for (let number = firstPage; number <= lastPage; number++) {
    const data = number === 1 ? first : await page(number);
    shas.push(...data.commits.map((commit) => commit.sha));
    if (data.commits.length < PAGE) break;
  }
  return { status, shas: shas.slice(start - (firstPage - 1) * PAGE), total };
}

async function readCommit(octokit: Octokit, repo: RepoRef, sha: string): Promise<Commit> {
  const { data } = await octokit.rest.repos.getCommit({ ...repo, ref: sha, per_page: 300 });
  return {
    sha: data.sha,
    subject: data.commit.message.split('\n')[0],
    author: data.commit.author?.name ?? data.author?.login,
    date: data.commit.author?.date,
    files: (data.files ?? []).map((file) => ({
      path: file.filename,
      status: file.status,
      patch: file.patch,
    })),
  };
}

/** Like Promise.all over items, with at most `limit` calls in flight. */
async function mapLimited<T, R>(
  items: T[],
  limit: number,
  call: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await call(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
