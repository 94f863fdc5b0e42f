import { jsonEventText } from '../json-message.js';
import { isErrorName, keyLine } from './failure.js';
import { isVariableToken } from './mask.js';
import { maskLine, scanLine } from './scan.js';
import type { Template, TemplateMiner } from './miner.js';

/** An event's message: for a JSON line, its message field and the stack of its error. */
export function messageOf(event: string): string {
  return (event.charCodeAt(0) === OPEN_BRACE && jsonEventText(event)) || event;
}

const OPEN_BRACE = 123;

/**
 * Masks and tokenises the key line of an event. The header that log formats put before the
 * message (timestamp, host, pid, thread, logger) is dropped, keeping the level word, so a raw
 * line gets the template of its bare message; runs of variables become one token, so a value
 * of variable length does not change the token count.
 */
export function tokenize(message: string): string[] {
  return keyTokens(maskLine(keyLine(messageOf(message)))).tokens;
}

/** The tokens of a masked line without its header, and the level its header gave. */
export interface KeyTokens {
  tokens: string[];
  /** The level word of the header (`ERROR`, `level=warn`), as the line wrote it. */
  level?: string;
}

/** The tokens of a masked line (see maskLine), without the header. */
export function keyTokens(masked: string): KeyTokens {
  if (masked === '') return { tokens: [EMPTY_MESSAGE] };
  const tokens = splitPythonLogging(joinBrackets(masked.split(' ')));
  const found = messageStart(tokens);
  let start = found.start;
  while (start < tokens.length - 1 && isVariableToken(tokens[start])) start++;
  const result: string[] = [];
  let previousVariable = false;
  for (let i = start; i < tokens.length; i++) {
    const isVariable = isVariableToken(tokens[i]);
    if (!(isVariable && previousVariable)) result.push(tokens[i]);
    previousVariable = isVariable;
  }
  const level = found.level !== -1 ? bareLevel(tokens[found.level]) : logfmtLevel(result);
  return level ? { tokens: result, level } : { tokens: result };
}

/** The template of an event with no text at all. */
export const EMPTY_MESSAGE = '<empty message>';

/** `level=error`, `lvl=warn`, `severity=ERROR` among the first tokens (Go's logfmt, logrus). */
function logfmtLevel(tokens: string[]): string | undefined {
  for (let i = 0; i < Math.min(tokens.length, HEADER_TOKENS); i++) {
    const field = /^(?:level|lvl|severity)=["']?([A-Za-z]+)["']?$/.exec(tokens[i]);
    if (field) return field[1];
  }
  return undefined;
}

function bareLevel(token: string): string {
  return token.replace(/^[[<(]|[\]>):,]$/g, '').trim();
}

/** Python's default logging format, `ERROR:root:message`: the level, then the message. */
function splitPythonLogging(tokens: string[]): string[] {
  const index = tokens.findIndex((token, i) => i < 4 && PYTHON_LOGGING.test(token));
  if (index === -1) return tokens;
  const [, level, rest] = PYTHON_LOGGING.exec(tokens[index])!;
  const head = [...tokens.slice(0, index), level];
  return rest ? [...head, rest, ...tokens.slice(index + 1)] : [...head, ...tokens.slice(index + 1)];
}
const PYTHON_LOGGING = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]+:(.*)$/;

/**
 * Adds a message to a miner. The miner knows a message by its masked line, so a line seen
 * before costs one masking pass and a lookup; only a new one is tokenised and matched.
 */
export function addMessage(miner: TemplateMiner, event: string): Template {
  return addText(miner, messageOf(event));
}

/** Adds a message already taken out of its JSON line (see messageOf). */
export function addText(miner: TemplateMiner, message: string): Template {
  return miner.addMasked(scanLine(keyLine(message)), keyTokens);
}

const HEADER_TOKENS = 12;

const LEVEL = /^(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|CRITICAL|FATAL)$/;
const LEVEL_ANY_CASE =
  /^(?:trace|debug|info|notice|warn|warning|error|err|severe|crit|critical|fatal|emerg|alert)$/i;
/** Android's one-letter priorities, only right after the numeric header. */
const LEVEL_LETTER = /^[VDIWEF]$/;
/** `sshd[123]:`, `kernel[<NUM>]:`, `crond(pam_unix)[<*>]:` */
const PROGRAM = /^[\w.\-/@()<>]+(?:\[[^\]\s]*\])?:$/;

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

