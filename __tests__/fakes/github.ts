/**
 * A local fake of the GitHub REST endpoints Aftershock uses, for tests that drive the real
 * Octokit (or `run()`) through `GITHUB_API_URL=<url>`. Loopback only; one repository, any owner
 * and name. Tokens are not checked.
 *
 * Endpoints (as GitHub answers them, trimmed to the fields we read):
 * - `GET /repos/{o}/{r}/compare/{base}...{head}`: `history` is the linear main line, oldest
 *   first. A base on it and before the head: `ahead`, its commits after base up to head, paged by
 *   `per_page`/`page` and capped at 250 like the service, `files` (at most 300) on every page.
 *   A base known as a commit but not on the line: `diverged`, the line up to head. Unknown: 404.
 * - `GET /repos/{o}/{r}/commits/{sha}`: the commit with its files (at most 300, like GitHub).
 * - `GET /repos/{o}/{r}/commits/{sha}/pulls`: `pulls[sha]`.
 * - `GET /repos/{o}/{r}/actions/workflows/{id}/runs`: `runs` filtered by workflow id, `status`
 *   (`success` matches the conclusion) and `branch`, newest first, paged.
 * - `GET /repos/{o}/{r}/deployments` (`environment`, paged, newest first) and
 *   `GET /repos/{o}/{r}/deployments/{id}/statuses`.
 * - `GET /repos/{o}/{r}/issues/{n}/comments` (paged with a `Link` header), `POST` to it, and
 *   `PATCH /repos/{o}/{r}/issues/comments/{id}`. Comments are created by `viewer`.
 * - `GET /user`: `viewer` for a personal token; 403 for an installation token (the default).
 *
 * Faults: `readOnly` answers every write with 403 "Resource not accessible by integration" (a
 * fork's token); `faults` answer matching requests with a status, `times` times each.
 * Every request is recorded in `requests`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFile {
  filename: string;
  status?: string;
  patch?: string;
}

export interface FakeCommit {
  sha: string;
  message: string;
  author?: string;
  date?: string;
  files?: FakeFile[];
}

export interface FakePull {
  number: number;
  state?: 'open' | 'closed';
  merged_at?: string | null;
  merge_commit_sha?: string;
  title?: string;
}

export interface FakeRun {
  id: number;
  workflow_id: number;
  head_sha: string;
  head_branch?: string;
  conclusion: string | null;
  created_at: string;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  environment: string;
  created_at: string;
  /** States of its statuses, oldest first. */
  states: string[];
}

export interface FakeUser {
  login: string;
  type: 'User' | 'Bot';
}

export interface FakeComment {
  id: number;
  body: string;
  user: FakeUser;
  html_url: string;
}

export interface FakeFault {
  method?: string;
  /** Matches the path (without the query). */
  path: RegExp;
  status: number;
  message?: string;
  headers?: Record<string, string>;
  /** How many matching requests fail; default every one. */
  times?: number;
}

export interface FakeGitHubOptions {
  commits?: FakeCommit[];
  /** The main line, oldest first; default the order of `commits`. */
  history?: string[];
  pulls?: Record<string, FakePull[]>;
  runs?: FakeRun[];
  deployments?: FakeDeployment[];
  /** Existing comments per issue or PR number. */
  comments?: Record<number, Array<{ body: string; user: FakeUser }>>;
  /** Who the token belongs to: undefined is an installation token (`github-actions[bot]`). */
  viewer?: FakeUser;
  readOnly?: boolean;
  faults?: FakeFault[];
}

export interface RecordedGitHubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body?: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

export interface FakeGitHub {
  url: string;
  requests: RecordedGitHubRequest[];
  /** The comments of an issue or PR as they are now. */
  comments(issue: number): FakeComment[];
  close(): Promise<void>;
}

