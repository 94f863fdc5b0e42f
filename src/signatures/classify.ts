import { higherLevel, levelOf, LEVELS, type Level } from '../levels.js';
import { keyLine } from './failure.js';

export { higherLevel, LEVELS, type Level };

/** What kind of failure a signature is, as far as its text tells. */
export type Kind = 'oom' | 'crash' | 'exception' | 'http-5xx' | 'timeout' | 'error';

const JSON_LEVEL = /"(?:level|severity|levelname|log\.level)"\s*:\s*"?(\w+)"?/i;
/** `<11>` before a syslog line: the priority, whose low three bits are the severity. */
const SYSLOG_PRIORITY = /^<(\d{1,3})>/;
const SYSLOG_SEVERITIES: readonly Level[] = [
  'fatal',
  'fatal',
  'fatal',
  'error',
  'warn',
  'info',
  'info',
  'debug',
];
/** An uncaught exception, a traceback, a panic or a fatal error, at the start of a message. */
const UNCAUGHT =
  /^(?:Traceback \(most recent call last\)|panic: |fatal error: |FATAL ERROR: |Exception in thread |Uncaught |(?:[\w$]+\.)*[\w$]*(?:Exception|Error)(?: \[\w+\])?: )/;

/**
 * The level an event's structure gives (`message` as read, `text` its message field): the source's level field (JSON `level`, `severity`,
 * pino's numbers), a JSON line's level, a syslog priority, else the header's level word that
 * the miner found (`headerWord`). A word inside the message is not a level. With none of these,
 * an uncaught exception, traceback or panic (`failed`: the event has a trace) is an error.
 */
export function eventLevel(
  message: string,
  text: string,
  structuredLevel: string | undefined,
  headerWord: string | undefined,
  failed: boolean,
): Level {
  const structured =
    (structuredLevel && levelOf(structuredLevel)) ||
    (message.charCodeAt(0) === 123 && levelOf(JSON_LEVEL.exec(message)?.[1] ?? '')) ||
    syslogLevel(message) ||
    (headerWord && levelOf(headerWord));
  if (structured) return structured;
  return failed || UNCAUGHT.test(keyLine(text).trimStart()) ? 'error' : 'unknown';
}

function syslogLevel(message: string): Level | undefined {
  if (message.charCodeAt(0) !== 60) return undefined;
  const priority = SYSLOG_PRIORITY.exec(message);
  return priority ? SYSLOG_SEVERITIES[Number(priority[1]) & 7] : undefined;
}

export const KIND_RULES: ReadonlyArray<readonly [Kind, RegExp]> = [
  [
    'oom',
    /OutOfMemory|OOMKilled|out of memory|heap out of memory|Cannot allocate memory|MemoryError/i,
  ],
  ['crash', /exit code 137|SIGKILL|SIGSEGV|segmentation fault|core dumped|panic:|fatal error:/i],
  ['timeout', /timed? ?out|timeout|deadline exceeded|ETIMEDOUT/i],
  [
    'http-5xx',
    /HTTP\/[\d.]+"? 5\d\d\b|\bstatus(?:Code)?["=: ]+5\d\d\b|\b5\d\d (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)/i,
  ],
  // `\wError`, not `\w+Error`: the same lines, without trying every run of word characters.
  ['exception', /Exception\b|Traceback|\wError\b|^\s+at \S/m],
];

/**
 * Any of KIND_RULES, or a little more (ignoring case for all of them): most events name no kind,
 * and one pass tells them in about half the time of a pass for each rule.
 */
const ANY_KIND = new RegExp(
  KIND_RULES.map(([, pattern]) => `(?:${pattern.source})`).join('|'),
  'im',
);

export function detectKind(message: string): Kind {
  if (!ANY_KIND.test(message)) return 'error';
  for (const [kind, pattern] of KIND_RULES) if (pattern.test(message)) return kind;
  return 'error';
}
