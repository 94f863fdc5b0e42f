import { describe, expect, it } from '@jest/globals';
import {
  ConfigError,
  DEFAULT_FILTER_PATTERN,
  DEFAULT_MAX_PROMPT_TOKENS,
  DEFAULT_MODEL,
  INPUT,
  parseConfig,
  parseDuration,
  parseTime,
  type Config,
  type ConfigContext,
  type InputName,
  type RawInputs,
} from '../src/config.js';

/** 2026-03-01T12:00:00Z: every test runs at the same "now". */
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const GROUP = '/aws/lambda/checkout';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** parseConfig with one valid log group, the given inputs on top, at NOW. */
function parse(inputs: RawInputs = {}, context: Partial<ConfigContext> = {}): Config {
  return parseConfig({ [INPUT.logGroups]: GROUP, ...inputs }, { now: NOW, ...context });
}

/** The ConfigError that `run` throws; fails the test when it throws nothing or something else. */
function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('defaults', () => {
  it('fills every optional input when only log-groups is given', () => {
    expect(parse()).toEqual({
      logGroups: [GROUP],
      filterPattern: DEFAULT_FILTER_PATTERN,
      deployedAt: NOW,
      deployedAtSource: 'start',
      soakMs: 10 * MINUTE,
      baselineMs: HOUR,
      awsRegion: undefined,
      anthropicApiKey: undefined,
      model: 'claude-sonnet-5-5',
      maxPromptTokens: 20000,
      githubToken: undefined,
      baseSha: undefined,
      headSha: undefined,
      failOn: ['regression'],
      comment: { mode: 'auto' },
      earlyVerdict: true,
      significance: 0.01,
      minRatio: 1.5,
      minEvents: 5,
      maxEvents: 0,
      source: 'auto',
    } satisfies Config);
    expect(DEFAULT_MODEL).toBe('claude-sonnet-5-5');
    expect(DEFAULT_MAX_PROMPT_TOKENS).toBe(20000);
  });

  // The action passes '' for inputs the workflow leaves out; blank means "use the default".
  it.each(['', '   ', '\n'])(
    'treats a blank value (%j) as absent for defaulted inputs',
    (blank) => {
      const config = parse({
        [INPUT.soak]: blank,
        [INPUT.baseline]: blank,
        [INPUT.deployedAt]: blank,
        [INPUT.model]: blank,
        [INPUT.maxPromptTokens]: blank,
        [INPUT.comment]: blank,
        [INPUT.filterPattern]: blank,
        [INPUT.awsRegion]: blank,
        [INPUT.anthropicApiKey]: blank,
        [INPUT.githubToken]: blank,
        [INPUT.baseSha]: blank,
        [INPUT.headSha]: blank,
      });
      expect(config).toMatchObject({
        soakMs: 10 * MINUTE,
        baselineMs: HOUR,
        deployedAt: NOW,
        deployedAtSource: 'start',
        model: DEFAULT_MODEL,
        maxPromptTokens: DEFAULT_MAX_PROMPT_TOKENS,
        comment: { mode: 'auto' },
        filterPattern: DEFAULT_FILTER_PATTERN,
      });
      for (const key of [
        'awsRegion',
        'anthropicApiKey',
        'githubToken',
        'baseSha',
        'headSha',
      ] as const) {
        expect(config[key]).toBeUndefined();
      }
    },
  );

  it('passes filter-pattern, anthropic-api-key and github-token through, trimmed', () => {
    const config = parse({
      [INPUT.filterPattern]: ' { $.level = "error" } ',
      [INPUT.anthropicApiKey]: ' sk-ant-test ',
      [INPUT.githubToken]: ' ghs_token ',
    });
    expect(config.filterPattern).toBe('{ $.level = "error" }');
    expect(config.anthropicApiKey).toBe('sk-ant-test');
    expect(config.githubToken).toBe('ghs_token');
  });
});

