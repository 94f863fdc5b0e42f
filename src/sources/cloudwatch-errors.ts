/** AWS errors of FilterLogEvents in words: what failed, for which log group, and what to change. */
import { oneLine } from '../text.js';
import { SourceError } from './types.js';

/** A FilterLogEvents call that failed, as the error message needs it. */
export interface FailedCall {
  /** The log group's name or ARN. */
  source: string;
  /** What the call was for: "reading the after window". */
  doing: string;
  /** Whether a filter pattern was sent (then an invalid parameter is most likely the pattern). */
  filtered: boolean;
  /** Whether the call's own deadline ended it. */
  timedOut: boolean;
  attempts: number;
  callTimeoutMs: number;
  region: string;
}

const RETRYABLE = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
]);

/** Throttling and server errors, which a later attempt may get past. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return RETRYABLE.has(error.name) || status === 429 || (status !== undefined && status >= 500);
}

/**
 * What went wrong, in one message that names the log group, what was being done, and what to
 * change: the permission, the input, the network.
 */
export function translateError(error: unknown, call: FailedCall): SourceError {
  const { doing, filtered, timedOut, attempts, region } = call;
  const { name, message } = describe(error);
  const group = `log group ${call.source}`;
  const said = message ? ` (AWS: ${oneLine(message)})` : '';
  const fail = (text: string) =>
    new SourceError(call.source, `CloudWatch Logs, ${group}, ${doing}: ${text}`, { cause: error });

  if (timedOut || name === 'TimeoutError' || name === 'AbortError') {
    const limit = timedOut ? `${call.callTimeoutMs / 1000}s` : 'the request timeout';
    return fail(
      `no answer within ${limit}${attempts > 1 ? ` over ${attempts} attempts` : ''}. ` +
        'Check network access to CloudWatch Logs from the runner (VPC endpoint, proxy, ' +
        'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS).',
    );
  }
  switch (name) {
    case 'ResourceNotFoundException':
      return fail(
        `the log group was not found in region ${region}. Check the name in log-groups and ` +
          `the aws-region input${said}.`,
      );
    case 'AccessDeniedException':
      return fail(
        `access denied. The role needs logs:FilterLogEvents on ${resourceArn(call.source, region)}${said}.`,
      );
    case 'InvalidParameterException':
      // The service's message rarely says "filter pattern"; when we sent one and the message
      // names no other parameter, the pattern is what it rejected.
      if (filtered && !/logGroup|startTime|endTime|nextToken|limit|time range/i.test(message)) {
        return fail(
          `CloudWatch rejected the filter pattern. Fix the filter-pattern input ` +
            `(CloudWatch filter pattern syntax)${said}.`,
        );
      }
      return fail(`CloudWatch rejected the request${said}.`);
    case 'ThrottlingException':
    case 'LimitExceededException':
      return fail(
        `still throttled after ${attempts} attempts. FilterLogEvents is limited per account ` +
          'and region and shared with everything else reading logs there: retry later, read ' +
          'fewer log groups, or ask AWS for a higher quota.',
      );
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
      return fail(
        `AWS does not recognise the credentials in region ${region}${said}. Either they are ` +
          'invalid, or they are not valid in that region (an opt-in region not enabled for ' +
          'the account, another partition): check the aws-region input, and configure ' +
          'credentials before this step, e.g. with aws-actions/configure-aws-credentials.',
      );
    case 'ExpiredTokenException':
    case 'ExpiredToken':
    case 'InvalidSignatureException':
    case 'IncompleteSignatureException':
    case 'MissingAuthenticationTokenException':
    case 'CredentialsProviderError':
      return fail(
        `AWS credentials are missing, invalid or expired${said}. Configure them before this ` +
          'step, e.g. with aws-actions/configure-aws-credentials (role-to-assume, and ' +
          '`id-token: write` in the workflow permissions).',
      );
  }
  if (/region is missing/i.test(message)) {
    return fail('no AWS region. Set the aws-region input, or AWS_REGION.');
  }
  if (/could not load credentials|credential/i.test(message)) {
    return fail(
      `no usable AWS credentials${said}. Configure them before this step, e.g. with ` +
        'aws-actions/configure-aws-credentials.',
    );
  }
  if (isRetryable(error)) {
    return fail(
      `CloudWatch Logs kept failing (${name}) over ${attempts} attempts, a problem on the ` +
        `service's side: retry later${said}.`,
    );
  }
  const { code, hostname } = (error ?? {}) as { code?: unknown; hostname?: unknown };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const host = typeof hostname === 'string' ? ` ${hostname}` : '';
    return fail(
      `the endpoint${host} does not resolve (${code}). Check the aws-region input ` +
        `(now ${region}) and AWS_ENDPOINT_URL_CLOUDWATCH_LOGS / AWS_ENDPOINT_URL, then DNS ` +
        'from the runner.',
    );
  }
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) {
    return fail(
      `could not reach CloudWatch Logs (${code}). Check network access from the runner ` +
        '(VPC endpoint, HTTPS_PROXY / NO_PROXY, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS).',
    );
  }
  return fail(`${name || 'error'}${message ? `: ${oneLine(message)}` : ''}.`);
}

function resourceArn(source: string, region: string): string {
  if (source.startsWith('arn:')) return `${source}:*`;
  return `arn:aws:logs:${region}:<account-id>:log-group:${source}:*`;
}

/** The name, message and SDK attempts of whatever was thrown. */
export function describe(error: unknown): { name: string; message: string; attempts: number } {
  if (!(error instanceof Error)) return { name: '', message: String(error), attempts: 1 };
  const metadata = (error as { $metadata?: { attempts?: number } }).$metadata;
  return { name: error.name, message: error.message, attempts: metadata?.attempts ?? 1 };
}
