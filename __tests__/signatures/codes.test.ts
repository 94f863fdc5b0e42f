import { describe, expect, it } from '@jest/globals';
import { loadCodes } from '../../src/signatures/codes.js';

const unitsOf = (text: string) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

describe('loadCodes', () => {
  it('gives the code units of the text, as charCodeAt reads them', () => {
    for (const text of ['', 'ERROR x', 'naïve café', 'emoji 😀 and 漢字', '\u00a0\u2028\ufeff']) {
      expect(Array.from(loadCodes(text).subarray(0, text.length))).toEqual(unitsOf(text));
    }
  });

  it('grows for a long line, and gives the short lines after it their own codes', () => {
    const long = 'x'.repeat(3_000_000);
    const codes = loadCodes(long);
    expect(codes.length).toBeGreaterThanOrEqual(long.length);
    expect(codes[long.length - 1]).toBe(120);
    const short = 'after 42ms';
    const again = loadCodes(short);
    // The buffer of the long line is let go: memory follows the lines, not the longest one.
    expect(again.length).toBeLessThan(long.length);
    expect(Array.from(again.subarray(0, short.length))).toEqual(unitsOf(short));
  });
});
