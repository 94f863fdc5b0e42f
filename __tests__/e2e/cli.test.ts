import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { main, type Io } from '../../src/commands.js';
import { runCli } from '../helpers/cli.js';
import { startFakeCloudWatch, type FakeEvent } from '../fakes/cloudwatch.js';
import { VERSION } from '../../src/version.js';
import type { Report } from '../../src/report/index.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aftershock-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = runCli;

const lines = (count: number, line: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => line(i)).join('\n') + '\n';
const timeout = (i: number) =>
  `2026-11-24T10:${String(i % 60).padStart(2, '0')}:00Z ERROR gateway timed out after ${3000 + i}ms`;
const crash = (i: number) =>
  `2026-11-24T11:0${i % 10}:00Z ERROR checkout failed for cart ${i}\njava.lang.IllegalStateException: coupon missing\n\tat com.shop.Cart.total(Cart.java:88)`;

/** The bundled CLI's `analyze` against the CloudWatch fake at `endpoint`, as a shell runs it. */
function analyzeAgainst(
  endpoint: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [resolve('dist/cli/index.js'), 'analyze', ...args], {
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint,
    },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('aftershock analyze with files', () => {
  it('prints the report and exits 1 for a regression listed in fail-on', async () => {
    const before = join(dir, 'before.log');
    const after = join(dir, 'after.log');
    await writeFile(before, lines(60, timeout));
    await writeFile(after, lines(10, timeout) + lines(30, crash));
    const result = await cli([
      'analyze',
      '--before',
      before,
      '--after',
      after,
      '--json',
      join(dir, 'r.json'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^### 🔴 Regression/);
    const report = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as {
      verdict: string;
      signatures: Array<{ status: string; examples: string[] }>;
    };
    expect(report.verdict).toBe('regression');
    // The multi-line event was joined: the stack trace is part of the example.
    expect(report.signatures.find((s) => s.status === 'new')?.examples[0]).toContain(
      'at com.shop.Cart.total',
    );
  });

  it('exits 0 with --fail-on empty, and prints JSON to stdout with --json -', async () => {
    const before = join(dir, 'before.log');
    const after = join(dir, 'after.log');
    const result = await cli([
      'analyze',
      '--before',
      before,
      '--after',
      after,
      '--fail-on',
      '',
      '--json',
      '-',
    ]);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { verdict: string }).verdict).toBe('regression');
  });

  it('exits 3 when the logs cannot be read', async () => {
    const result = await cli([
      'analyze',
      '--before',
      join(dir, 'nope.log'),
      '--after',
      join(dir, 'after.log'),
    ]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('nope.log');
  });

  it('names a --json path that cannot be written, still prints the report, and exits 2', async () => {
    const unwritable = join(dir, 'no-such-folder', 'r.json');
    const result = await cli([
      'analyze',
      '--before',
      join(dir, 'before.log'),
      '--after',
      join(dir, 'after.log'),
      '--json',
      unwritable,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`could not write the report to --json ${unwritable}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toMatch(/^### 🔴 Regression/);
  });

  it.each([
    ['binary garbage', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
    ['text in UTF-16', Buffer.from('\ufeffERROR failed\nERROR failed again\n', 'utf16le')],
  ])('is inconclusive, never clean, on %s (exit 3)', async (_name, bytes) => {
    const file = join(dir, 'garbage.bin');
    await writeFile(file, bytes);
    const result = await cli(['analyze', '--before', file, '--after', file, '--json', '-']);
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as { verdict: string; reason: string };
    expect(report.verdict).toBe('inconclusive');
    expect(report.reason).toContain(`no readable log lines in --before file ${file}`);
    expect(result.stderr).toContain('no readable log lines');
  });

  it('says a thing once: the reason is not repeated inside itself', async () => {
    const result = await cli([
      'analyze',
      '--before',
      join(dir, 'nope.log'),
      '--after',
      join(dir, 'nope.log'),
    ]);
    expect(result.stderr.match(/Could not read logs/g)).toHaveLength(1);
    expect(result.stderr).not.toContain('inconclusive: Could not read logs');
  });

  it.each([
    [['analyze', '--soak', '5x', '--before', 'a', '--after', 'b'], /Invalid soak: "5x"/],
    [['analyze', '--before', 'a'], /--before and --after go together/],
    [['analyze', '--log-groups', '/ecs/x'], /--deployed-at is required/],
    [['analyze', '--bogus'], /Unknown option '--bogus'/],
    [['explode'], /unknown command "explode"/],
  ])('%j is a usage error (exit 2) with one clear line', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('aftershock signatures', () => {
  const input = [
    'ERROR a failed after 10ms',
    'ERROR a failed after 12ms',
    'WARN disk 91% full',
    'ERROR a failed after 3ms',
  ].join('\n');

  it('prints signatures with counts, most frequent first', async () => {
    const result = await cli(['signatures'], input);
    expect(result.code).toBe(0);
    const [first, second] = result.stdout.split('\n');
    expect(first).toMatch(/^3 {2}[0-9a-f]{10} {2}ERROR a failed after <NUM>$/);
    expect(second).toMatch(/^1 {2}[0-9a-f]{10} {2}WARN disk <NUM> full$/);
  });

  it('scrubs secrets from the templates it prints', async () => {
    const result = await cli(['signatures'], 'ERROR login failed password=hunter22 for user 5\n');
    expect(result.stdout).toContain('password=[REDACTED]');
    expect(result.stdout).not.toContain('hunter22');
  });

  it('scrubs a credential whose key the masking took away', async () => {
    const result = await cli(
      ['signatures', '--per-line'],
      'ERROR {"db_password": "correct horse battery"}\n',
    );
    expect(result.stdout).not.toContain('correct horse');
    expect(JSON.parse(result.stdout)).toMatchObject({
      template: expect.stringContaining('[REDACTED]') as unknown as string,
    });
  });

  it('--per-line prints valid JSON whatever the lines hold', async () => {
    const hostile = [
      'ERROR token="abc987xyz\\" \\u0000 password=\\"x\\ny"',
      'ERROR secret="a\\"b" quote " backslash \\ end',
      `ERROR control \u0001\u001b[31m red \u007f ${'\ud800'} lone surrogate`,
      'ERROR api_key={"nested": "json\\"}"} tail',
    ].join('\n');
    const result = await cli(['signatures', '--per-line'], hostile);
    const rows = result.stdout.trim().split('\n');
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const parsed = JSON.parse(row) as { id: string; template: string };
      expect(parsed.id).toMatch(/^[0-9a-f]{10}$/);
      expect(typeof parsed.template).toBe('string');
    }
    expect(result.stdout).not.toContain('abc987xyz');
  });

  it('exits 3 with one line when no input line is text', async () => {
    const file = join(dir, 'binary.bin');
    await writeFile(file, Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256)));
    const result = await cli(['signatures', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^aftershock: no readable log lines in input /);
  });

  it('--per-line prints one JSON object per input line, in order, with final templates', async () => {
    const result = await cli(['signatures', '--per-line'], input);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; template: string });
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual(rows[1]);
    expect(rows[0]).toEqual(rows[3]);
    expect(rows[2].template).toBe('WARN disk <NUM> full');
  });
});

describe('aftershock demo, --help and --version', () => {
  it('the demo finds the new exception, its consequence after it, and names the coupon commit', async () => {
    const result = await cli(['demo', '--json', '-']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      verdict: string;
      signatures: Array<{ id: string; status: string; template: string }>;
      suspects: Array<{ sha: string }>;
      incidents: Array<{ root: string; signatures: string[] }>;
    };
    expect(report.verdict).toBe('regression');
    const flagged = report.signatures.filter((s) => s.status !== 'unchanged');
    expect(flagged.map((s) => s.status)).toEqual(['new', 'new']);
    const template = (id: string) => report.signatures.find((s) => s.id === id)!.template;
    expect(report.incidents).toHaveLength(1);
    expect(template(report.incidents[0].root)).toContain('NullPointerException');
    expect(report.incidents[0].signatures.map(template)[1]).toContain('rolled back');
    expect(report.suspects[0].sha).toMatch(/^3f9e8d7/);
  });

  it.each([['--help'], ['analyze', '--help'], ['signatures', '--help'], ['demo', '--help']])(
    '%j prints usage',
    async (...args) => {
      const result = await cli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Usage/);
    },
  );

  it('--help documents the exit codes', async () => {
    expect((await cli(['--help'])).stdout).toMatch(
      /0 {2}pass[\s\S]*1 {2}the verdict[\s\S]*2 {2}usage[\s\S]*3 {2}could not read logs/,
    );
  });

  it('--version prints the package version', async () => {
    expect((await cli(['--version'])).stdout).toBe(`${VERSION}\n`);
  });

  it('the bundled CLI reads CloudWatch Logs with no SDK warning about the Node version in its output', async () => {
    const deployedAt = Date.now() - 30 * 60_000;
    const events: FakeEvent[] = [];
    for (let t = deployedAt - 60 * 60_000; t < deployedAt + 10 * 60_000; t += 30_000) {
      events.push({ timestamp: t, message: `ERROR gateway timed out after ${t % 1000}ms` });
    }
    const cw = await startFakeCloudWatch({ groups: { '/ecs/api': { events } } });
    try {
      const { stdout, stderr } = await analyzeAgainst(cw.url, [
        '--log-groups',
        '/ecs/api',
        '--deployed-at',
        new Date(deployedAt).toISOString(),
      ]);
      expect(stdout).toMatch(/^### 🟢 Clean/);
      // Under Node 20 the SDK would print a NodeVersionSupportWarning here on every run.
      expect(stderr).not.toMatch(/Warning/i);
      expect(cw.requests.length).toBeGreaterThan(0);
    } finally {
      await cw.close();
    }
  });

  it('the bundled CLI with --wait calls a new exception a regression minutes into the soak', async () => {
    const deployedAt = Date.now() - 3.5 * 60_000;
    const events: FakeEvent[] = [];
    for (let t = deployedAt - 60 * 60_000; t < deployedAt + 10 * 60_000; t += 30_000) {
      events.push({ timestamp: t, message: `ERROR gateway timed out after ${t % 1000}ms` });
      if (t >= deployedAt) {
        events.push({
          timestamp: t + 1,
          message: `ERROR java.lang.NullPointerException in cart ${t % 977}`,
        });
        events.push({
          timestamp: t + 2,
          message: `ERROR java.lang.NullPointerException in cart ${t % 971}`,
        });
      }
    }
    events.sort((a, b) => a.timestamp - b.timestamp);
    const cw = await startFakeCloudWatch({ groups: { '/ecs/api': { events } }, visibleAfterMs: 0 });
    try {
      const result = await analyzeAgainst(cw.url, [
        '--log-groups',
        '/ecs/api',
        '--deployed-at',
        new Date(deployedAt).toISOString(),
        '--wait',
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/aftershock: regression called 2m\d*s? into the 10m soak/);
      expect(result.stdout).toMatch(/\*\*Early verdict:\*\* called 2m/);
    } finally {
      await cw.close();
    }
  });

  it('the bundled CLI stops quietly when its reader closes the pipe early (| head)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-pipe-'));
    try {
      const file = join(dir, 'many.log');
      await writeFile(
        file,
        Array.from({ length: 50_000 }, (_, i) => `ERROR job ${i} failed: word${i % 9000}x`).join(
          '\n',
        ),
      );
      const child = spawn(process.execPath, [
        resolve('dist/cli/index.js'),
        'signatures',
        '--per-line',
        file,
      ]);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // Like `head -1`: read a little, then close.
      await new Promise<void>((done) => child.stdout.once('data', () => done()));
      child.stdout.destroy();
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the bundled CLI runs the demo as a shell runs it', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [resolve('dist/cli/index.js'), 'demo'],
      { timeout: 60_000 },
    );
    expect(stdout).toMatch(/^### 🔴 Regression/);
    expect(stdout).toContain('3f9e8d7');
  });
});

describe('output formats', () => {
  async function demoWith(
    args: string[],
    io: Partial<Io> = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(['demo', ...args], {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      env: {},
      stdin: Readable.from([]),
      now: Date.now,
      ...io,
    });
    return { code, stdout, stderr };
  }
  // eslint-disable-next-line no-control-regex -- the escape codes are what is tested
  const ANSI = /\u001b\[[0-9;]*m/g;

  it('on a terminal prints plain text: the verdict in colour, an aligned table, no Markdown', async () => {
    const { stdout } = await demoWith([], { terminal: true, columns: 100 });
    // eslint-disable-next-line no-control-regex -- the escape codes are what is tested
    expect(stdout).toMatch(/^\u001b\[1;31mREGRESSION\u001b\[0m {2}new error after the deploy/);
    const plain = stdout.replace(ANSI, '');
    expect(plain).not.toMatch(/\\[_<>*`#|[\]]|\*\*|^#+ |<sub>|<details>|```|\| --- \|/m);
    expect(plain).toContain('<HEX>');
    expect(plain).toMatch(/^ {2}likely cause {2}3f9e8d7 Apply stacked coupons at checkout/m);
    const rows = plain.split('\n');
    expect(Math.max(...rows.map((row) => [...row].length))).toBeLessThanOrEqual(100);
    // The table's columns line up: every row's counts start where the header's do.
    const header = rows.findIndex((row) => row.includes('before → after'));
    const column = rows[header].indexOf('before');
    expect(rows[header + 1].slice(column)).toMatch(/^0 → 35 /);
    expect(rows[header + 2].slice(column)).toMatch(/^0 → 35 /);
  });

  it('never colours with NO_COLOR', async () => {
    const { stdout } = await demoWith([], { terminal: true, env: { NO_COLOR: '1' } });
    expect(stdout).toMatch(/^REGRESSION {2}/);
    expect(stdout).not.toContain('\u001b[');
  });

  it('piped, prints the Markdown of the comment unless told otherwise', async () => {
    const piped = await demoWith([]);
    expect(piped.stdout).toMatch(/^### 🔴 Regression/);
    expect(piped.stdout).not.toContain('\u001b[');
    const asked = await demoWith(['--format', 'markdown'], { terminal: true });
    expect(asked.stdout).toBe(piped.stdout);
    const text = await demoWith(['--format', 'text']);
    expect(text.stdout).toMatch(/^REGRESSION {2}/);
  });

  it('--format json and --json - print report.json', async () => {
    const json = await demoWith(['--format', 'json'], { terminal: true });
    expect((JSON.parse(json.stdout) as Report).verdict).toBe('regression');
    const dash = await demoWith(['--json', '-']);
    expect((JSON.parse(dash.stdout) as Report).verdict).toBe('regression');
  });

  it('names a format it does not know, and a --json - that contradicts --format', async () => {
    const unknown = await demoWith(['--format', 'html']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--format html: expected text, markdown, json');
    const both = await demoWith(['--json', '-', '--format', 'markdown']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('cannot go with --format markdown');
  });
});
