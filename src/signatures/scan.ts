/**
 * Masks a line in one pass over its characters (two when a pattern of several words starts in
 * it): finds the words, masks those that may vary and hashes the result, without building the
 * masked text unless it is asked for.
 */
import {
  DATE_NAMES,
  hashText,
  isDigit,
  maskAcrossWords,
  maskWordAt,
  NOT_BY_SHAPE,
  UNIT_AT,
} from './mask.js';
import type { MaskedLine } from './miner.js';
import { detach } from '../text.js';
import { loadCodes } from './codes.js';

/** What `\s` matches: ASCII spaces and controls, and Unicode spaces. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  return c >= 0xa0 && UNICODE_SPACE.test(String.fromCharCode(c));
}
const UNICODE_SPACE = /\s/;

const TIME_OF_DATE = /^<(?:TS|TIME)>(?:[.,]<NUM>)?$/;
/** Compared before the text: most words are not a date. */
const TS_HASH = hashText('<TS>');

/**
 * The character code at `i` of a line of `n` code units, or -1 past the end: the array holds
 * stale codes there.
 */
const charAt = (units: Uint16Array, n: number, i: number) => (i < n ? units[i] : -1);

const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;
const isWordChar = (c: number) => isDigit(c) || isUpper(c) || isLower(c) || c === 95;

/** Whether `true` or `false` stands whole at `at`: a flag after `=` or `:`, masked as `<BOOL>`. */
function isFlagAt(line: string, units: Uint16Array, at: number): boolean {
  const n = line.length;
  const c = charAt(units, n, at);
  const flag = c === 116 ? 'true' : c === 102 ? 'false' : '';
  return (
    flag !== '' && line.startsWith(flag, at) && !isWordChar(charAt(units, n, at + flag.length))
  );
}

/** b K M G T B s m h: the first letters of the units of UNIT_AT. */
function isUnitInitial(c: number): boolean {
  switch (c) {
    case 98:
    case 75:
    case 77:
    case 71:
    case 84:
    case 66:
    case 115:
    case 109:
    case 104:
      return true;
    default:
      return false;
  }
}

/**
 * Whether a pattern of several words (see maskAcrossWords) may start in the word at [start, end)
 * of `line`: a day or month name that ends the word, two digits and `/` before a capital (at
 * `dayMonthAt`, or -1), or a number that ends the word before ` ` and the first letter of a unit.
 * Every match starts in a word that passes.
 */
function mayStartAcrossWords(
  line: string,
  units: Uint16Array,
  start: number,
  end: number,
  dayMonthAt: number,
): boolean {
  if (dayMonthAt !== -1) return true;
  const last = units[end - 1];
  if (isDigit(last)) {
    const n = line.length;
    if (charAt(units, n, end) !== 32 || !isUnitInitial(charAt(units, n, end + 1))) return false;
    UNIT_AT.lastIndex = end + 1;
    return UNIT_AT.test(line);
  }
  const name = end - 3;
  return (
    isLower(last) &&
    name >= start &&
    isUpper(units[name]) &&
    isLower(units[name + 1]) &&
    (name === start || !isWordChar(units[name - 1])) &&
    DATE_NAMES.has(line.slice(name, end))
  );
}

/**
 * The words of the masked line, as runs of the line (constant words separated by single spaces,
 * as they are) and masked words. Reused by every scan: valid until the next one.
 */
class Pieces implements MaskedLine {
  hash = 0;
  line = '';
  count = 0;
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** The masked word, or '' for a run. */
  readonly words: string[] = [];

  reset(line: string): void {
    this.line = line;
    this.count = 0;
    this.hash = 0;
  }

  addRun(start: number, end: number): void {
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.words[this.count++] = '';
  }

  addWord(word: string): void {
    this.words[this.count++] = word;
  }

  /** The masked text, in a string of its own: a cache may keep it. */
  text(): string {
    const pieces: string[] = [];
    for (let k = 0; k < this.count; k++) {
      pieces.push(this.words[k] || this.line.slice(this.starts[k], this.ends[k]));
    }
    // Joining copies the pieces, but for one piece, which comes back as it is.
    return this.count === 1 ? detach(pieces[0]) : pieces.join(' ');
  }

  /**
   * Whether the masked text is `text`, compared piece by piece without building it: a cache's
   * whole entry is then one string. Each piece is compared by `startsWith`, which the engine does
   * several times faster than a loop over characters here, and which cuts no string of `text`.
   */
  matches(text: string): boolean {
    let at = 0;
    for (let k = 0; k < this.count; k++) {
      if (k > 0) {
        if (at >= text.length || text.charCodeAt(at) !== 32) return false;
        at++;
      }
      const word = this.words[k];
      if (word !== '') {
        if (!text.startsWith(word, at)) return false;
        at += word.length;
        continue;
      }
      const start = this.starts[k];
      const end = this.ends[k];
      if (!text.startsWith(this.line.slice(start, end), at)) return false;
      at += end - start;
    }
    return at === text.length;
  }
}

