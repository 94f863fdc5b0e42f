/**
 * Posting one message to a Slack incoming webhook. The URL is a credential: it never appears
 * in a result or a message. Failures come back as one line for a warning; nothing here throws,
 * and nothing here can change the verdict.
 */
import type { SlackMessage } from './slack-message.js';

export interface SlackPost {
  url: string;
  message: SlackMessage;
  /** Default: the global fetch. The caller passes a proxying fetch when a proxy is configured. */
  fetch?: typeof fetch;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Retries after a rate limit, a server error or a network error. Default 2. */
  retries?: number;
  /** Default: a timer. Tests pass their own. */
  sleep?: (ms: number) => Promise<void>;
}

export type SlackResult = { posted: true } | { posted: false; error: string };

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
/** A longer Retry-After than this is not waited for: the job has better things to do. */
const MAX_RETRY_AFTER_MS = 30_000;

/** What Slack's webhook errors mean for the person who set it up. */
const WEBHOOK_ERRORS: Record<string, string> = {
  invalid_payload: 'Slack could not read the message (invalid_payload)',
  invalid_blocks: 'Slack rejected the message’s blocks (invalid_blocks)',
  no_text: 'Slack found no text in the message (no_text)',
  no_service:
    'the webhook URL is not valid or was revoked (no_service): create a new incoming webhook and update the secret',
  no_team: 'the webhook’s workspace no longer exists (no_team)',
  team_disabled: 'the webhook’s workspace is disabled (team_disabled)',
  channel_not_found:
    'the webhook’s channel no longer exists (channel_not_found): create a new incoming webhook',
  channel_is_archived: 'the webhook’s channel is archived (channel_is_archived)',
  action_prohibited: 'a workspace admin restricts posting to this channel (action_prohibited)',
  posting_to_general_channel_denied:
    'only admins may post to this channel (posting_to_general_channel_denied)',
  too_many_attachments: 'the message is too large for Slack (too_many_attachments)',
};

const defaultSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export async function postToSlack(post: SlackPost): Promise<SlackResult> {
  const doFetch = post.fetch ?? fetch;
  const retries = post.retries ?? DEFAULT_RETRIES;
  const sleep = post.sleep ?? defaultSleep;
  const body = JSON.stringify(post.message);
  let lastError = '';
  for (let attempt = 0; attempt <= retries; attempt++) {
    let response: Response;
    try {
      response = await doFetch(post.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(post.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      lastError = networkError(error, post.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      // No answer may still be a message posted: another try could post it twice.
      if (isTimeout(error)) break;
      if (attempt < retries) await sleep(1000 * 2 ** attempt);
      continue;
    }
    const text = (await response.text().catch(() => '')).trim();
    if (response.ok) return { posted: true };
    if (response.status === 429) {
      const waitMs = retryAfterMs(response.headers.get('retry-after'));
      lastError = 'Slack rate-limited the webhook (HTTP 429)';
      if (waitMs > MAX_RETRY_AFTER_MS || attempt === retries) break;
      await sleep(waitMs);
      continue;
    }
    lastError = describe(response.status, text);
    if (response.status < 500) break;
    if (attempt < retries) await sleep(1000 * 2 ** attempt);
  }
  return { posted: false, error: `Could not post to Slack: ${lastError}.` };
}

function describe(status: number, body: string): string {
  const code = /^[a-z_]{3,60}$/.test(body) ? body : undefined;
  if (code && WEBHOOK_ERRORS[code]) return WEBHOOK_ERRORS[code];
  if (status === 404 || status === 410) {
    return `the webhook URL answers HTTP ${status}: check the slack-webhook-url secret`;
  }
  if (status === 401 || status === 403) {
    return `the webhook refused the message (HTTP ${status}${code ? `, ${code}` : ''})`;
  }
  return `Slack answered HTTP ${status}${code ? ` (${code})` : ''}`;
}

/** A DOMException, which is not an Error in every realm: told by its name. */
function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function networkError(error: unknown, timeoutMs: number): string {
  if (isTimeout(error)) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  // The cause names the failure (ECONNREFUSED, ENOTFOUND); the message of fetch never does.
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof cause === 'string'
    ? `the webhook could not be reached (${cause})`
    : 'the webhook could not be reached';
}

/** Retry-After in seconds (Slack's form) or as an HTTP date; one second when absent. */
function retryAfterMs(header: string | null): number {
  if (!header) return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : 1000;
}
