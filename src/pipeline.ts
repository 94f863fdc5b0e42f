import type Anthropic from '@anthropic-ai/sdk';
import { analyze } from './ai/index.js';
import {
  rankSuspects,
  redactRange,
  unexplainedFindings,
  type CommitRange,
} from './commits/index.js';
import { compare } from './compare/index.js';
import type { Config } from './config.js';
import { buildReport, type Report, type ReportContext } from './report/index.js';
import { mineSignatures, type Windows } from './signatures/index.js';
import { recoverTraces } from './sources/traces.js';
import type { LogSource } from './sources/types.js';
import { groupIncidents } from './incidents/index.js';
import { errorMessage, shortSha } from './text.js';

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

export interface PipelineDeps {
  sources: LogSource[];
  /** Reads the deployed commit range; its failure degrades the report, never the verdict. */
  loadCommits: () => Promise<CommitRange>;
  /** No client: statistics-only analysis. */
  claude?: Anthropic;
  version: string;
  secrets?: readonly string[];
  context?: ReportContext;
  signal?: AbortSignal;
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
  const windows = config.windows ?? windowsFor(config);
  const lengthOf = (range: { start: number; end: number }) => range.end - range.start;
  const mined = await mineSignatures(deps.sources, windows, { signal: deps.signal });
  const comparison = compare(
    {
      mined,
      baselineMs: lengthOf(windows.baseline),
      afterMs: lengthOf(windows.after),
      windows,
    },
    { alpha: config.significance, minRatio: config.minRatio, minEvents: config.minEvents },
  );
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
  });
}
