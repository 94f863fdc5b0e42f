/**
 * Signatures that name the error: the exception's name in the template, one signature per
 * distinct failure under one message, never an empty template, the level from the log's
 * structure only, and INFO lines kept as context.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { failureEvents, LABELLED_FAILURES, scoreFailures } from '../../__fixtures__/failures.js';
import { compare } from '../../src/compare/index.js';
import { failureOf, keyLine } from '../../src/signatures/failure.js';
import { mineSignatures, tokenize } from '../../src/signatures/index.js';
import { SignatureKeys } from '../../src/signatures/keys.js';
import { printSignatures } from '../../src/signatures/lines.js';
import { memorySource } from '../helpers/memory-source.js';

const MINUTE = 60_000;
const windows = {
  baseline: { start: 0, end: 60 * MINUTE },
  after: { start: 60 * MINUTE, end: 70 * MINUTE },
};

/** Final `{ id, template }` of each message, as `aftershock signatures --per-line` prints them. */
async function perLine(messages: string[]): Promise<{ id: string; template: string }[]> {
  let output = '';
  await printSignatures(Readable.from(messages), {
    perLine: true,
    write: (text) => (output += text),
  });
  return output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; template: string });
}

const distinct = (rows: { id: string }[]) => new Set(rows.map((row) => row.id)).size;

describe("the error's name is part of the signature", () => {
  it.each([
    [
      'ERROR PaymentDeclinedException: card processor returned 502 for order 1234',
      'ERROR PaymentDeclinedException: card processor returned <NUM> for order <NUM>',
    ],
    [
      "TypeError: Cannot read properties of undefined (reading 'id')",
      'TypeError: Cannot read properties of undefined (reading <STR>)',
    ],
    [
      '2026-03-01 14:05:00,123 ERROR [main] java.lang.IllegalStateException: cart closed',
      'ERROR [main] java.lang.IllegalStateException: cart closed',
    ],
    ["2026-03-01 14:05:00 ERROR KeyError: 'user_id'", 'ERROR KeyError: <STR>'],
    ['2026-03-01T14:05:00Z ERROR ECONNRESET: socket hang up', 'ERROR ECONNRESET: socket hang up'],
    ['panic: send on closed channel', 'panic: send on closed channel'],
  ])('keeps the name in %s', (line, template) => {
    expect(tokenize(line).join(' ')).toBe(template);
  });

  it('never merges different exception names under one message, however many there are', async () => {
    const names = ['Timeout', 'NullPointer', 'IllegalState', 'Arithmetic', 'Security', 'Io'];
    const lines = names.flatMap((name) =>
      [1, 2, 3].map((i) => `ERROR Checkout failed: ${name}Exception for order ${i * 977}`),
    );
    const rows = await perLine(lines);
    expect(distinct(rows)).toBe(names.length);
    for (const name of names) {
      expect(rows.some((row) => row.template.includes(`${name}Exception`))).toBe(true);
    }
  });

  it('keeps error codes literal while they take few values, and makes them a variable after', async () => {
    const few = await perLine(
      ['ORA-00942', 'ORA-01017'].flatMap((code) =>
        [1, 2].map((i) => `ERROR query ${i} failed: ${code} table or view does not exist`),
      ),
    );
    expect(distinct(few)).toBe(2);
    expect(few[0].template).toContain('ORA-00942');

    const many = await perLine(
      Array.from({ length: 12 }, (_, i) => `ERROR lookup failed with E${1100 + i} in stage two`),
    );
    expect(distinct(many)).toBe(1);
  });
});

