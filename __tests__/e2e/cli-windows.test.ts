/**
 * `aftershock analyze` on local files reads its windows from the files' own timestamps: the same
 * file twice, two stationary halves of one log, and one file split at --deployed-at; and on
 * CloudWatch Logs, an after window that has not ended is rated over its elapsed part.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../src/demo/random.js';
import { startFakeCloudWatch, type FakeCloudWatch } from '../fakes/cloudwatch.js';
import { runCli } from '../helpers/cli.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.UTC(2026, 2, 1, 8, 0, 0);
const DEPLOY = START + 6 * HOUR + 5 * MINUTE;

let dir: string;

/** A stationary service: three error signatures and INFO traffic, Poisson arrivals over 12 h. */
function serviceLog(seed: number, from = START, to = START + 12 * HOUR): string[] {
  const next = seededRandom(seed);
  const lines: string[] = [];
  for (let t = from; t < to; t += -Math.log(1 - next()) * 6000) {
    const pick = Math.floor(next() * 4);
    const message = [
      `ERROR PaymentClient - gateway timed out after ${Math.floor(next() * 5000)}ms`,
      `ERROR StockClient - stock lookup failed for sku ${Math.floor(next() * 1e5)}`,
      `ERROR Db - connection reset by peer`,
      `INFO GET /api/cart 200 ${Math.floor(next() * 300)}ms`,
    ][pick];
    lines.push(`${new Date(Math.floor(t)).toISOString()} ${message}`);
  }
  return lines;
}

/** A new exception every 20 s from the deploy on. */
function newError(from: number, to: number): string[] {
  const lines: string[] = [];
  for (let t = from + 7000, i = 0; t < to; t += 20_000, i++) {
    lines.push(
      `${new Date(t).toISOString()} ERROR CartService - java.lang.NullPointerException: coupon is null for cart ${i}`,
    );
  }
  return lines;
}

const byTime = (lines: string[]) => [...lines].sort();

