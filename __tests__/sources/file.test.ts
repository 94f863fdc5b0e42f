import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { DEFAULT_FILTER_PATTERN } from '../../src/config.js';
import { FileSource, readMessages } from '../../src/sources/file.js';
import { MAX_LINE_CHARS, TRUNCATION_MARKER, readLines } from '../../src/sources/lines.js';
import { MAX_EVENT_LINES, joinMultiline } from '../../src/sources/multiline.js';
import { SourceError, type LogEvent, type WindowName } from '../../src/sources/types.js';

const FIXTURES = join(import.meta.dirname, '../../__fixtures__/logs');
const APP_LOG = join(FIXTURES, 'app.log');
const JSON_LOG = join(FIXTURES, 'json-lines.log');
const AWS_JSON = join(FIXTURES, 'filter-log-events.json');
const RANGE = { start: 0, end: 1 };
const T0 = Date.UTC(2026, 2, 1, 14, 0, 0);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aftershock-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function temp(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function source(after: string, filterPattern = '', before = after): FileSource {
  return new FileSource({ name: 'local', before, after, filterPattern });
}

async function events(after: string, filterPattern = '', window: WindowName = 'after') {
  return collect(source(after, filterPattern).events(window, RANGE));
}

function strings(...lines: string[]): AsyncIterable<string> {
  return Readable.from(lines);
}

describe('readLines', () => {
  it('splits on \\n, strips \\r of CRLF and keeps blank lines', async () => {
    const path = await temp('crlf.log', 'first\r\nsecond\r\n\r\nthird \r');
    expect(await collect(readLines(path))).toEqual(['first', 'second', '', 'third ']);
  });

  it('replaces invalid UTF-8 bytes instead of throwing', async () => {
    const path = await temp('invalid.log', Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a, 0x63]));
    expect(await collect(readLines(path))).toEqual(['a\uFFFD\uFFFDb', 'c']);
  });

  it('decodes characters split across chunks of a stream', async () => {
    const stream = Readable.from([Buffer.from([0x70, 0xe2]), Buffer.from([0x82, 0xac, 0x0a])]);
    expect(await collect(readLines(stream))).toEqual(['p€']);
  });

  it('gunzips by the magic bytes, whatever the file is called', async () => {
    const path = await temp('rotated.log.1', gzipSync('one\ntwo\n'));
    expect(await collect(readLines(path))).toEqual(['one', 'two']);
  });

  it('gunzips a stream whose first chunk holds a single byte', async () => {
    const gz = gzipSync('from stdin\n');
    const stream = Readable.from([gz.subarray(0, 1), gz.subarray(1)]);
    expect(await collect(readLines(stream))).toEqual(['from stdin']);
  });

  it('reads what a truncated gzip file holds (a log still being written)', async () => {
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const gz = gzipSync(text);
    const lines = await collect(
      readLines(await temp('partial.gz', gz.subarray(0, gz.length - 40))),
    );
    expect(lines[0]).toBe('line 0');
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.length).toBeLessThan(2000);
  });

  it('cuts a 5 MB line without a newline and reads on after it', async () => {
    const path = await temp('long.log', `${'x'.repeat(5 * 1024 * 1024)}\nafter\n`);
    const lines = await collect(readLines(path));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('x'.repeat(MAX_LINE_CHARS) + TRUNCATION_MARKER);
    expect(lines[1]).toBe('after');
  });

  it('keeps a line of exactly the maximum length, CRLF or not', async () => {
    const line = 'y'.repeat(MAX_LINE_CHARS);
    const path = await temp('exact.log', `${line}\r\n${line}\n${line}z\n`);
    const lines = await collect(readLines(path));
    expect(lines.slice(0, 2)).toEqual([line, line]);
    expect(lines[2]).toBe(line + TRUNCATION_MARKER);
  });
});