describe('multi-line events are keyed by what failed', () => {
  it('gives each labelled failure a signature of its own that names it', async () => {
    const events = failureEvents(12, 3);
    const rows = await perLine(events.map(({ event }) => event));
    const scores = scoreFailures(events, rows);
    const total = (key: 'own' | 'named') => scores.reduce((sum, row) => sum + row[key], 0);
    expect(LABELLED_FAILURES.length).toBeGreaterThanOrEqual(40);
    expect(total('own')).toBe(LABELLED_FAILURES.length);
    expect(total('named')).toBe(LABELLED_FAILURES.length);
  });

  it('takes the innermost Java cause and the first in-app frame, without its line number', () => {
    const trace = (line: number) =>
      [
        'ERROR c.s.Api - Request failed',
        'org.springframework.web.client.ResourceAccessException: I/O error',
        '\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)',
        `\tat com.shop.pay.Gateway.capture(Gateway.java:${line})`,
        'Caused by: java.util.concurrent.TimeoutException: timed out',
        '\tat java.base/java.util.concurrent.FutureTask.get(FutureTask.java:204)',
        `\tat com.shop.pay.Gateway.await(Gateway.java:${line + 9})`,
        '\t... 42 more',
      ].join('\n');
    expect(failureOf(trace(40))).toEqual({
      exception: 'java.util.concurrent.TimeoutException',
      frame: 'Gateway.await(Gateway.java)',
    });
    expect(failureOf(trace(41))).toEqual(failureOf(trace(40)));
  });

  it("reads Python's last exception, Node's error line and Go's first frame out of the runtime", () => {
    expect(
      failureOf(
        'Traceback (most recent call last):\n  File "/app/api.py", line 9, in handle\n    x()\n  File "/usr/lib/python3.12/site-packages/lib.py", line 3, in call\n    y()\nValueError: bad',
      ),
    ).toEqual({ exception: 'ValueError', frame: 'handle (api.py)' });
    expect(
      failureOf(
        'Error: connect ECONNREFUSED 10.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n    at connect (/app/src/db.js:12:3)',
      ),
    ).toEqual({ exception: 'ECONNREFUSED', frame: 'connect (db.js)' });
    expect(
      failureOf(
        'panic: boom\n\ngoroutine 7 [running]:\nruntime.panic(0x1)\n\t/usr/local/go/src/runtime/panic.go:9 +0x1\nmain.handle(0xc000010000)\n\t/app/main.go:42 +0x1d',
      ),
    ).toEqual({ frame: 'main.handle (main.go)' });
  });

  it('shows the message, then the exception, and counts one failure in both windows as one', async () => {
    const event = (exception: string, id: number) =>
      `ERROR c.s.Api - Request failed for /api/checkout\n${exception}: order ${id}\n\tat com.shop.Checkout.charge(Checkout.java:${id % 50})`;
    const source = memorySource('app', {
      baseline: [1, 2, 3].map((i) => event('java.util.concurrent.TimeoutException', i)),
      after: [
        ...[4, 5, 6, 7].map((i) => event('java.lang.NullPointerException', i)),
        ...[8, 9].map((i) => event('java.util.concurrent.TimeoutException', i)),
      ],
    });
    const { signatures } = await mineSignatures([source], windows);
    expect(signatures.map((s) => [s.template, s.before, s.after])).toEqual([
      [
        'ERROR c.s.Api - Request failed for /api/checkout — java.util.concurrent.TimeoutException at Checkout.charge(Checkout.java)',
        3,
        2,
      ],
      [
        'ERROR c.s.Api - Request failed for /api/checkout — java.lang.NullPointerException at Checkout.charge(Checkout.java)',
        0,
        4,
      ],
    ]);
  });
});

