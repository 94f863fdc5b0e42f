/** Severity levels, lowest first; a signature keeps the highest level seen. */
export const LEVELS = ['unknown', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

/** Level names as loggers and syslog write them, lower-case, with the level each means. */
export const LEVEL_WORDS: Readonly<Record<string, Level>> = {
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

/** pino's and bunyan's numeric levels. */
export const NUMERIC_LEVELS: Readonly<Record<number, Level>> = {
  10: 'debug',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** The level a word or a numeric level stands for; undefined when it names none. */
export function levelOf(word: string): Level | undefined {
  return (
    LEVEL_WORDS[word.toLowerCase()] ??
    (/^\d+$/.test(word) ? NUMERIC_LEVELS[Number(word)] : undefined)
  );
}

export function higherLevel(a: Level, b: Level): Level {
  return LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b;
}
