/**
 * Replaces the variable parts of a log message (times, ids, numbers, addresses) with typed
 * placeholders, so that two occurrences of one error read the same.
 */

// Word boundaries that treat `_` and letters as part of a word, so `log4j`, `sha256`, `v2` and
// `http2` stay literal while `id=42` and `user-1234` lose their numbers. Before a digit, `\b`
// says the same as a look-behind and lets the regex engine skip ahead faster.
const B = '\\b';
const E = '(?![A-Za-z0-9_])';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';

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
/** A number followed by the first letter of a unit: bytes, KB, B, sec, ms, minutes, hours... */
const NUMBER_THEN_UNIT = /\d [bKMGTBsmh]/;

/**
 * Patterns that span several words, applied to the whole line first. The others apply to one
 * word at a time, and only to words with a digit, a quote or an `@`: most words of a log line
 * are constant, and this keeps masking fast.
 */
const LINE_MASKS: readonly Mask[] = [
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
      `(?:<|${B})\\d+(?:\\.\\d+)? (?:bytes|[KMGT]i?B|B|sec|secs|seconds|ms|minutes|mins|hours)${E}(?: \\(\\d+(?:\\.\\d+)? [KMGT]?B\\))?`,
      'g',
    ),
    '<NUM>',
    (text) => NUMBER_THEN_UNIT.test(text),
  ),
];

