/** The action's input names, and the error that names a bad input: shared by config and stages. */

/** Input names of action.yml; the CLI's flags carry the same names. */
export const INPUT = {
  logGroups: 'log-groups',
  filterPattern: 'filter-pattern',
  deployedAt: 'deployed-at',
  soak: 'soak',
  baseline: 'baseline',
  awsRegion: 'aws-region',
  anthropicApiKey: 'anthropic-api-key',
  model: 'model',
  maxPromptTokens: 'max-prompt-tokens',
  githubToken: 'github-token',
  baseSha: 'base-sha',
  headSha: 'head-sha',
  failOn: 'fail-on',
  comment: 'comment',
  significance: 'significance',
  minRatio: 'min-ratio',
  minEvents: 'min-events',
  maxEvents: 'max-events',
  slackWebhookUrl: 'slack-webhook-url',
  earlyVerdict: 'early-verdict',
  source: 'source',
} as const;

export type InputName = (typeof INPUT)[keyof typeof INPUT];
export type RawInputs = Partial<Record<InputName, string>>;

export type CommentTarget = { mode: 'auto' } | { mode: 'off' } | { mode: 'pr'; number: number };

/** A configuration mistake: one line naming the input, the value and what would be valid. */
export class ConfigError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    readonly expected: string,
  ) {
    // JSON.stringify escapes \n and \r but not the other line terminators; keep it one line.
    const shown = JSON.stringify(value).replace(
      /[\u0085\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    super(`Invalid ${input}: ${shown}. Expected ${expected}.`);
    this.name = 'ConfigError';
  }
}
