import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { maskLine } from '../../src/signatures/scan.js';
import { detectKind, eventLevel, KIND_RULES } from '../../src/signatures/classify.js';
import {
  mineSignatures,
  signatureId,
  tokenize,
  TemplateMiner,
} from '../../src/signatures/index.js';
import { OVERFLOW_TEMPLATE, type MaskedLine } from '../../src/signatures/miner.js';
import { printSignatures } from '../../src/signatures/lines.js';
import { addMessage, EMPTY_MESSAGE } from '../../src/signatures/line.js';
import { compare } from '../../src/compare/index.js';
import type { LogSource } from '../../src/sources/types.js';
import { memorySource } from '../helpers/memory-source.js';

describe('masking', () => {
  it.each([
    ['2026-03-01T14:05:00.123Z request failed', '<TS> request failed'],
    ['2026-03-01 14:05:00,123 request failed', '<TS> request failed'],
    ['Mar  1 14:05:00 host sshd failed', '<TS> host sshd failed'],
    ['user 6f1c2a9e-1b2c-4d3e-8f9a-0b1c2d3e4f5a not found', 'user <UUID> not found'],
    ['connect to 10.0.12.7:5432 refused', 'connect to <IP> refused'],
    ['object at 0x7f3a2c10 freed', 'object at <HEX> freed'],
    ['commit 3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6 bad', 'commit <HEX> bad'],
    ['took 120ms for 512MiB and 42 rows', 'took <NUM> for <NUM> and <NUM> rows'],
    ['order=48213 failed', 'order=<NUM> failed'],
    ['mail to jane.doe@example.com bounced', 'mail to <EMAIL> bounced'],
    ['connect to db.internal:5432 refused', 'connect to <HOST> refused'],
    ['block blk_-6952295868487656571 lost', 'block <ID> lost'],
    ["key 'user_id' missing", 'key <STR> missing'],
    ['sent 1190 bytes (1.16 KB) in 3 seconds', 'sent <NUM> in <NUM>'],
    ['on 17/06/09 at 2005.06.03', 'on <TS> at <TS>'],
    ['offset -12 index:-3 x=-5 (-7)', 'offset <NUM> index:<NUM> x=<NUM> (<NUM>)'],
    // Patterns across words apply in order, each to the whole rest of the line.
    ['01/Mar/2026:14:05:00Mar 1 14:05:00', '<TS>Mar <NUM> <TS>'],
    ['Dec<12 seconds01/Mar/2026:14:05:00', 'Dec<NUM><TS>'],
    ['x=true,id=5 y=false,z=a', 'x=<BOOL>,id=<NUM> y=<BOOL>,z=a'],
    [
      'ready=true,mode=false overlap:false, x=trueish down true',
      'ready=<BOOL>,mode=<BOOL> overlap:<BOOL>, x=trueish down true',
    ],
    ['node ip-10-2 user-12 worker-7', 'node ip-<NUM>-<NUM> user-<NUM> worker-<NUM>'],
  ])('%s', (line, masked) => {
    expect(maskLine(line)).toBe(masked);
  });

  it.each(['log4j', 'sha256', 'v2', 'http2', 'utf8'])('keeps %s literal', (word) => {
    expect(maskLine(`using ${word} now`)).toBe(`using ${word} now`);
  });
});

