import type Anthropic from '@anthropic-ai/sdk';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk/core/error';
import { proxyFetch } from '../proxy.js';
import { ModelAnswer, MODEL_ANSWER_SCHEMA } from './schema.js';
import type { PromptText } from './prompt.js';
import type { Usage } from './types.js';
import { errorMessage } from '../text.js';

export const OUTPUT_FORMAT = { type: 'json_schema', schema: MODEL_ANSWER_SCHEMA } as const;

export interface ClaudeOptions {
  model: string;
  maxOutputTokens?: number;
  /** Ends the call, retries included: the overall deadline and any cancellation. */
  signal?: AbortSignal;
}

export type ClaudeReply =
  { ok: true; answer: ModelAnswer; usage: Usage } | { ok: false; reason: string; usage: Usage };

const NO_USAGE: Usage = { input_tokens: 0, output_tokens: 0 };

/** Attempts per request: the first and two retries. */
export const MAX_RETRIES = 2;

/**
 * The client honours ANTHROPIC_BASE_URL. Retries of 408, 409, 429, 529 and other 5xx answers,
 * after `retry-after` when the API sends one, are the SDK's; they are bounded by MAX_RETRIES and,
 * whatever `retry-after` says, by the deadline the caller's signal carries. The SDK is loaded
 * here, not at start: it is a quarter of the bundle, and a run without a key never needs it.
 * The analysis awaits the client minutes later; until then a failure to load waits for it.
 */
export function createClaudeClient(
  apiKey: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Anthropic> {
  const client = import('@anthropic-ai/sdk').then(({ default: Anthropic }) => {
    const fetch = proxyFetch(env);
    return new Anthropic({
      apiKey,
      maxRetries: MAX_RETRIES,
      timeout: 60_000,
      // The SDK's fetch ignores HTTPS_PROXY / NO_PROXY.
      ...(fetch && { fetch }),
    });
  });
  client.catch(() => undefined);
  return client;
}

/** The request both the token count and the call send: system, message and output schema. */
function request(prompt: PromptText, model: string) {
  return {
    model,
    system: prompt.system,
    messages: [{ role: 'user' as const, content: prompt.user }],
    output_config: { format: OUTPUT_FORMAT },
  };
}

/** Counts the request's input tokens with `POST /v1/messages/count_tokens`; rejects when it cannot. */
export async function countPromptTokens(
  client: Anthropic,
  prompt: PromptText,
  options: { model: string; signal?: AbortSignal },
): Promise<number> {
  const signal = AbortSignal.any([
    AbortSignal.timeout(15_000),
    ...(options.signal ? [options.signal] : []),
  ]);
  const counted = await client.messages.countTokens(request(prompt, options.model), {
    signal,
    maxRetries: 1,
  });
  return counted.input_tokens;
}

const STOPPED: Record<string, string> = {
  refusal: 'the model declined to answer (stop_reason refusal)',
  max_tokens: 'the answer was cut at the output limit (stop_reason max_tokens)',
  model_context_window_exceeded:
    "the prompt did not fit the model's context window (stop_reason model_context_window_exceeded)",
};

/** Asks Claude for a structured answer; any failure is a reason, never an exception. */
export async function askClaude(
  client: Anthropic,
  prompt: PromptText,
  options: ClaudeOptions,
): Promise<ClaudeReply> {
  let message: Anthropic.Message;
  try {
    // No tools: the model reads the evidence and answers, nothing else.
    message = await client.messages.create(
      { ...request(prompt, options.model), max_tokens: options.maxOutputTokens ?? 2000 },
      { signal: options.signal },
    );
  } catch (error) {
    return { ok: false, reason: describeApiError(error, options), usage: NO_USAGE };
  }
  const usage = {
    input_tokens: message.usage?.input_tokens ?? 0,
    output_tokens: message.usage?.output_tokens ?? 0,
  };
  if (message.stop_reason !== 'end_turn') {
    const reason =
      STOPPED[message.stop_reason ?? ''] ??
      `the model stopped early (stop_reason ${message.stop_reason})`;
    return { ok: false, reason, usage };
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
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `the model's answer did not match the schema (${issue.path.join('.') || 'answer'}: ${issue.message})`,
      usage,
    };
  }
  return { ok: true, answer: parsed.data, usage };
}

/** One sentence that names the input to fix, when there is one. */
export function describeApiError(error: unknown, options: ClaudeOptions): string {
  if (options.signal?.aborted) {
    const cause = options.signal.reason as { name?: unknown } | undefined;
    return cause?.name === 'TimeoutError'
      ? 'the Anthropic API did not answer before the deadline (retries included)'
      : 'the Anthropic API call was cancelled';
  }
  if (error instanceof AuthenticationError) {
    return 'the Anthropic API rejected the key (401): check the anthropic-api-key input';
  }
  if (error instanceof PermissionDeniedError) {
    return 'the Anthropic API refused this key access (403): check the anthropic-api-key input and its workspace';
  }
  if (error instanceof NotFoundError) {
    return `the Anthropic API does not know the model "${options.model}" (404): check the model input`;
  }
  if (error instanceof BadRequestError) {
    return `the Anthropic API rejected the request (400): ${error.message.slice(0, 300)}`;
  }
  const retries = `after ${MAX_RETRIES} retries`;
  if (error instanceof RateLimitError) {
    return `the Anthropic API is rate limiting this key (429) ${retries}`;
  }
  if (error instanceof APIError && error.status === 529) {
    return `the Anthropic API is overloaded (529) ${retries}`;
  }
  if (error instanceof APIConnectionTimeoutError) {
    return `the Anthropic API did not answer in time ${retries}`;
  }
  if (error instanceof APIConnectionError) {
    return `the Anthropic API could not be reached ${retries}: ${error.message.slice(0, 200)}`;
  }
  if (error instanceof APIError) {
    return `the Anthropic API failed (${error.status ?? 'no status'}) ${retries}: ${error.message.slice(0, 200)}`;
  }
  return `the Anthropic API call failed: ${errorMessage(error)}`;
}
