import { getOctokit } from '@actions/github';
import { proxyFetch } from '../proxy.js';
import { errorMessage } from '../text.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface GitHubClientOptions {
  /** Where HTTPS_PROXY / NO_PROXY are read; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** `GITHUB_API_URL`; GitHub Enterprise Server is `https://HOST/api/v3`. */
  baseUrl?: string;
  /** Retries after the first attempt, for 5xx, 429 and rate limits. Default 3. */
  retries?: number;
  /** The first backoff; each retry doubles it. Default 1 s. */
  retryBaseMs?: number;
  /** A rate limit that asks for a longer wait than this is not waited for. Default 60 s. */
  maxWaitMs?: number;
  /** All waits of the client together stay under this. Default 2 min. */
  maxTotalWaitMs?: number;
  /** Deadline of one request. Default 30 s. */
  timeoutMs?: number;
  /** Where retries are told about. */
  log?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

interface HttpFailure {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * An Octokit for the GitHub REST API with a deadline on every request and bounded retries with
 * backoff for server errors and rate limits (primary and secondary), honouring `retry-after`.
 */
export function createGitHubClient(token: string, options: GitHubClientOptions = {}): Octokit {
  // Passing `fetch: undefined` would drop @actions/github's own proxy support: only when set.
  const fetch = proxyFetch(options.env ?? process.env);
  const octokit = getOctokit(token, {
    ...(options.baseUrl && { baseUrl: options.baseUrl }),
    ...(fetch && { request: { fetch } }),
  });
  const retries = options.retries ?? 3;
  const baseMs = options.retryBaseMs ?? 1000;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sleep = options.sleep ?? wait;
  let waitBudgetMs = options.maxTotalWaitMs ?? 120_000;

  octokit.hook.wrap('request', async (request, endpoint) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request({
          ...endpoint,
          request: { ...endpoint.request, signal: AbortSignal.timeout(timeoutMs) },
        });
      } catch (error) {
        const delay = retryDelay(error as HttpFailure, attempt, baseMs, maxWaitMs);
        if (attempt >= retries || delay === undefined || delay > waitBudgetMs) throw error;
        waitBudgetMs -= delay;
        options.log?.(
          `GitHub answered ${(error as HttpFailure).status ?? 'no status'} to ${endpoint.method} ${endpoint.url}: retrying in ${Math.round(delay / 100) / 10}s`,
        );
        await sleep(delay);
      }
    }
  });
  return octokit;
}

/** How long to wait before retrying, or undefined when the failure is not worth a retry. */
function retryDelay(
  error: HttpFailure,
  attempt: number,
  baseMs: number,
  maxWaitMs: number,
): number | undefined {
  const status = error.status ?? 0;
  const headers = error.response?.headers ?? {};
  const backoff = baseMs * 2 ** attempt * (1 + Math.random() / 4);
  const retryAfter = Number(headers['retry-after']);
  const rateLimited =
    status === 429 ||
    (status === 403 &&
      (headers['retry-after'] !== undefined ||
        String(headers['x-ratelimit-remaining']) === '0' ||
        /rate limit/i.test(error.message ?? '')));
  if (rateLimited) {
    let ms = backoff;
    if (Number.isFinite(retryAfter)) ms = Math.max(ms, retryAfter * 1000);
    else if (String(headers['x-ratelimit-remaining']) === '0') {
      const reset = Number(headers['x-ratelimit-reset']) * 1000;
      if (Number.isFinite(reset)) ms = Math.max(ms, reset - Date.now());
    } else if (/secondary rate limit/i.test(error.message ?? '')) {
      // GitHub asks for at least a minute when it does not say how long.
      ms = Math.max(ms, 60_000);
    }
    return ms <= maxWaitMs ? ms : undefined;
  }
  // Octokit reports a network failure or a timeout as status 500.
  if (status >= 500 || status === 0) return backoff;
  return undefined;
}

/** A one-line description of a failed GitHub call: status and GitHub's message. */
export function describeError(error: unknown): string {
  const failure = error as HttpFailure;
  const message = errorMessage(error);
  return failure.status ? `${failure.status} ${message.split(' - ')[0]}` : message;
}
