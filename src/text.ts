/** Small text helpers shared by the stages. */

/**
 * Wraps untrusted text in a code fence it cannot close: the fence is one backtick longer than
 * the longest run of backticks inside (CommonMark), and never shorter than three.
 */
export function fence(text: string, info = ''): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(Math.max(3, longestRun + 1));
  return `${ticks}${info}\n${text}\n${ticks}`;
}

/**
 * A copy of `text` that does not keep alive the larger string it was cut from. Engines may share
 * a slice's characters with its parent, and a slice kept in a cache would then hold on to a whole
 * chunk of the input.
 */
export function detach(text: string): string {
  // Joining makes a new string, which the engine flattens into fresh characters before cutting
  // it again: the copy shares nothing with `text`'s parent. A quarter of a buffer round trip.
  return (' ' + text).slice(1);
}

/**
 * Lines longer than `width` broken into rows that fit, at a space near the end when there is one;
 * each continuation starts with `↪ ` so a reader sees that the line goes on. Nothing is dropped.
 */
export function wrapLongLines(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.length <= width) return line;
      const rows: string[] = [];
      let rest = line;
      let room = width;
      while (rest.length > room) {
        const space = rest.lastIndexOf(' ', room);
        const cut = space > room * 0.75 ? space + 1 : room;
        rows.push(rest.slice(0, cut).trimEnd());
        rest = rest.slice(cut);
        room = width - 2;
      }
      rows.push(rest);
      return rows.map((row, i) => (i === 0 ? row : `↪ ${row}`)).join('\n');
    })
    .join('\n');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** Minutes and seconds as people say them: 10m, 1h, 1h30m, 90s. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [hours && `${hours}h`, minutes && `${minutes}m`, seconds && `${seconds}s`].filter(
    Boolean,
  );
  return parts.length > 0 ? parts.join('') : '0s';
}

/** A count for people: `1,234,567`. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** A UTC time for people: 2026-03-01 14:05 UTC. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The message of anything thrown, for one line of a report or a log. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The text with every lone surrogate replaced by U+FFFD: log text decoded from JSON may hold
 * them, and URL encoding and some consumers reject them.
 */
export function wellFormed(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

/** Outputs and step logs are one line; log text may carry newlines and control characters. */
export function oneLine(text: string, max = 300): string {
  const flat = text
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    .replace(/[\r\n\t\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The first items, then the rest: what was read ahead goes back in front. */
export async function* prepend<T>(first: readonly T[], rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield* first;
  yield* rest;
}

/** Text as a regex that matches it literally; `/` escaped too, for `/…/` literals. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
