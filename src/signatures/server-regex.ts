/**
 * A template as a regular expression over the raw line, for counting on the service's side
 * (Logs Insights `parse`): literal text as it stands, a placeholder as the text it masked. The
 * header that mining drops (timestamps, hosts, thread, logger) is left unmatched before the
 * template; the template runs to the line's end. The subset is the one both JavaScript and
 * Insights read the same way: no lookaround, no Unicode classes, no flags.
 *
 * A regex only has to be precise (never match a line of another signature); a line it misses
 * is read and mined as on the paging path. The caller checks precision on the mined sample.
 */
import { isVariableToken } from './mask.js';
import { escapeRegex } from '../text.js';

/** `<NUM>`, `<*>`, `<TS>`: what a mask or a wildcard put in place of a value. */
const PLACEHOLDER = /(<[A-Z*]+>)/;

const HEX_DIGIT = '[0-9a-fA-F]';
const UNIT = '(?:ns|us|ms|s|m|h|[KMGT]i?B|B|%)';
const SPACED_UNIT = '(?:bytes|[KMGT]i?B|B|sec|secs|seconds|ms|minutes|mins|hours)';
/**
 * What each placeholder stands for, narrower than what its mask takes where that is cheap: a
 * regex must never take a value that masks otherwise (a hex id that reads as `<ID>` widens the
 * template on the paging path), while a value it misses is only read and mined.
 */
const VALUES: Readonly<Record<string, string>> = {
  // With its unit; a size or a duration may have it after a space: `1190 bytes (1.16 KB)`.
  '<NUM>': `-?(?:[0-9]{1,7}|1[0-9]{9}|1[0-9]{12})(?:\\.[0-9]+)?${UNIT}?(?: ${SPACED_UNIT}(?: \\([0-9]+(?:\\.[0-9]+)? [KMGT]?B\\))?)?`,
  // 0x…; 8 or 9 digits; a digit first and a letter later; or letters, digits and a letter
  // again: never letters followed by digits alone, which is an <ID>, nor an epoch time.
  '<HEX>': `0x${HEX_DIGIT}+|[0-9]{8,9}|[0-9]+[a-fA-F]${HEX_DIGIT}*|[a-fA-F]+[0-9]+[a-fA-F]${HEX_DIGIT}*`,
  '<UUID>': `${HEX_DIGIT}{8}-${HEX_DIGIT}{4}-${HEX_DIGIT}{4}-${HEX_DIGIT}{4}-${HEX_DIGIT}{12}`,
  '<IP>':
    '[0-9]{1,3}(?:\\.[0-9]{1,3}){3}(?::[0-9]{1,5})?|[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}',
  '<TIME>': '[0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:[.,][0-9]+)?',
  // Identifiers around a long number; after a pod's deployment, its generated part.
  '<ID>': '[A-Za-z][A-Za-z_]*[-_]{0,2}[0-9]{4,}(?:[-_.][A-Za-z0-9]+)*|[a-z0-9]{6,10}-[a-z0-9]{5}',
  '<EMAIL>': '[A-Za-z0-9_.+-]+@[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)+',
  '<STR>': `'[^'\\s]*'|"[^"\\s]*"`,
  '<HOST>': 'ip(?:-[0-9]{1,3}){4}(?:\\.[a-z0-9-]+)*|[A-Za-z0-9.-]+:[0-9]{1,5}',
  '<BOOL>': 'true|false',
  // Dates and times come in many shapes, some with spaces: one or more words with a digit.
  '<TS>': '[^\\s]*[0-9][^\\s]*(?: +[^\\s]*[0-9][^\\s]*)*?',
  // A word where the template's lines held different words: one word, any.
  '<*>': '\\S+',
};
/** Anything else in angle brackets: a word. */
const ANY_VALUE = '\\S+?';

/**
 * Variables after a variable token, which mining folded into it (`<NUM> <NUM>` is one token):
 * here only words that start with a digit and hold nothing but hex digits, separators and a unit.
 */
const FOLLOWING_VARIABLES = `(?: +[0-9][0-9a-fA-F.:,_-]*${UNIT}?)*?`;
/**
 * After the level word, the thread and logger mining drops (`[main] c.s.Cart -`, `Cart:`): up
 * to two bracketed, dotted or plain names closed by a dash or by a name with a colon.
 */
const SKIPPED_HEADER =
  '(?:(?: +(?:\\[[^\\]]*\\]|[A-Za-z0-9_.$]+)){1,2} +-| +(?:\\[[^\\]]*\\] +)?[A-Za-z0-9_.$@/-]+:)?';
/** Where a template starts, after the header, and how it ends: it runs to the line's end. */
const LINE_START = '(?:^|\\s)';
const LINE_END = ' *$';

/** One template's regex over a whole line; undefined for tokens no regex can stand for. */
export function templateRegex(tokens: readonly string[], afterLevel = false): string | undefined {
  const body = templateBody(tokens, afterLevel);
  return body === undefined ? undefined : `${LINE_START}${body}${LINE_END}`;
}

/** A token's text, its placeholders as the values they stand for. */
function tokenRegex(token: string): string {
  return token
    .split(PLACEHOLDER)
    .map((part, i) => {
      if (i % 2 === 0) return escapeRegex(part);
      const value = VALUES[part];
      return value === undefined ? ANY_VALUE : `(?:${value})`;
    })
    .join('');
}

/**
 * The regex of one template's tokens between where it starts and the line's end; undefined for
 * tokens no regex can stand for. With `afterLevel`, the first token is the header's level word,
 * and the thread and logger that mining dropped after it may stand between it and the message.
 */
export function templateBody(tokens: readonly string[], afterLevel = false): string | undefined {
  if (tokens.length === 0) return undefined;
  // A template of placeholders alone says nothing a regex could hold on to.
  if (tokens.every((token) => isVariableToken(token))) return undefined;
  const parts = tokens.map((token) =>
    isVariableToken(token) ? `${tokenRegex(token)}${FOLLOWING_VARIABLES}` : tokenRegex(token),
  );
  const [first, ...rest] = parts;
  const skipped = afterLevel && rest.length > 0 ? SKIPPED_HEADER : '';
  return `${first}${skipped}${rest.map((part) => ` +${part}`).join('')}`;
}

/**
 * The order in an alternation: where several regexes match a line at the same place, the first
 * listed wins, so the more literal templates go first and the wider ones after them.
 */
export function bySpecificity(a: readonly string[], b: readonly string[]): number {
  const literals = (tokens: readonly string[]) =>
    tokens.filter((token) => !isVariableToken(token)).length;
  return literals(b) - literals(a) || b.length - a.length;
}

/**
 * Templates' bodies (templateBody) in one regex over a whole line, each in a named group
 * `s<index>`. They share where they start and end: at any place in a line the branches are
 * tried in order, as they would be one by one, in fewer characters.
 */
export function alternation(bodies: ReadonlyArray<{ index: number; body: string }>): string {
  const branches = bodies.map(({ index, body }) => `(?<s${index}>${body})`).join('|');
  return `${LINE_START}(?:${branches})${LINE_END}`;
}

/** The index of the first group of an alternation that matched a line, or undefined. */
export function matchedGroup(regex: RegExp, line: string): number | undefined {
  const groups = regex.exec(line)?.groups;
  if (!groups) return undefined;
  for (const [name, value] of Object.entries(groups)) {
    if (value !== undefined) return Number(name.slice(1));
  }
  return undefined;
}
