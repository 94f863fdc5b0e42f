import { maskVariables, isVariableToken } from './mask.js';

/**
 * The line of an event that names the error: the first line, except for a Python traceback,
 * whose last unindented line (`KeyError: 'id'`) says what happened.
 */
export function keyLine(message: string): string {
  const newline = message.indexOf('\n');
  if (newline === -1) return message;
  const first = message.slice(0, newline);
  if (!/(?:^|\s)Traceback \(most recent call last\):\s*$/.test(first)) return first;
  const lines = message.split('\n');
  for (let i = lines.length - 1; i > 0; i--) {
    if (lines[i].trim() && !/^\s/.test(lines[i])) return `${first} ${lines[i]}`;
  }
  return first;
}

/**
 * Masks and tokenises the key line of an event, dropping the leading tokens that are pure
 * variables (timestamps, sequence numbers) so they never decide a template.
 */
export function tokenize(message: string): string[] {
  const tokens = maskVariables(keyLine(message)).split(/\s+/).filter(Boolean);
  let start = 0;
  while (start < tokens.length - 1 && isVariableToken(tokens[start])) start++;
  return start === 0 ? tokens : tokens.slice(start);
}
