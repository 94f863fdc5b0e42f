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
const PLACEHOLDER = /<[A-Z*]+>/g;

/**
 * One or more words: a variable token stands for a run of masked words (`<TS> <TIME>`), and for
 * the variables after it, which mining folded into it.
 */
const VARIABLE_RUN = '\\S+(?: +\\S+)*?';
/** The variables after a variable token with text (`id=<NUM>,`), which mining folded into it. */
const FOLLOWING_VARIABLES = '(?: +\\S+)*?';
/** Where a template starts, after the header, and how it ends: it runs to the line's end. */
const LINE_START = '(?:^|\\s)';
const LINE_END = ' *$';
/** A value inside a word (`user=<NUM>,`). */
const VALUE = '\\S+?';

/** One template's regex over a whole line; undefined for tokens no regex can stand for. */
export function templateRegex(tokens: readonly string[], afterLevel = false): string | undefined {
  const body = templateBody(tokens, afterLevel);
  return body === undefined ? undefined : `${LINE_START}${body}${LINE_END}`;
}

/**
 * The regex of one template's tokens between where it starts and the line's end; undefined for
 * tokens no regex can stand for. With `afterLevel`, the first token is the header's level word,
 * and the thread, logger and ids that mining dropped after it may stand between it and the
 * message.
 */
export function templateBody(tokens: readonly string[], afterLevel = false): string | undefined {
  if (tokens.length === 0) return undefined;
  const parts = tokens.map((token) => {
    if (!isVariableToken(token)) return token.split(PLACEHOLDER).map(escapeRegex).join(VALUE);
    // Mining keeps one token of a run of variables (`<NUM>: <NUM>` is `<NUM>:`).
    return token.replace(PLACEHOLDER, '') === ''
      ? VARIABLE_RUN
      : `${token.split(PLACEHOLDER).map(escapeRegex).join(VARIABLE_RUN)}${FOLLOWING_VARIABLES}`;
  });
  // A template of placeholders alone says nothing a regex could hold on to.
  if (tokens.every((token) => isVariableToken(token))) return undefined;
  const [first, ...rest] = parts;
  const skipped = afterLevel && rest.length > 0 ? '(?: +\\S+)*?' : '';
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
