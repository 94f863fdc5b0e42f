export type { Commit, CommitRange, Suspect } from './types.js';
export {
  rankSuspects,
  distinctiveTokens,
  stackFrameNames,
  unexplainedFindings,
} from './suspects.js';
export { readCommitRangeFile } from './file.js';
export { redactRange } from './redact.js';
export { createGitHubClient, describeError, type Octokit, type RepoRef } from './client.js';
export { resolveRange } from './github.js';
export { resolvePullRequests } from './pulls.js';
export { readEvent, type EventInfo } from './event.js';