/** BGL: two node names and `RAS KERNEL` before `FATAL`. */
const MAX_FIELDS_BEFORE_LEVEL = 4;

/** `[ERROR]`, `<warn>` or `INFO:` is as long as this at most. */
const MAX_LEVEL_LENGTH = 10;

/**
 * Whether a token is the header's level: a level word in capitals after at most a few fields, in
 * any case right after the header's variables and at most two words (a host, a logger), so
 * that `retrying at info level` is a message.
 */
function isLevel(token: string, afterHeader: boolean, words: number): boolean {
  const start = '[<('.includes(token[0]) ? 1 : 0;
  const end = token.length - (']>):,'.includes(token[token.length - 1]) ? 1 : 0);
  // log4j pads the level inside its brackets: `[INFO ]`.
  const bare = token.slice(start, Math.max(start, end)).trim();
  return (
    (words <= MAX_FIELDS_BEFORE_LEVEL && LEVEL.test(bare)) ||
    (afterHeader && words <= 2 && LEVEL_ANY_CASE.test(bare)) ||
    (afterHeader && words === 0 && LEVEL_LETTER.test(token))
  );
}

/** Where the message starts, and the index of the header's level word (-1 when none). */
interface MessageStart {
  start: number;
  level: number;
}

/**
 * Where the message starts: at the level word when one follows header-like tokens, else after a
 * syslog program tag (`host sshd[42]:`) that follows a timestamp. Otherwise at the beginning.
 * Fields in capitals right before the level (BGL's `RAS KERNEL FATAL`) stay with the message.
 */
function messageStart(tokens: string[]): MessageStart {
  const scan = Math.min(tokens.length - 1, HEADER_TOKENS);
  if (!isVariableToken(tokens[0]) && tokens[0] !== '-') {
    if (isLevel(tokens[0], false, 0)) return { start: 0, level: 0 };
    return LEVEL.test(tokens[1] ?? '')
      ? { start: skipLogger(tokens, 1), level: 1 }
      : { start: 0, level: -1 };
  }
  let variables = 0;
  let words = 0;
  // Words of a message (`Payment failed:`), not fields (`RAS`, `R02-M1-N0`): past a host or a
  // logger, a level word after them is the message's.
  let prose = 0;
  // A capitalised word starts a sentence: `Payment failed:` is no host and program tag.
  let sentence = false;
  for (let i = 0; i < scan; i++) {
    const token = tokens[i];
    const afterHeader = i > 0 && variables > 0;
    if (token.length <= MAX_LEVEL_LENGTH && prose <= 1 && isLevel(token, afterHeader, words)) {
      if (i === 0) return { start: 0, level: 0 };
      let fields = i;
      while (fields > 1 && CAPITALS.test(tokens[fields - 1])) fields--;
      return { start: fields < i ? fields : skipLogger(tokens, i), level: i };
    }
    if (afterHeader && !sentence && words <= (token.includes('[') ? 3 : 2) && PROGRAM.test(token)) {
      return { start: i + 1, level: -1 };
    }
    if (isVariableToken(token)) variables++;
    else if (token !== '-') {
      words++;
      if (PROSE.test(token)) prose++;
      if (/^[A-Z][a-z]+$/.test(token)) sentence = true;
    }
  }
  // `[time] program - message`
  const dash = tokens.indexOf('-', 1);
  return { start: dash !== -1 && dash <= 3 ? dash + 1 : 0, level: -1 };
}

/** A word of running text: letters with a lower-case one, perhaps ending a clause. */
const PROSE = /^[A-Za-z]?[a-z]+[,:;.]?$/;

/** A field in capitals: `RAS`, `KERNEL`, `MMCS`. */
const CAPITALS = /^[A-Z]{2,}$/;

/**
 * After the level: thread and logger (`[main] com.shop.Cart:`, `[worker-1] c.s.Cart -`) go with
 * the header when a `:` or a ` - ` closes them within the next few tokens. An error's name
 * (`PaymentDeclinedException:`, `ECONNRESET:`) is the message, not a logger.
 */
function skipLogger(tokens: string[], level: number): number {
  // nginx's `[error] 1234#1234: *5678`: process, thread and connection numbers.
  let ids = level + 1;
  while (ids < tokens.length - 1 && isVariableToken(tokens[ids])) ids++;
  if (ids > level + 1) tokens.splice(level + 1, ids - level - 1);
  for (let i = level + 1; i < Math.min(tokens.length - 1, level + 4); i++) {
    const token = tokens[i];
    if (isErrorName(token)) break;
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