describe('never an empty key line', () => {
  const oom = [
    '',
    '<--- Last few GCs --->',
    '',
    '[8:0x6a3c2c0]    56412 ms: Mark-sweep 2037.4 (2065.1) -> 2036.9 (2065.6) MB, 1321.7 / 0.0 ms',
    '',
    '<--- JS stacktrace --->',
    '',
    'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    ' 1: 0xb09c10 node::Abort() [node]',
  ].join('\n');

  it("takes Node's out-of-memory line, past blank lines and decoration", async () => {
    expect(keyLine(oom)).toBe(
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    );
    const source = memorySource('app', { baseline: [], after: [oom] });
    const { signatures } = await mineSignatures([source], windows);
    expect(signatures[0]).toMatchObject({ kind: 'oom', level: 'fatal' });
    expect(signatures[0].template).toMatch(/^FATAL ERROR: Reached heap limit/);
  });

  it('gives any text a template of non-blank tokens (property)', () => {
    const text = fc.array(
      fc.oneof(
        fc.string({ unit: 'grapheme' }),
        fc.constantFrom('\n', '\t', ' ', '<--- x --->', '---', '\u00a0', '{"msg":" "}'),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(text, (parts) => {
        const tokens = tokenize(parts.join(''));
        expect(tokens.length).toBeGreaterThan(0);
        for (const token of tokens) expect(token.trim()).not.toBe('');
      }),
      { seed: 20261202, numRuns: 500 },
    );
  });

  it('gives no signature a blank template, whatever the events hold', async () => {
    const odd = ['', ' ', '\n\n', '\t\n \n', '<--- --->', '----', '{}', '{"msg":""}', '\u00a0'];
    const rows = await perLine(odd);
    for (const row of rows) expect(row.template.trim()).not.toBe('');
  });
});

describe('the level comes from the structure, and INFO lines are context', () => {
  it("an uncaught TypeError reading 'info' is an error", async () => {
    const source = memorySource('app', {
      baseline: [],
      after: [
        "TypeError: Cannot read properties of undefined (reading 'info')\n    at render (/app/src/profile.js:40:17)",
      ],
    });
    const { signatures } = await mineSignatures([source], windows);
    expect(signatures[0].level).toBe('error');
  });

  it('a flood of new INFO lines that mention timeouts is never flagged, and the verdict is clean', async () => {
    const errors = (count: number) =>
      Array.from({ length: count }, (_, i) => `ERROR upstream 502 for ${i}`);
    const info = Array.from(
      { length: 300 },
      (_, i) =>
        `2026-03-01 14:05:00 INFO Established session 0x${(i * 7919).toString(16)} with negotiated timeout 30000`,
    );
    const source = memorySource('app', { baseline: errors(120), after: [...errors(20), ...info] });
    const mined = await mineSignatures([source], windows);
    const comparison = compare({ mined, baselineMs: 60 * MINUTE, afterMs: 10 * MINUTE });
    expect(comparison.verdict).toBe('clean');
    const flood = comparison.findings.find((f) => f.template.includes('negotiated timeout'))!;
    expect(flood).toMatchObject({ level: 'info', flagged: false, status: 'unchanged' });
    expect(flood.why).toMatch(/INFO-level lines, kept as context/);
    expect(comparison.findings[0].template).not.toContain('negotiated timeout');
  });
});

describe('templates of real formats', () => {
  it.each([
    [
      '- 1118770625 2005.06.14 R20-M0-NF-C:J07-U01 2005-06-14-10.37.05.332040 R20-M0-NF-C:J07-U01 RAS KERNEL FATAL instruction address: 0x00004ed8',
      'RAS KERNEL FATAL instruction address: <HEX>',
    ],
    [
      '- 1131567043 2005.11.09 tbird-admin1 Nov 9 12:10:43 local@tbird-admin1 CPU: L2 cache: 2048K',
      'L2 cache: 2048K',
    ],
    [
      '2017-05-16 00:00:00.008 25746 ERROR app.db [-] query failed in db.php:42',
      'ERROR app.db [-] query failed in db.php:<NUM>',
    ],
    [
      '134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change',
      'node-<NUM> unix.hw state_change.unavailable <NUM> Component State Change',
    ],
  ])('%s', (line, template) => {
    expect(tokenize(line).join(' ')).toBe(template);
  });
});

describe('edges: long lines, padded levels, logfmt, generated names, the cap of failures', () => {
  it('reads a long line of spaces or dashes without backtracking', () => {
    expect(keyLine(`${' '.repeat(65_536)}x\n y`)).toBe(`${' '.repeat(65_536)}x`);
    // Decoration is short: a line this long is text.
    expect(keyLine(`<${'-'.repeat(65_536)}\nFATAL ERROR: boom`)).toMatch(/^<-+$/);
    expect(keyLine(`<${'-'.repeat(20)}>\nFATAL ERROR: boom`)).toBe('FATAL ERROR: boom');
  });

  it("reads log4j's padded level `[INFO ]` as INFO", async () => {
    const source = memorySource('app', {
      baseline: [],
      after: ['2026-03-01 12:00:00 [INFO ] c.s.Zk - Session established, negotiated timeout 30000'],
    });
    const { signatures } = await mineSignatures([source], windows);
    expect(signatures[0].level).toBe('info');
  });

  it('never puts logfmt lines of two levels in one template', async () => {
    const rows = await perLine([
      'time=2026-03-01T12:00:00Z level=info msg="query took 5ms"',
      'time=2026-03-01T12:00:01Z level=error msg="query took 7ms"',
    ]);
    expect(distinct(rows)).toBe(2);
  });

  it('keys a frame by a name that holds across builds: hashed bundles, file:// URLs', () => {
    const trace = (file: string) => `TypeError: x\n    at handler (${file}:10:5)`;
    expect(failureOf(trace('/app/dist/main.3f2a1b9c.js'))).toEqual(
      failureOf(trace('/app/dist/main.77d0e4aa.js')),
    );
    expect(failureOf(trace('file:///app/src/a.mjs'))).toEqual({
      exception: 'TypeError',
      frame: 'handler (a.mjs)',
    });
  });

  it('keeps failures already told apart apart once the cap of distinct failures is reached', () => {
    const keys = new SignatureKeys();
    const template = { index: 0, tokens: ['ERROR', 'failed'], size: 1 };
    const first = keys.slotOf(template, { exception: 'E0Error' });
    for (let i = 1; i < 5000; i++) keys.slotOf(template, { exception: `E${i}Error` });
    const past = keys.slotOf(template, { exception: 'LateError' });
    expect(keys.slotOf(template, { exception: 'E0Error' })).toBe(first);
    expect(past).toBe(keys.slotOf(template, undefined));
  });

  it('keeps the words before a level word that is part of the message', () => {
    expect(tokenize('2026-03-01 12:00:00 Payment failed: ERROR from gateway').join(' ')).toBe(
      'Payment failed: ERROR from gateway',
    );
    expect(tokenize('2026-03-01 12:00:00 Refund failed: ERROR from gateway').join(' ')).toBe(
      'Refund failed: ERROR from gateway',
    );
  });

  it("reads a long Python traceback's exception line, past the lines it reads at most", () => {
    const frames = Array.from(
      { length: 600 },
      (_, i) => `  File "/app/deep.py", line ${i}, in step\n    step()`,
    );
    const trace = [
      'Traceback (most recent call last):',
      ...frames,
      'RecursionError: too deep',
    ].join('\n');
    expect(keyLine(trace)).toBe('RecursionError: too deep');
    expect(failureOf(trace)?.exception).toBe('RecursionError');
  });
});
