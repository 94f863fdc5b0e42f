import type { LogSource } from './types.js';

/**
 * Wraps sources so that long reads say how far they are: at most one line every `everyMs`,
 * naming the source, the window and the events read so far.
 */
export function withProgress(
  sources: LogSource[],
  report: (line: string) => void,
  options: { everyMs?: number; now?: () => number } = {},
): LogSource[] {
  const everyMs = options.everyMs ?? 2000;
  const now = options.now ?? Date.now;
  let last = now();
  return sources.map((source) => {
    const reportRead = (window: string, count: number) => {
      if (now() - last < everyMs) return;
      last = now();
      report(`reading ${source.name} (${window}): ${count.toLocaleString('en-US')} events`);
    };
    // Everything but the reads is the source's own: a terminal must not change what is read.
    const wrapped: LogSource = {
      name: source.name,
      loggedAnything: source.loggedAnything?.bind(source),
      surrounding: source.surrounding?.bind(source),
      counting: source.counting,
      async *events(window, range, signal) {
        let count = 0;
        for await (const event of source.events(window, range, signal)) {
          if (!event.truncated) count++;
          reportRead(window, count);
          yield event;
        }
      },
    };
    if (source.pages) {
      const pages = source.pages.bind(source);
      wrapped.pages = async function* (window, range, signal) {
        let count = 0;
        for await (const page of pages(window, range, signal)) {
          for (const event of page) if (!event.truncated) count++;
          reportRead(window, count);
          yield page;
        }
      };
    }
    return wrapped;
  });
}
