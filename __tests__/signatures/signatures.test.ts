import { describe, expect, it } from '@jest/globals';
import { maskVariables } from '../../src/signatures/mask.js';
import { detectKind, detectLevel } from '../../src/signatures/classify.js';
import {
  mineSignatures,
  signatureId,
  tokenize,
  TemplateMiner,
} from '../../src/signatures/index.js';
import { OVERFLOW_TEMPLATE } from '../../src/signatures/miner.js';
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
  ])('%s', (line, masked) => {
    expect(maskVariables(line)).toBe(masked);
  });

  it.each(['log4j', 'sha256', 'v2', 'http2', 'utf8'])('keeps %s literal', (word) => {
    expect(maskVariables(`using ${word} now`)).toBe(`using ${word} now`);
  });
});

describe('levels and kinds', () => {
  it.each([
    ['2026-03-01 12:00:00 ERROR boom', undefined, 'error'],
    ['[WARN] slow', undefined, 'warn'],
    ['{"level":"fatal","msg":"x"}', undefined, 'fatal'],
    ['something', '50', 'error'],
    ['something', 'warning', 'warn'],
    ['no level here', undefined, 'unknown'],
  ])('%s → %s', (line, structured, level) => {
    expect(detectLevel(line, structured)).toBe(level);
  });

  it.each([
    ['java.lang.OutOfMemoryError: Java heap space', 'oom'],
    ['container exited with exit code 137', 'crash'],
    ['upstream request timed out', 'timeout'],
    ['"GET /api HTTP/1.1" 503 12', 'http-5xx'],
    ['KeyError: id', 'exception'],
    ['something went wrong', 'error'],
  ])('%s is %s', (line, kind) => {
    expect(detectKind(line)).toBe(kind);
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

  it('uses the last line of a Python traceback as the key', () => {
    const tokens = tokenize(
      'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n    main()\nKeyError: \'user_id\'',
    );
    expect(tokens.join(' ')).toContain("KeyError: 'user_id'");
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
});