const pieces = new Pieces();

/**
 * Mixes the hash of the next word into the hash of a line. Kept to 30 bits, a small integer to
 * the engine: a larger key would be boxed at every lookup of the miner's cache.
 */
const mix = (hash: number, word: number) => (Math.imul(hash, 0x5bd1e995) ^ word) & 0x3fffffff;

/**
 * Masks a line: one pass over the characters finds the words and hashes them, digits read as
 * `1`; words without a digit, a quote, an `@` or a flag (`=true`) are kept as they are, the
 * others masked through a cache keyed by that hash (but for words with `0x`, whose digits
 * matter). Patterns of several words are masked from the first word where one may start. A date
 * followed by its time (`<TS> <TIME>`) becomes one `<TS>`. The result is valid until the next
 * call.
 */
export function scanLine(text: string): MaskedLine {
  return scan(text, false);
}

/**
 * The scan of scanLine. Once a pattern of several words may start, the rest of the line is
 * masked for them and the new line scanned again from its start, the patterns done: the words
 * before come out the same, and the loop reads one array of one length throughout.
 */
function scan(line: string, maskedAcross: boolean): MaskedLine {
  pieces.reset(line);
  const units = loadCodes(line);
  const n = line.length;
  let hash = 0;
  // Constant words separated by single spaces make one run of the line.
  let runStart = -1;
  let runEnd = -1;
  let afterDate = false;
  let i = 0;
  while (i < n) {
    let c = units[i];
    if (c === 32 || isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    let shape = 0;
    let varies = false;
    // `0x` makes digits matter: 0x1f is hex, 01f is not.
    let hex = false;
    let dayMonthAt = -1;
    for (; i < n; i++) {
      c = units[i];
      if (c <= 64) {
        if (c === 32) break;
        if (c >= 48) {
          if (c <= 57) {
            if (c === 48 && charAt(units, n, i + 1) === 120) hex = true;
            c = 49;
            varies = true;
          } else if (c === 64 || ((c === 58 || c === 61) && isFlagAt(line, units, i + 1)))
            varies = true;
        } else if (c === 34 || c === 39) varies = true;
        else if (c === 47) {
          if (
            !maskedAcross &&
            dayMonthAt === -1 &&
            i - start >= 2 &&
            isDigit(units[i - 1]) &&
            isDigit(units[i - 2]) &&
            isUpper(charAt(units, n, i + 1))
          ) {
            dayMonthAt = i - 2;
          }
        } else if (c >= 9 && c <= 13) break;
      } else if (c >= 0xa0 && isSpace(c)) break;
      // Kept to 30 bits at the word's end: the low bits of a product and a sum depend on the
      // low bits alone, so the hash is hashText's.
      shape = (Math.imul(shape, 31) + c) | 0;
    }
    shape &= 0x3fffffff;
    if (!maskedAcross && mayStartAcrossWords(line, units, start, i, dayMonthAt)) {
      // No such pattern starts before this word: masking them from here on, in order, masks
      // them as over the whole line.
      return scan(line.slice(0, start) + maskAcrossWords(line.slice(start)), true);
    }
    if (!varies) {
      if (afterDate && units[start] === 60 && TIME_OF_DATE.test(line.slice(start, i))) {
        continue;
      }
      afterDate = shape === TS_HASH && i - start === 4 && line.startsWith('<TS>', start);
      // Without a digit, the shape is the hash of the word itself.
      hash = mix(hash, shape);
      if (runStart !== -1 && start === runEnd + 1 && units[runEnd] === 32) {
        runEnd = i;
        continue;
      }
      if (runStart !== -1) pieces.addRun(runStart, runEnd);
      runStart = start;
      runEnd = i;
      continue;
    }
    const masked = maskWordAt(line, units, start, i, hex ? NOT_BY_SHAPE : shape);
    if (afterDate && TIME_OF_DATE.test(masked.text)) continue;
    afterDate = masked.hash === TS_HASH && masked.text === '<TS>';
    hash = mix(hash, masked.hash);
    if (runStart !== -1) pieces.addRun(runStart, runEnd);
    runStart = -1;
    pieces.addWord(masked.text);
  }
  if (runStart !== -1) pieces.addRun(runStart, runEnd);
  pieces.hash = hash;
  return pieces;
}

/** The masked words of a line, joined by one space. */
export function maskLine(text: string): string {
  return scanLine(text).text();
}
