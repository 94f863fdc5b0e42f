import { jsonMessage } from '../json-message.js';
import { isVariableToken } from './mask.js';
import { maskLine, scanLine } from './scan.js';
import type { Template, TemplateMiner } from './miner.js';

/**
 * The line of an event that names the error: the first line of its message (of the message
 * field, for a JSON line), except for a Python traceback, whose last unindented line
 * (`KeyError: 'id'`) says what happened.
 */
export function keyLine(event: string): string {
  const message = (event.charCodeAt(0) === OPEN_BRACE && jsonMessage(event)) || event;
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

const OPEN_BRACE = 123;

/**
 * Masks and tokenises the key line of an event. The header that log formats put before the
 * message (timestamp, host, pid, thread, logger) is dropped, keeping the level word, so a raw
 * line gets the template of its bare message; runs of variables become one token, so a value
 * of variable length does not change the token count.
 */
export function tokenize(message: string): string[] {
  return maskedTokens(maskLine(keyLine(message)));
}

/** The tokens of a masked line (see maskLine), without the header. */
export function maskedTokens(masked: string): string[] {
  if (masked === '') return [];
  const tokens = joinBrackets(masked.split(' '));
  let start = messageStart(tokens);
  while (start < tokens.length - 1 && isVariableToken(tokens[start])) start++;
  const result: string[] = [];
  let previousVariable = false;
  for (let i = start; i < tokens.length; i++) {
    const isVariable = isVariableToken(tokens[i]);
    if (!(isVariable && previousVariable)) result.push(tokens[i]);
    previousVariable = isVariable;
  }
  return result;
}

/**
 * Adds a message to a miner. The miner knows a message by its masked line, so a line seen
 * before costs one masking pass and a lookup; only a new one is tokenised and matched.
 */
export function addMessage(miner: TemplateMiner, message: string): Template {
  return miner.addMasked(scanLine(keyLine(message)), maskedTokens);
}

const HEADER_TOKENS = 12;

const LEVEL = /^(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|CRITICAL|FATAL)$/;
const LEVEL_ANY_CASE =
  /^(?:trace|debug|info|notice|warn|warning|error|err|severe|crit|critical|fatal|emerg|alert)$/i;
/** Android's one-letter priorities, only right after the numeric header. */
const LEVEL_LETTER = /^[VDIWEF]$/;
/** `sshd[123]:`, `kernel[<NUM>]:`, `crond(pam_unix)[<*>]:` */
const PROGRAM = /^[\w.\-/@()]+(?:\[[^\]\s]*\])?:$/;

/** A `[...]` group spread over several tokens (thread names, request ids) becomes one token. */
function joinBrackets(tokens: string[]): string[] {
  if (!tokens.some((token) => token.startsWith('['))) return tokens;
  const out: string[] = [];
  const limit = Math.min(tokens.length, HEADER_TOKENS * 2);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (i < limit && token.startsWith('[') && !token.includes(']')) {
      const end = tokens.findIndex((t, j) => j > i && j < i + 8 && t.includes(']'));
      if (end !== -1) {
        out.push(tokens.slice(i, end + 1).join(' '));
        i = end;
        continue;
      }
    }
    out.push(token);
  }
  return out;
}

/** `[ERROR]`, `<warn>` or `INFO:` is as long as this at most. */
const MAX_LEVEL_LENGTH = 10;

function isLevel(token: string, afterHeader: boolean, words: number): boolean {
  const start = '[<('.includes(token[0]) ? 1 : 0;
  const end = token.length - (']>):,'.includes(token[token.length - 1]) ? 1 : 0);
  const bare = token.slice(start, Math.max(start, end));
  return (
    LEVEL.test(bare) ||
    (afterHeader && LEVEL_ANY_CASE.test(bare)) ||
    (afterHeader && words === 0 && LEVEL_LETTER.test(token))
  );
}

/**
 * Where the message starts: at the level word when one follows header-like tokens, else after a
 * syslog program tag (`host sshd[42]:`) that follows a timestamp. Otherwise at the beginning.
 */
function messageStart(tokens: string[]): number {
  const scan = Math.min(tokens.length - 1, HEADER_TOKENS);
  if (!isVariableToken(tokens[0]) && tokens[0] !== '-') {
    return LEVEL.test(tokens[1] ?? '') ? skipLogger(tokens, 1) : 0;
  }
  let variables = 0;
  let words = 0;
  for (let i = 0; i < scan; i++) {
    const token = tokens[i];
    const afterHeader = i > 0 && variables > 0;
    if (token.length <= MAX_LEVEL_LENGTH && isLevel(token, afterHeader, words)) {
      return i === 0 ? 0 : skipLogger(tokens, i);
    }
    if (afterHeader && words <= (token.includes('[') ? 3 : 1) && PROGRAM.test(token)) return i + 1;
    if (isVariableToken(token)) variables++;
    else if (token !== '-') words++;
  }
  // `[time] program - message`
  const dash = tokens.indexOf('-', 1);
  return dash !== -1 && dash <= 3 ? dash + 1 : 0;
}

/**
 * After the level: thread and logger (`[main] com.shop.Cart:`, `[worker-1] c.s.Cart -`) go with
 * the header when a `:` or a ` - ` closes them within the next few tokens.
 */
function skipLogger(tokens: string[], level: number): number {
  for (let i = level + 1; i < Math.min(tokens.length - 1, level + 4); i++) {
    const token = tokens[i];
    const closes =
      (token === '-' && i > level + 1) || (token.endsWith(':') && /^[\w.$@\-/]+:$/.test(token));
    if (closes) {
      tokens.splice(level + 1, i - level);
      return level;
    }
    if (!(token.startsWith('[') || token === '-' || /^[\w.$]+$/.test(token))) break;
  }
  return level;
}