describe('durations: soak and baseline', () => {
  const good: [string, number][] = [
    ['30s', 30 * SECOND],
    ['90s', 90 * SECOND],
    ['10m', 10 * MINUTE],
    ['1h', HOUR],
    ['1h30m', 90 * MINUTE],
    ['2h5m10s', 2 * HOUR + 5 * MINUTE + 10 * SECOND],
    ['0h1m', MINUTE],
    [' 15m ', 15 * MINUTE],
    ['168h', 168 * HOUR],
  ];

  it.each(good)('parses %j as %i ms for soak and baseline', (text, ms) => {
    const config = parse({ [INPUT.soak]: text, [INPUT.baseline]: text });
    expect(config.soakMs).toBe(ms);
    expect(config.baselineMs).toBe(ms);
  });

  it('keeps soak and baseline apart', () => {
    const config = parse({ [INPUT.soak]: '5m', [INPUT.baseline]: '2h' });
    expect(config.soakMs).toBe(5 * MINUTE);
    expect(config.baselineMs).toBe(2 * HOUR);
  });

  it.each([
    ['0s', 0],
    ['10s', 10 * SECOND],
    ['1h', HOUR],
  ])(
    'parseDuration accepts any well-formed %j (the window bounds are checked later)',
    (text, ms) => {
      expect(parseDuration('soak', text)).toBe(ms);
    },
  );

  it.each(['', '10', '10 m', '1d', '-5m', 'abc', '1m1h', '10M', 'h', '1.5h'])(
    'parseDuration rejects %j',
    (text) => {
      const error = configErrorOf(() => parseDuration('baseline', text));
      expect(error.input).toBe('baseline');
      expect(error.value).toBe(text);
    },
  );
});

