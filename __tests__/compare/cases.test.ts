import { describe, expect, it } from '@jest/globals';
import { compare, type CompareOptions } from '../../src/compare/index.js';
import { mineSignatures } from '../../src/signatures/index.js';
import type { LogEvent, LogSource } from '../../src/sources/types.js';
import {
  MINUTE,
  burstTimes,
  events,
  random,
  steadyTimes,
  templates,
  timedSource,
  windowsOf,
  type Template,
} from './generate.js';

const HOUR = 60 * MINUTE;

/** A signature's rate per minute before and after the deploy. */
interface Rates {
  template: Template;
  before: number;
  after: number;
}

interface Case {
  steady?: Rates[];
  baselineMs?: number;
  afterMs?: number;
  extraBaseline?: LogEvent[];
  extraAfter?: LogEvent[];
  seed?: number;
  options?: CompareOptions;
}

/** Generated logs of a service around a deploy at time 0, mined and compared. */
async function deploy(c: Case) {
  const baselineMs = c.baselineMs ?? HOUR;
  const afterMs = c.afterMs ?? 10 * MINUTE;
  const next = random(c.seed ?? 7);
  const baseline: LogEvent[] = [...(c.extraBaseline ?? [])];
  const after: LogEvent[] = [...(c.extraAfter ?? [])];
  for (const rates of c.steady ?? []) {
    baseline.push(...events(rates.template, steadyTimes(next, -baselineMs, 0, rates.before)));
    after.push(...events(rates.template, steadyTimes(next, 0, afterMs, rates.after)));
  }
  return compareSources([timedSource('svc', { baseline, after })], baselineMs, afterMs, c.options);
}

async function compareSources(
  sources: LogSource[],
  baselineMs: number,
  afterMs: number,
  options?: CompareOptions,
) {
  const mined = await mineSignatures(sources, windowsOf(baselineMs, afterMs));
  return compare({ mined, baselineMs, afterMs }, options);
}

const noise: Rates[] = [
  { template: templates.timeout, before: 1.2, after: 1.2 },
  { template: templates.stock, before: 0.6, after: 0.6 },
  { template: templates.pricing, before: 0.4, after: 0.4 },
  { template: templates.warn, before: 0.5, after: 0.5 },
];

const scaled = (rates: Rates[], factor: number) =>
  rates.map((r) => ({ ...r, before: r.before * 4, after: r.before * 4 * factor }));

const flagged = (result: Awaited<ReturnType<typeof deploy>>) =>
  result.findings.filter((f) => f.flagged);
const byTemplate = (result: Awaited<ReturnType<typeof deploy>>, text: string) =>
  result.findings.find((f) => f.template.includes(text));

