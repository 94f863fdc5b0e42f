import type Anthropic from '@anthropic-ai/sdk';
import { analyze } from './ai/index.js';
import {
  rankSuspects,
  redactRange,
  unexplainedFindings,
  type CommitRange,
} from './commits/index.js';
import {
  compare,
  DEFAULT_ALPHA as DEFAULT_SIGNIFICANCE,
  type Comparison,
} from './compare/index.js';
import { LookLevels } from './compare/sequential.js';
import type { Config } from './config.js';
import { buildReport, type EarlyCall, type Report, type ReportContext } from './report/index.js';
import {
  mineSignatures,
  startMining,
  type MinedSignatures,
  type Windows,
} from './signatures/index.js';
import { INGESTION_GRACE_MS } from './sources/soak.js';
import { recoverTraces } from './sources/traces.js';
import type { LogSource } from './sources/types.js';
import { groupIncidents } from './incidents/index.js';
import { errorMessage, formatDuration, shortSha } from './text.js';

export type PipelineConfig = Pick<
  Config,
  | 'logGroups'
  | 'deployedAt'
  | 'deployedAtSource'
  | 'soakMs'
  | 'baselineMs'
  | 'model'
  | 'maxPromptTokens'
> &
  /** Sensitivity; the defaults of docs/statistics.md when left out. */
  Partial<Pick<Config, 'significance' | 'minRatio' | 'minEvents'>> & {
    /** Windows read from the logs themselves (local files), in place of deployed-at ± lengths. */
    windows?: Windows;
    /** What the report should say about how the windows were chosen. */
    windowNotes?: string[];
  };

/** The clock of the looks during the soak: the real timers, or a test's. */
export interface LookClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Looks at the after window while it fills, for an early verdict (docs/statistics.md). */
export interface Looks {
  clock: LookClock;
  /** Between two looks. Default 30 s. */
  intervalMs?: number;
  /** How far behind the clock events are read: late events exist. Default the ingestion grace. */
  graceMs?: number;
  log?: (message: string) => void;
}

const DEFAULT_LOOK_INTERVAL_MS = 30_000;

export interface PipelineDeps {
  sources: LogSource[];
  /** Reads the deployed commit range; its failure degrades the report, never the verdict. */
  loadCommits: () => Promise<CommitRange>;
  /** No client: statistics-only analysis. A client that cannot load costs the model's part only. */
  claude?: Anthropic | Promise<Anthropic>;
  version: string;
  secrets?: readonly string[];
  context?: ReportContext;
  signal?: AbortSignal;
  /** Looks during the soak; without them, one read of both windows. */
  looks?: Looks;
}

/** Baseline [deployed-at − baseline, deployed-at), after [deployed-at, deployed-at + soak). */
export function windowsFor(config: Pick<Config, 'deployedAt' | 'soakMs' | 'baselineMs'>): Windows {
  return {
    baseline: { start: config.deployedAt - config.baselineMs, end: config.deployedAt },
    after: { start: config.deployedAt, end: config.deployedAt + config.soakMs },
  };
}

/** config → sources → signatures → compare → commits → incidents → ai → report */
export async function runPipeline(config: PipelineConfig, deps: PipelineDeps): Promise<Report> {
  const { mined, comparison, windows, early } = deps.looks
    ? await readWhileSoaking(config, deps, deps.looks)
    : await readOnce(config, deps);
  comparison.notes.unshift(...(config.windowNotes ?? []));
  const range = redactRange(
    await deps.loadCommits().catch((error: unknown): CommitRange => ({
      commits: [],
      notes: [`Commits could not be read: ${errorMessage(error)}`],
    })),
  );
  comparison.findings = await recoverTraces(comparison.findings, deps.sources, deps.signal);
  const suspects = rankSuspects(comparison.findings, range);
  range.notes.push(...unexplainedFindings(comparison.findings, suspects, range));
  const incidents = groupIncidents(
    comparison.findings,
    new Map(suspects.map((suspect) => [suspect.signatureId, shortSha(suspect.sha)])),
  );
  const result = await analyze(
    { logGroups: config.logGroups, windows, comparison, range, suspects, incidents },
    {
      client: deps.claude,
      model: config.model,
      maxPromptTokens: config.maxPromptTokens,
      secrets: deps.secrets,
      signal: deps.signal,
    },
  );
  return buildReport({
    version: deps.version,
    deployedAt: config.deployedAt,
    deployedAtSource: config.deployedAtSource,
    windows,
    logGroups: config.logGroups,
    mined,
    comparison,
    range,
    suspects,
    incidents,
    result,
    secrets: deps.secrets,
    context: deps.context,
    early,
  });
}

