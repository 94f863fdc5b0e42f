/**
 * A CloudWatch filter pattern as a Logs Insights `filter` expression on `@message`, matching
 * the events compileFilterPattern (filter.ts) matches: terms as whole words, `?` any of these,
 * `-` none of these, phrases anywhere, `%regex%`. Insights' regular expressions have no
 * Unicode classes, so a word's edge is anything but an ASCII letter or digit.
 */
import { ConfigError, INPUT } from '../inputs.js';
import { compileFilterPattern } from './filter.js';
import { escapeRegex } from '../text.js';

const TERM = /\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))\s*/y;

/** Undefined for an empty pattern, which matches every event. */
export function insightsPredicate(pattern: string): string | undefined {
  // The same validation, and the same errors, as the paging path.
  compileFilterPattern(pattern);
  const text = pattern.trim();
  if (!text) return undefined;
  if (text.startsWith('%')) return `@message like ${regexLiteral(text.slice(1, -1))}`;
  const kinds: Record<'all' | 'any' | 'none', string[]> = { all: [], any: [], none: [] };
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const match = TERM.exec(text);
    if (!match) throw new ConfigError(INPUT.filterPattern, pattern, 'a valid filter pattern');
    const [, prefix, phrase, term] = match;
    const test =
      phrase !== undefined
        ? `@message like ${stringLiteral(phrase.replace(/\\(.)/g, '$1'))}`
        : `@message like ${regexLiteral(`(^|[^A-Za-z0-9])${escapeRegex(term)}([^A-Za-z0-9]|$)`)}`;
    kinds[prefix === '?' ? 'any' : prefix === '-' ? 'none' : 'all'].push(test);
  }
  const parts = [
    ...kinds.all,
    ...(kinds.any.length ? [`(${kinds.any.join(' or ')})`] : []),
    ...kinds.none.map((test) => `not (${test})`),
  ];
  return parts.join(' and ');
}

/**
 * `/…/` with every slash inside escaped, and `#` written as `\x23`: in a query, `#` starts a
 * comment.
 */
export function regexLiteral(body: string): string {
  return `/${body.replace(/\\\/|\//g, '\\/').replace(/(?<!\\)#/g, '\\x23')}/`;
}

function stringLiteral(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}
