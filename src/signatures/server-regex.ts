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
  '<STR>': `'[^' \\t]*'|"[^" \\t]*"`,
  '<HOST>': 'ip(?:-[0-9]{1,3}){4}(?:\\.[a-z0-9-]+)*|[A-Za-z0-9.-]+:[0-9]{1,5}',
  '<BOOL>': 'true|false',
  // Dates and times come in many shapes, some with spaces: one or more words with a digit.
  '<TS>': '[^ ]*[0-9][^ ]*(?: +[^ ]*[0-9][^ ]*)*?',
  // A word where the template's lines held different words: one word, any.
  '<*>': '[^ ]+',
};
/** Anything else in angle brackets: a word. */
const ANY_VALUE = '[^ ]+?';

/**
 * Variables after a variable token, which mining folded into it (`<NUM> <NUM>` is one token):
 * here only words that start with a digit and hold nothing but hex digits, separators and a unit.
 */
const FOLLOWING_VARIABLES = `(?: +[0-9][0-9a-fA-F.:,_-]*${UNIT}?)*?`;
/**
 * A header word that masks to a variable: a time, a date, a number, an address, a day or a
 * month; in brackets or not. Words are what mining splits on spaces: `[^ ]`, never `\\S`, which
 * regex engines read differently.
 */
const HEADER_VARIABLE =
  '[\\[(]?(?:[0-9][0-9a-fA-F.:,\\/_TZ+-]*|0x[0-9a-fA-F]+|Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[\\])]?[:,]?';
/** A header field before the level: a host, a pod, a thread, a program, never a plain word. */
const HEADER_FIELD = '[^ ]*[0-9\\[\\]._\\/-][^ ]*';
/**
 * What mining drops before a template that starts at the level word: variables and up to two
 * fields after them, or one field alone (`host ERROR`, `[main] ERROR`).
 */
const BEFORE_LEVEL = `^[ \\t]*(?:(?:${HEADER_VARIABLE} +)+(?:${HEADER_FIELD} +){0,2}|${HEADER_FIELD} +)?`;
/**
 * What mining drops before a template with no level: leading variables, and after them a
 * program tag with its pid (`sshd[42]:`; `error:` is a level) or a dash within a couple of
 * fields, then variables again. A line that starts with a word has no header (indentation
 * aside).
 */
const BEFORE_MESSAGE =
  `^[ \\t]*(?:(?:${HEADER_VARIABLE} +)+(?:(?:${HEADER_FIELD} +){0,2}` +
  `(?:-|[A-Za-z0-9_.\\-\\/@()]+\\[[^\\] ]*\\]:) +(?:${HEADER_VARIABLE} +)*)?)?`;
/**
 * After the level word, what mining drops: the ids right after it (nginx), then a thread and
 * logger closed by a dash or by a name with a colon (`[main] c.s.Cart -`, `Cart:`). A name
 * starts with a letter: a number there is a value of the message.
 */
const SKIPPED_HEADER =
  `(?: +${HEADER_VARIABLE})*` +
  '(?:(?: +(?:\\[[^\\]]*\\]|[A-Za-z_$][A-Za-z0-9_.$]*)){1,2} +-| +(?:\\[[^\\]]*\\] +)?[A-Za-z_$@\\/][A-Za-z0-9_.$@\\/-]*:)?';
/** A template runs to the line's end (mining trims what ends it). */
const LINE_END = '[ \\t\\r\\n]*$';

/** One template's regex over a whole line; undefined for tokens no regex can stand for. */
export function templateRegex(tokens: readonly string[], afterLevel = false): string | undefined {
  const body = templateBody(tokens, afterLevel);
  return body === undefined ? undefined : alternation([{ index: 0, body, afterLevel }]);
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
 * `s<index>`, in their order. Those that start at the level word share what may stand before
 * it, the others what may stand before a message, and all how a line ends: fewer characters
 * than each its own.
 */
export function alternation(
  bodies: ReadonlyArray<{ index: number; body: string; afterLevel: boolean }>,
): string {
  const group = (afterLevel: boolean) =>
    bodies
      .filter((branch) => branch.afterLevel === afterLevel)
      .map(({ index, body }) => `(?<s${index}>${body})`)
      .join('|');
  const parts = [
    ...(bodies.some((b) => b.afterLevel) ? [`${BEFORE_LEVEL}(?:${group(true)})`] : []),
    ...(bodies.some((b) => !b.afterLevel) ? [`${BEFORE_MESSAGE}(?:${group(false)})`] : []),
  ];
  return `(?:${parts.join('|')})${LINE_END}`;
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