describe('joinMultiline', () => {
  it('ends a Python traceback with its unindented exception line', async () => {
    const joined = await collect(
      joinMultiline(
        strings(
          'Traceback (most recent call last):',
          '  File "a.py", line 1, in f',
          '    g()',
          'ValueError: bad',
          'next event',
        ),
      ),
    );
    expect(joined).toEqual([
      'Traceback (most recent call last):\n  File "a.py", line 1, in f\n    g()\nValueError: bad',
      'next event',
    ]);
  });

  it('starts a new event at a timestamp or level header even inside a trace', async () => {
    const joined = await collect(
      joinMultiline(
        strings('Error: boom', '    at f (a.js:1:2)', 'INFO next', '    detail', '12:00:01 later'),
      ),
    );
    expect(joined).toEqual([
      'Error: boom\n    at f (a.js:1:2)',
      'INFO next\n    detail',
      '12:00:01 later',
    ]);
  });

  it('joins an exception printed under an error message, not under an INFO line', async () => {
    const joined = await collect(
      joinMultiline(
        strings(
          '2026-03-01 14:00:00 ERROR failed',
          'java.io.IOException: disk',
          '\tat A.b(A.java:1)',
          '2026-03-01 14:00:01 INFO started',
          'java.io.IOException: other',
        ),
      ),
    );
    expect(joined).toEqual([
      '2026-03-01 14:00:00 ERROR failed\njava.io.IOException: disk\n\tat A.b(A.java:1)',
      '2026-03-01 14:00:01 INFO started',
      'java.io.IOException: other',
    ]);
  });

  it('keeps JSON lines as events of their own', async () => {
    const joined = await collect(
      joinMultiline(strings('Error: x', '{"msg":"a"}', '  {"msg":"b"}')),
    );
    expect(joined).toEqual(['Error: x', '{"msg":"a"}', '  {"msg":"b"}']);
  });

  it('caps a huge trace but keeps its first and last lines', async () => {
    const frames = Array.from({ length: 500 }, (_, i) => `  File "r.py", line ${i}, in f`);
    const [event, next] = await collect(
      joinMultiline(
        strings('Traceback (most recent call last):', ...frames, 'RecursionError: deep', 'next'),
      ),
    );
    const lines = event.split('\n');
    expect(lines.length).toBeLessThanOrEqual(MAX_EVENT_LINES + 1);
    expect(lines[0]).toBe('Traceback (most recent call last):');
    expect(lines.at(-1)).toBe('RecursionError: deep');
    expect(event).toMatch(/…\[\d+ lines omitted\]/);
    expect(next).toBe('next');
  });
});

