import { describe, expect, it } from '@jest/globals';
import { costInDollars, formatCost, priceOf } from '../../src/ai/index.js';

describe('prices', () => {
  it('prices the default model from the table', () => {
    const usage = { input_tokens: 12_000, output_tokens: 800 };
    expect(costInDollars('claude-sonnet-5-5', usage)).toBeCloseTo(0.032, 6);
    expect(formatCost('claude-sonnet-5-5', usage)).toBe('$0.0320');
  });

  it('accepts dated model ids', () => {
    expect(priceOf('claude-haiku-4-5-20251001')).toEqual(priceOf('claude-haiku-4-5'));
  });

  it('says "cost unknown" for a model it has no price for, rather than guessing', () => {
    const usage = { input_tokens: 1000, output_tokens: 100 };
    expect(costInDollars('claude-future-9', usage)).toBeUndefined();
    expect(formatCost('claude-future-9', usage)).toBe('cost unknown');
  });

  it('shows tiny and large costs readably', () => {
    expect(formatCost('claude-haiku-4-5', { input_tokens: 10, output_tokens: 0 })).toBe('<$0.0001');
    expect(formatCost('claude-opus-5-5', { input_tokens: 1_000_000, output_tokens: 100_000 })).toBe(
      '$6.00',
    );
  });
});
