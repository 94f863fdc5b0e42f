import type Anthropic from '@anthropic-ai/sdk';
import { askClaude, countPromptTokens } from './claude.js';
import { costInDollars } from './prices.js';
import { buildPrompt, type Prompt } from './prompt.js';
import { errorMessage } from '../text.js';
import type { ModelAnswer } from './schema.js';
import { statisticsAnalysis } from './statistics.js';
import type { Analysis, AnalysisResult, Evidence, Usage } from './types.js';

export type { Analysis, AnalysisResult, Evidence, Usage } from './types.js';
export { buildPrompt, estimateTokens } from './prompt.js';
export { createClaudeClient } from './claude.js';
export { costInDollars, formatCost, formatScanned, priceOf } from './prices.js';

export interface AnalyzeOptions {
  /**
   * No client: a statistics-only analysis, and no model call at all. A client still loading
   * (see createClaudeClient) is awaited here; one that cannot load is a failure of the model.
   */
  client?: Anthropic | Promise<Anthropic>;
  model: string;
  maxPromptTokens: number;
  /** Credentials to scrub from the prompt wherever they appear, besides the patterns. */
  secrets?: readonly string[];
  /** Overall deadline of the model's part, token count and retries included (default 2 min). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const NO_USAGE: Usage = { input_tokens: 0, output_tokens: 0 };

/**
 * Explains the evidence. The model's words only enrich the report: citations are kept only when
 * they exist in the evidence, and nothing here can change the verdict, which `compare` decided.
 * Every failure of the model's part gives the statistics-only analysis with the reason.
 */
export async function analyze(
  evidence: Evidence,
  options: AnalyzeOptions,
): Promise<AnalysisResult> {
  const statistics = statisticsAnalysis(evidence);
  const { model } = options;
  if (!options.client) return { analysis: statistics, usage: NO_USAGE };
  let client: Anthropic;
  try {
    client = await options.client;
  } catch (error) {
    return {
      analysis: {
        ...statistics,
        model,
        fallbackReason: `the Anthropic SDK could not be loaded (${errorMessage(error)})`,
      },
      usage: NO_USAGE,
    };
  }

  const signal = AbortSignal.any([
    AbortSignal.timeout(options.timeoutMs ?? 120_000),
    ...(options.signal ? [options.signal] : []),
  ]);
  let prompt: Prompt;
  try {
    prompt = await buildPrompt(evidence, {
      maxTokens: options.maxPromptTokens,
      secrets: options.secrets,
      countTokens: (text) => countPromptTokens(client, text, { model, signal }),
    });
  } catch (error) {
    // A bug while building the prompt costs the explanation, never the report.
    return {
      analysis: {
        ...statistics,
        model,
        fallbackReason: `the prompt could not be built (${errorMessage(error)})`,
      },
      usage: NO_USAGE,
    };
  }
  const promptSummary = {
    tokens: prompt.tokens,
    budget: prompt.budget,
    measuredWith: prompt.measuredWith,
    cut: prompt.cut,
    shortened: prompt.shortened,
  };
  const fallback = (reason: string, usage: Usage): AnalysisResult => ({
    analysis: { ...statistics, model, fallbackReason: reason, prompt: promptSummary },
    usage: withCost(model, usage),
  });
  if (!prompt.withinBudget) {
    return fallback(
      `even the shortest prompt (${prompt.tokens} tokens) exceeds max-prompt-tokens (${prompt.budget})`,
      NO_USAGE,
    );
  }

  const reply = await askClaude(client, prompt, { model, signal });
  if (!reply.ok) return fallback(reply.reason, reply.usage);
  return {
    analysis: { ...fromAnswer(reply.answer, evidence, prompt.user, model), prompt: promptSummary },
    usage: withCost(model, reply.usage),
  };
}

function withCost(model: string, usage: Usage): Usage {
  if (usage.input_tokens === 0 && usage.output_tokens === 0) return usage;
  return { ...usage, cost_usd: costInDollars(model, usage) ?? null };
}

/** Keeps what the evidence supports: cited ids and SHAs that exist, and no invented references. */
function fromAnswer(
  answer: ModelAnswer,
  evidence: Evidence,
  promptText: string,
  model: string,
): Analysis {
  const knownSignatures = new Set(evidence.comparison.findings.map((f) => f.id));
  const knownCommits = evidence.range.commits.map((c) => c.sha.toLowerCase());
  const commitFor = (sha: string) => {
    const wanted = sha.trim().toLowerCase();
    return wanted.length >= 7 ? knownCommits.find((known) => known.startsWith(wanted)) : undefined;
  };
  const citedSignatures = [
    ...new Set(answer.cited_signature_ids.filter((id) => knownSignatures.has(id.trim()))),
  ];
  const citedCommits = [
    ...new Set(
      answer.cited_commit_shas.map(commitFor).filter((sha): sha is string => sha !== undefined),
    ),
  ];

  // A hexadecimal reference the evidence does not contain is an invented commit or signature:
  // left in, GitHub would link it to whatever commit happens to match.
  const scrub = (text: string) =>
    text.replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b/gi, (word) =>
      commitFor(word) || knownSignatures.has(word) || promptText.includes(word)
        ? word
        : '[unknown reference]',
    );
  const cites = citedSignatures.length + citedCommits.length > 0;
  return {
    source: 'claude',
    summary: scrub(answer.summary),
    rootCause: scrub(answer.root_cause),
    nextSteps: answer.next_steps.map(scrub),
    citedSignatures,
    citedCommits,
    // The model's own severity is advisory, and kept only when it rests on cited evidence.
    advisory: {
      ...(answer.confidence && { confidence: answer.confidence }),
      ...(cites && answer.severity && { severity: answer.severity }),
    },
    model,
  };
}