describe('deployed-at', () => {
  const good: [string, string, number][] = [
    ['ISO with Z', '2026-03-01T10:00:00Z', Date.UTC(2026, 2, 1, 10)],
    ['ISO with an offset', '2026-03-01T10:00:00+02:00', Date.UTC(2026, 2, 1, 8)],
    ['ISO with a negative offset', '2026-03-01T01:00:00-05:00', Date.UTC(2026, 2, 1, 6)],
    ['ISO with an offset without colon', '2026-03-01T10:00:00+0200', Date.UTC(2026, 2, 1, 8)],
    ['ISO without an offset (UTC)', '2026-03-01T10:00:00', Date.UTC(2026, 2, 1, 10)],
    ['ISO without seconds', '2026-03-01T10:05', Date.UTC(2026, 2, 1, 10, 5)],
    ['date and time with a space', '2026-03-01 10:00:00', Date.UTC(2026, 2, 1, 10)],
    ['lower-case t and z', '2026-03-01t10:00:00z', Date.UTC(2026, 2, 1, 10)],
    ['lower-case t without an offset', '2026-03-01t10:00:00', Date.UTC(2026, 2, 1, 10)],
    ['a date alone (UTC midnight)', '2026-02-28', Date.UTC(2026, 1, 28)],
    ['milliseconds', '2026-03-01T10:00:00.250Z', Date.UTC(2026, 2, 1, 10, 0, 0, 250)],
    ['one fractional digit', '2026-03-01T10:00:00.5Z', Date.UTC(2026, 2, 1, 10, 0, 0, 500)],
    ['nanoseconds', '2026-03-01T10:00:00.123456789Z', Date.UTC(2026, 2, 1, 10, 0, 0, 123)],
    ['a leap day', '2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['unix seconds', '1767225600', Date.UTC(2026, 0, 1)],
    ['fractional unix seconds', '1767225600.5', Date.UTC(2026, 0, 1, 0, 0, 0, 500)],
    ['unix milliseconds', '1767225600000', Date.UTC(2026, 0, 1)],
    ['surrounding whitespace', '  1767225600\n', Date.UTC(2026, 0, 1)],
    ['2 minutes ahead (clock skew)', iso(NOW + 2 * MINUTE), NOW + 2 * MINUTE],
    ['exactly 5 minutes ahead', iso(NOW + 5 * MINUTE), NOW + 5 * MINUTE],
    ['the first moment of 2000', '2000-01-01T00:00:00Z', Date.UTC(2000, 0, 1)],
  ];

  it.each(good)('accepts %s: %j', (_label, text, ms) => {
    const config = parse({ [INPUT.deployedAt]: text }, { eventTime: NOW - HOUR });
    expect(config.deployedAt).toBe(ms);
    expect(config.deployedAtSource).toBe('input');
  });

  it('tells seconds from milliseconds at 1e11', () => {
    expect(parseTime('deployed-at', '99999999999')).toBe(99_999_999_999_000);
    expect(parseTime('deployed-at', '100000000000')).toBe(100_000_000_000);
    // Through parseConfig both sides of the boundary are out of range: year 5138 and 1973.
    expect(configErrorOf(() => parse({ [INPUT.deployedAt]: '99999999999' })).message).toMatch(
      /not in the future/,
    );
    expect(configErrorOf(() => parse({ [INPUT.deployedAt]: '100000000000' })).message).toMatch(
      /after the year 2000/,
    );
  });

  it('says a future time must not be in the future, naming the input, value and now', () => {
    const text = iso(NOW + 5 * MINUTE + SECOND);
    const error = configErrorOf(() => parse({ [INPUT.deployedAt]: text }));
    expect(error.input).toBe('deployed-at');
    expect(error.message).toContain('deployed-at');
    expect(error.message).toContain(text);
    expect(error.message).toMatch(/not in the future/);
    expect(error.message).toContain(iso(NOW));
  });

  it('defaults to the event time (source event), else to now (source start)', () => {
    expect(parse({}, { eventTime: NOW - 3 * MINUTE })).toMatchObject({
      deployedAt: NOW - 3 * MINUTE,
      deployedAtSource: 'event',
    });
    expect(parse({}, { eventTime: 0 })).toMatchObject({
      deployedAt: 0,
      deployedAtSource: 'event',
    });
    expect(parse()).toMatchObject({ deployedAt: NOW, deployedAtSource: 'start' });
  });
});

describe('log-groups', () => {
  const arn = 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/checkout';
  const good: [string, string, string[]][] = [
    ['one name', '/aws/lambda/checkout', ['/aws/lambda/checkout']],
    ['newline-separated', '/aws/a\n/aws/b', ['/aws/a', '/aws/b']],
    ['CRLF-separated', '/aws/a\r\n/aws/b\r\n', ['/aws/a', '/aws/b']],
    ['comma-separated and trimmed', ' /aws/a , /aws/b ,/aws/c ', ['/aws/a', '/aws/b', '/aws/c']],
    ['mixed, blank entries, duplicates', '/aws/a\n\n  /aws/a ,\n/aws/b,', ['/aws/a', '/aws/b']],
    ['an ARN', arn, [arn]],
    ['an ARN ending in :* (the same group)', `${arn}:*`, [arn]],
    ['an ARN with and without :*, once', `${arn}:*\n${arn}`, [arn]],
    [
      'a GovCloud ARN',
      'arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:app',
      ['arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:app'],
    ],
    ['names with / . _ - #', 'my_app-1.prod/#svc', ['my_app-1.prod/#svc']],
    ['a name and an ARN', `app, ${arn}`, ['app', arn]],
    ['512 characters', 'a'.repeat(512), ['a'.repeat(512)]],
  ];

  it.each(good)('accepts %s', (_label, text, groups) => {
    expect(parse({ [INPUT.logGroups]: text }).logGroups).toEqual(groups);
  });

  it.each([undefined, '', ' \n , '])(
    'may be empty (%j) when logGroupsOptional is set (the CLI reading files)',
    (text) => {
      const config = parseConfig(text === undefined ? {} : { [INPUT.logGroups]: text }, {
        now: NOW,
        logGroupsOptional: true,
      });
      expect(config.logGroups).toEqual([]);
    },
  );

  it('is required when log-groups is absent', () => {
    expect(configErrorOf(() => parseConfig({}, { now: NOW })).input).toBe('log-groups');
  });
});

describe('fail-on', () => {
  const good: [string | undefined, string[]][] = [
    [undefined, ['regression']],
    ['', []],
    ['  ', []],
    [' , \n', []],
    ['regression', ['regression']],
    ['regression,warning', ['regression', 'warning']],
    [' Regression ,\n WARNING \n', ['regression', 'warning']],
    ['regression\nwarning\ninconclusive', ['regression', 'warning', 'inconclusive']],
    ['clean', ['clean']],
    ['warning,regression,warning,REGRESSION', ['warning', 'regression']],
  ];

  it.each(good)('parses %j as %j', (text, verdicts) => {
    expect(parse(text === undefined ? {} : { [INPUT.failOn]: text }).failOn).toEqual(verdicts);
  });
});

describe('comment', () => {
  const good: [string | undefined, Config['comment']][] = [
    [undefined, { mode: 'auto' }],
    ['auto', { mode: 'auto' }],
    ['AUTO', { mode: 'auto' }],
    ['off', { mode: 'off' }],
    [' Off ', { mode: 'off' }],
    ['false', { mode: 'off' }],
    ['42', { mode: 'pr', number: 42 }],
    ['#42', { mode: 'pr', number: 42 }],
    [' 7 ', { mode: 'pr', number: 7 }],
    ['999999999', { mode: 'pr', number: 999999999 }],
  ];

  it.each(good)('parses %j as %j', (text, target) => {
    expect(parse(text === undefined ? {} : { [INPUT.comment]: text }).comment).toEqual(target);
  });
});

describe('max-prompt-tokens', () => {
  it.each([
    [undefined, 20000],
    ['8000', 8000],
    [' 8000 ', 8000],
    ['4000', 4000],
    ['1000000', 1_000_000],
  ])('parses %j as %i', (text, tokens) => {
    const inputs = text === undefined ? {} : { [INPUT.maxPromptTokens]: text };
    expect(parse(inputs).maxPromptTokens).toBe(tokens);
  });
});

describe('sensitivity', () => {
  it('defaults to the method of docs/statistics.md', () => {
    expect(parse()).toMatchObject({ significance: 0.01, minRatio: 1.5, minEvents: 5 });
  });

  it.each([
    [INPUT.significance, '0.05', 'significance', 0.05],
    [INPUT.significance, '0.2', 'significance', 0.2],
    [INPUT.minRatio, '2', 'minRatio', 2],
    [INPUT.minRatio, '1.25', 'minRatio', 1.25],
    [INPUT.minEvents, '20', 'minEvents', 20],
  ] as const)('%s %j', (input, text, field, expected) => {
    expect(parse({ [input]: text })[field]).toBe(expected);
  });
});

describe('aws-region', () => {
  it.each(['us-east-1', 'eu-west-2', 'ap-southeast-1', 'us-gov-west-1', 'cn-north-1'])(
    'accepts %s',
    (region) => {
      expect(parse({ [INPUT.awsRegion]: region }).awsRegion).toBe(region);
    },
  );

  it('falls back to the environment region, and the input wins over it', () => {
    expect(parse({}, { envRegion: ' eu-central-1 ' }).awsRegion).toBe('eu-central-1');
    expect(parse({ [INPUT.awsRegion]: 'us-west-2' }, { envRegion: 'eu-central-1' }).awsRegion).toBe(
      'us-west-2',
    );
    expect(parse().awsRegion).toBeUndefined();
  });
});

describe('model and commit SHAs', () => {
  it('takes a model id', () => {
    expect(parse({ [INPUT.model]: 'claude-opus-4-1@20250805' }).model).toBe(
      'claude-opus-4-1@20250805',
    );
  });

  const sha40 = 'ABCDEF0123456789abcdef0123456789ABCDEF01';
  it.each([
    ['abc1234', 'abc1234'],
    ['ABC1234', 'abc1234'],
    [sha40, sha40.toLowerCase()],
    ['a'.repeat(64), 'a'.repeat(64)],
  ])('takes base-sha and head-sha %j as %j', (text, sha) => {
    const config = parse({ [INPUT.baseSha]: text, [INPUT.headSha]: ` ${text} ` });
    expect(config.baseSha).toBe(sha);
    expect(config.headSha).toBe(sha);
  });
});

/**
 * Every bad value of every input: a ConfigError whose message is one line naming the input, the
 * value and what would be valid. `shown` is the part of the value the message names, when that is
 * not the whole (trimmed) value; `valid` is what the message must say would be valid.
 */
interface BadCase {
  input: InputName;
  value: string;
  valid: RegExp;
  shown?: string;
  context?: Partial<ConfigContext>;
}

const DURATION_FORM = /a duration such as 90s, 10m, 1h/;
const DURATION_RANGE = /between 30s and 168h/;
const TIME_FORM = /ISO-8601 .*unix seconds or milliseconds/;
const GROUP_FORM = /log group names .*or log group ARNs/;
const FAIL_ON_FORM = /regression, warning, inconclusive, clean \(or empty to never fail\)/;
const COMMENT_FORM = /auto, off, or a pull request number/;
const TOKENS_FORM = /whole number of tokens from 4000 to 1000000/;
const REGION_FORM = /AWS region code such as us-east-1/;
const MODEL_FORM = /Claude model id such as claude-sonnet-5-5/;
const SHA_FORM = /commit SHA of 7 to 64 hexadecimal characters/;

const durationCases = (input: InputName): BadCase[] => [
  ...['10', '10 m', '1d', '-5m', 'abc', '1m1h', '10M', '10m\n5m'].map((value) => ({
    input,
    value,
    valid: DURATION_FORM,
  })),
  ...['0s', '10s', '29s', '168h1s', '200h', '99999999999999999999h'].map((value) => ({
    input,
    value,
    valid: DURATION_RANGE,
  })),
];

const badCases: BadCase[] = [
  ...durationCases(INPUT.soak),
  ...durationCases(INPUT.baseline),

  ...[
    'yesterday',
    'now',
    '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z', // no 30 February: must not roll over into March
    '2025-02-29T00:00:00Z', // not a leap year
    '2026-04-31',
    '2026-03-01T25:00:00Z',
    '2026-03-01T10:60:00Z',
    '2026-03-01T10:00:00+25:00',
    '2026/03/01 10:00:00',
    '01/03/2026',
    '-1767225600',
    '1e12',
    '2026-03-01T10:00:00Z\nrm -rf /',
  ].map((value) => ({ input: INPUT.deployedAt, value, valid: TIME_FORM })),
  { input: INPUT.deployedAt, value: iso(NOW + 5 * MINUTE + 1), valid: /not in the future/ },
  { input: INPUT.deployedAt, value: iso(NOW + 2 * HOUR), valid: /not in the future/ },
  { input: INPUT.deployedAt, value: '1'.repeat(400), valid: /not in the future/ },
  { input: INPUT.deployedAt, value: '1999-12-31T23:59:59Z', valid: /after the year 2000/ },
  { input: INPUT.deployedAt, value: '0', valid: /after the year 2000/ },
  { input: INPUT.deployedAt, value: '946684799', valid: /after the year 2000/ },

  { input: INPUT.logGroups, value: '', valid: /at least one CloudWatch Logs group/ },
  { input: INPUT.logGroups, value: ' , \n ', shown: ',', valid: /at least one/ },
  ...[
    'my group',
    '/aws/*',
    '/aws/lambda/*',
    'a'.repeat(513),
    'arn:aws:logs:us-east-1:123:log-group:app',
    'arn:aws:logs:us-east-1:123456789012:app',
    'arn:aws:logs:us-east-1:123456789012:log-group:',
    'arn:aws:logs:us-east-1:123456789012:log-group:app:*:*',
    'arn:aws:s3:::bucket',
    'app\u2028other',
  ].map((value) => ({ input: INPUT.logGroups, value, valid: GROUP_FORM })),
  { input: INPUT.logGroups, value: '/aws/ok, bad group', shown: 'bad group', valid: GROUP_FORM },
  { input: INPUT.logGroups, value: '/aws/ok\n/aws/*\n', shown: '/aws/*', valid: GROUP_FORM },

  ...['broken', 'regression,oops', 'regression\nfailure', 'regression;warning', 'all'].map(
    (value) => ({ input: INPUT.failOn, value, valid: FAIL_ON_FORM }),
  ),

  ...[
    '0',
    '#0',
    'maybe',
    '-1',
    '4.2',
    '# 42',
    '1234567890',
    '42abc',
    'on',
    'yes\nno',
    '4\u20292',
  ].map((value) => ({ input: INPUT.comment, value, valid: COMMENT_FORM })),

  ...['abc', '100', '3999', '1e6', '20000.5', '99999999', '-8000', '+8000', '8 000', '0x1F40'].map(
    (value) => ({ input: INPUT.maxPromptTokens, value, valid: TOKENS_FORM }),
  ),

  ...['US-EAST-1', 'useast1', 'mars', 'us-east', 'us_east_1', 'us-east-1a', 'us east 1'].map(
    (value) => ({ input: INPUT.awsRegion, value, valid: REGION_FORM }),
  ),
  {
    input: INPUT.awsRegion,
    value: '',
    shown: 'Mars-1',
    valid: REGION_FORM,
    context: { envRegion: 'Mars-1' },
  },

  ...['claude sonnet', 'c', '-claude', 'claude/sonnet', 'x'.repeat(129), 'claude\u0085sonnet'].map(
    (value) => ({ input: INPUT.model, value, valid: MODEL_FORM }),
  ),

  ...[INPUT.baseSha, INPUT.headSha].flatMap((input) =>
    ['main', 'xyz1234', 'abc123', 'a'.repeat(65), 'HEAD~1', 'abc 1234'].map((value) => ({
      input,
      value,
      valid: SHA_FORM,
    })),
  ),

  ...['0', '0.5', '-0.01', 'high', '1e-2'].map((value) => ({
    input: INPUT.significance,
    value,
    valid: /a false-alarm rate above 0 and at most 0.2/,
  })),
  ...['0.9', '101', 'x2', '-2'].map((value) => ({
    input: INPUT.minRatio,
    value,
    valid: /a rate ratio from 1 to 100/,
  })),
  ...['-1', '2.5', 'lots', '1e6'].map((value) => ({
    input: INPUT.maxEvents,
    value,
    valid: /a whole number of events \(0 for no cap\)/,
  })),
  ...['0', '2.5', 'five', '-1'].map((value) => ({
    input: INPUT.minEvents,
    value,
    valid: /a whole number of events from 1/,
  })),
  ...['logs', 'paging', 'filter,insights'].map((value) => ({
    input: INPUT.source,
    value,
    valid: /auto, filter, insights/,
  })),
  ...['yes', '1', 'on'].map((value) => ({
    input: INPUT.earlyVerdict,
    value,
    valid: /true or false/,
  })),
  // A webhook URL is a credential: the error shows its scheme and host only.
  ...[
    ['http://hooks.slack.com/services/T0/B0/s3cret', 'http://hooks.slack.com/…'],
    ['ftp://example.com/hook', 'ftp://example.com/…'],
    ['not a url at all', 'not a ur…'],
  ].map(([value, shown]) => ({
    input: INPUT.slackWebhookUrl,
    value,
    shown,
    valid: /a Slack incoming webhook URL/,
  })),
];

describe('every bad value is one ConfigError line naming the input, value and what is valid', () => {
  it.each(badCases.map((bad) => [bad.input, bad.value, bad] as const))(
    '%s = %j',
    (input, value, { valid, shown, context }) => {
      const error = configErrorOf(() => parse({ [input]: value }, context));
      const named = shown ?? value.trim();

      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('ConfigError');
      expect(error.input).toBe(input);
      expect(error.value).toBe(named);
      // One line: no line terminator of any kind (JavaScript's or Unicode's), raw or in the value.
      expect(error.message).not.toMatch(/[\n\r\v\f\u0085\u2028\u2029]/);
      expect(error.message).toContain(`Invalid ${input}:`);
      expect(error.message).toContain(
        JSON.stringify(named).replace(/[\u0085\u2028\u2029]/g, (c) => {
          return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
        }),
      );
      expect(error.message).toMatch(/\. Expected /);
      expect(error.message).toMatch(valid);
    },
  );

  it('covers every input that can be wrong', () => {
    const covered = new Set(badCases.map((bad) => bad.input));
    const free: InputName[] = [INPUT.filterPattern, INPUT.anthropicApiKey, INPUT.githubToken];
    for (const input of Object.values(INPUT)) {
      expect([input, covered.has(input) || free.includes(input)]).toEqual([input, true]);
    }
  });
});

describe('slack-webhook-url', () => {
  it('takes an https URL, or http to this machine', () => {
    const url = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
    expect(parse({ [INPUT.slackWebhookUrl]: ` ${url} ` }).slackWebhookUrl).toBe(url);
    expect(parse({ [INPUT.slackWebhookUrl]: 'http://127.0.0.1:8080/hook' }).slackWebhookUrl).toBe(
      'http://127.0.0.1:8080/hook',
    );
    expect(parse().slackWebhookUrl).toBeUndefined();
  });

  it('refuses anything else, naming the input but never the URL’s secret path', () => {
    for (const bad of ['http://hooks.slack.com/services/T0/B0/s3cret', 'hooks.slack.com/s3cret']) {
      const error = configErrorOf(() => parse({ [INPUT.slackWebhookUrl]: bad }));
      expect(error.message).toMatch(
        /^Invalid slack-webhook-url: .*Expected a Slack incoming webhook URL/,
      );
      expect(error.message).not.toContain('s3cret');
    }
  });
});
