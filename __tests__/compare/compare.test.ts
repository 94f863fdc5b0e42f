import { describe, expect, it } from '@jest/globals';
import { compare } from '../../src/compare/index.js';
import { mineSignatures } from '../../src/signatures/index.js';
import { memorySource, repeat } from '../helpers/memory-source.js';

const MINUTE = 60_000;
const windows = {
  baseline: { start: 0, end: 60 * MINUTE },
  after: { start: 60 * MINUTE, end: 70 * MINUTE },
};

const timeout = (i: number) =>
  `ERROR PaymentClient - gateway timed out after ${3000 + i}ms for order ${40000 + i}`;
const stock = (i: number) => `ERROR StockClient - lookup failed for sku ${100000 + i}`;
const npe = (i: number) => `ERROR CartService - NullPointerException while pricing cart ${i}`;
const warn = (i: number) => `WARN  CacheClient - slow refresh of ${i} keys`;

async function run(
  baseline: string[],
  after: string[],
  options: { loggedAnything?: boolean; afterMs?: number } = {},
) {
  const afterMs = options.afterMs ?? 10 * MINUTE;
  const source = memorySource(
    'svc',
    { baseline, after },
    { loggedAnything: options.loggedAnything },
  );
  const mined = await mineSignatures([source], {
    baseline: windows.baseline,
    after: { start: windows.after.start, end: windows.after.start + afterMs },
  });
  return compare({ mined, baselineMs: 60 * MINUTE, afterMs });
}

