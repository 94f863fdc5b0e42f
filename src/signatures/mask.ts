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
 */
const SHAPE_CACHE_LIMIT = 20_000;
const byShape = new Map<string, string>();

/** Whether a word has a digit, a quote or an `@`: a loop, as this runs for every word. */
function mayVary(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 34 || c === 39 || c === 64) return true;
  }
  return false;
}

function maskWord(word: string): string {
  if (!mayVary(word)) return word;
  const whole = WHOLE_WORD.exec(word);
  if (whole) {
    let kind = 0;
    while (whole[kind + 2] === undefined) kind++;
    return whole[1] + WHOLE_WORD_PLACEHOLDERS[kind] + whole[whole.length - 1];
  }
  const named = NAME_NUMBER.exec(word);
  if (named) return `${named[1]}<NUM>${named[2]}`;
  const shape = word.includes('0x') ? undefined : word.replace(/\d/g, '1');
  const known = shape === undefined ? undefined : byShape.get(shape);
  if (known !== undefined) return known;
  let masked = word;
  for (const { pattern, placeholder, gate } of WORD_MASKS) {
    if (!gate || gate(masked)) masked = masked.replace(pattern, placeholder);
    // Nothing left that a later pattern could mask.
    if (!mayVary(masked)) break;
  }
  if (shape !== undefined && !/\d/.test(masked)) {
    if (byShape.size >= SHAPE_CACHE_LIMIT) byShape.clear();
    byShape.set(shape, masked);
  }
  return masked;
}

const TIME_OF_DATE = /^<(?:TS|TIME)>(?:[.,]<NUM>)?$/;

/** Masks words in place; a date followed by its time (`<TS> <TIME>`) becomes one `<TS>`. */
function maskWords(words: string[]): string[] {
  let out = 0;
  for (let i = 0; i < words.length; i++) {
    const masked = maskWord(words[i]);
    if (out > 0 && words[out - 1] === '<TS>' && TIME_OF_DATE.test(masked)) continue;
    words[out++] = masked;
  }
  words.length = out;
  return words;
}

export function maskVariables(text: string): string {
  return maskWords(apply(LINE_MASKS, text).split(' ')).join(' ');
}

/** The masked words of a line, split on whitespace. */
export function maskedWords(text: string): string[] {
  const line = apply(LINE_MASKS, text);
  // Splitting on one space is much faster than on a pattern; other whitespace is rare.
  const words = /[\t\r\n\f\v]/.test(line) ? line.split(/\s+/) : line.split(' ');
  let out = 0;
  for (const word of words) if (word !== '') words[out++] = word;
  words.length = out;
  return maskWords(words);
}

const VARIABLE_TOKEN = /^(?:[^\w<>]*<[A-Z*]+>[^\w<>]*)+$/;
const variableTokens = new Map<string, boolean>();

/** A placeholder token, or a token that is nothing but placeholders and punctuation. */
export function isVariableToken(token: string): boolean {
  if (!token.includes('<')) return false;
  let variable = variableTokens.get(token);
  if (variable === undefined) {
    variable = VARIABLE_TOKEN.test(token);
    if (variableTokens.size >= SHAPE_CACHE_LIMIT) variableTokens.clear();
    variableTokens.set(token, variable);
  }
  return variable;
}
