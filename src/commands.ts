import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createClaudeClient } from './ai/index.js';
import { readCommitRangeFile, type CommitRange } from './commits/index.js';
import { ConfigError, INPUT, parseConfig, type Config, type RawInputs } from './config.js';
import { runDemo } from './demo/run.js';
import { runPipeline, windowsFor, type Looks, type PipelineConfig } from './pipeline.js';
import { redact, redactTemplate, secretValues } from './redact.js';
import {
  outcomeOf,
  postToSlack,
  renderMarkdown,
  renderTerminal,
  slackMessage,
  terminalSafe,
  type Report,
} from './report/index.js';
import { proxyFetch } from './proxy.js';
import { createCloudWatchSources } from './sources/cloudwatch.js';
import { FileSource, readMessages } from './sources/file.js';
import { splitFileWindows, twoFileWindows, type FileWindows } from './sources/file-windows.js';
import { withProgress } from './sources/progress.js';
import { timerClock, waitForSoak } from './sources/soak.js';
import { SourceError, type LogSource } from './sources/types.js';
import { printSignatures } from './signatures/lines.js';
import { VERSION } from './version.js';
import { errorMessage, formatDuration } from './text.js';

export const EXIT = { pass: 0, failOn: 1, usage: 2, unreadable: 3 } as const;

const EXIT_CODES = `Exit codes:
  0  pass (the verdict is not listed in --fail-on)
  1  the verdict is listed in --fail-on
  2  usage or configuration error
  3  could not read logs`;

const HELP = `aftershock ${VERSION} — did this deploy break something, and which commit did it?

Usage:
  aftershock analyze [options]        compare error logs before and after a deploy
  aftershock signatures [FILE]        mine signatures from raw log lines (stdin without FILE)
  aftershock demo                     the whole pipeline on a bundled example incident, offline

Run "aftershock <command> --help" for the options of a command.
  --version                           print the version

${EXIT_CODES}
`;

const ANALYZE_HELP = `Usage: aftershock analyze [FILE] [options]

Reads error events for a baseline window before the deploy and a window after it, from
CloudWatch Logs (--log-groups), from two local files (--before/--after), or from one local
FILE split at --deployed-at, and prints the report: plain text on a terminal, the Markdown of
the PR comment when piped. With files, each window is the span the file's timestamps cover
unless --baseline or --soak gives its length.

Where the logs come from:
  FILE                      one local log, split at --deployed-at ("what happened at 14:05?")
  --log-groups GROUPS       CloudWatch Logs group names or ARNs, comma-separated
  --before FILE             local log of the baseline window (text, JSON lines, the JSON of
                            "aws logs filter-log-events", or .gz of any of these)
  --after FILE              local log of the window after the deploy
  --filter-pattern PATTERN  CloudWatch filter pattern (default: a built-in error pattern)
  --aws-region REGION       default: AWS_REGION / AWS_DEFAULT_REGION
  --max-events N            most events read per log group and window (default 0: no cap)
  --source auto|filter|insights
                            page with FilterLogEvents, count with Logs Insights, or choose
                            by the baseline's volume (default auto)

Windows:
  --deployed-at TIME        ISO-8601 (UTC without an offset), unix seconds or milliseconds;
                            required with --log-groups and with one FILE
  --soak DURATION           window after the deploy (default 10m; with files, the span of
                            their timestamps): 90s, 10m, 1h30m
  --baseline DURATION       window before the deploy (default 1h; with files, their span)
  --wait                    wait for the after window: look every 30 s and call a regression as
                            soon as it is certain, else wait for its end (plus a minute's grace)
  --early-verdict false     with --wait, no looks: one read after the window and its grace

Commits and analysis:
  --commits FILE            the deployed commits as JSON: {"commits": [{"sha", "subject", "files": [{"path", "patch"}]}]}
  --anthropic-api-key KEY   default: ANTHROPIC_API_KEY; without a key, statistics only
  --model MODEL             default claude-sonnet-5-5
  --max-prompt-tokens N     default 20000

Sensitivity (see docs/statistics.md):
  --significance ALPHA      false-alarm rate across all signatures (default 0.01)
  --min-ratio RATIO         smallest rise in rate that counts (default 1.5)
  --min-events N            fewest events after the deploy to flag a rise (default 5)

Output:
  --fail-on VERDICTS        verdicts that exit 1 (default regression)
  --format FORMAT           text (for people; the default on a terminal), markdown (the PR
                            comment's body; the default when piped) or json (report.json)
  --json PATH               also write report.json to PATH ("-": the same as --format json)
  --slack-webhook-url URL   also post the verdict to a Slack incoming webhook (default:
                            SLACK_WEBHOOK_URL); a failing webhook is a warning

Examples:
  aftershock analyze --before before.log --after after.log
  aftershock analyze app.log --deployed-at 2026-03-01T14:05:00Z
  aftershock analyze --log-groups /ecs/checkout --deployed-at 2026-03-01T14:05:00Z --soak 15m
  aftershock analyze --before b.json.gz --after a.json.gz --json - | jq .verdict

${EXIT_CODES}
`;

