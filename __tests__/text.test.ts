import { describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { detach } from '../src/text.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap growth, in MB, from keeping a cut of each of 40 strings of 2 MB. */
function heapKeptBy(cut: (text: string) => string): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: string[] = [];
  for (let i = 0; i < 40; i++) {
    const parent = `${String(i).padStart(4, '0')} ${'x'.repeat(2 * 1024 * 1024)}`;
    kept.push(cut(parent.slice(0, 40)));
  }
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  expect(kept).toHaveLength(40);
  return grown;
}

describe('detach', () => {
  it('keeps the text exactly, whatever its characters', () => {
    for (const text of [
      '',
      'a',
      'ERROR timeout after 5s',
      'µs — 日本語 \u{1F600}',
      '\ud800 lone',
    ]) {
      expect(detach(text)).toBe(text);
    }
  });

  it('does not keep the string it was cut from alive, where a plain slice does', () => {
    expect(heapKeptBy((text) => text)).toBeGreaterThan(60);
    expect(heapKeptBy(detach)).toBeLessThan(10);
  });
});
