import { createHash } from 'node:crypto';
import { describeError, type Octokit, type RepoRef } from '../commits/index.js';
import { MAX_COMMENT_CHARS } from './markdown.js';

export interface PublishRequest {
  octokit: Octokit;
  repo: RepoRef;
  prNumbers: number[];
  /** The comment without its marker; marker, newline and this must fit MAX_COMMENT_CHARS. */
  markdown: string;
  /** From commentMarker(): tells this workflow's comment apart from everyone else's. */
  marker: string;
  log?: (message: string) => void;
}

export interface PublishedComment {
  pr: number;
  url: string;
  action: 'created' | 'updated' | 'unchanged';
}

export interface PublishResult {
  comments: PublishedComment[];
  /** One line each, for `::warning::`; the verdict does not depend on them. */
  warnings: string[];
}

interface Author {
  login: string;
  type?: string;
}

/**
 * The hidden first line of our comment, keyed by workflow and log groups so that two services
 * deployed from one repository keep a comment each. Only a hash: no name can break the comment.
 */
export function commentMarker(key: { workflow?: string; logGroups: string[] }): string {
  const text = [key.workflow ?? '', ...[...key.logGroups].sort()].join('\n');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return `<!-- aftershock ${hash} -->`;
}

/** How many characters of Markdown fit in a comment after the marker. */
export function commentBudget(marker: string): number {
  return MAX_COMMENT_CHARS - marker.length - 1;
}

/**
 * Posts the report on each PR, one sticky comment per PR and marker: the comment that starts
 * with the marker and was written by this token's identity is updated in place, else one is
 * created. Failures become warnings; nothing here throws.
 */
export async function publishComments(request: PublishRequest): Promise<PublishResult> {
  const { octokit, repo, marker } = request;
  const body = `${marker}\n${request.markdown}`;
  const result: PublishResult = { comments: [], warnings: [] };
  if (request.prNumbers.length === 0) return result;
  if (body.length > MAX_COMMENT_CHARS) {
    result.warnings.push(
      `The comment is ${body.length} characters, over GitHub's ${MAX_COMMENT_CHARS}: it was not posted.`,
    );
    return result;
  }
  const isOurs = authorCheck(octokit);
  for (const [index, pr] of request.prNumbers.entries()) {
    try {
      const existing = await findComment(octokit, repo, pr, marker, isOurs);
      if (existing && existing.body === body) {
        result.comments.push({ pr, url: existing.html_url, action: 'unchanged' });
      } else if (existing) {
        const { data } = await octokit.rest.issues.updateComment({
          ...repo,
          comment_id: existing.id,
          body,
        });
        result.comments.push({ pr, url: data.html_url, action: 'updated' });
      } else {
        const { data } = await octokit.rest.issues.createComment({
          ...repo,
          issue_number: pr,
          body,
        });
        result.comments.push({ pr, url: data.html_url, action: 'created' });
      }
      request.log?.(`Commented on PR #${pr}: ${result.comments.at(-1)?.url}`);
    } catch (error) {
      result.warnings.push(warningFor(error, pr));
      if (isPermissionError(error)) {
        const skipped = request.prNumbers.slice(index + 1);
        if (skipped.length > 0)
          result.warnings.push(
            `Not commenting on ${skipped.map((n) => `#${n}`).join(', ')} either: the same token.`,
          );
        break;
      }
    }
  }
  return result;
}

async function findComment(
  octokit: Octokit,
  repo: RepoRef,
  pr: number,
  marker: string,
  isOurs: (author: Author | null | undefined) => Promise<boolean>,
): Promise<{ id: number; body?: string; html_url: string } | undefined> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: pr,
    per_page: 100,
  });
  for await (const { data } of pages) {
    for (const comment of data) {
      if (comment.body?.startsWith(`${marker}\n`) && (await isOurs(comment.user))) return comment;
    }
  }
  return undefined;
}

/**
 * Whether a comment's author is the identity behind the token: its login for a personal token;
 * a bot for an installation token (`GITHUB_TOKEN`, a GitHub App), which cannot read `/user`.
 */
function authorCheck(octokit: Octokit): (author: Author | null | undefined) => Promise<boolean> {
  let viewer: Promise<string | undefined> | undefined;
  return async (author) => {
    if (!author) return false;
    viewer ??= octokit.rest.users.getAuthenticated().then(
      ({ data }) => data.login,
      () => undefined,
    );
    const login = await viewer;
    return login ? author.login === login : author.type === 'Bot';
  };
}

function isPermissionError(error: unknown): boolean {
  const { status, message } = error as { status?: number; message?: string };
  return (
    status === 403 && /not accessible by integration|permission|admin rights/i.test(message ?? '')
  );
}

function warningFor(error: unknown, pr: number): string {
  const status = (error as { status?: number }).status;
  const why = describeError(error);
  if (isPermissionError(error)) {
    return `Could not comment on PR #${pr} (${why}): the token may not write to pull requests. A pull request from a fork gets a read-only token; otherwise give the workflow \`permissions: pull-requests: write\`.`;
  }
  if (status === 404)
    return `Could not comment on PR #${pr} (${why}): no such PR, or the token cannot see it.`;
  if (status === 422) return `GitHub refused the comment on PR #${pr} (${why}).`;
  if (status === 403 || status === 429)
    return `Could not comment on PR #${pr} (${why}): GitHub's rate limit held after retries.`;
  return `Could not comment on PR #${pr} (${why}).`;
}