describe('FileSource', () => {
  it('joins Java, Python and Node.js traces in plain text and extracts leading timestamps', async () => {
    const all = await events(APP_LOG);
    expect(all.map((event) => event.message.split('\n')[0])).toEqual([
      '2026-03-01T14:00:00.000Z INFO  server started on port 8080',
      '2026-03-01T14:00:01.000Z WARN  slow query took 1200 ms',
      '2026-03-01 14:00:02,345 ERROR [main] c.e.OrderService - Failed to process order 42',
      '2026-03-01T14:00:03.000Z INFO  request ok',
      'Traceback (most recent call last):',
      '2026-03-01T14:00:04.000Z INFO  request ok',
      "TypeError: Cannot read properties of undefined (reading 'id')",
      '2026-03-01 14:00:06,000 ERROR worker: job 7 failed',
      '2026-03-01T14:00:07.000Z INFO  done',
    ]);
    const [, , java, , python, , node, logged] = all;
    expect(java.message.split('\n')).toHaveLength(7);
    expect(java.message).toContain('Caused by: java.lang.NullPointerException: items is null');
    expect(java.message.endsWith('\t... 12 more')).toBe(true);
    expect(java.timestamp).toBe(T0 + 2345);
    expect(python.message).toContain('ValueError: bad payload\nDuring handling of the above');
    expect(python.message.endsWith("report(error)\nKeyError: 'sentry'")).toBe(true);
    expect(python.timestamp).toBeUndefined();
    expect(node.message.split('\n')).toHaveLength(3);
    expect(logged.message.endsWith('\nZeroDivisionError: division by zero')).toBe(true);
    expect(all[0]).toEqual({
      message: '2026-03-01T14:00:00.000Z INFO  server started on port 8080',
      timestamp: T0,
      logGroup: 'local',
    });
  });

  it("carries a JSON line's error stack with its message, so what failed can be read", async () => {
    const path = await temp(
      'pino.log',
      `${JSON.stringify({ level: 50, time: T0, msg: 'payment failed', err: { type: 'TypeError', stack: 'TypeError: x\n    at charge (/app/src/pay.js:1:2)' } })}\n`,
    );
    const [event] = await events(path);
    expect(event.message).toBe('payment failed\nTypeError: x\n    at charge (/app/src/pay.js:1:2)');
    expect(event.level).toBe('error');
  });

  it('keeps only the error events under the default filter pattern', async () => {
    const errors = await events(APP_LOG, DEFAULT_FILTER_PATTERN);
    expect(errors.map((event) => event.message.split('\n')[0])).toEqual([
      '2026-03-01 14:00:02,345 ERROR [main] c.e.OrderService - Failed to process order 42',
      'Traceback (most recent call last):',
      "TypeError: Cannot read properties of undefined (reading 'id')",
      '2026-03-01 14:00:06,000 ERROR worker: job 7 failed',
    ]);
  });

  it('reads messages, times and levels of JSON lines in several conventions', async () => {
    const all = await events(JSON_LOG);
    expect(all.map(({ message, timestamp, level }) => ({ message, timestamp, level }))).toEqual([
      { message: 'request completed', timestamp: T0, level: 'info' },
      { message: 'payment declined', timestamp: T0 + 1000, level: 'error' },
      { message: 'out of connections', timestamp: T0 + 2000, level: 'fatal' },
      { message: 'upstream returned 502', timestamp: T0 + 3500, level: 'error' },
      { message: 'disk 91% full', timestamp: T0 + 4000, level: 'warn' },
      { message: 'connection reset by peer', timestamp: T0 + 5250, level: 'error' },
      { message: 'user signed in', timestamp: T0 + 6000, level: 'info' },
      {
        message: '{"level":"error","status":503,"path":"/api/orders"}',
        timestamp: undefined,
        level: 'error',
      },
      { message: 'plain text line between JSON lines', timestamp: undefined, level: undefined },
      { message: 'nested in docker', timestamp: T0 + 8000, level: 'error' },
    ]);
  });

  it('filters JSON lines on the whole line, as CloudWatch does', async () => {
    const errors = await events(JSON_LOG, DEFAULT_FILTER_PATTERN);
    expect(errors.map((event) => event.message)).toEqual([
      'payment declined',
      'out of connections',
      'upstream returned 502',
      'connection reset by peer',
      '{"level":"error","status":503,"path":"/api/orders"}',
      'nested in docker',
    ]);
  });

  it('reads the JSON of aws logs filter-log-events with streams and times', async () => {
    const all = await events(AWS_JSON);
    expect(all).toEqual([
      {
        message: '2026-03-01T13:59:59.000Z ERROR payment failed for order 42',
        timestamp: T0,
        logGroup: 'local',
        logStream: 'web/api/1a2b3c',
      },
      {
        message: 'database unreachable',
        timestamp: T0 + 5000,
        level: 'error',
        logGroup: 'local',
        logStream: 'web/api/4d5e6f',
      },
      {
        message: 'INFO healthcheck ok',
        timestamp: T0 + 10000,
        logGroup: 'local',
        logStream: 'web/api/1a2b3c',
      },
    ]);
    const errors = await events(AWS_JSON, DEFAULT_FILTER_PATTERN);
    expect(errors.map((event) => event.logStream)).toEqual(['web/api/1a2b3c', 'web/api/4d5e6f']);
  });

  it('reads concatenated filter-log-events pages, compact or indented', async () => {
    const page = (message: string) => ({
      events: [{ logStreamName: 's', timestamp: T0, message, ingestionTime: T0, eventId: '1' }],
      searchedLogStreams: [],
      nextToken: 'abc',
    });
    const indented = [1, 2].map((n) => JSON.stringify(page(`ERROR page ${n}`), null, 4));
    const compact = [3, 4].map((n) => JSON.stringify(page(`ERROR page ${n}`)));
    expect(
      (await events(await temp('pages.json', indented.join('\n')))).map((e) => e.message),
    ).toEqual(['ERROR page 1', 'ERROR page 2']);
    expect(
      (await events(await temp('compact.json', compact.join('\n')))).map((e) => e.message),
    ).toEqual(['ERROR page 3', 'ERROR page 4']);
  });

  it('reads gzipped, CRLF and invalid UTF-8 logs and skips blank lines', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\r\nERROR bad byte '),
      Buffer.from([0xc3]),
      Buffer.from('\r\n\r\n  \r\nINFO ok\r\n'),
    ]);
    const path = await temp('mixed.log', gzipSync(bytes));
    expect((await events(path)).map((event) => event.message)).toEqual([
      'ERROR bad byte \uFFFD',
      'INFO ok',
    ]);
  });

  it('cuts a 5 MB line and goes on', async () => {
    const path = await temp('huge.log', `ERROR ${'z'.repeat(5 * 1024 * 1024)}\nERROR after\n`);
    const all = await events(path);
    expect(all).toHaveLength(2);
    expect(all[0].message).toHaveLength(MAX_LINE_CHARS + TRUNCATION_MARKER.length);
    expect(all[0].message.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(all[1].message).toBe('ERROR after');
  });

  it('reads the before file for the baseline window', async () => {
    const before = await temp('before.log', 'ERROR before\n');
    const after = await temp('after.log', 'ERROR after\n');
    const files = source(after, '', before);
    const read = async (window: WindowName) =>
      (await collect(files.events(window, RANGE))).map((event: LogEvent) => event.message);
    expect(await read('baseline')).toEqual(['ERROR before']);
    expect(await read('after')).toEqual(['ERROR after']);
  });

  it('names the flag and the path of a missing file', async () => {
    const missing = join(dir, 'missing.log');
    await expect(events(missing, '', 'after')).rejects.toThrow(
      `--after file not found: ${missing}`,
    );
    await expect(events(missing, '', 'baseline')).rejects.toThrow(
      `--before file not found: ${missing}`,
    );
    await expect(events(missing)).rejects.toBeInstanceOf(SourceError);
    await expect(events(missing)).rejects.not.toThrow('ENOENT');
  });

  it('says when a file is a directory or not gzip after all', async () => {
    await expect(events(dir)).rejects.toThrow(
      `--after file is a directory, not a log file: ${dir}`,
    );
    const broken = await temp('broken.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    await expect(events(broken)).rejects.toThrow(`--after file is not valid gzip: ${broken}`);
  });

  it('tells whether the after file logged anything, before filtering', async () => {
    const infoOnly = await temp('info.log', '\n\nINFO all good\n');
    const blank = await temp('blank.log', '\n  \r\n\n');
    const empty = await temp('empty.log', '');
    expect(await source(infoOnly, DEFAULT_FILTER_PATTERN).loggedAnything(RANGE)).toBe(true);
    expect(await source(blank).loggedAnything(RANGE)).toBe(false);
    expect(await source(empty).loggedAnything(RANGE)).toBe(false);
    await expect(source(join(dir, 'nope.log')).loggedAnything(RANGE)).rejects.toThrow(
      '--after file not found',
    );
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      collect(source(APP_LOG).events('after', RANGE, controller.signal)),
    ).rejects.toThrow();
  });
});

