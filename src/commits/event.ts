import { readFileSync } from 'node:fs';

/** The parts of the workflow's event that Aftershock reads: the commit range and the event time. */
export interface EventInfo {
  name: string;
  repository?: { owner: string; repo: string };
  base?: string;
  head?: string;
  /** When the event itself happened (deployment_status, workflow_run), in ms. */
  time?: number;
  pullRequest?: number;
  /** A push that rewrote history: its `before` is no ancestor of `after`. */
  forced?: boolean;
  /** workflow_run: the run that finished, to find the previous successful run of its workflow. */
  workflowRun?: { id: number; workflowId: number; branch?: string; createdAt?: string };
  /** deployment(_status): the deployment, to find the previous successful one of its environment. */
  deployment?: { id: number; environment?: string };
}

type Json = Record<string, unknown>;

function field(object: unknown, ...path: string[]): unknown {
  let value: unknown = object;
  for (const key of path)
    value = value && typeof value === 'object' ? (value as Json)[key] : undefined;
  return value;
}

const str = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

function timeOf(value: unknown): number | undefined {
  const text = str(value);
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Reads GITHUB_EVENT_PATH and friends; a missing or broken event file yields what the env gives. */
export function readEvent(env: NodeJS.ProcessEnv): EventInfo {
  let payload: unknown = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    } catch {
      payload = {};
    }
  }
  const name = env.GITHUB_EVENT_NAME ?? '';
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const info: EventInfo = {
    name,
    repository: owner && repo ? { owner, repo } : undefined,
    head: env.GITHUB_SHA,
  };
  switch (name) {
    case 'push':
      info.base = str(field(payload, 'before'));
      info.head = str(field(payload, 'after')) ?? info.head;
      info.forced = field(payload, 'forced') === true;
      break;
    case 'pull_request':
    case 'pull_request_target':
      info.base = str(field(payload, 'pull_request', 'base', 'sha'));
      info.head = str(field(payload, 'pull_request', 'head', 'sha')) ?? info.head;
      info.pullRequest = Number(field(payload, 'pull_request', 'number')) || undefined;
      break;
    case 'deployment_status':
    case 'deployment': {
      info.head = str(field(payload, 'deployment', 'sha')) ?? info.head;
      info.time =
        name === 'deployment'
          ? timeOf(field(payload, 'deployment', 'created_at'))
          : timeOf(field(payload, 'deployment_status', 'created_at'));
      const id = Number(field(payload, 'deployment', 'id'));
      if (id)
        info.deployment = { id, environment: str(field(payload, 'deployment', 'environment')) };
      break;
    }
    case 'workflow_run': {
      info.head = str(field(payload, 'workflow_run', 'head_sha')) ?? info.head;
      info.time = timeOf(field(payload, 'workflow_run', 'updated_at'));
      const id = Number(field(payload, 'workflow_run', 'id'));
      const workflowId = Number(field(payload, 'workflow_run', 'workflow_id'));
      if (id && workflowId) {
        info.workflowRun = {
          id,
          workflowId,
          branch: str(field(payload, 'workflow_run', 'head_branch')),
          createdAt: str(field(payload, 'workflow_run', 'created_at')),
        };
      }
      break;
    }
  }
  return info;
}
