import type Anthropic from '@anthropic-ai/sdk';
import { askClaude } from './claude.js';
import { buildPrompt } from './prompt.js';
import { statisticsAnalysis } from './statistics.js';
import type { Analysis, AnalysisResult, Evidence } from './types.js';

export type { Analysis, AnalysisResult, Evidence, Usage } from './types.js';
export { buildPrompt } from './prompt.js';
export { createClaudeClient } from './claude.js';

export interface AnalyzeOptions {
  /** No client: a statistics-only analysis, and no model call at all. */
  client?: Anthropic;
  model: string;
  maxPromptTokens: number;
  signal?: AbortSignal;
}

/**
 * Explains the evidence. The model's words only enrich the report: citations are kept only when
 * they exist in the evidence, and nothing here can change the verdict.
 */
export async function analyze(
  evidence: Evidence,
  options: AnalyzeOptions,
): Promise<AnalysisResult> {
  const statistics = statisticsAnalysis(evidence);
  if (!options.client)
    return { analysis: statistics, usage: { input_tokens: 0, output_tokens: 0 } };

  const prompt = buildPrompt(evidence, options.maxPromptTokens);
  const reply = await askClaude(options.client, prompt, {
    model: options.model,
    signal: options.signal,
  });
  if (!reply.ok) {
    return {
      analysis: { ...statistics, model: options.model, fallbackReason: reply.reason },
      usage: reply.usage,
    };
  }
  const knownSignatures = new Set(evidence.comparison.findings.map((f) => f.id));
  const knownCommits = evidence.range.commits.map((c) => c.sha);
  const citedCommits = reply.answer.cited_commit_shas
    .map((sha) =>
      knownCommits.find((known) => sha.length >= 7 && known.startsWith(sha.toLowerCase())),
    )
    .filter((sha): sha is string => sha !== undefined);
  const analysis: Analysis = {
    source: 'claude',
    summary: reply.answer.summary,
    rootCause: reply.answer.root_cause,
    nextSteps: reply.answer.next_steps,
    citedSignatures: reply.answer.cited_signature_ids.filter((id) => knownSignatures.has(id)),
    citedCommits: [...new Set(citedCommits)],
    advisory: { confidence: reply.answer.confidence, severity: reply.answer.severity },
    model: options.model,
  };
  return { analysis, usage: reply.usage };
}