describe('compare, on generated logs', () => {
  it('steady noise at equal rates is clean', async () => {
    for (const seed of [1, 2, 3]) {
      const result = await deploy({ steady: noise, seed });
      expect(result.verdict).toBe('clean');
      expect(flagged(result)).toEqual([]);
    }
  });

  it('every signature ×1.6 is not a regression', async () => {
    const result = await deploy({ steady: scaled(noise, 1.6) });
    expect(result.verdict).not.toBe('regression');
    expect(flagged(result)).toEqual([]);
  });

  it('a broad rise ×2.5 of every signature is a warning that says it is a traffic shift', async () => {
    const result = await deploy({ steady: scaled(noise, 2.5) });
    expect(result.verdict).toBe('warning');
    expect(flagged(result)).toEqual([]);
    expect(result.reason).toMatch(/All 4 recurring error signatures rose together, ×2\.\d/);
    expect(result.notes.join(' ')).toContain('Traffic shift');
    expect(result.trend?.shift).toBe('rise');
    // Without the normalisation every one of them would be flagged.
    const raw = await deploy({ steady: scaled(noise, 2.5), options: { normaliseTraffic: false } });
    expect(raw.verdict).toBe('regression');
  });

  it('a lone signature far beyond a traffic shift is still flagged', async () => {
    const steady = [
      ...scaled(noise, 2),
      { template: templates.npe, before: 0.5, after: 0.5 * 2 * 6 },
    ];
    const result = await deploy({ steady });
    expect(result.verdict).toBe('regression');
    expect(flagged(result).map((f) => f.template)).toEqual([
      expect.stringContaining('NullPointerException'),
    ]);
    const npe = byTemplate(result, 'NullPointerException');
    expect(npe?.status).toBe('increased');
    expect(npe?.threshold).toBeGreaterThan(2.5);
    expect(npe?.why).toContain('with the common trend');
  });

  it('0 before and 2 after is not flagged', async () => {
    const result = await deploy({
      steady: noise,
      extraAfter: events(templates.npe, [60_000, 120_000]),
    });
    const npe = byTemplate(result, 'NullPointerException');
    expect(npe).toMatchObject({ before: 0, after: 2, status: 'unchanged', flagged: false });
    expect(result.verdict).toBe('clean');
  });

  it('a new exception 30 times amid noise is a regression, and that signature is new', async () => {
    const next = random(11);
    const result = await deploy({
      steady: noise,
      extraAfter: events(templates.npe, steadyTimes(next, 0, 10 * MINUTE, 3).slice(0, 30)),
    });
    expect(result.verdict).toBe('regression');
    expect(flagged(result)).toHaveLength(1);
    const npe = byTemplate(result, 'NullPointerException');
    expect(npe).toMatchObject({ status: 'new', before: 0, after: 30, ratio: null });
    expect(result.reason).toMatch(
      /^1 new error signature after the deploy \(top: \w+, 0 in 1h → 30 in 10m; adjusted p = /,
    );
  });

  it('an existing error ×8 is a regression, increased, with the evidence to check by hand', async () => {
    const result = await deploy({
      steady: [...noise.slice(1), { template: templates.timeout, before: 1, after: 8 }],
    });
    expect(result.verdict).toBe('regression');
    const [top] = flagged(result);
    expect(top.template).toContain('PaymentClient');
    expect(top.status).toBe('increased');
    expect(top.ratio).toBeGreaterThan(5);
    expect(top.ratioInterval[0]).toBeGreaterThan(1.5);
    expect(top.ratioInterval[1]).toBeGreaterThan(top.ratio ?? 0);
    expect(top.adjustedPValue).toBeLessThan(0.01);
    expect(top.afterRate).toBeCloseTo(top.after / 10, 10);
    expect(top.beforeRate).toBeCloseTo(top.before / 60, 10);
    expect(top.why).toContain(`${top.before} in 1h → ${top.after} in 10m`);
    expect(top.why).toMatch(/above ×1\.5 \(adjusted p = \S+ < 0\.01\)/);
    expect(result.reason).toContain(`${top.before} in 1h → ${top.after} in 10m`);
  });

  it('an error that disappears is resolved, and the verdict is clean', async () => {
    const result = await deploy({
      steady: [...noise, { template: templates.npe, before: 2, after: 0 }],
    });
    expect(byTemplate(result, 'NullPointerException')?.status).toBe('resolved');
    expect(result.verdict).toBe('clean');
    expect(result.reason).toContain('1 fell');
  });

  it('a bursty cron error with the same average is not flagged', async () => {
    // 40 failed retries every half hour: one burst lands in the ten minutes after the deploy.
    const cron = (from: number, to: number) =>
      events(templates.cron, burstTimes(from, to, 30 * MINUTE, 40, 5 * MINUTE));
    const bursty = {
      steady: noise,
      extraBaseline: cron(-HOUR, 0),
      extraAfter: cron(0, 10 * MINUTE),
    };
    const result = await deploy(bursty);
    const job = byTemplate(result, 'ReportExportJob');
    expect(job).toMatchObject({ before: 80, after: 40, status: 'unchanged' });
    expect(job?.burstiness).toBeGreaterThan(10);
    expect(job?.why).toContain('bursty');
    expect(result.verdict).toBe('clean');
    expect(result.notes.join(' ')).toMatch(/1 signature is bursty/);
    // Judged as a steady rate, the same burst would be a regression.
    const steady = await deploy({ ...bursty, options: { judgeBursts: false } });
    expect(steady.verdict).toBe('regression');
  });

  it('a retry storm that comes and goes is judged against its own storms', async () => {
    const storms = (from: number, to: number, at: number[]) =>
      events(
        templates.stock,
        at.flatMap((start) => burstTimes(from + start, to, HOUR, 25)),
      );
    const result = await deploy({
      steady: noise.filter((r) => r.template !== templates.stock),
      extraBaseline: storms(
        -HOUR,
        0,
        [3, 19, 41].map((m) => m * MINUTE),
      ),
      extraAfter: storms(0, 10 * MINUTE, [4 * MINUTE]),
    });
    expect(byTemplate(result, 'StockClient')).toMatchObject({ after: 25, status: 'unchanged' });
    expect(result.verdict).toBe('clean');
  });

  it('judges windows of unequal length by rate', async () => {
    const long = await deploy({ steady: noise, baselineMs: 2 * HOUR, afterMs: 15 * MINUTE });
    expect(long.verdict).toBe('clean');
    const half = await deploy({ steady: noise, afterMs: 30 * MINUTE });
    expect(half.verdict).toBe('clean');
    const next = random(5);
    const broken = await deploy({
      steady: noise,
      baselineMs: 2 * HOUR,
      afterMs: 15 * MINUTE,
      extraAfter: events(templates.npe, steadyTimes(next, 0, 15 * MINUTE, 2)),
    });
    expect(broken.verdict).toBe('regression');
    expect(broken.reason).toContain('0 in 2h →');
    expect(broken.reason).toContain('in 15m');
  });

  it('no events at all: inconclusive when the service was silent, clean when it logged', async () => {
    const silent = await compareSources(
      [timedSource('svc', { baseline: [], after: [] }, { loggedAnything: false })],
      HOUR,
      10 * MINUTE,
    );
    expect(silent.verdict).toBe('inconclusive');
    expect(silent.reason).toContain('logged nothing after the deploy');
    const quiet = await compareSources(
      [timedSource('svc', { baseline: [], after: [] })],
      HOUR,
      10 * MINUTE,
    );
    expect(quiet.verdict).toBe('clean');
  });

  it('thin data is inconclusive and says what was missing', async () => {
    const result = await deploy({
      extraBaseline: events(templates.timeout, [-40 * MINUTE, -10 * MINUTE]),
      extraAfter: events(templates.timeout, [MINUTE, 3 * MINUTE, 7 * MINUTE]),
    });
    expect(flagged(result)).toEqual([]);
    expect(result.verdict).toBe('inconclusive');
    expect(result.reason).toMatch(
      /^Too few error events to tell: 2 in the 1h before and 3 in the 10m after cannot rule out a ×3 rise/,
    );
  });

  it('a failed source is inconclusive, named in the reason; a regression elsewhere stands', async () => {
    const next = random(3);
    const steadyEvents = (from: number, to: number) =>
      events(templates.timeout, steadyTimes(next, from, to, 1));
    const ok = timedSource('ok', {
      baseline: steadyEvents(-HOUR, 0),
      after: steadyEvents(0, 10 * MINUTE),
    });
    const broken = timedSource(
      'broken',
      { baseline: [], after: [] },
      { fail: new Error('AccessDeniedException') },
    );
    const degraded = await compareSources([ok, broken], HOUR, 10 * MINUTE);
    expect(degraded.verdict).toBe('inconclusive');
    expect(degraded.reason).toContain('broken could not be read');

    const failing = timedSource('ok', {
      baseline: steadyEvents(-HOUR, 0),
      after: [
        ...steadyEvents(0, 10 * MINUTE),
        ...events(templates.npe, burstTimes(0, 10 * MINUTE, 20_000, 1)),
      ],
    });
    const regression = await compareSources([failing, broken], HOUR, 10 * MINUTE);
    expect(regression.verdict).toBe('regression');
    expect(regression.notes.join(' ')).toContain('Could not read broken');
  });

  it('a flagged new FATAL out-of-memory error is a regression', async () => {
    const result = await deploy({
      steady: noise,
      extraAfter: events(templates.oom, burstTimes(0, 10 * MINUTE, MINUTE, 1)),
    });
    expect(byTemplate(result, 'OutOfMemoryError')).toMatchObject({
      status: 'new',
      level: 'fatal',
      kind: 'oom',
    });
    expect(result.verdict).toBe('regression');
  });

  it('a flagged WARN-only rise is a warning, not a regression', async () => {
    const result = await deploy({
      steady: [...noise.filter((r) => r.template !== templates.warn)],
      extraAfter: events(templates.warn, burstTimes(0, 10 * MINUTE, 15_000, 1)),
    });
    expect(byTemplate(result, 'CacheClient')).toMatchObject({ status: 'new', level: 'warn' });
    expect(result.verdict).toBe('warning');
    expect(result.reason).toMatch(/^1 new warn-level signature after the deploy/);
  });

  it('events without timestamps are judged as steady rates, and the notes say so', async () => {
    const untimed = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ message: templates.timeout(i), logGroup: 'svc' }));
    const result = await compareSources(
      [timedSource('svc', { baseline: untimed(60), after: untimed(10) })],
      HOUR,
      10 * MINUTE,
    );
    expect(result.verdict).toBe('clean');
    expect(result.notes.join(' ')).toContain('no usable timestamps');
  });

  it('counts each signature per minute, and events outside their window apart', async () => {
    const mined = await mineSignatures(
      [
        timedSource('svc', {
          baseline: events(templates.timeout, [-HOUR, -30 * MINUTE + 1, -1, -2 * HOUR]),
          after: events(templates.timeout, [0, 9 * MINUTE, 20 * MINUTE]),
        }),
      ],
      windowsOf(HOUR, 10 * MINUTE),
    );
    const { buckets } = mined.signatures[0];
    expect(buckets?.bucketMs).toBe(MINUTE);
    expect(buckets?.baseline).toHaveLength(60);
    expect(buckets?.after).toHaveLength(10);
    expect([buckets?.baseline[0], buckets?.baseline[30], buckets?.baseline[59]]).toEqual([1, 1, 1]);
    expect([buckets?.after[0], buckets?.after[9]]).toEqual([1, 1]);
    expect(buckets?.unbucketed).toEqual({ baseline: 1, after: 1 });
  });

  it('takes its sensitivity from the options, and reports the parameters it ran with', async () => {
    const three = { extraAfter: events(templates.npe, [MINUTE, 2 * MINUTE, 3 * MINUTE]) };
    const strict = await deploy(three);
    expect(byTemplate(strict, 'NullPointerException')?.why).toContain('fewer than the 5 needed');
    expect(strict.parameters).toEqual({
      alpha: 0.01,
      minRatio: 1.5,
      minEvents: 5,
      normaliseTraffic: true,
      judgeBursts: true,
    });
    const loose = await deploy({ ...three, options: { minEvents: 3 } });
    expect(byTemplate(loose, 'NullPointerException')?.status).toBe('new');
  });
});