describe('levels and kinds', () => {
  it.each([
    ['2026-03-01 12:00:00 ERROR boom', undefined, 'error'],
    ['[WARN] slow', undefined, 'warn'],
    ['{"level":"fatal","msg":"x"}', undefined, 'fatal'],
    ['{"level":50,"msg":"x"}', undefined, 'error'],
    ['<11>Mar  1 14:05:00 host app: failed', undefined, 'error'],
    ['<14>Mar  1 14:05:00 host app: started', undefined, 'info'],
    ['time=2026-03-01T14:05:00Z level=warn msg="slow query"', undefined, 'warn'],
    ['ERROR:root:Request failed', undefined, 'error'],
    ['something', '50', 'error'],
    ['something', 'warning', 'warn'],
    ['no level here', undefined, 'unknown'],
    // A word inside the message is not a level.
    ["TypeError: Cannot read properties of undefined (reading 'info')", undefined, 'error'],
    ['request failed: debug endpoint returned an error', undefined, 'unknown'],
    ['2026-03-01 12:00:00 connection reset, retrying at info level', undefined, 'unknown'],
    ['panic: runtime error: index out of range', undefined, 'error'],
  ])('level from the structure only: %s → %s', (line, structured, level) => {
    const miner = new TemplateMiner();
    const header = addMessage(miner, line).level;
    expect(eventLevel(line, line, structured, header, false)).toBe(level);
  });

  it.each([
    ['java.lang.OutOfMemoryError: Java heap space', 'oom'],
    ['container exited with exit code 137', 'crash'],
    ['upstream request timed out', 'timeout'],
    ['"GET /api HTTP/1.1" 503 12', 'http-5xx'],
    ['KeyError: id', 'exception'],
    ['something went wrong', 'error'],
    ['an exception was logged', 'error'],
    ['TRACEBACK follows', 'error'],
    ['job failed\n    at Worker.run (worker.js:12)', 'exception'],
  ])('%s is %s', (line, kind) => {
    expect(detectKind(line)).toBe(kind);
  });

  it('tells the kind as the rules one by one do, on lines of their words in any case', () => {
    const words = ['Timeout', 'TIMED OUT', 'exit code 137', 'Exception', 'exception', 'KeyError'];
    words.push('keyerror', 'HTTP/1.1" 503', 'status=502', 'OOMKilled', 'oomkilled', 'panic:');
    words.push('\n  at f', 'at g', ' ', 'ok', 'Traceback', 'traceback', '504 Bad Gateway', 'x');
    const oneByOne = (line: string) => KIND_RULES.find(([, rule]) => rule.test(line))?.[0];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 6 }), (parts) => {
        const line = parts.join('');
        expect([line, detectKind(line)]).toEqual([line, oneByOne(line) ?? 'error']);
      }),
      { seed: 20261208, numRuns: 5_000 },
    );
  });
});

