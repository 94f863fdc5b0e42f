import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { printSignatures } from '../../src/signatures/lines.js';
import { NumberSpool } from '../../src/signatures/spool.js';

describe('NumberSpool', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'spool-test-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('gives back what it was given, in order, past several chunks on disk', () => {
    const spool = new NumberSpool(4, directory);
    const values = Array.from({ length: 23 }, (_, i) => (i * 2_654_435_761) >>> 0);
    for (const value of values) spool.push(value);
    if (process.platform !== 'win32') {
      // Removed as soon as opened: nothing is left behind even if the process dies.
      expect(readdirSync(directory)).toEqual([]);
    }
    expect([...spool.values()]).toEqual(values);
    // Read twice: the file stays usable until closed.
    expect([...spool.values()]).toEqual(values);
    spool.close();
    expect(readdirSync(directory)).toEqual([]);
  });

  it('stays in memory within one chunk', () => {
    const spool = new NumberSpool(4, directory);
    [7, 8, 9].forEach((value) => spool.push(value));
    expect([...spool.values()]).toEqual([7, 8, 9]);
    expect(readdirSync(directory)).toEqual([]);
    spool.close();
  });
});

describe('printSignatures --per-line', () => {
  const lines = Array.from(
    { length: 50 },
    (_, i) => `ERROR ${['disk full on vol', 'queue stalled at', 'login failed for'][i % 3]} ${i}`,
  );

  async function print(spoolChunk?: number): Promise<string> {
    let out = '';
    await printSignatures(Readable.from(lines) as AsyncIterable<string>, {
      perLine: true,
      write: (text) => (out += text),
      spoolChunk,
    });
    return out;
  }

  it('prints the same lines whether the indexes fit in memory or go to a file', async () => {
    const inMemory = await print();
    const spooled = await print(8);
    expect(spooled).toBe(inMemory);
    const rows = spooled.trim().split('\n');
    expect(rows).toHaveLength(50);
    expect(JSON.parse(rows[1])).toMatchObject({ template: 'ERROR queue stalled at <NUM>' });
    expect(JSON.parse(rows[4])).toEqual(JSON.parse(rows[1]));
  });
});
