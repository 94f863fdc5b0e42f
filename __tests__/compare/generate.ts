import type { MinedSignatures, Signature, Windows } from '../../src/signatures/index.js';
import type { LogEvent, LogSource, WindowName } from '../../src/sources/types.js';
import { seededRandom } from '../../src/demo/random.js';

export { seededRandom as random };

export const MINUTE = 60_000;

/** A Poisson-distributed count (Knuth's method; the means here are small). */
export function poisson(next: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  for (let product = next(); product > limit; product *= next()) count++;
  return count;
}

/** Arrival times of a steady (Poisson) process with the given rate. */
export function steadyTimes(
  next: () => number,
  start: number,
  end: number,
  perMinute: number,
): number[] {
  const times: number[] = [];
  if (perMinute <= 0) return times;
  for (let t = start; ;) {
    t += (-Math.log(1 - next()) / perMinute) * MINUTE;
    if (t >= end) return times;
    times.push(Math.floor(t));
  }
}

/** A job that fails `size` times within a few seconds every `everyMs`, from `phaseMs` on. */
export function burstTimes(
  start: number,
  end: number,
  everyMs: number,
  size: number,
  phaseMs = 0,
): number[] {
  const times: number[] = [];
  for (let run = start + phaseMs; run < end; run += everyMs) {
    for (let i = 0; i < size && run + i * 1000 < end; i++) times.push(run + i * 1000);
  }
  return times;
}

/** One line of a signature at a time; the numbers vary, as real occurrences of one error do. */
export type Template = (i: number) => string;

export const templates = {
  timeout: (i: number) =>
    `ERROR PaymentClient - gateway timed out after ${3000 + i}ms for order ${40000 + i}`,
  stock: (i: number) => `ERROR StockClient - lookup failed for sku ${100000 + i}`,
  pricing: (i: number) =>
    `ERROR ErrorHandler - POST /api/cart/items status=502 latency=${200 + i}ms`,
  npe: (i: number) => `ERROR CartService - NullPointerException while pricing cart ${i}`,
  cron: (i: number) => `ERROR ReportExportJob - export attempt ${i} failed: S3 returned 503`,
  oom: (i: number) => `FATAL Worker - java.lang.OutOfMemoryError: Java heap space in task ${i}`,
  warn: (i: number) => `WARN CacheClient - slow refresh of ${i} keys`,
} satisfies Record<string, Template>;

/** Events of one signature at the given times. */
export function events(template: Template, times: number[]): LogEvent[] {
  return times.map((timestamp, i) => ({ timestamp, message: template(i), logGroup: 'svc' }));
}

/** A log source over generated, timestamped events, in time order per window. */
export function timedSource(
  name: string,
  windows: Record<WindowName, LogEvent[]>,
  options: { fail?: Error; loggedAnything?: boolean } = {},
): LogSource {
  const sorted = {
    baseline: [...windows.baseline].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0)),
    after: [...windows.after].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0)),
  };
  return {
    name,
    async *events(window): AsyncIterable<LogEvent> {
      if (options.fail) throw options.fail;
      for (const event of sorted[window]) yield { ...event, logGroup: name };
      await Promise.resolve();
    },
    loggedAnything: () => Promise.resolve(options.loggedAnything ?? true),
  };
}

/** Windows of the given lengths around a deploy at time `deployedAt`. */
export function windowsOf(baselineMs: number, afterMs: number, deployedAt = 0): Windows {
  return {
    baseline: { start: deployedAt - baselineMs, end: deployedAt },
    after: { start: deployedAt, end: deployedAt + afterMs },
  };
}

/**
 * A signature counted per minute directly, without log lines: `perMinute` gives each window's
 * expected rate for every minute, so a rate may change or burst over time.
 */
export function countedSignature(
  id: string,
  baselineMinutes: number[],
  afterMinutes: number[],
  level: Signature['level'] = 'error',
): Signature {
  const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  return {
    id,
    template: `ERROR signature ${id}`,
    level,
    kind: 'error',
    logGroups: ['svc'],
    before: sum(baselineMinutes),
    after: sum(afterMinutes),
    examples: [],
    buckets: {
      bucketMs: MINUTE,
      baseline: baselineMinutes,
      after: afterMinutes,
      unbucketed: { baseline: 0, after: 0 },
    },
  };
}