describe('template mining', () => {
  it('groups occurrences whose variables differ and separates different errors', () => {
    const miner = new TemplateMiner();
    const a = miner.add(
      tokenize('2026-03-01T10:00:00Z ERROR Payment timed out after 3000ms for order 1'),
    );
    const b = miner.add(
      tokenize('2026-03-01T10:00:05Z ERROR Payment timed out after 2500ms for order 77'),
    );
    const c = miner.add(tokenize('2026-03-01T10:00:09Z ERROR Stock lookup failed for sku 12'));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(a.tokens.join(' ')).toBe('ERROR Payment timed out after <NUM> for order <NUM>');
  });

  it('keeps lines that differ in one word apart (Started/Stopped)', () => {
    const miner = new TemplateMiner();
    const started = miner.add(tokenize('Started worker 3 after 12 seconds'));
    const stopped = miner.add(tokenize('Stopped worker 4 after 10 seconds'));
    expect(started).not.toBe(stopped);
    expect(started.tokens.join(' ')).toBe('Started worker <NUM> after <NUM>');
  });

  it('takes a word for a variable once it has shown enough different values', () => {
    const miner = new TemplateMiner({ wordVariants: 4 });
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const templates = users.map((user) => miner.add(tokenize(`session opened for user ${user}`)));
    const texts = new Set(templates.map((template) => template.tokens.join(' ')));
    expect([...texts]).toEqual(['session opened for user <*>']);
  });

  it('takes a word for a variable where it varies, though a sibling differs elsewhere', () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const lines = [
      'Accepted password for root from 10.0.0.1 port 22 ssh2',
      ...users.map((user, i) => `Failed password for ${user} from 10.0.0.${i} port 22 ssh2`),
    ];
    // Whichever order the lines come in, the failures end in one template.
    for (const ordered of [lines, [...lines].reverse()]) {
      const miner = new TemplateMiner();
      const templates = ordered.map((line) => addMessage(miner, line));
      // Templates merged while mining share their tokens: read them at the end.
      expect(new Set(templates.map((template) => template.tokens.join(' ')))).toEqual(
        new Set([
          'Accepted password for root from <IP> port <NUM> ssh2',
          'Failed password for <*> from <IP> port <NUM> ssh2',
        ]),
      );
    }
  });

  it('takes a word in capitals for a value where other words made a variable, in any order', () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
    const lines = ['ADMIN', ...users].map((user) => `session opened for user ${user} by sshd`);
    for (const ordered of [lines, [...lines].reverse()]) {
      const miner = new TemplateMiner();
      const templates = ordered.map((line) => addMessage(miner, line));
      expect(new Set(templates.map((template) => template.tokens.join(' ')))).toEqual(
        new Set(['session opened for user <*> by sshd']),
      );
    }
  });

  it('keeps words in capitals apart however many there are: they name events', () => {
    const codes = [
      'ECONNREFUSED',
      'ETIMEDOUT',
      'ECONNRESET',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'EPIPE',
    ];
    const miner = new TemplateMiner();
    const templates = codes.map((code) => addMessage(miner, `connect ${code} to payments`));
    expect(new Set(templates).size).toBe(codes.length);
  });

  it('groups raw lines of common formats like their bare message, keeping the level', () => {
    const raw = [
      '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001',
      '081109 203615 148 INFO dfs.DataNode$PacketResponder: Created MRAppMaster for application appattempt_1445144423722_0021_000001',
      '2015-10-18 18:01:50,556 INFO [RMCommunicator Allocator] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0022_000001',
    ];
    const miner = new TemplateMiner();
    const templates = raw.map((line) => miner.add(tokenize(line)));
    expect(new Set(templates).size).toBe(1);
    expect(templates[0].tokens.join(' ')).toBe('INFO Created MRAppMaster for application <ID>');
    expect(
      tokenize('Jun 15 02:04:59 combo sshd(pam_unix)[20885]: session closed for user root'),
    ).toEqual(tokenize('session closed for user root'));
  });

  it('does not let a variable-length value change the token count', () => {
    expect(tokenize('Supported channels 1 2 3 4 5 6 on en0')).toEqual(
      tokenize('Supported channels 36 40 on en0'),
    );
  });

  it('uses the last line of a Python traceback as the key', () => {
    const tokens = tokenize(
      'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n    main()\nKeyError: \'user_id\'',
    );
    // The quoted key is a value, masked like any other.
    expect(tokens.join(' ')).toMatch(/KeyError: <STR>$/);
  });

  it('reads the message field of a JSON line, unwrapped from a Docker `log`', () => {
    const bare = tokenize('ERROR payment 42 declined');
    expect(
      tokenize('{"time":"2026-03-01T10:00:00Z","level":"error","msg":"ERROR payment 7 declined"}'),
    ).toEqual(bare);
    const inner = JSON.stringify({ message: 'ERROR payment 9 declined', request_id: 'r-81f3c2' });
    expect(tokenize(JSON.stringify({ log: `${inner}\n`, stream: 'stderr' }))).toEqual(bare);
    // Without a message field, the JSON itself is the message.
    expect(tokenize('{"status":503,"path":"/api"}')).toEqual(['{<STR>:<NUM>,<STR>:<STR>}']);
  });

  it('splits on any whitespace, and never gives an empty template', () => {
    expect(tokenize('a\u00a0b\t 12  c')).toEqual(['a', 'b', '<NUM>', 'c']);
    expect(tokenize('')).toEqual([EMPTY_MESSAGE]);
    expect(tokenize(' \t ')).toEqual([EMPTY_MESSAGE]);
    expect(tokenize('\n\n<--- Last few GCs --->\n')).toEqual([
      '<---',
      'Last',
      'few',
      'GCs',
      '--->',
    ]);
  });

  it('gives a masked line seen before the template it joined, without matching again', () => {
    const miner = new TemplateMiner();
    const first = addMessage(miner, '2026-03-01T10:00:00Z ERROR cache miss for key 12');
    const again = addMessage(miner, '2026-03-01T10:00:09Z ERROR cache miss for key 78');
    const other = addMessage(miner, '2026-03-01T10:00:10Z ERROR cache hit for key 3');
    expect(again).toBe(first);
    expect(first.size).toBe(2);
    expect(other).not.toBe(first);
    expect(first.tokens.join(' ')).toBe('ERROR cache miss for key <NUM>');
  });

  it('tells apart masked lines whose hashes collide', () => {
    const miner = new TemplateMiner();
    const colliding = (text: string): MaskedLine => ({
      hash: 7,
      matches: (other) => other === text,
      text: () => text,
    });
    const texts = Array.from({ length: 12 }, (_, i) => `event${'x'.repeat(i)} happened`);
    const first = texts.map((text) =>
      miner.addMasked(colliding(text), (t) => ({ tokens: t.split(' ') })),
    );
    const again = texts.map((text) =>
      miner.addMasked(colliding(text), (t) => ({ tokens: t.split(' ') })),
    );
    expect(again).toEqual(first);
    expect(first.map((template) => template.tokens.join(' '))).toEqual(texts);
    expect(first.every((template) => template.size === 2)).toBe(true);
  });

  it('knows a masked line seen before whatever spaces it had', () => {
    const miner = new TemplateMiner();
    const lines = [
      'ERROR  disk full on vol 1',
      'ERROR disk full\ton vol 2',
      'ERROR disk  full on vol 3',
    ];
    const templates = lines.map((line) => addMessage(miner, line));
    expect(new Set(templates).size).toBe(1);
    expect(templates[0].size).toBe(3);
    expect(miner.templates).toHaveLength(1);
  });

  it('merges rare templates into one overflow template past the cap', () => {
    const miner = new TemplateMiner({ maxTemplates: 2 });
    miner.add(['alpha', 'one']);
    miner.add(['beta', 'two', 'x']);
    const third = miner.add(['gamma', 'three', 'y', 'z']);
    const fourth = miner.add(['delta']);
    expect(third).toBe(fourth);
    expect(third.tokens.join(' ')).toBe(OVERFLOW_TEMPLATE);
    expect(miner.capReached).toBe(true);
  });

  it('ids are short stable hashes of the template', () => {
    expect(signatureId('ERROR x <NUM>')).toBe(signatureId('ERROR x <NUM>'));
    expect(signatureId('ERROR x <NUM>')).toMatch(/^[0-9a-f]{10}$/);
    expect(signatureId('ERROR y <NUM>')).not.toBe(signatureId('ERROR x <NUM>'));
  });
});

