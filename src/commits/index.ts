export type { ChangedFile, Commit, CommitRange, Suspect } from './types.js';
export {
  rankSuspects,
  distinctiveTokens,
  stackFrameNames,
  unexplainedFindings,
} from './suspects.js';
export { readCommitRangeFile } from './file.js';
export { redactRange } from './redact.js';
export {
  createGitHubClient,
  describeError,
  type GitHubClientOptions,
  type Octokit,
  type RepoRef,
} from './client.js';
export { fetchCommitRange, resolveRange, type RangeRequest } from './github.js';
export { resolvePullRequests, MAX_PULL_REQUESTS, type PullRequests } from './pulls.js';
export { readEvent, type EventInfo } from './event.js';