/** Baseline and after window lengths in minutes, the default most often. */
const WINDOWS: [number, number][] = [
  [60, 10],
  [60, 10],
  [60, 10],
  [30, 5],
  [120, 15],
  [60, 30],
  [240, 20],
];

type Kind = 'steady' | 'storms' | 'cron';

/**
 * Per-minute counts of one signature whose behaviour does not change at the deploy: a steady
 * rate; retry storms of random size at random times; or a job failing at a fixed period.
 */
function minutes(
  next: () => number,
  length: number,
  kind: Kind,
  rate: number,
  size: number,
  period: number,
): number[] {
  const phase = Math.floor(next() * period);
  return Array.from({ length }, (_, minute) => {
    if (kind === 'steady') return poisson(next, rate);
    if (kind === 'cron') return (minute + phase) % period === 0 ? poisson(next, size) : 0;
    let count = 0;
    for (let storm = poisson(next, 1 / period); storm > 0; storm--) {
      count += 1 + poisson(next, size - 1);
    }
    return count;
  });
}

export function mined(signatures: Signature[]): MinedSignatures {
  const total = (window: 'before' | 'after') => signatures.reduce((sum, s) => sum + s[window], 0);
  return {
    signatures,
    failures: [],
    sourcesRead: ['svc'],
    eventsRead: { baseline: total('before'), after: total('after') },
    loggedAfter: true,
    templateCapReached: false,
    truncated: [],
  };
}

/**
 * A deploy that changed nothing: 1 to 25 signatures, rates from one an hour-and-a-half to 20 a
 * minute, a quarter of them bursty. A burst pattern never seen in the baseline cannot be told
 * from a new error by any method, so bursty signatures recur: at least two bursts before.
 */
export function stationaryDeploy(next: () => number) {
  const [baselineMinutes, afterMinutes] = WINDOWS[Math.floor(next() * WINDOWS.length)];
  const signatures: Signature[] = [];
  const count = 1 + Math.floor(next() * 25);
  for (let i = 0; i < count; i++) {
    const rate = Math.exp(Math.log(0.01) + next() * Math.log(20 / 0.01));
    const draw = next();
    const kind: Kind = draw < 0.75 ? 'steady' : draw < 0.9 ? 'storms' : 'cron';
    const size = 3 + Math.floor(next() * 28);
    const period = 5 + Math.floor(next() * (baselineMinutes / 2 - 4));
    let counts: number[];
    do {
      counts = minutes(next, baselineMinutes + afterMinutes, kind, rate, size, period);
    } while (kind !== 'steady' && counts.slice(0, baselineMinutes).filter(Boolean).length < 2);
    const level = next() < 0.85 ? 'error' : 'warn';
    const signature = countedSignature(
      `s${i}`,
      counts.slice(0, baselineMinutes),
      counts.slice(baselineMinutes),
      level,
    );
    if (signature.before + signature.after > 0) signatures.push(signature);
  }
  return {
    mined: mined(signatures),
    baselineMs: baselineMinutes * MINUTE,
    afterMs: afterMinutes * MINUTE,
  };
}

/** Steady background signatures for the power tests, 1h baseline and 10m after. */
export function background(next: () => number, count: number): Signature[] {
  return Array.from({ length: count }, (_, i) => {
    const rate = Math.exp(Math.log(0.05) + next() * Math.log(100));
    const counts = Array.from({ length: 70 }, () => poisson(next, rate));
    return countedSignature(`background-${i}`, counts.slice(0, 60), counts.slice(60));
  });
}

/** `total` events spread evenly over `length` minutes. */
export function spread(total: number, length: number): number[] {
  return Array.from(
    { length },
    (_, minute) =>
      Math.floor(((minute + 1) * total) / length) - Math.floor((minute * total) / length),
  );
}
