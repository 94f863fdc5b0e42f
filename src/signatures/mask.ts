/**
 * Replaces the variable parts of a log message (times, ids, numbers, addresses) with typed
 * placeholders, so that two occurrences of one error read the same.
 */
import { detach } from '../text.js';
import { isErrorCode } from './failure.js';
import { type FreshId, freshIdPartsAt, IPV6, K8S } from './fresh-ids.js';

// Word boundaries that treat `_` and letters as part of a word, so `log4j`, `sha256`, `v2` and
// `http2` stay literal while `id=42` and `user-1234` lose their numbers. Before a digit, `\b`
// says the same as a look-behind and lets the regex engine skip ahead faster.
const B = '\\b';
const E = '(?![A-Za-z0-9_])';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
/** Epoch seconds or milliseconds of this century: numbers, not hex. */
const EPOCH = '1(?:\\d{9}|\\d{12})';
/** A minus sign: a `-` that follows neither a word nor another `-`. */
const SIGN = '(?:(?<![\\w-])-)?';

interface Mask {
  pattern: RegExp;
  placeholder: string;
  /** A cheap test that must pass for the pattern to be tried at all. */
  gate?: (text: string) => boolean;
}

const mask = (pattern: RegExp, placeholder: string, gate?: (text: string) => boolean): Mask => ({
  pattern,
  placeholder,
  gate,
});

const MONTH_THEN_SPACE = new RegExp(`${MONTH} `);
const SIZE_UNIT = '(?:bytes|[KMGT]i?B|B|sec|secs|seconds|ms|minutes|mins|hours)';
/**
 * A unit of a size or a duration where `lastIndex` is, not asking what follows it: a pattern
 * masked before may yet change that (`seconds01/Mar/…` to `seconds<TS>`).
 */
export const UNIT_AT = new RegExp(SIZE_UNIT, 'y');
/** A number followed by the first letter of a unit: bytes, KB, B, sec, ms, minutes, hours... */
const NUMBER_THEN_UNIT = /\d [bKMGTBsmh]/;

/**
 * Patterns that span several words, applied in order to the rest of a line from the first word
 * where one of them may start (see scanLine). The others apply to one word at a time, and only to
 * words with a digit, a quote, an `@` or a flag (`=true`, see FLAG).
 */
const ACROSS_WORDS: readonly Mask[] = [
  // syslog and Apache: Mar  1 14:05:00, [Sun Dec 04 04:47:44 2005], 01/Mar/2026:14:05:00 +0000
  mask(
    new RegExp(`\\b(?:${DAY} )?${MONTH} +\\d{1,2} \\d{2}:\\d{2}:\\d{2}(?: \\d{4})?`, 'g'),
    '<TS>',
    (text) => MONTH_THEN_SPACE.test(text),
  ),
  mask(
    new RegExp(`\\d{2}/${MONTH}/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?: [+-]\\d{4})?`, 'g'),
    '<TS>',
    (text) => text.includes('/'),
  ),
  // Sizes and durations, unit included: 1190 bytes (1.16 KB), 512 MB, <1 sec, 3 seconds
  mask(
    new RegExp(
      `(?:<|${B})\\d+(?:\\.\\d+)? ${SIZE_UNIT}${E}(?: \\(\\d+(?:\\.\\d+)? [KMGT]?B\\))?`,
      'g',
    ),
    '<NUM>',
    (text) => NUMBER_THEN_UNIT.test(text),
  ),
];

/** The day and month names that start a syslog time. */
export const DATE_NAMES = new Set(
  'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec Mon Tue Wed Thu Fri Sat Sun'.split(' '),
);

/** Masks the patterns that span several words. */
export function maskAcrossWords(text: string): string {
  let masked = text;
  for (const { pattern, placeholder, gate } of ACROSS_WORDS) {
    if (!gate || gate(masked)) masked = masked.replace(pattern, placeholder);
  }
  return masked;
}

