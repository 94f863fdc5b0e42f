import type { Usage } from './types.js';

/**
 * US dollars per million tokens, as Anthropic publishes them for the Claude API (standard rate,
 * no batch, cache or regional pricing). A model that is not listed has no price: its cost is
 * shown as unknown rather than guessed.
 */
export const PRICES_PER_MILLION: Readonly<Record<string, { input: number; output: number }>> = {
  'claude-fable-5-1': { input: 10, output: 50 },
  'claude-opus-5-5': { input: 4, output: 20 },
  'claude-sonnet-5-5': { input: 2, output: 10 },
  'claude-opus-5': { input: 5, output: 25 },
  'claude-sonnet-5': { input: 2, output: 10 },
  'claude-opus-4-5': { input: 5, output: 25 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
};

/** The price of a model id, with or without its date suffix (`claude-haiku-4-5-20251001`). */
export function priceOf(model: string): { input: number; output: number } | undefined {
  return PRICES_PER_MILLION[model] ?? PRICES_PER_MILLION[model.replace(/-\d{8}$/, '')];
}

/** The cost of a call in dollars, or undefined when the model has no price in the table. */
export function costInDollars(model: string, usage: Usage): number | undefined {
  const price = priceOf(model);
  if (!price) return undefined;
  return (usage.input_tokens * price.input + usage.output_tokens * price.output) / 1_000_000;
}

/** For people: "$0.0123", "<$0.0001" or "cost unknown". */
export function formatCost(model: string, usage: Usage): string {
  const cost = costInDollars(model, usage);
  if (cost === undefined) return 'cost unknown';
  if (cost > 0 && cost < 0.0001) return '<$0.0001';
  return `$${cost < 1 ? cost.toFixed(4) : cost.toFixed(2)}`;
}