const SIGNATURES_HELP = `Usage: aftershock signatures [FILE] [--per-line]

Mines signatures from raw log lines, one record per physical line, and prints them with their
counts, most frequent first. Reads stdin when FILE is absent.

  --per-line   print {"id": …, "template": …} for every input line, in input order

Examples:
  aftershock signatures app.log
  kubectl logs deploy/api | aftershock signatures --per-line
`;

const DEMO_HELP = `Usage: aftershock demo [options]

Runs the whole pipeline on a bundled example incident — a checkout service's error log an hour
before and ten minutes after a deploy that adds a NullPointerException — offline, with no keys.

  --format FORMAT           text, markdown or json, as for analyze
  --json PATH               also write report.json to PATH
  --slack-webhook-url URL   post the example's verdict to Slack: a check of the webhook
`;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  now: () => number;
  /** Whether stdout is a terminal: plain text with colours then (never with NO_COLOR). */
  terminal?: boolean;
  /** The terminal's width in columns. */
  columns?: number;
  /** Whether to report the progress of long reads on stderr (when stderr is a terminal). */
  progress?: boolean;
}

class UsageError extends Error {}

/** Runs one CLI invocation and returns its exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'analyze':
        return await analyzeCommand(rest, io);
      case 'signatures':
        return await signaturesCommand(rest, io);
      case 'demo':
        return await demoCommand(rest, io);
      case '--version':
      case '-v':
        io.stdout(`${VERSION}\n`);
        return EXIT.pass;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(HELP);
        return command === undefined ? EXIT.usage : EXIT.pass;
      default:
        throw new UsageError(`unknown command "${command}": expected analyze, signatures or demo`);
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      io.stderr(
        `aftershock: ${error.message}\nRun "aftershock ${command && !command.startsWith('-') ? `${command} ` : ''}--help" for usage.\n`,
      );
      return EXIT.usage;
    }
    io.stderr(`aftershock: ${redact(errorMessage(error))}\n`);
    return error instanceof SourceError ? EXIT.unreadable : EXIT.usage;
  }
}

function parse<const T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
}

const ANALYZE_OPTIONS = {
  [INPUT.logGroups]: { type: 'string' },
  [INPUT.filterPattern]: { type: 'string' },
  [INPUT.deployedAt]: { type: 'string' },
  [INPUT.soak]: { type: 'string' },
  [INPUT.baseline]: { type: 'string' },
  [INPUT.awsRegion]: { type: 'string' },
  [INPUT.anthropicApiKey]: { type: 'string' },
  [INPUT.model]: { type: 'string' },
  [INPUT.maxPromptTokens]: { type: 'string' },
  [INPUT.baseSha]: { type: 'string' },
  [INPUT.headSha]: { type: 'string' },
  [INPUT.failOn]: { type: 'string' },
  [INPUT.significance]: { type: 'string' },
  [INPUT.minRatio]: { type: 'string' },
  [INPUT.minEvents]: { type: 'string' },
  [INPUT.maxEvents]: { type: 'string' },
  [INPUT.slackWebhookUrl]: { type: 'string' },
  [INPUT.earlyVerdict]: { type: 'string' },
  [INPUT.source]: { type: 'string' },
  before: { type: 'string' },
  after: { type: 'string' },
  commits: { type: 'string' },
  json: { type: 'string' },
  format: { type: 'string' },
  wait: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function analyzeCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, ANALYZE_OPTIONS, true);
  if (values.help) {
    io.stdout(ANALYZE_HELP);
    return EXIT.pass;
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `expected at most one FILE to split at --deployed-at, got ${positionals.length}`,
    );
  }
  const format = formatOf(values, io);
  const [oneFile] = positionals;
  const usesFiles = values.before !== undefined || values.after !== undefined;
  if (oneFile !== undefined && (usesFiles || values[INPUT.logGroups])) {
    throw new UsageError(
      'give one FILE to split at --deployed-at, or --before and --after files, or --log-groups: not several',
    );
  }
  if (oneFile !== undefined && !values[INPUT.deployedAt]) {
    throw new UsageError(
      `--deployed-at is required to split ${oneFile}: the time that separates the baseline from the after window`,
    );
  }
  if (usesFiles && (!values.before || !values.after)) {
    throw new UsageError('--before and --after go together: give both files');
  }
  if (!usesFiles && oneFile === undefined && !values[INPUT.logGroups]) {
    throw new UsageError(
      'give --log-groups to read CloudWatch Logs, --before and --after to read two files, or one FILE with --deployed-at',
    );
  }
  if (!usesFiles && oneFile === undefined && !values[INPUT.deployedAt]) {
    throw new UsageError('--deployed-at is required with --log-groups (ISO-8601 or unix time)');
  }
  const raw: RawInputs = {};
  for (const name of Object.values(INPUT)) {
    const value = (values as Record<string, unknown>)[name];
    if (typeof value === 'string') raw[name] = value;
  }
  raw[INPUT.anthropicApiKey] ??= io.env.ANTHROPIC_API_KEY;
  raw[INPUT.slackWebhookUrl] ??= io.env.SLACK_WEBHOOK_URL;
  const parsed = parseConfig(raw, {
    now: io.now(),
    envRegion: io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION,
    logGroupsOptional: usesFiles || oneFile !== undefined,
  });
  let config: PipelineConfig & Config = parsed;

  let sources: LogSource[];
  let looks: Looks | undefined;
  if (usesFiles || oneFile !== undefined) {
    const before = oneFile ?? values.before!;
    const after = oneFile ?? values.after!;
    const source = new FileSource({
      name: config.logGroups[0] ?? basename(after),
      before,
      after,
      filterPattern: config.filterPattern,
      split: oneFile !== undefined,
    });
    config = {
      ...config,
      ...(await fileWindows(source, config, values, oneFile !== undefined, io)),
    };
    sources = [source];
  } else {
    const afterEnds = config.deployedAt + config.soakMs;
    if (values.wait && !config.earlyVerdict) {
      await waitForSoak({
        deployedAt: config.deployedAt,
        soakMs: config.soakMs,
        log: (m) => io.stderr(`${m}\n`),
      });
    } else if (values.wait) {
      looks = { clock: timerClock, log: (m) => io.stderr(`aftershock: ${m}\n`) };
    } else if (afterEnds > io.now()) {
      io.stderr(
        `aftershock: the after window ends at ${new Date(afterEnds).toISOString()}: reading what is there now (pass --wait to wait)\n`,
      );
      config = { ...config, ...partialAfterWindow(config, io.now()) };
    }
    sources = createCloudWatchSources({
      logGroups: config.logGroups,
      filterPattern: config.filterPattern,
      region: config.awsRegion,
      maxEvents: config.maxEvents || undefined,
      source: config.source,
    });
  }
  if (io.progress) sources = withProgress(sources, (line) => io.stderr(`${line}\n`));
  const commitsFile = values.commits;
  const report = await runPipeline(config, {
    sources,
    loadCommits: () =>
      commitsFile ? readCommitRangeFile(commitsFile) : Promise.resolve(noCommits(config)),
    claude: config.anthropicApiKey ? createClaudeClient(config.anthropicApiKey) : undefined,
    version: VERSION,
    secrets: [config.anthropicApiKey, config.slackWebhookUrl].filter((s): s is string => !!s),
    looks,
  });
  const printed = await printReport(report, format, values, io);
  await notifySlack(report, config.slackWebhookUrl, io);
  const outcome = outcomeOf(report, config.failOn);
  if (outcome.kind === 'unreadable') {
    // A person at the terminal has just read it; a script reads stderr.
    if (format !== 'text') io.stderr(`aftershock: ${outcome.message}\n`);
    return EXIT.unreadable;
  }
  if (!printed) return EXIT.usage;
  return outcome.kind === 'fail-on' ? EXIT.failOn : EXIT.pass;
}

/**
 * The windows of a run on files, from their own timestamps unless --baseline or --soak was given;
 * one file is split at --deployed-at.
 */