const POD = new RegExp(`(?<![\\w-])([a-z][a-z0-9-]*?)-${K8S}{6,10}-${K8S}{5}(?![\\w-])`, 'g');
/** Applied in order to one word: a later pattern sees the placeholders of the earlier ones. */
const WORD_MASKS: readonly Mask[] = [
  // Kubernetes pods: checkout-7d9f8b6c5-x2k4p keeps its deployment, loses the generated part
  // (a name whose generated part has no digit is not masked: no word without one is).
  mask(POD, '$1-<ID>', (text) => text.includes('-')),
  // ISO-8601 timestamps: 2026-03-01T14:05:00.123Z (with a space, the date and the time are
  // masked apart and then joined)
  mask(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<TS>'),
  mask(new RegExp(`${B}(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?${E}`, 'g'), '<IP>'),
  // EC2 private names: ip-10-0-3-17.eu-west-1.compute.internal
  mask(/(?<![\w-])ip(?:-\d{1,3}){4}(?:\.[a-z0-9-]+)*(?![\w-])/g, '<HOST>', (text) =>
    text.includes('ip-'),
  ),
  // Host names with a port: db.internal:5432 (not a source file and its line: db.php:42)
  mask(
    /(?<![\w.-])(?:[A-Za-z0-9-]+\.)+(?!(?:php|py|java|js|mjs|cjs|jsx|ts|tsx|go|rb|cc|cpp|cxx|hpp|cs|kt|scala|rs|ex|exs|erl|swift|pl|lua|sh|groovy|clj)(?![A-Za-z]))[A-Za-z]{2,}:\d{1,5}(?!\w)/g,
    '<HOST>',
    (text) => /[A-Za-z]:\d/.test(text),
  ),
  // Other dates and times made of digit groups: 2005.06.03, 17/06/09, 20171223-22:15:29:606
  mask(
    new RegExp(`${B}\\d{2,8}(?:[-/.:]\\d{1,6}){2,}(?:[-_]\\d{1,2}(?:[.:]\\d{1,6}){2,})?${E}`, 'g'),
    '<TS>',
  ),
  mask(new RegExp(`${B}\\d{2}:\\d{2}(?::\\d{2})?(?:[.,]\\d+)?${E}`, 'g'), '<TIME>'),
  mask(new RegExp(`(?<![\\w:])${IPV6}(?![\\w:])`, 'g'), '<IP>', (text) => text.includes(':')),
  mask(
    /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g,
    '<UUID>',
    (text) => text.includes('-'),
  ),
  mask(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '<EMAIL>', (text) => text.includes('@')),
  mask(new RegExp(`${B}0x[0-9a-fA-F]+${E}`, 'g'), '<HEX>', (text) => text.includes('0x')),
  // Identifiers built around a long number: blk_-3886, job_1445144423722_0020, KB3084135.
  mask(/(?<![\w-])[A-Za-z][A-Za-z_]*[-_]{0,2}\d{4,}(?:[-_.][A-Za-z0-9]+)*(?!\w)/g, '<ID>'),
  // Long hex runs with at least one digit: hashes, trace ids, object addresses; not epoch times.
  mask(new RegExp(`\\b(?!${EPOCH}${E})(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}${E}`, 'g'), '<HEX>'),
  // Quoted values, not apostrophes inside words: 'user_id', "alt0"
  mask(/(?<![\w'])'[^'\s]*'(?![\w'])|(?<![\w"])"[^"\s]*"(?![\w"])/g, '<STR>'),
  // Numbers, with a sign and a unit: 42, -7, 3.5, 120ms, 512MiB, 99.9% (not the `-` of `ip-10`)
  mask(
    new RegExp(`${SIGN}${B}\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|[KMGT]i?B|[kmgt]b|B|%)?${E}`, 'g'),
    '<NUM>',
  ),
];

/**
 * The commonest variable words, whole, with some punctuation around: `42`, `(7)`, `120ms,`,
 * `10.0.0.1:80`, an ISO time, a UUID. One anchored test spares them the patterns one by one.
 */
const WHOLE_WORD = new RegExp(
  '^([([{"\'*#=]?)(?:' +
    [
      '(-?(?:\\d{1,7}|1\\d{9}|1\\d{12})(?:\\.\\d+)?(?:ns|us|ms|s|m|h|[KMGT]i?B|B|%)?)',
      '(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?)',
      '((?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?)',
      '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})',
      '((?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,})',
      `(${IPV6})`,
    ].join('|') +
    ')([)\\]},;:."\']*)$',
);
const WHOLE_WORD_PLACEHOLDERS = ['<NUM>', '<TS>', '<IP>', '<UUID>', '<HEX>', '<IP>'];
/** A short number at the end of a name: `[worker-7]`, `node-12,`, `#3` */
const NAME_NUMBER = /^([^\d\s'"@]*(?:[#/=[(*]|(?<=\w)-))\d{1,3}([)\]},;:."']*)$/;

/**
 * Words are masked through a cache keyed by their shape (every digit read as `1`): only `0x`
 * and the first of exactly ten or thirteen digits (`1` makes an epoch time, another digit a hex
 * id) tell one digit from another, so other words of one shape mask alike when no digit survives.
 * An entry whose word has such digits (rare) is a hit only when their first digits agree.
 * The key is a hash of the shape, computed in the loop that looks for digits; an entry holds the
 * shape itself, compared on a hit, so that a collision is only a miss. The hash picks a slot of a
 * fixed table, and a new shape takes the slot over: an index is cheaper than a map's lookup,
 * which every word with a digit pays.
 */
const SHAPE_SLOTS = 1 << 14;
interface ShapeEntry {
  hash: number;
  /** A word of the shape: its digits stand for any digit. */
  word: string;
  /** Whether the word has digits of an epoch time's length (see sameEpochLeads). */
  epochLength: boolean;
  masked: Masked;
}
const byShape: Array<ShapeEntry | undefined> = new Array<ShapeEntry | undefined>(SHAPE_SLOTS).fill(
  undefined,
);
const CACHE_LIMIT = 20_000;
/**
 * Words whose masked form keeps a digit (`/dev/sda1`, `/api/v2/users/<NUM>`), by the hash of
 * their free shape: the word with its free digits read as `1`. Free digits are those that
 * patterns can mask alone, not those in a run that follows a letter (`v2`, `sda1`, `log4j`).
 */
const byFreeShape = new Map<number, { word: string; masked: Masked }>();

export const isDigit = (c: number) => c >= 48 && c <= 57;

/** Whether a word has a digit, a quote or an `@`. */
function mayVary(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (isDigit(c) || c === 34 || c === 39 || c === 64) return true;
  }
  return false;
}

/** Digit runs that do not follow a letter: `12` in `/users/12`, not `2` in `v2`. */
const FREE_DIGITS = /(?<![A-Za-z\d])\d+/g;

/** `word` with each digit of its free runs (see byFreeShape) replaced by `change`. */
function changeFreeDigits(word: string, change: (digit: string) => string): string {
  return word.replace(FREE_DIGITS, (run) => run.replace(/\d/g, change));
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** In place of a shape hash for a word with `0x`, whose digits matter. */
export const NOT_BY_SHAPE = -1;

/**
 * Where a run of exactly ten or thirteen digits starts in `word`, from `from` on, or -1: as many
 * as an epoch time's, which the patterns tell from a hex id by its first digit (see EPOCH).
 */
function epochLengthRunAt(word: string, from: number): number {
  let run = 0;
  for (let i = from; i <= word.length; i++) {
    if (i < word.length && isDigit(word.charCodeAt(i))) {
      run++;
      continue;
    }
    if (run === 10 || run === 13) return i - run;
    run = 0;
  }
  return -1;
}

/**
 * Whether the runs of epoch length (see epochLengthRunAt) of `word` and of the word of its shape
 * at `start` in `codes` start with a `1` in both or in neither.
 */
function sameEpochLeads(word: string, codes: Uint16Array, start: number): boolean {
  for (let at = epochLengthRunAt(word, 0); at !== -1; at = epochLengthRunAt(word, at + 10)) {
    if ((word.charCodeAt(at) === 49) !== (codes[start + at] === 49)) return false;
  }
  return true;
}

/** Whether `line.slice(start, end)` has the shape of `word`: the same but for digits. */
function sameShape(word: string, codes: Uint16Array, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    const d = codes[start + i];
    if (c !== d && !(isDigit(c) && isDigit(d))) return false;
  }
  return true;
}

function freeShapeHash(codes: Uint16Array, start: number, end: number): number {
  let hash = 0;
  let free = false;
  for (let i = start; i < end; i++) {
    let c = codes[i];
    if (isDigit(c)) {
      if (i === start || !isDigit(codes[i - 1])) {
        free = i === start || !isLetter(codes[i - 1]);
      }
      if (free) c = 49;
    }
    hash = (Math.imul(hash, 31) + c) & 0x3fffffff;
  }
  return hash;
}

/** Whether `line.slice(start, end)` has the free shape of `word`: the same but for free digits. */
function sameFreeShape(word: string, codes: Uint16Array, start: number, end: number): boolean {
  if (word.length !== end - start) return false;
  let free = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (isDigit(c) && (i === 0 || !isDigit(word.charCodeAt(i - 1)))) {
      free = i === 0 || !isLetter(word.charCodeAt(i - 1));
    }
    const d = codes[start + i];
    if (c !== d && !(free && isDigit(c) && isDigit(d))) return false;
  }
  return true;
}

/**
 * A masked word, with the hash of its text (see hashText). Its text never shares characters
 * with the line it came from, so a cache may keep it as it is.
 */
export interface Masked {
  text: string;
  hash: number;
}

/** The hash that the scan computes for a word without digits (see scanLine). */
export function hashText(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++)
    hash = (Math.imul(hash, 31) + text.charCodeAt(i)) & 0x3fffffff;
  return hash;
}

const masked = (text: string): Masked => ({ text, hash: hashText(text) });

/** What a cache keeps is detached from the line it was cut from. */
const cached = (word: string, text: string) => ({
  word: detach(word),
  masked: masked(detach(text)),
});

function rememberShape(shape: number, word: string, text: string): Masked {
  if (shape < 0) return masked(detach(text));
  const entry = {
    hash: shape,
    word: detach(word),
    epochLength: epochLengthRunAt(word, 0) !== -1,
    masked: masked(detach(text)),
  };
  byShape[shape & (SHAPE_SLOTS - 1)] = entry;
  return entry.masked;
}

/** The commonest fresh ids, standing alone: masked once. */
const FRESH_ALONE = new Map(['<HEX>', '<UUID>', '<IP>'].map((text) => [text, masked(text)]));

/**
 * Words with a fresh id behind a name (`req-<HEX>`, `checkout-<ID>`), by the hash of their
 * masked text, computed from the line without building it: the same name gives back the same
 * masked word, and no string is made for it after the first.
 */
const FRESH_SLOTS = 1 << 12;
const freshByText: Array<Masked | undefined> = new Array<Masked | undefined>(FRESH_SLOTS).fill(
  undefined,
);

function maskedFresh(
  line: string,
  codes: Uint16Array,
  start: number,
  end: number,
  id: FreshId,
): Masked {
  const { before, placeholder, after } = id;
  if (before === start && after === end) return FRESH_ALONE.get(placeholder) ?? masked(placeholder);
  let hash = 0;
  for (let i = start; i < before; i++) hash = (Math.imul(hash, 31) + codes[i]) & 0x3fffffff;
  for (let i = 0; i < placeholder.length; i++) {
    hash = (Math.imul(hash, 31) + placeholder.charCodeAt(i)) & 0x3fffffff;
  }
  for (let i = after; i < end; i++) hash = (Math.imul(hash, 31) + codes[i]) & 0x3fffffff;
  const slot = hash & (FRESH_SLOTS - 1);
  const known = freshByText[slot];
  if (
    known !== undefined &&
    known.hash === hash &&
    isFreshText(known.text, codes, start, end, id)
  ) {
    return known;
  }
  const text = detach(line.slice(start, before) + placeholder + line.slice(after, end));
  return (freshByText[slot] = { text, hash });
}

/** Whether `text` is the masked word that `id` describes. */
function isFreshText(
  text: string,
  codes: Uint16Array,
  start: number,
  end: number,
  id: FreshId,
): boolean {
  const name = id.before - start;
  if (text.length !== name + id.placeholder.length + (end - id.after)) return false;
  for (let i = 0; i < name; i++) if (text.charCodeAt(i) !== codes[start + i]) return false;
  if (!text.startsWith(id.placeholder, name)) return false;
  const rest = name + id.placeholder.length - id.after;
  for (let i = id.after; i < end; i++) if (text.charCodeAt(rest + i) !== codes[i]) return false;
  return true;
}

/** The masked form of `line.slice(start, end)`, a word whose shape hash is `shape`. */
export function maskWordAt(
  line: string,
  codes: Uint16Array,
  start: number,
  end: number,
  shape: number,
): Masked {
  if (shape === NOT_BY_SHAPE) return masked(detach(maskNewWord(line.slice(start, end)).text));
  const known = byShape[shape & (SHAPE_SLOTS - 1)];
  if (
    known !== undefined &&
    known.hash === shape &&
    sameShape(known.word, codes, start, end) &&
    (!known.epochLength || sameEpochLeads(known.word, codes, start))
  ) {
    return known.masked;
  }
  // Fresh ids have a shape of their own each: no cache would ever hit.
  const fresh = freshIdPartsAt(line, codes, start, end);
  if (fresh !== undefined) return maskedFresh(line, codes, start, end, fresh);
  const freeShape = freeShapeHash(codes, start, end);
  const kept = byFreeShape.get(freeShape);
  if (kept !== undefined && sameFreeShape(kept.word, codes, start, end)) return kept.masked;
  const word = line.slice(start, end);
  const { text, keepsShape } = maskNewWord(word);
  if (keepsShape) return rememberShape(shape, word, text);
  if (
    /\d/.test(text) &&
    text === maskNewWord(changeFreeDigits(word, (digit) => (digit === '1' ? '2' : '1'))).text
  ) {
    // Every free digit was masked (each was changed, none shows): the masked word holds for
    // every word of this free shape.
    if (byFreeShape.size >= CACHE_LIMIT) byFreeShape.clear();
    const entry = cached(word, text);
    byFreeShape.set(freeShape, entry);
    return entry.masked;
  }
  return masked(detach(text));
}

/** The masked form of one word by the patterns alone: what every shortcut must agree with. */
export function maskWord(word: string): string {
  return maskNewWord(word).text;
}

/** `keepsShape`: every word of the same shape masks the same. */
/** Flags as values: ready=true, overlap:false. Masked before anything else in a word. */
const FLAG = /(?<=[=:])(?:true|false)(?!\w)/g;

function maskNewWord(original: string): { text: string; keepsShape: boolean } {
  // Its digits are the code: only the miner, once a code takes many values, makes it a variable.
  if (isErrorCode(original)) return { text: original, keepsShape: false };
  const word =
    original.includes('true') || original.includes('false')
      ? original.replace(FLAG, '<BOOL>')
      : original;
  const whole = WHOLE_WORD.exec(word);
  if (whole) {
    let kind = 0;
    while (whole[kind + 2] === undefined) kind++;
    const text = whole[1] + WHOLE_WORD_PLACEHOLDERS[kind] + whole[whole.length - 1];
    // A UUID or a hash keeps its letters in its shape, which is then seldom seen again.
    return { text, keepsShape: kind < 3 };
  }
  const named = NAME_NUMBER.exec(word);
  if (named) return { text: `${named[1]}<NUM>${named[2]}`, keepsShape: true };
  const text = maskByPatterns(word);
  return { text, keepsShape: !/\d/.test(text) };
}

function maskByPatterns(word: string): string {
  let masked = word;
  for (const { pattern, placeholder, gate } of WORD_MASKS) {
    if (!gate || gate(masked)) masked = masked.replace(pattern, placeholder);
    // Nothing left that a later pattern could mask.
    if (!mayVary(masked)) break;
  }
  return masked;
}

const VARIABLE_TOKEN = /^(?:[^\w<>]*<[A-Z*]+>[^\w<>]*)+$/;
const variableTokens = new Map<string, boolean>();

/** A placeholder token, or a token that is nothing but placeholders and punctuation. */
export function isVariableToken(token: string): boolean {
  if (!token.includes('<')) return false;
  let variable = variableTokens.get(token);
  if (variable === undefined) {
    variable = VARIABLE_TOKEN.test(token);
    if (variableTokens.size >= CACHE_LIMIT) variableTokens.clear();
    variableTokens.set(token, variable);
  }
  return variable;
}
