import { ConfigError, INPUT } from '../inputs.js';
import { errorMessage, escapeRegex } from '../text.js';

const SUPPORTED =
  'a term pattern (ERROR, ?ERROR ?WARN, "a phrase") or a %regex%; ' +
  'JSON and space-delimited patterns need CloudWatch';

/** `?` any of these, `-` none of these, no prefix: all of these. */
type Kind = 'all' | 'any' | 'none';

/** One term or phrase of an unstructured pattern, with its prefix. */
const TERM = /\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))\s*/y;

/**
 * Evaluates a CloudWatch Logs filter pattern on local messages, the way CloudWatch does:
 * empty matches everything; `%regex%`; terms (all must match), `?term` (any), `-term` (none),
 * `"a phrase"`. Terms are case-sensitive whole words; phrases match anywhere.
 */
export function compileFilterPattern(pattern: string): (message: string) => boolean {
  const text = pattern.trim();
  if (!text) return () => true;
  if (text.startsWith('{') || text.startsWith('[')) {
    throw new ConfigError(INPUT.filterPattern, pattern, SUPPORTED);
  }
  if (text.startsWith('%')) return compileRegex(pattern, text);

  const tests: Record<Kind, ((message: string) => boolean)[]> = { all: [], any: [], none: [] };
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const match = TERM.exec(text);
    if (!match) throw new ConfigError(INPUT.filterPattern, pattern, SUPPORTED);
    const [, prefix, phrase, term] = match;
    const kind: Kind = prefix === '?' ? 'any' : prefix === '-' ? 'none' : 'all';
    tests[kind].push(phrase !== undefined ? matchPhrase(phrase) : matchWord(term));
  }
  return (message) =>
    tests.all.every((test) => test(message)) &&
    (tests.any.length === 0 || tests.any.some((test) => test(message))) &&
    !tests.none.some((test) => test(message));
}

function compileRegex(pattern: string, text: string): (message: string) => boolean {
  const body = /^%(.*)%$/s.exec(text)?.[1];
  if (body === undefined) throw new ConfigError(INPUT.filterPattern, pattern, SUPPORTED);
  try {
    const regex = new RegExp(body);
    return (message) => regex.test(message);
  } catch (error) {
    const reason = errorMessage(error);
    throw new ConfigError(
      INPUT.filterPattern,
      pattern,
      `a valid regular expression between % signs (${reason})`,
    );
  }
}

function matchPhrase(phrase: string): (message: string) => boolean {
  const text = phrase.replace(/\\(.)/g, '$1');
  return (message) => message.includes(text);
}

/** A term matches where no letter or digit touches it: `Exception` is not in `IOException`. */
function matchWord(term: string): (message: string) => boolean {
  const escaped = escapeRegex(term);
  const regex = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u');
  return (message) => regex.test(message);
}
