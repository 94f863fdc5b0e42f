/** Times and durations as people write them, parsed the way the action and the CLI read them. */
import { ConfigError } from './inputs.js';

/** Where `deployed-at` came from; the report says which. */
/** Where the deploy time came from: the input, the triggering event, the job's start, or the logs. */
export type DeployedAtSource = 'input' | 'event' | 'start' | 'logs';

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Parses `90s`, `10m`, `1h`, `1h30m`, `2h5m10s` into milliseconds. */
export function parseDuration(input: string, text: string): number {
  const match = DURATION.exec(text);
  if (!text || !match || match.slice(1).every((part) => part === undefined)) {
    throw new ConfigError(input, text, 'a duration such as 90s, 10m, 1h or 1h30m');
  }
  const [hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses ISO-8601 (UTC when no offset is given), unix seconds (< 1e11) or unix milliseconds. */
export function parseTime(input: string, text: string): number {
  const expected = 'an ISO-8601 time (2026-03-01T14:05:00Z) or unix seconds or milliseconds';
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    const number = Number(text);
    return Math.round(number < 1e11 ? number * 1000 : number);
  }
  const iso = ISO_DATE.exec(text);
  if (!iso) throw new ConfigError(input, text, expected);
  // Date.parse rolls 2026-02-30 over into March instead of rejecting it.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    throw new ConfigError(input, text, expected);
  }
  const normalised = text.replace(/[ t]/, 'T').replace(/\.(\d{3})\d+/, '.$1');
  const withZone = iso[1]
    ? normalised
    : `${normalised}${normalised.includes('T') ? '' : 'T00:00'}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new ConfigError(input, text, expected);
  return ms;
}
