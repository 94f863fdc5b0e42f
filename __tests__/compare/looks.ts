/** The looks of an early verdict, simulated on counted signatures: for tests and bench:early. */
import { compare, type CompareInput } from '../../src/compare/index.js';
import { LookLevels } from '../../src/compare/sequential.js';
import type { Signature } from '../../src/signatures/index.js';
import { MINUTE, background, countedSignature, mined, poisson } from './generate.js';

/** The input as it stood `minutes` into the soak: the after window's first minutes only. */
export function asOf(input: CompareInput, minutes: number): CompareInput {
  const signatures = input.mined.signatures.map((s): Signature => {
    if (!s.buckets) throw new Error(`${s.id} has no minute counts`);
    const after = s.buckets.after.slice(0, minutes);
    return { ...s, after: after.reduce((a, b) => a + b, 0), buckets: { ...s.buckets, after } };
  });
  return { ...input, mined: mined(signatures), afterMs: minutes * MINUTE };
}

/**
 * The looks of one soak, one a minute and the last at its end, each at its level: the minute
 * of the first regression called, or undefined when none is.
 */
export function firstCall(input: CompareInput, alpha = 0.01): number | undefined {
  const soakMinutes = input.afterMs / MINUTE;
  const levels = new LookLevels(alpha);
  for (let minute = 1; minute < soakMinutes; minute++) {
    const level = levels.early(minute / soakMinutes);
    if (level > 0 && compare(asOf(input, minute), { alpha: level }).verdict === 'regression') {
      return minute;
    }
  }
  return compare(input, { alpha: levels.final() }).verdict === 'regression'
    ? soakMinutes
    : undefined;
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** A deploy with 5 steady signatures and the target, an hour before and ten minutes after. */
export function deployWith(
  next: () => number,
  baselineRate: number,
  afterRate: number,
): CompareInput {
  const counts = (rate: number, length: number) =>
    Array.from({ length }, () => poisson(next, rate));
  const target = countedSignature('target', counts(baselineRate, 60), counts(afterRate, 10));
  return {
    mined: mined([target, ...background(next, 5)]),
    baselineMs: 60 * MINUTE,
    afterMs: 10 * MINUTE,
  };
}
