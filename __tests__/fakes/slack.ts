/**
 * A local Slack incoming webhook on 127.0.0.1. It checks each message the way Slack documents
 * it — valid JSON, text or blocks, at most 50 blocks of known types, the length limits of
 * headers, sections, fields, context elements and buttons — and answers as Slack does:
 * `ok`, or an error code in the body (`invalid_payload`, `invalid_blocks`, `no_service`).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlackOptions {
  /** Answers for the first requests, in order, before the webhook works: e.g. [500, 429]. */
  failFirst?: number[];
  /** Answer every request with this status and body. */
  always?: { status: number; body: string };
}

export interface ReceivedMessage {
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  payload: SlackPayload;
}

export interface SlackPayload {
  text?: string;
  blocks?: Array<Record<string, unknown>>;
  unfurl_links?: boolean;
  unfurl_media?: boolean;
}

export interface FakeSlack {
  /** The webhook URL to give the action: `http://127.0.0.1:PORT/services/T0/B0/secret`. */
  url: string;
  /** Messages Slack would have posted. */
  messages: ReceivedMessage[];
  /** Every request, accepted or not, with the answer it got. */
  requests: Array<{ path: string; status: number; body: string }>;
  close(): Promise<void>;
}

export const WEBHOOK_PATH = '/services/T0FAKE/B0FAKE/s3cr3tW3bh00kT0k3n';

/** Why Slack would refuse a message, or undefined when it would post it. */
export function blockKitProblem(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return 'invalid_payload';
  const { text, blocks } = payload as SlackPayload;
  if (text !== undefined && typeof text !== 'string') return 'invalid_payload';
  if (blocks === undefined) return text ? undefined : 'no_text';
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50) return 'invalid_blocks';
  for (const block of blocks) {
    const problem = blockProblem(block);
    if (problem) return `invalid_blocks: ${problem}`;
  }
  return undefined;
}

function textProblem(value: unknown, max: number, where: string): string | undefined {
  if (typeof value !== 'object' || value === null) return `${where}: no text object`;
  const { type, text } = value as { type?: unknown; text?: unknown };
  if (type !== 'mrkdwn' && type !== 'plain_text') return `${where}: text type ${String(type)}`;
  if (typeof text !== 'string' || text.length === 0) return `${where}: empty text`;
  if (text.length > max) return `${where}: ${text.length} characters, over ${max}`;
  return undefined;
}

function blockProblem(block: Record<string, unknown>): string | undefined {
  switch (block.type) {
    case 'header': {
      if ((block.text as { type?: string } | undefined)?.type !== 'plain_text') {
        return 'header: text must be plain_text';
      }
      return textProblem(block.text, 150, 'header');
    }
    case 'section': {
      if (block.text === undefined && block.fields === undefined) return 'section: no text';
      if (block.text !== undefined) {
        const problem = textProblem(block.text, 3000, 'section');
        if (problem) return problem;
      }
      if (block.fields !== undefined) {
        const fields = block.fields as unknown[];
        if (!Array.isArray(fields) || fields.length > 10) return 'section: more than 10 fields';
        for (const field of fields) {
          const problem = textProblem(field, 2000, 'field');
          if (problem) return problem;
        }
      }
      return undefined;
    }
    case 'context': {
      const elements = block.elements as unknown[];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
        return 'context: 1 to 10 elements';
      }
      for (const element of elements) {
        const problem = textProblem(element, 3000, 'context');
        if (problem) return problem;
      }
      return undefined;
    }
    case 'actions': {
      const elements = block.elements as Array<Record<string, unknown>>;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) {
        return 'actions: 1 to 25 elements';
      }
      for (const button of elements) {
        if (button.type !== 'button') return `actions: element type ${String(button.type)}`;
        const problem = textProblem(button.text, 75, 'button');
        if (problem) return problem;
        const url = button.url;
        if (typeof url !== 'string' || url.length > 3000 || !/^https?:\/\//.test(url)) {
          return 'button: url';
        }
      }
      return undefined;
    }
    case 'divider':
      return undefined;
    default:
      return `unknown block type ${String(block.type)}`;
  }
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const messages: ReceivedMessage[] = [];
  const requests: FakeSlack['requests'] = [];
  const failures = [...(options.failFirst ?? [])];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '';
      const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
        requests.push({ path, status, body });
        response.writeHead(status, { 'content-type': 'text/plain', ...headers });
        response.end(body);
      };
      if (options.always) return answer(options.always.status, options.always.body);
      if (request.method !== 'POST') return answer(405, 'invalid_method');
      if (path !== WEBHOOK_PATH) return answer(404, 'no_service');
      const failure = failures.shift();
      if (failure === 429) return answer(429, 'rate_limited', { 'retry-after': '0' });
      if (failure !== undefined) return answer(failure, 'internal_error');
      let payload: unknown;
      try {
        payload = JSON.parse(raw);
      } catch {
        return answer(400, 'invalid_payload');
      }
      const problem = blockKitProblem(payload);
      if (problem) return answer(400, problem.split(':')[0]);
      messages.push({ path, headers: request.headers, raw, payload: payload as SlackPayload });
      answer(200, 'ok');
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    messages,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
