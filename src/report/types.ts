import type { Analysis, Usage } from '../ai/index.js';
import type { Suspect } from '../commits/index.js';
import type { Status, Verdict } from '../compare/index.js';
import type { DeployedAtSource } from '../time.js';
import type { Kind, Level, SourceFailure, SourcePath } from '../signatures/index.js';
import type { ScanStatistics } from '../sources/types.js';
import type { Timeline } from './timeline.js';

export interface IsoWindow {
  start: string;
  end: string;
}

export interface ReportSignature {
  id: string;
  template: string;
  logGroups: string[];
  status: Status;
  before: number;
  after: number;
  examples: string[];
  level: Level;
  kind: Kind;
  flagged: boolean;
  beforeRatePerMinute: number;
  afterRatePerMinute: number;
  ratio: number | null;
  ratioInterval95: [number, number | null];
  pValue: number;
  adjustedPValue: number;
  why: string;
  /** A change the counts show but the test could not confirm (too few events to tell). */
  unconfirmed?: 'rise' | 'fall';
  firstSeenAfter?: string;
  /** Counts per bucket around the deploy; flagged signatures only. */
  timeline?: Timeline;
}

export interface ReportContext {
  /** AWS region of the log groups, for CloudWatch console links. */
  region?: string;
  /** https://github.com/OWNER/REPO (or the GitHub Enterprise equivalent). */
  repositoryUrl?: string;
  /** The workflow run that produced the report. */
  runUrl?: string;
}

/** Flagged rises that started together, the likely root first: see src/incidents/. */
export interface ReportIncident {
  id: string;
  /** The id of the root signature. */
  root: string;
  /** Signature ids in the order they first appeared after the deploy. */
  signatures: string[];
  onset?: string;
  why: string;
}

/** A regression called before the soak ended (docs/statistics.md, "Early verdict"). */
export interface EarlyCall {
  /** Milliseconds of the after window read when the call was made. */
  calledAfterMs: number;
  soakMs: number;
  /** Looks made, the calling one included. */
  looks: number;
}

/** report.json: the fields of the public contract, and more. */
export interface Report {
  version: string;
  verdict: Verdict;
  reason: string;
  summary: string;
  deployedAt: { time: string; source: DeployedAtSource };
  windows: { baseline: IsoWindow; after: IsoWindow };
  logGroups: string[];
  sources: {
    read: string[];
    failed: SourceFailure[];
    /** How each source was read, paged or counted by Logs Insights, and why. */
    paths?: SourcePath[];
    /** What Logs Insights scanned over the run's queries, when any ran. */
    scanned?: ScanStatistics;
  };
  events: { baseline: number; after: number };
  signatures: ReportSignature[];
  suspects: Suspect[];
  /** Always set by buildReport; optional for reports of earlier versions. */
  incidents?: ReportIncident[];
  commits: { base?: string; head?: string; count: number; notes: string[] };
  analysis: Analysis;
  usage: Usage;
  notes: string[];
  context: ReportContext;
  /** Set when a regression was called before the soak ended: the after window ends there. */
  early?: EarlyCall;
}
