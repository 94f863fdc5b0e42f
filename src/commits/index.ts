export type { ChangedFile, Commit, CommitRange, Suspect } from './types.js';
export { rankSuspects, distinctiveTokens, stackFrameNames } from './suspects.js';
export { readCommitRangeFile } from './file.js';
export { fetchCommitRange, type Octokit, type RepoRef } from './github.js';
export { readEvent, type EventInfo } from './event.js';
