import {
  DEFAULT_ALPHA,
  DEFAULT_MIN_EVENTS,
  DEFAULT_MIN_RATIO,
  VERDICTS,
  type Verdict,
} from './compare/index.js';

import {
  ConfigError,
  INPUT,
  type CommentTarget,
  type InputName,
  type RawInputs,
} from './inputs.js';
import { parseDuration, parseTime, type DeployedAtSource } from './time.js';
import { SOURCE_OPTIONS, type SourceOption } from './sources/insights.js';

export {
  ConfigError,
  INPUT,
  type CommentTarget,
  type InputName,
  type RawInputs,
} from './inputs.js';
export { parseDuration, parseTime, type DeployedAtSource } from './time.js';

/**
 * Selects error-level events and well-known failure markers in plain-text and JSON logs.
 * CloudWatch regex patterns allow no spaces, quotes, colons or parentheses, hence `.` in their place.
 */
export const DEFAULT_FILTER_PATTERN =
  '%ERROR|FATAL|CRITICAL|[Ee]rror|[Ee]xception|Traceback|panic.|OutOfMemory|OOMKilled|' +
  '[Oo]ut.of.memory|exit.code.137|SIGKILL|[Tt]imed.out|[Tt]imeout|level..[56]0|' +
  'HTTP/[0-9.]+.{1,3}5[0-9][0-9]|status.{1,3}5[0-9][0-9]%';

export const DEFAULT_MODEL = 'claude-sonnet-5-5';
export const DEFAULT_SOAK = '10m';
export const DEFAULT_BASELINE = '1h';
export const DEFAULT_MAX_PROMPT_TOKENS = 20000;
const MIN_PROMPT_TOKENS = 4000;
const MAX_PROMPT_TOKENS = 1_000_000;
/** How far in the future `deployed-at` may lie before it is taken for a mistake (clock skew). */
const FUTURE_SKEW_MS = 5 * 60_000;
const MIN_WINDOW_MS = 30_000;
const MAX_WINDOW_MS = 7 * 24 * 3_600_000;

export interface Config {
  logGroups: string[];
  filterPattern: string;
  deployedAt: number;
  deployedAtSource: DeployedAtSource;
  soakMs: number;
  baselineMs: number;
  awsRegion?: string;
  anthropicApiKey?: string;
  model: string;
  maxPromptTokens: number;
  githubToken?: string;
  baseSha?: string;
  headSha?: string;
  failOn: Verdict[];
  comment: CommentTarget;
  /** Sensitivity of the test: family-wise false-alarm rate, smallest rise, fewest events. */
  significance: number;
  minRatio: number;
  minEvents: number;
  /** Most events read per log group and window; 0 for no cap. */
  maxEvents: number;
  /** A Slack incoming webhook for one message per run: a credential, like the tokens. */
  slackWebhookUrl?: string;
  /** Look at the after window while it fills, and call a regression as soon as it is certain. */
  earlyVerdict: boolean;
  /** Page with FilterLogEvents, count with Logs Insights, or choose by the baseline's volume. */
  source: SourceOption;
}

export interface ConfigContext {
  /** Milliseconds since the epoch when the step (or CLI) started. */
  now: number;
  /** The event's own time (deployment_status created_at, workflow_run updated_at), if any. */
  eventTime?: number;
  /** Region from the environment (AWS_REGION / AWS_DEFAULT_REGION). */
  envRegion?: string;
  /** Whether `log-groups` may be empty (the CLI reading local files). */
  logGroupsOptional?: boolean;
}

