/** Events longer than this keep their first lines and their last line (Python's exception line). */
export const MAX_EVENT_LINES = 200;
export const MAX_EVENT_CHARS = 64 * 1024;

/** A timestamp or a level word at the start of a line: always a new event. */
const HEADER =
  /^\[?(?:\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}|(?:TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|FATAL|CRITICAL|SEVERE|PANIC)\b)/;
const INDENTED = /^\s/;
const CHAINED =
  /^(?:During handling of the above exception|The above exception was the direct cause)/;
const CONTINUATION = /^(?:Caused by:|Suppressed:|\.\.\. \d+ (?:more|common frames omitted))/;
const TRACEBACK = /^Traceback \(most recent call last\):/;
const EXCEPTION_HEAD =
  /^(?:Traceback \(most recent call last\):|Exception in thread |(?:[\w$]+\.)*[\w$]*(?:Exception|Error|Throwable)\b)/;
const JSON_OBJECT = /^\s*\{.*\}\s*$/;
/** A line that may introduce an exception printed under it: WARN level or above. */
const SERIOUS = /\b(?:WARN(?:ING)?|ERROR|ERR|FATAL|CRIT(?:ICAL)?|SEVERE|ALERT|EMERG)\b/i;

/** Where a Python traceback stands: reading frames, or between two chained tracebacks. */
type Python = 'none' | 'frames' | 'chained';

interface Event {
  head: string[];
  /** The newest line once the event is full; `omitted` lines were dropped before it. */
  tail?: string;
  omitted: number;
  chars: number;
  count: number;
  serious: boolean;
  python: Python;
}

/**
 * Joins physical lines into events: stack traces (Java, Python, Node.js) and indented
 * continuation lines join the line before them. Blank lines are dropped; JSON lines stand alone.
 */
export async function* joinMultiline(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let event: Event | undefined;
  for await (const line of lines) {
    if (!line.trim()) continue;
    if (event && continues(event, line)) {
      add(event, line);
      continue;
    }
    if (event) yield render(event);
    event = undefined;
    if (JSON_OBJECT.test(line)) yield line;
    else event = start(line);
  }
  if (event) yield render(event);
}

function continues(event: Event, line: string): boolean {
  if (HEADER.test(line) || JSON_OBJECT.test(line)) return false;
  return (
    INDENTED.test(line) ||
    CONTINUATION.test(line) ||
    CHAINED.test(line) ||
    // Python ends a traceback with its unindented `ValueError: message` line.
    event.python === 'frames' ||
    (event.python === 'chained' && TRACEBACK.test(line)) ||
    // `log.error("failed", exception)` prints the exception on the lines under the message.
    (event.count === 1 && event.serious && EXCEPTION_HEAD.test(line))
  );
}

function start(line: string): Event {
  return {
    head: [line],
    omitted: 0,
    chars: line.length,
    count: 1,
    serious: HEADER.test(line) && SERIOUS.test(line),
    python: nextPython('none', line),
  };
}

function add(event: Event, line: string): void {
  event.count += 1;
  event.python = nextPython(event.python, line);
  const fits =
    event.tail === undefined &&
    event.head.length < MAX_EVENT_LINES - 1 &&
    event.chars + 1 + line.length <= MAX_EVENT_CHARS;
  if (fits) {
    event.head.push(line);
    event.chars += 1 + line.length;
  } else {
    if (event.tail !== undefined) event.omitted += 1;
    event.tail = line;
  }
}

function nextPython(state: Python, line: string): Python {
  if (TRACEBACK.test(line)) return 'frames';
  if (CHAINED.test(line)) return 'chained';
  if (state === 'frames' && !INDENTED.test(line)) return 'none';
  return state;
}

function render(event: Event): string {
  if (event.tail === undefined) return event.head.join('\n');
  const omitted = event.omitted > 0 ? [`…[${event.omitted} lines omitted]`] : [];
  return [...event.head, ...omitted, event.tail].join('\n');
}
