/**
 * A local fake of the Anthropic Messages API — `POST /v1/messages` and
 * `POST /v1/messages/count_tokens` — for tests that drive the real SDK through
 * `ANTHROPIC_BASE_URL=<url>`. Loopback only. Messages are answered by `reply`, token counts by
 * `options.count` (by default, one token for every four characters of the request); every
 * request is recorded with its arrival time.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeRequest {
  path: string;
  body: Record<string, unknown>;
  at: number;
}

export interface FakeAnthropic {
  url: string;
  requests: FakeRequest[];
  /** The recorded requests to one endpoint: `messages` or `count_tokens`. */
  to(endpoint: 'messages' | 'count_tokens'): FakeRequest[];
  close(): Promise<void>;
}

export interface FakeOptions {
  count?: (body: Record<string, unknown>) => FakeReply;
}

/** A successful Messages API answer whose text is `answer` serialised as JSON. */
export function messageReply(
  answer: unknown,
  stopReason = 'end_turn',
  usage = { input_tokens: 1234, output_tokens: 321 },
): FakeReply {
  return {
    status: 200,
    body: {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-5-5',
      content: [
        { type: 'text', text: typeof answer === 'string' ? answer : JSON.stringify(answer) },
      ],
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    },
  };
}

export function errorReply(
  status: number,
  type: string,
  message: string,
  headers?: Record<string, string>,
): FakeReply {
  return { status, body: { type: 'error', error: { type, message } }, headers };
}

/** The text of a request the way the budget counts it: system, messages and output schema. */
export function requestText(body: Record<string, unknown>): string {
  const messages = (body.messages as Array<{ content: unknown }> | undefined) ?? [];
  return [
    typeof body.system === 'string' ? body.system : JSON.stringify(body.system ?? ''),
    ...messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))),
    JSON.stringify(body.output_config ?? ''),
  ].join('\n');
}

export function countReply(tokens: number): FakeReply {
  return { status: 200, body: { input_tokens: tokens } };
}

const defaultCount = (body: Record<string, unknown>) =>
  countReply(Math.ceil(requestText(body).length / 4));

export async function startFakeAnthropic(
  reply: (body: Record<string, unknown>) => FakeReply,
  options: FakeOptions = {},
): Promise<FakeAnthropic> {
  const requests: FakeRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const data = Buffer.concat(chunks).toString('utf8');
      const body = (data ? JSON.parse(data) : {}) as Record<string, unknown>;
      const path = (request.url ?? '').split('?')[0];
      requests.push({ path, body, at: Date.now() });
      const answer =
        request.method !== 'POST'
          ? errorReply(405, 'invalid_request_error', 'method not allowed')
          : path === '/v1/messages/count_tokens'
            ? (options.count ?? defaultCount)(body)
            : path === '/v1/messages'
              ? reply(body)
              : errorReply(404, 'not_found_error', 'no such route');
      response.writeHead(answer.status, {
        'content-type': 'application/json',
        'request-id': 'req_fake',
        ...answer.headers,
      });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    to: (endpoint) =>
      requests.filter((r) =>
        endpoint === 'count_tokens'
          ? r.path === '/v1/messages/count_tokens'
          : r.path === '/v1/messages',
      ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
