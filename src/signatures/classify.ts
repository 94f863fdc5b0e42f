import { higherLevel, LEVEL_WORDS, levelOf, LEVELS, type Level } from '../levels.js';

export { higherLevel, LEVELS, type Level };

/** What kind of failure a signature is, as far as its text tells. */
export type Kind = 'oom' | 'crash' | 'exception' | 'http-5xx' | 'timeout' | 'error';

/** A level word at a word boundary, longest words first so that WARNING is not read as WARN. */
const LEVEL_IN_HEADER = new RegExp(
  `(?<![A-Za-z])(${Object.keys(LEVEL_WORDS)
    .sort((a, b) => b.length - a.length)
    .join('|')})(?![A-Za-z])`,
  'i',
);
const JSON_LEVEL = /"(?:level|severity|levelname)"\s*:\s*"?(\w+)"?/i;

/** Reads the level from a structured field, else from the first 120 characters of the line. */
export function detectLevel(message: string, structuredLevel?: string): Level {
  if (structuredLevel) {
    const level = levelOf(structuredLevel);
    if (level) return level;
  }
  const head = message.slice(0, 120);
  const json = JSON_LEVEL.exec(head);
  const word = json?.[1] ?? LEVEL_IN_HEADER.exec(head)?.[1];
  if (!word) return 'unknown';
  return levelOf(word) ?? 'unknown';
}

const KIND_RULES: ReadonlyArray<readonly [Kind, RegExp]> = [
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
  ['exception', /Exception\b|Traceback|\w+Error\b|^\s+at \S+/m],
];

export function detectKind(message: string): Kind {
  for (const [kind, pattern] of KIND_RULES) if (pattern.test(message)) return kind;
  return 'error';
}
