/** Severity levels, lowest first; a signature keeps the highest level seen. */
export const LEVELS = ['unknown', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

/** What kind of failure a signature is, as far as its text tells. */
export type Kind = 'oom' | 'crash' | 'exception' | 'http-5xx' | 'timeout' | 'error';

const LEVEL_WORDS: Record<string, Level> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  severe: 'error',
  critical: 'fatal',
  crit: 'fatal',
  fatal: 'fatal',
  panic: 'fatal',
  emerg: 'fatal',
  alert: 'fatal',
};

const LEVEL_IN_HEADER =
  /(?<![A-Za-z])(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|SEVERE|CRIT(?:ICAL)?|FATAL|PANIC|EMERG|ALERT)(?![A-Za-z])/i;
const JSON_LEVEL = /"(?:level|severity|levelname)"\s*:\s*"?(\w+)"?/i;
const PINO_LEVELS: Record<string, Level> = {
  '10': 'debug',
  '20': 'debug',
  '30': 'info',
  '40': 'warn',
  '50': 'error',
  '60': 'fatal',
};

/** Reads the level from a structured field, else from the first 120 characters of the line. */
export function detectLevel(message: string, structuredLevel?: string): Level {
  if (structuredLevel) {
    const level = LEVEL_WORDS[structuredLevel.toLowerCase()] ?? PINO_LEVELS[structuredLevel];
    if (level) return level;
  }
  const head = message.slice(0, 120);
  const json = JSON_LEVEL.exec(head);
  const word = json?.[1] ?? LEVEL_IN_HEADER.exec(head)?.[1];
  if (!word) return 'unknown';
  return LEVEL_WORDS[word.toLowerCase()] ?? PINO_LEVELS[word] ?? 'unknown';
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

export function higherLevel(a: Level, b: Level): Level {
  return LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b;
}
