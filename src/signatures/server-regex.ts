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

/** One or more words: a variable token stands for a run of masked words (`<TS> <TIME>`). */
const VARIABLE_RUN = '\\S+(?: \\S+)*?';
/** The variables after a variable token, which mining folded into it. */
const FOLLOWING_VARIABLES = '(?: +\\S+)*?';
/** A value inside a word (`user=<NUM>,`). */
const VALUE = '\\S+?';

/**
 * The regex body of one template's tokens; undefined for tokens no regex can stand for. With
 * `afterLevel`, the first token is the header's level word, and the thread, logger and ids that
 * mining dropped after it may stand between it and the message.
 */
export function templateRegex(tokens: readonly string[], afterLevel = false): string | undefined {
  if (tokens.length === 0) return undefined;
  const parts = tokens.map((token) => {
    if (!isVariableToken(token)) return token.split(PLACEHOLDER).map(escapeRegex).join(VALUE);
    // Mining keeps one token of a run of variables (`<NUM>: <NUM>` is `<NUM>:`).
    const variable =
      token.replace(PLACEHOLDER, '') === ''
        ? VARIABLE_RUN
        : token.split(PLACEHOLDER).map(escapeRegex).join(VARIABLE_RUN);
    return `${variable}${FOLLOWING_VARIABLES}`;
  });
  // A template of placeholders alone says nothing a regex could hold on to.
  if (tokens.every((token) => isVariableToken(token))) return undefined;
  const [first, ...rest] = parts;
  const skipped = afterLevel && rest.length > 0 ? '(?: +\\S+)*?' : '';
  return `(?:^|\\s)${first}${skipped}${rest.map((part) => ` +${part}`).join('')} *$`;
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

/** Regexes of several templates in one alternation, each in a named group `s<index>`. */
export function alternation(regexes: ReadonlyArray<{ index: number; body: string }>): string {
  return regexes.map(({ index, body }) => `(?<s${index}>${body})`).join('|');
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
