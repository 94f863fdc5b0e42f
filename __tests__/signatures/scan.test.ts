import { describe, expect, it } from '@jest/globals';
import { seededRandom } from '../../src/demo/random.js';
import { maskAcrossWords, maskWord, maskWordAt, NOT_BY_SHAPE } from '../../src/signatures/mask.js';
import { maskLine, scanLine } from '../../src/signatures/scan.js';
import { loadCodes } from '../../src/signatures/codes.js';

const TIME_OF_DATE = /^<(?:TS|TIME)>(?:[.,]<NUM>)?$/;

/**
 * Masking as plainly as it can be said: the patterns across words over the whole line, then each
 * word on its own, uncached, and a date's time joined to it.
 */
function reference(text: string): string {
  const words: string[] = [];
  for (const word of maskAcrossWords(text).split(/\s+/)) {
    if (!word) continue;
    const masked = maskWordAt(word, loadCodes(word), 0, word.length, NOT_BY_SHAPE).text;
    if (words.at(-1) === '<TS>' && TIME_OF_DATE.test(masked)) continue;
    words.push(masked);
  }
  return words.join(' ');
}

const FRAGMENTS = [
  ...['Mar 1 14:05:00', 'Sun Dec 04 04:47:44 2005', 'Mar  1 14:05:00 2005', '01/Mar/2026:14:05:00'],
  ...['12/Jan/2020:10:00:00 +0000', '2026-03-01T10:00:00Z', '14:05:00', '5 MB', '1.5 KB (1 B)'],
  ...['12 seconds', '<1 sec', '3 messages', 'ms', 'KiB', 'bytes', 'hours', 'Mar', 'Sun', 'Dec'],
  ...['0x1f', '=true', ':false', 'true', "'a'", '"b"', '@', 'a@b.io', 'ip-10', 'v2', '-', '-7'],
  ...['1', '04', '2005', '10.0.0.1:80', '6f1c2a9e-1b2c-4d3e-8f9a-0b1c2d3e4f5a', 'blk_-388612'],
  ...['<TS>', '<TIME>', '[', ']', '(', ')', '/', '.', ',', 'x', 'T', '_', 'a1', 'ERROR'],
  ...[' ', ' ', ' ', '  ', '\t', '\u00a0'],
  // Fresh ids behind names: pods, request ids, object keys.
  ...[
    'checkout-7d9f8b6c5-x2k4p',
    'cart-5fd7c9b8d4-q8zxw',
    'req-',
    'job_',
    'request_id=',
    'orders/',
  ],
  ...['a1b2c3d4e5f6', '9f8e7d6c5b4a3f2e', '.json', ':'],
];

function randomLines(count: number, seed: number): string[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => {
    let line = '';
    for (let k = 1 + Math.floor(next() * 10); k > 0; k--) {
      line += FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
    }
    return line;
  });
}

describe('scanLine', () => {
  it('masks a number as its digits say, whichever number of its shape came before', () => {
    // `1` and nine or twelve digits is an epoch time; other runs of as many digits, hex ids.
    const pairs = [
      ['1234567890', '9234567890'],
      ['0000000000B', '1000000000B'],
      ['ts=1740787200123', 'ts=2740787200123'],
    ];
    for (const [first, second] of pairs) {
      for (const [a, b] of [
        [first, second],
        [second, first],
      ]) {
        expect(maskLine(`took ${a}`)).toBe(`took ${maskWord(a)}`);
        expect(maskLine(`took ${b}`)).toBe(`took ${maskWord(b)}`);
      }
      expect(maskWord(first)).not.toBe(maskWord(second));
    }
  });

  it('masks as the plain reference does, on 20,000 lines made of tricky pieces', () => {
    const differing = randomLines(20_000, 11).filter((line) => maskLine(line) !== reference(line));
    expect(differing.slice(0, 5).map((line) => [line, maskLine(line), reference(line)])).toEqual(
      [],
    );
  });

  it('gives the same masked text the same hash, and matches what it kept exactly', () => {
    const kept = new Map<string, number>();
    let compared = 0;
    for (const line of randomLines(5_000, 12)) {
      const scanned = scanLine(line);
      const text = scanned.text();
      expect(scanned.matches(text)).toBe(true);
      // Texts that differ by one character, anywhere, or by their length.
      for (const other of [`${text} `, text.slice(0, -1), text.replace(/.$/, '~'), `~${text}`]) {
        if (other !== text) expect(scanned.matches(other)).toBe(false);
      }
      const before = kept.get(text);
      if (before === undefined) {
        kept.set(text, scanned.hash);
        continue;
      }
      expect(scanned.hash).toBe(before);
      compared++;
    }
    // Each line against texts kept from other lines: a match only where the texts are equal.
    const texts = [...kept.keys()];
    for (const line of randomLines(500, 13)) {
      const scanned = scanLine(line);
      const text = scanned.text();
      for (const other of texts.slice(0, 50)) {
        expect(scanned.matches(other)).toBe(other === text);
      }
    }
    expect(kept.size).toBeGreaterThan(100);
    expect(compared).toBeGreaterThan(100);
  });
});