interface Compared {
  mined: MinedSignatures;
  comparison: Comparison;
  /** The windows the counts are rated over: the after window ends early with an early call. */
  windows: Windows;
  early?: EarlyCall;
}

const lengthOf = (range: { start: number; end: number }) => range.end - range.start;

function sensitivity(config: PipelineConfig) {
  return { alpha: config.significance, minRatio: config.minRatio, minEvents: config.minEvents };
}

/** Both windows read once, whole, and compared at the full significance. */
async function readOnce(config: PipelineConfig, deps: PipelineDeps): Promise<Compared> {
  const windows = config.windows ?? windowsFor(config);
  const mined = await mineSignatures(deps.sources, windows, { signal: deps.signal });
  const comparison = compare(
    { mined, baselineMs: lengthOf(windows.baseline), afterMs: lengthOf(windows.after), windows },
    sensitivity(config),
  );
  return { mined, comparison, windows };
}

/**
 * The baseline read once; then, every look, the after window's events that are new since the
 * last look up to the clock less the ingestion grace, compared at the look's level (see
 * compare/sequential.ts). A regression is called at the first look that finds one; any other
 * verdict waits for the end of the soak and its grace, where the rest is read and compared at
 * what the looks left of the significance.
 */
async function readWhileSoaking(
  config: PipelineConfig,
  deps: PipelineDeps,
  looks: Looks,
): Promise<Compared> {
  const windows = config.windows ?? windowsFor(config);
  const { clock } = looks;
  const graceMs = looks.graceMs ?? INGESTION_GRACE_MS;
  const intervalMs = looks.intervalMs ?? DEFAULT_LOOK_INTERVAL_MS;
  const soakMs = lengthOf(windows.after);
  const options = sensitivity(config);
  const levels = new LookLevels(options.alpha ?? DEFAULT_SIGNIFICANCE);
  const mining = startMining(deps.sources, windows, { signal: deps.signal });
  await mining.read('baseline', windows.baseline);
  const deadline = windows.after.end + graceMs;
  let readUpTo = windows.after.start;
  let made = 0;
  for (;;) {
    const visible = Math.min(clock.now() - graceMs, windows.after.end);
    if (visible > readUpTo) {
      await mining.read('after', { start: readUpTo, end: visible });
      readUpTo = visible;
    }
    if (readUpTo >= windows.after.end) break;
    const elapsed = readUpTo - windows.after.start;
    if (elapsed > 0) {
      made++;
      const level = levels.early(elapsed / soakMs);
      if (level > 0) {
        const cut = { ...windows, after: { start: windows.after.start, end: readUpTo } };
        const mined = mining.snapshot(readUpTo);
        const comparison = compare(
          { mined, baselineMs: lengthOf(windows.baseline), afterMs: elapsed, windows: cut },
          { ...options, alpha: level },
        );
        if (comparison.verdict === 'regression') {
          looks.log?.(
            `regression called ${formatDuration(elapsed)} into the ${formatDuration(soakMs)} soak`,
          );
          return {
            mined,
            comparison,
            windows: cut,
            early: { calledAfterMs: elapsed, soakMs, looks: made },
          };
        }
        looks.log?.(
          `look ${made}: ${formatDuration(elapsed)} of the ${formatDuration(soakMs)} soak read, no regression called`,
        );
      }
    }
    // The next look, or the end of the soak and its grace, whichever comes first.
    const wait = Math.min(intervalMs, deadline - clock.now());
    if (wait > 0) await clock.sleep(wait, deps.signal);
  }
  const mined = await mining.finish();
  const comparison = compare(
    { mined, baselineMs: lengthOf(windows.baseline), afterMs: soakMs, windows },
    { ...options, alpha: levels.final() },
  );
  return { mined, comparison, windows };
}
