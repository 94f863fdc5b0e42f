/**
 * A local fake of the Anthropic Messages API (`POST /v1/messages`), for tests that drive the real
 * SDK through `ANTHROPIC_BASE_URL=<url>`. Loopback only. Each request is answered by `reply`,
 * which returns a status and a JSON body; every request body is recorded.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReply {
  status: number;
  body: unknown;
}

export interface FakeAnthropic {
  url: string;
  requests: Array<{ path: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A successful Messages API answer whose text is `answer` serialised as JSON. */
export function messageReply(answer: unknown, stopReason = 'end_turn'): FakeReply {
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
      usage: { input_tokens: 1234, output_tokens: 321 },
    },
  };
}

export function errorReply(status: number, type: string, message: string): FakeReply {
  return { status, body: { type: 'error', error: { type, message } } };
}

export async function startFakeAnthropic(
  reply: (body: Record<string, unknown>) => FakeReply,
): Promise<FakeAnthropic> {
  const requests: FakeAnthropic['requests'] = [];
  const server = createServer((request, response) => {
    let data = '';
    request.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    request.on('end', () => {
      const body = (data ? JSON.parse(data) : {}) as Record<string, unknown>;
      requests.push({ path: request.url ?? '', body });
      const answer = request.url?.startsWith('/v1/messages')
        ? reply(body)
        : errorReply(404, 'not_found_error', 'no such route');
      response.writeHead(answer.status, {
        'content-type': 'application/json',
        'request-id': 'req_fake',
      });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