describe('compare', () => {
  it('steady noise at equal rates is clean', async () => {
    const result = await run(
      [...repeat(60, timeout), ...repeat(30, stock)],
      [...repeat(10, timeout), ...repeat(5, stock)],
    );
    expect(result.verdict).toBe('clean');
    expect(result.findings.every((f) => f.status === 'unchanged')).toBe(true);
  });

  it('a new exception 30 times amid noise is a regression, and that signature is new', async () => {
    const result = await run(
      [...repeat(60, timeout), ...repeat(30, stock)],
      [...repeat(10, timeout), ...repeat(5, stock), ...repeat(30, npe)],
    );
    expect(result.verdict).toBe('regression');
    const flagged = result.findings.filter((f) => f.flagged);
    expect(flagged).toHaveLength(1);
    expect(flagged[0].status).toBe('new');
    expect(flagged[0].template).toContain('NullPointerException');
    expect(flagged[0].after).toBe(30);
  });

  it('an existing error ×8 is a regression, increased', async () => {
    const result = await run(repeat(60, timeout), repeat(80, timeout));
    expect(result.verdict).toBe('regression');
    expect(result.findings[0].status).toBe('increased');
    expect(result.findings[0].ratio).toBeCloseTo(8, 5);
    expect(result.findings[0].ratioInterval[0]).toBeGreaterThan(1.5);
  });

  it('0 before and 2 after is not flagged', async () => {
    const result = await run(repeat(60, timeout), [...repeat(10, timeout), ...repeat(2, npe)]);
    const npeFinding = result.findings.find((f) => f.template.includes('NullPointer'));
    expect(npeFinding?.status).toBe('unchanged');
    expect(npeFinding?.flagged).toBe(false);
    expect(result.verdict).toBe('clean');
  });

  it('a significant but tiny change (×1.1 on thousands) is not flagged', async () => {
    const result = await run(repeat(6000, timeout), repeat(1100, timeout));
    expect(result.verdict).toBe('clean');
  });

  it('an error that disappears is resolved, and the verdict is clean', async () => {
    const result = await run([...repeat(120, stock), ...repeat(60, timeout)], repeat(10, timeout));
    expect(result.findings.find((f) => f.template.includes('StockClient'))?.status).toBe(
      'resolved',
    );
    expect(result.verdict).toBe('clean');
  });

  it('a flagged warn-level rise is a warning, not a regression', async () => {
    const result = await run(repeat(60, timeout), [...repeat(10, timeout), ...repeat(40, warn)]);
    expect(result.verdict).toBe('warning');
  });

  it('judges unequal windows by rate, not count', async () => {
    // 60 in an hour and 30 in half an hour: the same rate.
    const same = await run(repeat(60, timeout), repeat(30, timeout), { afterMs: 30 * MINUTE });
    expect(same.verdict).toBe('clean');
    // 60 in an hour and 60 in ten minutes: six times the rate.
    const six = await run(repeat(60, timeout), repeat(60, timeout), { afterMs: 10 * MINUTE });
    expect(six.verdict).toBe('regression');
  });

  it('no events at all and a silent service is inconclusive', async () => {
    const result = await run([], [], { loggedAnything: false });
    expect(result.verdict).toBe('inconclusive');
    expect(result.reason).toContain('logged nothing');
  });

  it('errors that stop because the service stopped logging are inconclusive, not resolved', async () => {
    const result = await run(repeat(60, timeout), [], { loggedAnything: false });
    expect(result.verdict).toBe('inconclusive');
    expect(result.reason).toContain('logged nothing after the deploy');
  });

  it('no error events from a service that logs is clean', async () => {
    const result = await run([], [], { loggedAnything: true });
    expect(result.verdict).toBe('clean');
  });

  it('one failed source of two: inconclusive without a regression, named in the reason', async () => {
    const ok = memorySource('ok', { baseline: repeat(60, timeout), after: repeat(10, timeout) });
    const broken = memorySource(
      'broken',
      { baseline: [], after: [] },
      { fail: new Error('AccessDenied') },
    );
    const mined = await mineSignatures([ok, broken], windows);
    const result = compare({ mined, baselineMs: 60 * MINUTE, afterMs: 10 * MINUTE });
    expect(result.verdict).toBe('inconclusive');
    expect(result.reason).toContain('broken');
    expect(mined.failures[0].message).toContain('AccessDenied');
  });

  it('one failed source of two: a regression in the other still stands', async () => {
    const ok = memorySource('ok', {
      baseline: repeat(60, timeout),
      after: [...repeat(10, timeout), ...repeat(30, npe)],
    });
    const broken = memorySource(
      'broken',
      { baseline: [], after: [] },
      { fail: new Error('throttled') },
    );
    const mined = await mineSignatures([ok, broken], windows);
    const result = compare({ mined, baselineMs: 60 * MINUTE, afterMs: 10 * MINUTE });
    expect(result.verdict).toBe('regression');
    expect(result.notes.join(' ')).toContain('broken');
  });

  it('every source failed: inconclusive, could not read logs', async () => {
    const broken = memorySource(
      'broken',
      { baseline: [], after: [] },
      { fail: new Error('no such group') },
    );
    const mined = await mineSignatures([broken], windows);
    const result = compare({ mined, baselineMs: 60 * MINUTE, afterMs: 10 * MINUTE });
    expect(result.verdict).toBe('inconclusive');
    expect(result.reason).toMatch(/^Could not read logs/);
  });

  it('rates a baseline cut at the event cap only up to where it was read', async () => {
    const source = memorySource('svc', {
      baseline: repeat(60, timeout),
      after: repeat(10, timeout),
    });
    const mined = await mineSignatures([source], windows);
    const full = compare({ mined, baselineMs: 60 * MINUTE, afterMs: 10 * MINUTE, windows });
    expect(full.verdict).toBe('clean');
    // The same 60 events, but read in the first 10 minutes before the cap cut the baseline.
    mined.truncated = [
      { source: 'svc', window: 'baseline', maxEvents: 60, lastTimestamp: 10 * MINUTE - 1 },
    ];
    const cut = compare({ mined, baselineMs: 60 * MINUTE, afterMs: 10 * MINUTE, windows });
    expect(cut.findings[0].beforeRate).toBeCloseTo(6, 5);
    expect(cut.verdict).toBe('clean');
    expect(cut.notes.join(' ')).toContain('cut at 60 events');
  });

  // "At 20 events": 20 events expected in the after window at the baseline rate.
  it('has power: ×3 and ×5 increases at 20 and 200 expected events are flagged', async () => {
    for (const [expected, factor] of [
      [20, 3],
      [20, 5],
      [200, 3],
      [200, 5],
    ]) {
      const baselineCount = expected * 6;
      const afterCount = expected * factor;
      const result = await run(repeat(baselineCount, timeout), repeat(afterCount, timeout));
      expect([expected, factor, result.findings[0].status]).toEqual([
        expected,
        factor,
        'increased',
      ]);
    }
  });
});
