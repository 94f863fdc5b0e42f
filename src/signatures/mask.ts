/**
 * Replaces the variable parts of a log message (times, ids, numbers, addresses) with typed
 * placeholders, so that two occurrences of one error read the same.
 */

// Word boundaries that treat `_` and letters as part of a word, so `log4j`, `sha256`, `v2` and
// `http2` stay literal while `id=42` and `user-1234` lose their numbers.
const B = '(?<![A-Za-z0-9_])';
const E = '(?![A-Za-z0-9_])';

const MASKS: ReadonlyArray<readonly [RegExp, string]> = [
  // ISO-8601 and common log timestamps: 2026-03-01T14:05:00.123Z, 2026-03-01 14:05:00,123
  [/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<TS>'],
  // syslog and Apache: Mar  1 14:05:00, [Sun Dec 04 04:47:44 2005], 01/Mar/2026:14:05:00 +0000
  [
    /(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2}(?: \d{4})?/g,
    '<TS>',
  ],
  [
    /\d{2}\/(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/\d{4}:\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?/g,
    '<TS>',
  ],
  [new RegExp(`${B}\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?${E}`, 'g'), '<TIME>'],
  [/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g, '<UUID>'],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '<EMAIL>'],
  [new RegExp(`${B}(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?${E}`, 'g'), '<IP>'],
  [new RegExp(`${B}0x[0-9a-fA-F]+${E}`, 'g'), '<HEX>'],
  // Long hex runs with at least one digit: hashes, trace ids, object addresses.
  [new RegExp(`${B}(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}${E}`, 'g'), '<HEX>'],
  // Numbers, with an optional unit: 42, -3.5, 120ms, 512MiB, 99.9%
  [
    new RegExp(`${B}[-+]?\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|[KMGT]i?B|[kmgt]b|B|%)?${E}`, 'g'),
    '<NUM>',
  ],
];

export function maskVariables(text: string): string {
  let masked = text;
  for (const [pattern, placeholder] of MASKS) masked = masked.replace(pattern, placeholder);
  return masked;
}

/** A placeholder token, or a token that is nothing but placeholders and punctuation. */
export function isVariableToken(token: string): boolean {
  return token === '<*>' || /^(?:[^\w<>]*<[A-Z*]+>[^\w<>]*)+$/.test(token);
}