const BOT: FakeUser = { login: 'github-actions[bot]', type: 'Bot' };
const MAX_COMPARE_COMMITS = 250;
const MAX_FILES = 300;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const commits = new Map((options.commits ?? []).map((commit) => [commit.sha, commit]));
  const history = options.history ?? (options.commits ?? []).map((commit) => commit.sha);
  const viewer = options.viewer ?? BOT;
  const faults = (options.faults ?? []).map((fault) => ({
    ...fault,
    left: fault.times ?? Infinity,
  }));
  const requests: RecordedGitHubRequest[] = [];
  const comments = new Map<number, FakeComment[]>();
  let nextCommentId = 1000;
  let url = '';

  const htmlUrl = (issue: number, id: number) =>
    `https://github.example/acme/shop/pull/${issue}#issuecomment-${id}`;
  for (const [issue, list] of Object.entries(options.comments ?? {})) {
    comments.set(
      Number(issue),
      list.map((c) => {
        const id = nextCommentId++;
        return { id, body: c.body, user: c.user, html_url: htmlUrl(Number(issue), id) };
      }),
    );
  }

  function commitJson(commit: FakeCommit) {
    return {
      sha: commit.sha,
      commit: {
        message: commit.message,
        author: {
          name: commit.author ?? 'A Developer',
          date: commit.date ?? '2026-11-20T12:00:00Z',
        },
      },
      author: null,
      files: (commit.files ?? []).slice(0, MAX_FILES).map((file) => ({
        status: 'modified',
        ...file,
      })),
    };
  }

  function page<T>(items: T[], query: URLSearchParams, path: string, res: ServerResponse): T[] {
    const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
    const number = Math.max(1, Number(query.get('page') ?? 1));
    const slice = items.slice((number - 1) * perPage, number * perPage);
    if (number * perPage < items.length) {
      const next = new URLSearchParams(query);
      next.set('page', String(number + 1));
      next.set('per_page', String(perPage));
      res.setHeader('link', `<${url}${path}?${next.toString()}>; rel="next"`);
    }
    return slice;
  }

  function compare(basehead: string, query: URLSearchParams) {
    const [base, head] = basehead.split('...');
    const headAt = history.indexOf(head);
    if (headAt < 0 || !commits.has(base)) throw new HttpError(404, 'Not Found');
    const baseAt = history.indexOf(base);
    let status: string;
    let range: string[];
    if (baseAt < 0) {
      status = 'diverged';
      range = history.slice(0, headAt + 1);
    } else if (baseAt > headAt) {
      status = 'behind';
      range = [];
    } else {
      status = baseAt === headAt ? 'identical' : 'ahead';
      range = history.slice(baseAt + 1, headAt + 1);
    }
    const paged = query.has('per_page') || query.has('page');
    const perPage = paged
      ? Math.min(100, Number(query.get('per_page') ?? 30))
      : MAX_COMPARE_COMMITS;
    const number = Math.max(1, Number(query.get('page') ?? 1));
    const listed = paged ? range : range.slice(0, MAX_COMPARE_COMMITS);
    const files = range.flatMap((sha) => commits.get(sha)?.files ?? []).slice(0, MAX_FILES);
    return {
      status,
      ahead_by: range.length,
      behind_by: status === 'behind' ? baseAt - headAt : 0,
      total_commits: range.length,
      commits: listed
        .slice((number - 1) * perPage, number * perPage)
        .map((sha) => commitJson(commits.get(sha)!)),
      files,
    };
  }

  function route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown> | undefined,
    res: ServerResponse,
  ): unknown {
    let m: RegExpExecArray | null;
    const write = () => {
      if (options.readOnly) throw new HttpError(403, 'Resource not accessible by integration');
    };
    if (method === 'GET' && path === '/user') {
      if (viewer.type === 'Bot') throw new HttpError(403, 'Resource not accessible by integration');
      return viewer;
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/compare\/(.+)$/.exec(path)) && method === 'GET') {
      return compare(decodeURIComponent(m[1]), query);
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/pulls$/.exec(path)) && method === 'GET') {
      return (options.pulls?.[m[1]] ?? []).map((pull) => ({
        state: 'closed',
        merged_at: '2026-11-20T12:00:00Z',
        title: `PR ${pull.number}`,
        ...pull,
      }));
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)$/.exec(path)) && method === 'GET') {
      const commit = commits.get(m[1]);
      if (!commit) throw new HttpError(422, `No commit found for SHA: ${m[1]}`);
      return commitJson(commit);
    }
    if (
      (m = /^\/repos\/[^/]+\/[^/]+\/actions\/workflows\/([^/]+)\/runs$/.exec(path)) &&
      method === 'GET'
    ) {
      const runs = (options.runs ?? [])
        .filter((run) => String(run.workflow_id) === m![1])
        .filter((run) => !query.get('status') || run.conclusion === query.get('status'))
        .filter((run) => !query.get('branch') || run.head_branch === query.get('branch'))
        .sort((a, b) => b.created_at.localeCompare(a.created_at));
      return { total_count: runs.length, workflow_runs: page(runs, query, path, res) };
    }
    if (
      (m = /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/.exec(path)) &&
      method === 'GET'
    ) {
      const deployment = (options.deployments ?? []).find((d) => d.id === Number(m![1]));
      if (!deployment) throw new HttpError(404, 'Not Found');
      const statuses = deployment.states
        .map((state, i) => ({ id: deployment.id * 100 + i, state }))
        .reverse();
      return page(statuses, query, path, res);
    }
    if (/^\/repos\/[^/]+\/[^/]+\/deployments$/.test(path) && method === 'GET') {
      const deployments = (options.deployments ?? [])
        .filter((d) => !query.get('environment') || d.environment === query.get('environment'))
        .sort((a, b) => b.created_at.localeCompare(a.created_at))
        .map(({ states: _states, ...deployment }) => deployment);
      return page(deployments, query, path, res);
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = Number(m[1]);
      const list = comments.get(issue) ?? [];
      if (method === 'GET') return page(list, query, path, res);
      if (method === 'POST') {
        write();
        if (typeof body?.body !== 'string' || body.body.length > 65_536)
          throw new HttpError(
            422,
            'Validation Failed: body is too long (maximum is 65536 characters)',
          );
        const id = nextCommentId++;
        const comment = { id, body: body.body, user: viewer, html_url: htmlUrl(issue, id) };
        comments.set(issue, [...list, comment]);
        res.statusCode = 201;
        return comment;
      }
    }
    if ((m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path)) && method === 'PATCH') {
      write();
      const id = Number(m[1]);
      const comment = [...comments.values()].flat().find((c) => c.id === id);
      if (!comment) throw new HttpError(404, 'Not Found');
      if (typeof body?.body !== 'string' || body.body.length > 65_536)
        throw new HttpError(
          422,
          'Validation Failed: body is too long (maximum is 65536 characters)',
        );
      comment.body = body.body;
      return comment;
    }
    throw new HttpError(404, 'Not Found');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(req.url ?? '/', url);
    const method = req.method ?? 'GET';
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    requests.push({
      method,
      path: parsed.pathname,
      query: parsed.searchParams,
      body,
      headers: req.headers,
    });
    res.setHeader('content-type', 'application/json; charset=utf-8');
    try {
      const fault = faults.find(
        (f) => f.left > 0 && (!f.method || f.method === method) && f.path.test(parsed.pathname),
      );
      if (fault) {
        fault.left--;
        throw new HttpError(fault.status, fault.message ?? 'Server Error', fault.headers);
      }
      const answer = route(method, parsed.pathname, parsed.searchParams, body, res);
      res.end(JSON.stringify(answer));
    } catch (error) {
      const failure = error instanceof HttpError ? error : new HttpError(500, String(error));
      for (const [name, value] of Object.entries(failure.headers)) res.setHeader(name, value);
      res.statusCode = failure.status;
      res.end(
        JSON.stringify({
          message: failure.message,
          documentation_url: 'https://docs.github.com/rest',
        }),
      );
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    comments: (issue) => comments.get(issue) ?? [],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