describe('mineSignatures', () => {
  const windows = {
    baseline: { start: 0, end: 3_600_000 },
    after: { start: 3_600_000, end: 4_200_000 },
  };

  it('gives one signature across both windows and both groups, with counts and groups', async () => {
    const a = memorySource('/ecs/a', {
      baseline: ['ERROR db timeout after 30s on shard 1'],
      after: ['ERROR db timeout after 12s on shard 7'],
    });
    const b = memorySource('/ecs/b', {
      baseline: [],
      after: ['ERROR db timeout after 5s on shard 3'],
    });
    const mined = await mineSignatures([a, b], windows);
    expect(mined.signatures).toHaveLength(1);
    const [signature] = mined.signatures;
    expect(signature).toMatchObject({
      before: 1,
      after: 2,
      logGroups: ['/ecs/a', '/ecs/b'],
      level: 'error',
      kind: 'timeout',
    });
    expect(signature.examples[0]).toBe('ERROR db timeout after 12s on shard 7');
    expect(mined.eventsRead).toEqual({ baseline: 1, after: 2 });
  });

  it('keeps the highest level seen', async () => {
    const source = memorySource('g', {
      baseline: ['WARN disk usage 91 percent on vol1'],
      after: ['ERROR disk usage 99 percent on vol1'],
    });
    const mined = await mineSignatures([source], windows);
    expect(mined.signatures.map((s) => s.level)).toContain('error');
  });

  it('scrubs credentials from templates and examples where they stand, and keeps the id of the raw template', async () => {
    const source = memorySource('g', {
      baseline: [],
      after: ['ERROR login failed password=hunter22 token=regression'],
    });
    const [signature] = (await mineSignatures([source], windows)).signatures;
    expect(signature.template).toBe('ERROR login failed password=[REDACTED] token=regression');
    expect(signature.examples).toEqual(['ERROR login failed password=[REDACTED] token=regression']);
    expect(signature.id).toBe(signatureId('ERROR login failed password=hunter22 token=regression'));
  });

  it('scrubs from a template the credentials its own lines hold, where masking hid their key', async () => {
    const source = memorySource('g', {
      baseline: [],
      after: ['ERROR {"db_password": "correct horse battery"} rejected'],
    });
    const [signature] = (await mineSignatures([source], windows)).signatures;
    expect(signature.template).not.toContain('correct horse');
    expect(signature.template).toContain('rejected');
  });

  it('tells a source that cannot be read from events that cannot be mined', async () => {
    const unreadable = memorySource(
      '/ecs/down',
      { baseline: [], after: [] },
      {
        fail: new Error('AccessDenied: not allowed'),
      },
    );
    const broken: LogSource = {
      name: '/ecs/odd',
      async *events() {
        await Promise.resolve();
        // Not a string: the miner throws, and that is a bug of ours, not of the source.
        yield { message: undefined as unknown as string, logGroup: '/ecs/odd' };
      },
    };
    const mined = await mineSignatures([unreadable, broken], windows);
    expect(mined.failures).toEqual([
      { source: '/ecs/down', kind: 'read', message: '/ecs/down: AccessDenied: not allowed' },
      {
        source: '/ecs/odd',
        kind: 'mine',
        message: expect.stringMatching(
          /^\/ecs\/odd: could not mine its events \(.+\); this is a bug in Aftershock/,
        ) as unknown as string,
      },
    ]);
    const comparison = compare({ mined, baselineMs: 3_600_000, afterMs: 600_000, windows });
    expect(comparison.verdict).toBe('inconclusive');
    expect(comparison.reason).toMatch(/^Could not analyse the logs: /);
  });

  /** memorySource's events, also in pages of `size`, the last cut by `cut` when it is set. */
  function pagedSource(
    windows: Record<'baseline' | 'after', string[]>,
    size: number,
    cut?: Error,
  ): LogSource {
    const source = memorySource('/ecs/paged', windows);
    return {
      ...source,
      async *pages(window) {
        const events = windows[window].map((message) => ({ message, logGroup: '/ecs/paged' }));
        for (let at = 0; at < events.length; at += size) {
          await Promise.resolve();
          if (cut && at + size >= events.length) throw cut;
          yield events.slice(at, at + size);
        }
      },
    };
  }

  it('mines a source read in pages as it mines the same events one by one', async () => {
    const lines = {
      baseline: Array.from({ length: 25 }, (_, i) => `ERROR db timeout after ${i}s on shard ${i}`),
      after: Array.from({ length: 40 }, (_, i) =>
        i % 3 ? `ERROR cart ${i} lost its coupon` : `WARN retry ${i} of upload`,
      ),
    };
    const oneByOne = await mineSignatures([memorySource('/ecs/paged', lines)], windows);
    const paged = await mineSignatures([pagedSource(lines, 7)], windows);
    expect(paged.signatures.length).toBeGreaterThan(1);
    expect(paged).toEqual(oneByOne);
  });

  it('tells a source that fails between its pages from one whose events cannot be mined', async () => {
    const lines = { baseline: ['ERROR db timeout after 3s'], after: ['ERROR a', 'ERROR b'] };
    const mined = await mineSignatures([pagedSource(lines, 1, new Error('Throttled'))], windows);
    expect(mined.failures).toEqual([
      { source: '/ecs/paged', kind: 'read', message: '/ecs/paged: Throttled' },
    ]);
  });
});

describe('printSignatures', () => {
  const lines = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map(
    (user) => `ERROR login failed for user ${user}`,
  );

  it('gives templates merged while mining one id on every line', async () => {
    let out = '';
    await printSignatures(Readable.from(lines) as AsyncIterable<string>, {
      perLine: true,
      write: (text) => (out += text),
    });
    const rows = out
      .trim()
      .split('\n')
      .map((row) => JSON.parse(row) as { id: string; template: string });
    expect(rows).toHaveLength(lines.length);
    expect(new Set(rows.map((row) => row.id)).size).toBe(1);
    expect(rows[0].template).toBe('ERROR login failed for user <*>');
  });

  it('counts merged templates as one signature', async () => {
    let out = '';
    await printSignatures(Readable.from(lines) as AsyncIterable<string>, {
      perLine: false,
      write: (text) => (out += text),
    });
    expect(out).toMatch(
      /^6 {2}[0-9a-f]{10} {2}ERROR login failed for user <\*>\n1 signatures in 6 lines\n$/,
    );
  });
});
