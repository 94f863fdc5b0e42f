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

/**
 * US dollars per GB that CloudWatch Logs Insights queries scan (Standard log class, us-east-1;
 * most regions charge the same, a few more).
 */
export const INSIGHTS_PRICE_PER_GB = 0.005;

/** The cost of what Insights queries scanned, for people: "1.2 GB scanned, $0.0060". */
export function formatScanned(bytes: number): string {
  const gb = bytes / 1e9;
  const size = gb >= 0.1 ? `${gb.toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
  const cost = gb * INSIGHTS_PRICE_PER_GB;
  return `${size} scanned by Logs Insights, ${cost > 0 && cost < 0.0001 ? '<$0.0001' : `$${cost.toFixed(4)}`}`;
}

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