async function file(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

interface Report {
  verdict: string;
  reason: string;
  notes: string[];
  windows: { baseline: { start: string; end: string }; after: { start: string; end: string } };
  deployedAt: { time: string; source: string };
  signatures: { template: string; status: string; why: string }[];
}

async function analyze(...args: string[]): Promise<{ code: number; report: Report }> {
  const result = await runCli(['analyze', ...args, '--json', '-']);
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aftershock-windows-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('windows from the files themselves', () => {
  it('the same file twice is clean, over the span its timestamps cover', async () => {
    const log = await file('app.log', serviceLog(1));
    const { code, report } = await analyze('--before', log, '--after', log);
    expect(report.verdict).toBe('clean');
    expect(code).toBe(0);
    expect(report.windows.baseline).toEqual(report.windows.after);
    const span = Date.parse(report.windows.after.end) - Date.parse(report.windows.after.start);
    expect(span).toBeGreaterThan(11.9 * HOUR);
    expect(span).toBeLessThanOrEqual(12 * HOUR);
  });

  it('two stationary files of 6 h each are clean', async () => {
    const lines = serviceLog(2);
    const half = lines.findIndex((line) => Date.parse(line.slice(0, 24)) >= START + 6 * HOUR);
    const before = await file('first.log', lines.slice(0, half));
    const after = await file('second.log', lines.slice(half));
    const { code, report } = await analyze('--before', before, '--after', after);
    expect(report.verdict).toBe('clean');
    expect(code).toBe(0);
    expect(report.deployedAt).toEqual({ time: report.windows.after.start, source: 'logs' });
  });

  it('a window given on the command line is used as given', async () => {
    const log = await file('given.log', serviceLog(3));
    const { report } = await analyze('--before', log, '--after', log, '--soak', '10m');
    expect(Date.parse(report.windows.after.end) - Date.parse(report.windows.after.start)).toBe(
      10 * MINUTE,
    );
  });

  it('says which defaults it used for a file without timestamps', async () => {
    const untimed = await file('untimed.log', ['ERROR a', 'ERROR b', 'ERROR c']);
    const timed = await file('timed.log', serviceLog(4).slice(0, 500));
    const { report } = await analyze('--before', timed, '--after', untimed);
    expect(report.notes.join('\n')).toMatch(
      /untimed\.log has no usable timestamps: its after window is taken as 10m \(the --soak default\)/,
    );
  });
});

describe('one file split at --deployed-at', () => {
  it('is clean for a stationary log', async () => {
    const log = await file('one.log', serviceLog(5));
    const { code, report } = await analyze(log, '--deployed-at', new Date(DEPLOY).toISOString());
    expect(report.verdict).toBe('clean');
    expect(code).toBe(0);
    expect(report.windows.baseline.start).toBe(new Date(START).toISOString());
    expect(report.windows.after.start).toBe(new Date(DEPLOY).toISOString());
  });

  it('is a regression when a new error starts at the deploy, and names it', async () => {
    const log = await file(
      'broken.log',
      byTime([...serviceLog(6), ...newError(DEPLOY, START + 12 * HOUR)]),
    );
    const { code, report } = await analyze(log, '--deployed-at', new Date(DEPLOY).toISOString());
    expect(report.verdict).toBe('regression');
    expect(code).toBe(1);
    expect(report.signatures[0]).toMatchObject({ status: 'new' });
    expect(report.signatures[0].template).toContain('NullPointerException');
  });

  it('rejects a deploy time outside the file, naming the file and its span', async () => {
    const log = await file('short.log', serviceLog(7).slice(0, 100));
    const result = await runCli(['analyze', log, '--deployed-at', '2026-03-02T00:00:00Z']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is outside .*short\.log, which runs from 2026-03-01T08:00/);
  });

  it('judges a bursty error by its own bursts in file mode', async () => {
    // Bursts of 100 every hour all day: the after window happens to hold one, ×6 the mean rate.
    const bursts: string[] = [];
    for (let t = START + 30 * MINUTE; t < START + 12 * HOUR; t += HOUR) {
      for (let i = 0; i < 100; i++) {
        bursts.push(`${new Date(t + i * 1000).toISOString()} ERROR Cron - sync batch failed`);
      }
    }
    const log = await file('cron.log', byTime([...serviceLog(8), ...bursts]));
    const deploy = START + 6 * HOUR + 25 * MINUTE;
    const { report } = await analyze(
      log,
      '--deployed-at',
      new Date(deploy).toISOString(),
      '--soak',
      '10m',
    );
    expect(report.verdict).toBe('clean');
    const cron = report.signatures.find((s) => s.template.includes('sync batch failed'));
    expect(cron).toMatchObject({ status: 'unchanged', why: expect.stringMatching(/bursty/) });
    expect(report.notes.join(' ')).not.toMatch(/Burstiness was not measured/);
  });
});

describe('an after window that has not ended', () => {
  let cloudwatch: FakeCloudWatch;
  const now = Date.UTC(2026, 10, 24, 12, 0, 0);
  const saved = { ...process.env };

  beforeAll(async () => {
    const events = serviceLog(9, now - 2 * HOUR, now).map((line) => ({
      timestamp: Date.parse(line.slice(0, 24)),
      message: line,
    }));
    cloudwatch = await startFakeCloudWatch({ groups: { '/ecs/app': { events } } });
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: cloudwatch.url,
    });
  });
  afterAll(async () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    await cloudwatch?.close();
  });

  it('is rated over its elapsed part, not over the whole soak', async () => {
    const { report } = await analyze(
      '--log-groups',
      '/ecs/app',
      '--aws-region',
      'eu-west-1',
      '--deployed-at',
      new Date(now - 4 * MINUTE).toISOString(),
    );
    expect(report.verdict).toBe('clean');
    expect(report.signatures.every((s) => s.status === 'unchanged')).toBe(true);
    expect(report.notes.join(' ')).toMatch(/rated over the 3m elapsed of the 10m soak/);
  });
});