async function fileWindows(
  source: FileSource,
  config: Config,
  values: { [INPUT.soak]?: string; [INPUT.baseline]?: string; [INPUT.deployedAt]?: string },
  split: boolean,
  io: Io,
): Promise<Pick<PipelineConfig, 'windows' | 'windowNotes' | 'deployedAt' | 'deployedAtSource'>> {
  const lengths = {
    baselineMs: values[INPUT.baseline] !== undefined ? config.baselineMs : undefined,
    soakMs: values[INPUT.soak] !== undefined ? config.soakMs : undefined,
    defaultBaselineMs: config.baselineMs,
    defaultSoakMs: config.soakMs,
  };
  const given = values[INPUT.deployedAt] !== undefined ? config.deployedAt : undefined;
  // A file that cannot be read fails in the run, which reports it like any source failure.
  const span = (window: 'baseline' | 'after') =>
    source.span(window).catch((error: unknown) => {
      if (!(error instanceof SourceError)) throw error;
      return { path: window === 'baseline' ? source.before : source.after, unreadable: true };
    });
  let windows: FileWindows;
  try {
    windows = split
      ? splitFileWindows(await span('after'), config.deployedAt, lengths)
      : twoFileWindows(await span('baseline'), await span('after'), lengths, {
          deployedAt: given,
          now: io.now(),
        });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  return {
    windows: { baseline: windows.baseline, after: windows.after },
    windowNotes: windows.notes,
    deployedAt: windows.deployedAt,
    deployedAtSource: given !== undefined ? config.deployedAtSource : 'logs',
  };
}

const INGESTION_GRACE_MS = 60_000;

/** An after window that has not ended is rated over its elapsed part. */
function partialAfterWindow(
  config: Config,
  now: number,
): Pick<PipelineConfig, 'windows' | 'windowNotes'> {
  const windows = windowsFor(config);
  // The last minute's events may not have been ingested yet: rate up to a minute ago.
  const end = Math.max(config.deployedAt + 1000, now - INGESTION_GRACE_MS);
  return {
    windows: { ...windows, after: { start: config.deployedAt, end } },
    windowNotes: [
      `The after window had not ended: its counts are rated over the ${formatDuration(end - config.deployedAt)} elapsed of the ${formatDuration(config.soakMs)} soak.`,
    ],
  };
}

function noCommits(config: Config): CommitRange {
  return {
    base: config.baseSha,
    head: config.headSha,
    commits: [],
    notes: ['No --commits file: the report names no suspect commit.'],
  };
}

const FORMATS = ['text', 'markdown', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** --format as given, else JSON for `--json -`, text for a person at a terminal, else Markdown. */
function formatOf(values: { format?: string; json?: string }, io: Io): Format {
  const { format, json } = values;
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format ${format}: expected ${FORMATS.join(', ')}`);
  }
  if (json === '-' && format !== undefined && format !== 'json') {
    throw new UsageError(`--json - prints JSON on stdout: it cannot go with --format ${format}`);
  }
  if (json === '-') return 'json';
  return (format as Format | undefined) ?? (io.terminal ? 'text' : 'markdown');
}

function rendered(report: Report, format: Format, io: Io): string {
  // Log text must not act on a terminal, whatever the format: control characters shown.
  const shown = (text: string) => (io.terminal ? terminalSafe(text) : text);
  if (format === 'json') return shown(`${JSON.stringify(report, null, 2)}\n`);
  if (format === 'markdown') return shown(`${renderMarkdown(report)}\n`);
  return renderTerminal(report, {
    colour: io.terminal === true && io.env.NO_COLOR === undefined,
    width: io.columns,
  });
}

/**
 * Prints the report, and writes report.json when asked. A path that cannot be written is named
 * on stderr and the report is still printed; false then, so the run exits 2.
 */
async function printReport(
  report: Report,
  format: Format,
  values: { json?: string },
  io: Io,
): Promise<boolean> {
  let written = true;
  if (values.json && values.json !== '-') {
    try {
      await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
    } catch (error) {
      written = false;
      io.stderr(
        `aftershock: could not write the report to --json ${values.json}: ${errorMessage(error)}; give a writable file path, or - for stdout\n`,
      );
    }
  }
  io.stdout(rendered(report, format, io));
  return written;
}

/** One Slack message when a webhook is given; its failure is said and changes no exit code. */
async function notifySlack(report: Report, url: string | undefined, io: Io): Promise<void> {
  if (!url) return;
  const result = await postToSlack({
    url,
    message: slackMessage(report, {}, [url]),
    fetch: proxyFetch(io.env),
  });
  io.stderr(
    result.posted
      ? 'aftershock: posted the verdict to Slack\n'
      : `aftershock: warning: ${redact(result.error, [url])}\n`,
  );
}

async function signaturesCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { 'per-line': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) {
    io.stdout(SIGNATURES_HELP);
    return EXIT.pass;
  }
  if (positionals.length > 1)
    throw new UsageError(`expected at most one FILE, got ${positionals.length}`);
  const input = positionals[0] ?? io.stdin;
  await printSignatures(readMessages(input), {
    perLine: values['per-line'] ?? false,
    write: io.stdout,
    // Templates keep any secret their constant words hold: scrub before printing.
    scrub: redactTemplate,
    findValues: secretValues,
  });
  return EXIT.pass;
}

async function demoCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    json: { type: 'string' },
    format: { type: 'string' },
    [INPUT.slackWebhookUrl]: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(DEMO_HELP);
    return EXIT.pass;
  }
  const format = formatOf(values, io);
  const webhook = parseConfig(
    { [INPUT.slackWebhookUrl]: values[INPUT.slackWebhookUrl] ?? io.env.SLACK_WEBHOOK_URL },
    { now: io.now(), logGroupsOptional: true },
  ).slackWebhookUrl;
  const { report } = await runDemo({ version: VERSION, now: io.now() });
  const printed = await printReport(report, format, values, io);
  await notifySlack(report, webhook, io);
  return printed ? EXIT.pass : EXIT.usage;
}
