import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { mineSignatures } from '../../src/signatures/index.js';
import type { LogSource } from '../../src/sources/types.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const CHUNK_CHARS = 64 * 1024;

/**
 * Distinct lines (a word without digits varies), each cut from a chunk of its own as lines read
 * from a file are. Once all are read, and while the miner still holds what it keeps, `grown`
 * tells how much the heap has grown.
 */
function chunkedSource(count: number): LogSource & { grown?: number } {
  const source: LogSource & { grown?: number } = {
    name: 'file.log',
    async *events(window) {
      if (window !== 'after') return;
      collectGarbage();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < count; i++) {
        const name = [i, i >> 5, i >> 10].map((n) => String.fromCharCode(97 + (n % 26))).join('');
        const line = `ERROR ${'step '.repeat(i % 5)}failed in module${name} at /srv/app/${i}/x.js`;
        const chunk = `${'x'.repeat(CHUNK_CHARS)}\n${line}\n`;
        yield { message: chunk.split('\n')[1], timestamp: 5_000, logGroup: 'file.log' };
      }
      await Promise.resolve();
      collectGarbage();
      source.grown = process.memoryUsage().heapUsed - before;
    },
  };
  return source;
}

describe('memory', () => {
  it('keeps nothing that holds on to the chunks the events were cut from', async () => {
    const count = 1000;
    const source = chunkedSource(count);
    const mined = await mineSignatures([source], {
      baseline: { start: 0, end: 1_000 },
      after: { start: 1_000, end: 10_000 },
    });
    expect(mined.eventsRead.after).toBe(count);
    expect(mined.signatures).toHaveLength(5);
    // Holding the chunks would be count × 64 KB ≈ 64 MB; what the miner keeps is far less.
    expect(source.grown).toBeLessThan((count * CHUNK_CHARS) / 8);
  });
});