/** Applied in order to one word: a later pattern sees the placeholders of the earlier ones. */
const WORD_MASKS: readonly Mask[] = [
  // ISO-8601 timestamps: 2026-03-01T14:05:00.123Z (with a space, the date and the time are
  // masked apart and then joined)
  mask(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<TS>'),
  mask(new RegExp(`${B}(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?${E}`, 'g'), '<IP>'),
  // Host names with a port: db.internal:5432
  mask(/(?<![\w.-])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}:\d{1,5}(?!\w)/g, '<HOST>', (text) =>
    /[A-Za-z]:\d/.test(text),
  ),
  // Other dates and times made of digit groups: 2005.06.03, 17/06/09, 20171223-22:15:29:606
  mask(
    new RegExp(`${B}\\d{2,8}(?:[-/.:]\\d{1,6}){2,}(?:[-_]\\d{1,2}(?:[.:]\\d{1,6}){2,})?${E}`, 'g'),
    '<TS>',
  ),
  mask(new RegExp(`${B}\\d{2}:\\d{2}(?::\\d{2})?(?:[.,]\\d+)?${E}`, 'g'), '<TIME>'),
  mask(
    /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g,
    '<UUID>',
    (text) => text.includes('-'),
  ),
  mask(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '<EMAIL>', (text) => text.includes('@')),
  mask(new RegExp(`${B}0x[0-9a-fA-F]+${E}`, 'g'), '<HEX>', (text) => text.includes('0x')),
  // Identifiers built around a long number: blk_-3886, job_1445144423722_0020, KB3084135.
  mask(/(?<![\w-])[A-Za-z][A-Za-z_]*[-_]{0,2}\d{4,}(?:[-_.][A-Za-z0-9]+)*(?!\w)/g, '<ID>'),
  // Long hex runs with at least one digit: hashes, trace ids, object addresses.
  mask(new RegExp(`\\b(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}${E}`, 'g'), '<HEX>'),
  // Quoted values, not apostrophes inside words: 'user_id', "alt0"
  mask(/(?<![\w'])'[^'\s]*'(?![\w'])|(?<![\w"])"[^"\s]*"(?![\w"])/g, '<STR>'),
  // Numbers, with an optional unit: 42, 3.5, 120ms, 512MiB, 99.9%
  mask(
    new RegExp(`${B}\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|[KMGT]i?B|[kmgt]b|B|%)?${E}`, 'g'),
    '<NUM>',
  ),
];

function apply(masks: readonly Mask[], text: string): string {
  let masked = text;
  for (const { pattern, placeholder, gate } of masks) {
    if (!gate || gate(masked)) masked = masked.replace(pattern, placeholder);
  }
  return masked;
}

/**
 * The commonest variable words, whole, with some punctuation around: `42`, `(7)`, `120ms,`,
 * `10.0.0.1:80`, an ISO time, a UUID. One anchored test spares them the patterns one by one.
 */
const WHOLE_WORD = new RegExp(
  '^([([{"\'*#=]?)(?:' +
    [
      '(\\d{1,7}(?:\\.\\d+)?(?:ns|us|ms|s|m|h|[KMGT]i?B|B|%)?)',
      '(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?)',
      '((?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?)',
      '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})',
      '((?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,})',
    ].join('|') +
    ')([)\\]},;:."\']*)$',
);
const WHOLE_WORD_PLACEHOLDERS = ['<NUM>', '<TS>', '<IP>', '<UUID>', '<HEX>'];
/** A short number at the end of a name: `[worker-7]`, `node-12,`, `#3` */
const NAME_NUMBER = /^([^\d\s'"@]*[-#/=[(*])\d{1,3}([)\]},;:."']*)$/;

/**
 * Words are masked through a cache keyed by their shape (every digit read as `1`): only `0x`
 * tells one digit from another, so other words of one shape mask alike when no digit survives.
 * The key is a hash of the shape, computed in the loop that looks for digits; an entry holds a
 * word of its shape, compared on a hit, so that a collision is only a miss.
 */
const CACHE_LIMIT = 20_000;
const byShape = new Map<number, { word: string; masked: string }>();
/**
 * Words whose masked form keeps a digit (`/dev/sda1`, `/api/v2/users/<NUM>`), by the word with
 * its free digits read as `1`: the digits that patterns can mask alone, not those in a run that
 * follows a letter (`v2`, `sda1`, `log4j`).
 */
const byFreeDigits = new Map<string, string>();

const isDigit = (c: number) => c >= 48 && c <= 57;

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

/** `word` with each digit of its free runs (see byFreeDigits) replaced by `change`. */
function changeFreeDigits(word: string, change: (digit: string) => string): string {
  return word.replace(FREE_DIGITS, (run) => run.replace(/\d/g, change));
}

const NOTHING_TO_MASK = -1;
const NOT_BY_SHAPE = -2;

/**
 * The hash of a word's shape; NOTHING_TO_MASK without a digit, a quote or an `@`, NOT_BY_SHAPE
 * with `0x`.
 */
function shapeHash(word: string): number {
  let hash = 0;
  let varies = false;
  for (let i = 0; i < word.length; i++) {
    let c = word.charCodeAt(i);
    if (isDigit(c)) {
      if (c === 48 && word.charCodeAt(i + 1) === 120) return NOT_BY_SHAPE;
      c = 49;
      varies = true;
    } else if (c === 34 || c === 39 || c === 64) varies = true;
    hash = (Math.imul(hash, 31) + c) & 0x3fffffff;
  }
  return varies ? hash : NOTHING_TO_MASK;
}

function sameShape(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    const d = b.charCodeAt(i);
    if (c !== d && !(isDigit(c) && isDigit(d))) return false;
  }
  return true;
}

function rememberShape(shape: number, word: string, masked: string): void {
  if (shape < 0) return;
  if (byShape.size >= CACHE_LIMIT) byShape.clear();
  byShape.set(shape, { word, masked });
}

function maskWord(word: string): string {
  const shape = shapeHash(word);
  if (shape === NOTHING_TO_MASK) return word;
  const known = shape >= 0 ? byShape.get(shape) : undefined;
  if (known !== undefined && sameShape(known.word, word)) return known.masked;
  const whole = WHOLE_WORD.exec(word);
  if (whole) {
    let kind = 0;
    while (whole[kind + 2] === undefined) kind++;
    const masked = whole[1] + WHOLE_WORD_PLACEHOLDERS[kind] + whole[whole.length - 1];
    // A UUID or a hash keeps its letters in its shape, which is then seldom seen again.
    if (kind < 3) rememberShape(shape, word, masked);
    return masked;
  }
  const named = NAME_NUMBER.exec(word);
  if (named) {
    const masked = `${named[1]}<NUM>${named[2]}`;
    rememberShape(shape, word, masked);
    return masked;
  }
  if (shape === NOT_BY_SHAPE) return maskByPatterns(word);
  const key = changeFreeDigits(word, () => '1');
  let masked = byFreeDigits.get(key);
  if (masked !== undefined) return masked;
  masked = maskByPatterns(word);
  if (!/\d/.test(masked)) rememberShape(shape, word, masked);
  else if (
    masked === maskByPatterns(changeFreeDigits(word, (digit) => (digit === '1' ? '2' : '1')))
  ) {
    // Every free digit was masked (each was changed, none shows): the masked word holds for
    // every word of this key.
    if (byFreeDigits.size >= CACHE_LIMIT) byFreeDigits.clear();
    byFreeDigits.set(key, masked);
  }
  return masked;
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

const OTHER_WHITESPACE = /[\t\r\n\f\v]/;
const SPACE = / /;

const TIME_OF_DATE = /^<(?:TS|TIME)>(?:[.,]<NUM>)?$/;

/** Masks words in place; a date followed by its time (`<TS> <TIME>`) becomes one `<TS>`. */
function maskWords(words: string[], dropEmpty: boolean): string[] {
  let out = 0;
  for (let i = 0; i < words.length; i++) {
    if (dropEmpty && words[i] === '') continue;
    const masked = maskWord(words[i]);
    if (out > 0 && words[out - 1] === '<TS>' && TIME_OF_DATE.test(masked)) continue;
    words[out++] = masked;
  }
  words.length = out;
  return words;
}

/**
 * Whether a pattern of LINE_MASKS could match: they need a month followed by ` ` or `/`, or a
 * number followed by ` ` and a unit. One test is much faster than the patterns.
 */
const LINE_MASK_HINT = new RegExp(`\\d [bKMGTBsmh]|${MONTH}[ /]`);

function applyLineMasks(text: string): string {
  return LINE_MASK_HINT.test(text) ? apply(LINE_MASKS, text) : text;
}

export function maskVariables(text: string): string {
  return maskWords(applyLineMasks(text).split(SPACE), false).join(' ');
}

/** The masked words of a line, split on whitespace. */
export function maskedWords(text: string): string[] {
  const line = applyLineMasks(text);
  // Splitting on one space is much faster than on `\s+`; other whitespace is rare. (And in V8,
  // splitting on `/ /` is faster than on `' '`.)
  const words = OTHER_WHITESPACE.test(line) ? line.split(/\s+/) : line.split(SPACE);
  return maskWords(words, true);
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
