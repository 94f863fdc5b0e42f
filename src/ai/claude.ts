import Anthropic from '@anthropic-ai/sdk';
import { ModelAnswer, MODEL_ANSWER_SCHEMA } from './schema.js';
import type { Prompt } from './prompt.js';
import type { Usage } from './types.js';

export interface ClaudeOptions {
  model: string;
  maxOutputTokens?: number;
  /** Overall deadline for the call, retries included. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type ClaudeReply =
  { ok: true; answer: ModelAnswer; usage: Usage } | { ok: false; reason: string; usage: Usage };

const NO_USAGE: Usage = { input_tokens: 0, output_tokens: 0 };

/** The client honours ANTHROPIC_BASE_URL; retries (429, 529, 5xx, retry-after) are the SDK's, bounded. */
export function createClaudeClient(apiKey: string): Anthropic {
  return new Anthropic({ apiKey, maxRetries: 2, timeout: 60_000 });
}

/** Asks Claude for a structured answer; any failure is a reason, never an exception. */
export async function askClaude(
  client: Anthropic,
  prompt: Prompt,
  options: ClaudeOptions,
): Promise<ClaudeReply> {
  const signal = AbortSignal.any([
    AbortSignal.timeout(options.timeoutMs ?? 120_000),
    ...(options.signal ? [options.signal] : []),
  ]);
  let message: Anthropic.Message;
  try {
    message = await client.messages.create(
      {
        model: options.model,
        max_tokens: options.maxOutputTokens ?? 2000,
        system: prompt.system,
        messages: [{ role: 'user', content: prompt.user }],
        output_config: { format: { type: 'json_schema', schema: MODEL_ANSWER_SCHEMA } },
      },
      { signal },
    );
  } catch (error) {
    return { ok: false, reason: describeApiError(error, options.model), usage: NO_USAGE };
  }
  const usage = {
    input_tokens: message.usage.input_tokens,
    output_tokens: message.usage.output_tokens,
  };
  if (message.stop_reason !== 'end_turn') {
    return {
      ok: false,
      reason: `the model stopped early (stop_reason ${message.stop_reason})`,
      usage,
    };
  }
  const text = message.content
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the model answered with invalid JSON', usage };
  }
  const parsed = ModelAnswer.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      reason: `the model's answer did not match the schema (${parsed.error.issues[0].message})`,
      usage,
    };
  }
  return { ok: true, answer: parsed.data, usage };
}

function describeApiError(error: unknown, model: string): string {
  if (error instanceof Anthropic.AuthenticationError) {
    return 'the Anthropic API rejected the key (401): check the anthropic-api-key input';
  }
  if (error instanceof Anthropic.NotFoundError) {
    return `the Anthropic API does not know the model "${model}" (404): check the model input`;
  }
  if (error instanceof Anthropic.RateLimitError)
    return 'the Anthropic API is rate limiting this key (429) after retries';
  if (
    error instanceof Anthropic.APIConnectionTimeoutError ||
    (error instanceof Error && error.name === 'AbortError')
  ) {
    return 'the Anthropic API did not answer in time';
  }
  if (error instanceof Anthropic.APIError) {
    return `the Anthropic API failed (${error.status ?? 'no status'}): ${error.message.slice(0, 200)}`;
  }
  return `the Anthropic API call failed: ${error instanceof Error ? error.message : String(error)}`;
}
