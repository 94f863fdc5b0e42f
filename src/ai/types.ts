import type { Incident } from '../incidents/index.js';
import type { CommitRange, Suspect } from '../commits/index.js';
import type { Comparison } from '../compare/index.js';
import type { Windows } from '../signatures/index.js';

/** Everything the analysis may look at, already computed by the earlier stages. */
export interface Evidence {
  logGroups: string[];
  windows: Windows;
  comparison: Comparison;
  range: CommitRange;
  suspects: Suspect[];
  /** The flagged rises grouped by onset, each with its likely root; none when none rose. */
  incidents?: Incident[];
}

export interface Analysis {
  source: 'claude' | 'statistics';
  summary: string;
  rootCause?: string;
  nextSteps: string[];
  /** Signature ids and commit SHAs the analysis rests on; all exist in the evidence. */
  citedSignatures: string[];
  citedCommits: string[];
  /** The model's own view of severity: advisory, it never changes the verdict. */
  advisory?: { confidence?: 'low' | 'medium' | 'high'; severity?: string };
  model?: string;
  /** Why the model's analysis is absent, when a key was given. */
  fallbackReason?: string;
  /** What was sent, when a model was asked. */
  prompt?: PromptSummary;
}

export interface PromptSummary {
  /** System prompt, message and schema together. */
  tokens: number;
  budget: number;
  measuredWith: 'count_tokens' | 'estimate';
  /** Sections left out to fit the budget, and sections kept shorter. */
  cut: string[];
  shortened: string[];
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  /** Dollars, from the price table; null when the model has no price there. */
  cost_usd?: number | null;
}

export interface AnalysisResult {
  analysis: Analysis;
  usage: Usage;
}