/** Turns raw inputs (action inputs or CLI flags) into one validated Config, or throws ConfigError. */
export function parseConfig(raw: RawInputs, context: ConfigContext): Config {
  const value = (name: InputName): string => (raw[name] ?? '').trim();

  const logGroups = parseLogGroups(value(INPUT.logGroups), context.logGroupsOptional ?? false);
  const soakMs = parseWindow(INPUT.soak, value(INPUT.soak) || DEFAULT_SOAK);
  const baselineMs = parseWindow(INPUT.baseline, value(INPUT.baseline) || DEFAULT_BASELINE);
  const deployedAt = parseDeployedAt(value(INPUT.deployedAt), context);

  return {
    logGroups,
    filterPattern: value(INPUT.filterPattern) || DEFAULT_FILTER_PATTERN,
    ...deployedAt,
    soakMs,
    baselineMs,
    awsRegion: parseRegion(value(INPUT.awsRegion) || context.envRegion?.trim() || ''),
    anthropicApiKey: value(INPUT.anthropicApiKey) || undefined,
    model: parseModel(value(INPUT.model) || DEFAULT_MODEL),
    maxPromptTokens: parseMaxPromptTokens(value(INPUT.maxPromptTokens)),
    githubToken: value(INPUT.githubToken) || undefined,
    baseSha: parseSha(INPUT.baseSha, value(INPUT.baseSha)),
    headSha: parseSha(INPUT.headSha, value(INPUT.headSha)),
    failOn: parseFailOn(raw[INPUT.failOn]),
    comment: parseComment(value(INPUT.comment)),
    significance: parseNumber(INPUT.significance, value(INPUT.significance), DEFAULT_ALPHA, {
      min: 1e-6,
      max: 0.2,
      expected: 'a false-alarm rate above 0 and at most 0.2, such as 0.01',
    }),
    minRatio: parseNumber(INPUT.minRatio, value(INPUT.minRatio), DEFAULT_MIN_RATIO, {
      min: 1,
      max: 100,
      expected: 'a rate ratio from 1 to 100, such as 1.5',
    }),
    minEvents: parseNumber(INPUT.minEvents, value(INPUT.minEvents), DEFAULT_MIN_EVENTS, {
      min: 1,
      max: 1_000_000,
      integer: true,
      expected: 'a whole number of events from 1, such as 5',
    }),
    maxEvents: parseNumber(INPUT.maxEvents, value(INPUT.maxEvents), 0, {
      min: 0,
      max: 100_000_000,
      integer: true,
      expected: 'a whole number of events (0 for no cap), such as 200000',
    }),
    slackWebhookUrl: parseWebhookUrl(value(INPUT.slackWebhookUrl)),
    earlyVerdict: parseBoolean(INPUT.earlyVerdict, value(INPUT.earlyVerdict), true),
    source: parseSource(value(INPUT.source)),
  };
}

function parseSource(text: string): SourceOption {
  const normalised = text.toLowerCase() || 'auto';
  const option = SOURCE_OPTIONS.find((known) => known === normalised);
  if (!option) throw new ConfigError(INPUT.source, text, SOURCE_OPTIONS.join(', '));
  return option;
}

function parseBoolean(input: string, text: string, fallback: boolean): boolean {
  if (!text) return fallback;
  const normalised = text.toLowerCase();
  if (normalised === 'true') return true;
  if (normalised === 'false') return false;
  throw new ConfigError(input, text, 'true or false');
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, or http to this machine (a local relay); the error never shows the URL's secret path. */
function parseWebhookUrl(text: string): string | undefined {
  if (!text) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
  ) {
    const shown = url ? `${url.protocol}//${url.host}/…` : `${text.slice(0, 8)}…`;
    throw new ConfigError(
      INPUT.slackWebhookUrl,
      shown,
      'a Slack incoming webhook URL such as https://hooks.slack.com/services/T…/B…/…',
    );
  }
  return url.href;
}

function parseWindow(input: string, text: string): number {
  const ms = parseDuration(input, text);
  if (ms < MIN_WINDOW_MS || ms > MAX_WINDOW_MS) {
    throw new ConfigError(input, text, 'a duration between 30s and 168h (7 days)');
  }
  return ms;
}

function parseDeployedAt(
  text: string,
  context: ConfigContext,
): { deployedAt: number; deployedAtSource: DeployedAtSource } {
  if (!text) {
    return context.eventTime !== undefined
      ? { deployedAt: context.eventTime, deployedAtSource: 'event' }
      : { deployedAt: context.now, deployedAtSource: 'start' };
  }
  const deployedAt = parseTime(INPUT.deployedAt, text);
  if (deployedAt > context.now + FUTURE_SKEW_MS) {
    throw new ConfigError(
      INPUT.deployedAt,
      text,
      `a time that is not in the future (now is ${new Date(context.now).toISOString()})`,
    );
  }
  if (deployedAt < Date.UTC(2000, 0, 1)) {
    throw new ConfigError(INPUT.deployedAt, text, 'a time after the year 2000');
  }
  return { deployedAt, deployedAtSource: 'input' };
}

