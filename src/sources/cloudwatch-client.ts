/** The CloudWatch Logs client: credentials, endpoint, proxy, bounded retries and timeouts that fail. */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { proxyAgent } from '../proxy.js';

/** The SDK's attempts per request, first try included; it backs off up to 0.5s, 1s, 2s between them. */
export const DEFAULT_MAX_ATTEMPTS = 4;
/** Until the response headers arrive, per attempt. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;
export interface CloudWatchClientOptions {
  region?: string;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /**
   * The agent for every connection. Default: one that honours HTTPS_PROXY / HTTP_PROXY /
   * NO_PROXY of `env` (the SDK ignores them unless given an agent), none without a proxy.
   */
  agent?: HttpAgent;
  env?: NodeJS.ProcessEnv;
}

/**
 * A client with the SDK's standard credential chain and endpoint resolution (so
 * AWS_ENDPOINT_URL_CLOUDWATCH_LOGS / AWS_ENDPOINT_URL apply), bounded retries, and request
 * timeouts that fail the attempt: without `throwOnRequestTimeout` the SDK only logs a warning.
 */
export function createCloudWatchClient(
  options: CloudWatchClientOptions = {},
): CloudWatchLogsClient {
  const agent = options.agent ?? proxyAgent(options.env ?? process.env);
  // The SDK warns on every run under Node 20 that its releases after January 2027 will need
  // Node 22. The SDK is bundled and does not change under the user: the warning is ours to heed.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new CloudWatchLogsClient({
    ...(options.region ? { region: options.region } : {}),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      // One agent for both schemes: endpoints are https, local ones (tests, some VPC setups) http.
      ...(agent && { httpAgent: agent, httpsAgent: agent as HttpsAgent }),
    },
  });
  // The SDK's logger step builds a copy of every response, sensitive fields masked, to hand to
  // a logger that does nothing: a page of 5,000 events copied for no one.
  client.middlewareStack.remove(SDK_LOGGER_STEP);
  return client;
}

const SDK_LOGGER_STEP = 'loggerMiddleware';

/** The client's region for an error message, or `(none set)`. */
export async function regionOf(client: CloudWatchLogsClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    return '(none set)';
  }
}

/** A log group's ARN (its region, account and name in groups 1 to 3), as opposed to its name. */
export const LOG_GROUP_ARN = /^arn:aws[\w-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+)$/;