describe('readMessages', () => {
  it('gives one message per physical line, without joining or filtering', async () => {
    const messages = await collect(readMessages(APP_LOG));
    expect(messages).toHaveLength(31);
    expect(messages.slice(2, 5)).toEqual([
      '2026-03-01 14:00:02,345 ERROR [main] c.e.OrderService - Failed to process order 42',
      'java.lang.IllegalStateException: order 42 has no items',
      '\tat com.example.OrderService.process(OrderService.java:57)',
    ]);
  });

  it('extracts the messages of JSON lines and of filter-log-events JSON', async () => {
    expect((await collect(readMessages(JSON_LOG))).slice(0, 2)).toEqual([
      'request completed',
      'payment declined',
    ]);
    expect(await collect(readMessages(AWS_JSON))).toEqual([
      '2026-03-01T13:59:59.000Z ERROR payment failed for order 42',
      'database unreachable',
      'INFO healthcheck ok',
    ]);
  });

  it('reads a stream such as stdin', async () => {
    const stdin = Readable.from([Buffer.from('a\n\n{"msg":"b"}\r\nc')]);
    expect(await collect(readMessages(stdin))).toEqual(['a', 'b', 'c']);
  });

  it('throws a SourceError naming a missing file', async () => {
    const missing = join(dir, 'absent.log');
    await expect(collect(readMessages(missing))).rejects.toThrow(`file not found: ${missing}`);
  });
});