const LOG_GROUP_NAME = /^[\w\-./#]{1,512}$/;
const LOG_GROUP_ARN = /^arn:aws[\w-]*:logs:[a-z0-9-]+:\d{12}:log-group:[\w\-./#]{1,512}(?::\*)?$/;

function parseLogGroups(text: string, optional: boolean): string[] {
  const given = text
    .split(/[\n,]/)
    .map((group) => group.trim())
    .filter(Boolean);
  if (given.length === 0 && !optional) {
    throw new ConfigError(
      INPUT.logGroups,
      text,
      'at least one CloudWatch Logs group name or ARN, separated by newlines or commas',
    );
  }
  for (const group of given) {
    if (!LOG_GROUP_NAME.test(group) && !LOG_GROUP_ARN.test(group)) {
      throw new ConfigError(
        INPUT.logGroups,
        group,
        'log group names of letters, digits and _ - . / # (up to 512), or log group ARNs ' +
          '(arn:aws:logs:REGION:ACCOUNT:log-group:NAME)',
      );
    }
  }
  // `arn:…:log-group:NAME:*` and `arn:…:log-group:NAME` are the same group.
  return [...new Set(given.map((group) => group.replace(/:\*$/, '')))];
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

function parseRegion(text: string): string | undefined {
  if (!text) return undefined;
  if (!REGION.test(text)) {
    throw new ConfigError(
      INPUT.awsRegion,
      text,
      'an AWS region code such as us-east-1 or eu-west-2',
    );
  }
  return text;
}

function parseModel(text: string): string {
  if (!/^[a-z0-9][\w.:@-]{1,127}$/i.test(text)) {
    throw new ConfigError(INPUT.model, text, 'a Claude model id such as claude-sonnet-5-5');
  }
  return text;
}

function parseMaxPromptTokens(text: string): number {
  if (!text) return DEFAULT_MAX_PROMPT_TOKENS;
  const number = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(number) || number < MIN_PROMPT_TOKENS || number > MAX_PROMPT_TOKENS) {
    throw new ConfigError(
      INPUT.maxPromptTokens,
      text,
      `a whole number of tokens from ${MIN_PROMPT_TOKENS} to ${MAX_PROMPT_TOKENS}`,
    );
  }
  return number;
}

function parseSha(input: string, text: string): string | undefined {
  if (!text) return undefined;
  if (!/^[0-9a-f]{7,64}$/i.test(text)) {
    throw new ConfigError(input, text, 'a commit SHA of 7 to 64 hexadecimal characters');
  }
  return text.toLowerCase();
}

/** Absent means the default (`regression`); an explicit empty value means never fail on a verdict. */
function parseFailOn(text: string | undefined): Verdict[] {
  if (text === undefined) return ['regression'];
  const verdicts = [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((verdict) => verdict.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  for (const verdict of verdicts) {
    if (!(VERDICTS as readonly string[]).includes(verdict)) {
      throw new ConfigError(
        INPUT.failOn,
        text.trim(),
        `a comma-separated list of ${VERDICTS.join(', ')} (or empty to never fail)`,
      );
    }
  }
  return verdicts as Verdict[];
}

function parseNumber(
  input: string,
  text: string,
  fallback: number,
  rule: { min: number; max: number; integer?: boolean; expected: string },
): number {
  if (!text) return fallback;
  const number = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(number >= rule.min && number <= rule.max) || (rule.integer && !Number.isInteger(number))) {
    throw new ConfigError(input, text, rule.expected);
  }
  return number;
}

function parseComment(text: string): CommentTarget {
  const normalised = text.toLowerCase();
  if (!normalised || normalised === 'auto') return { mode: 'auto' };
  if (normalised === 'off' || normalised === 'false') return { mode: 'off' };
  const number = /^#?(\d{1,9})$/.exec(normalised);
  if (number && Number(number[1]) > 0) return { mode: 'pr', number: Number(number[1]) };
  throw new ConfigError(INPUT.comment, text, 'auto, off, or a pull request number such as 42');
}
