import type { getOctokit } from '@actions/github';
import type { Commit, CommitRange } from './types.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** The compare API lists at most 250 commits; per-commit files cost one call each. */
const MAX_COMMITS = 250;
const MAX_COMMITS_WITH_FILES = 50;
const ZERO_SHA = /^0+$/;

/**
 * Reads the commits between base and head with their changed files. Without a usable base, the
 * head commit alone stands for the range, and the notes say so.
 */
export async function fetchCommitRange(
  octokit: Octokit,
  repo: RepoRef,
  range: { base?: string; head?: string },
): Promise<CommitRange> {
  const notes: string[] = [];
  const { head } = range;
  if (!head) return { commits: [], notes: ['No head commit is known: commits were not read.'] };
  let shas: string[] = [head];
  if (!range.base || ZERO_SHA.test(range.base)) {
    notes.push(
      'No base commit is known (first push or unknown event): the head commit alone is shown.',
    );
  } else {
    try {
      shas = await listRangeShas(octokit, repo, range.base, head);
    } catch (error) {
      notes.push(
        `Could not compare ${range.base.slice(0, 7)}...${head.slice(0, 7)} (${errorMessage(error)}): the head commit alone is shown.`,
      );
    }
  }
  if (shas.length > MAX_COMMITS_WITH_FILES) {
    notes.push(
      `The range has ${shas.length} commits: the files of the newest ${MAX_COMMITS_WITH_FILES} were read.`,
    );
  }
  const withFiles = shas.slice(-MAX_COMMITS_WITH_FILES);
  const commits = await Promise.all(withFiles.map((sha) => readCommit(octokit, repo, sha)));
  return { base: range.base, head, commits, notes };
}

async function listRangeShas(
  octokit: Octokit,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<string[]> {
  const shas: string[] = [];
  for (let page = 1; shas.length < MAX_COMMITS; page++) {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${base}...${head}`,
      per_page: 100,
      page,
    });
    shas.push(...data.commits.map((commit) => commit.sha));
    if (data.commits.length < 100) break;
  }
  return shas.length > 0 ? shas : [head];
}

async function readCommit(octokit: Octokit, repo: RepoRef, sha: string): Promise<Commit> {
  const { data } = await octokit.rest.repos.getCommit({ ...repo, ref: sha });
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
