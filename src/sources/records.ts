import { prepend } from '../text.js';
import {
  firstDefined,
  firstString,
  isObject,
  MESSAGE_KEYS,
  STACK_KEYS,
  parseObject,
  type JsonObject,
} from '../json-message.js';
import { NUMERIC_LEVELS } from '../levels.js';
import { parseTime } from '../time.js';
import { readLines, truncateLine } from './lines.js';
import { joinMultiline } from './multiline.js';

/** One log record read from a file: a line, a joined multi-line event, or a CloudWatch event. */
export interface LogRecord {
  /** What a filter pattern sees: the text as CloudWatch would store it (the whole JSON line). */
  raw: string;
  /** The message: extracted from JSON, else the text itself. */
  message: string;
  /** Milliseconds since the epoch. */
  timestamp?: number;
  level?: string;
  logStream?: string;
}

/**
 * Lines of `aws logs filter-log-events` JSON may hold a whole event of up to 256 KB, escaped;
 * text lines are cut to MAX_LINE_CHARS afterwards.
 */
const MAX_DOCUMENT_LINE_CHARS = 2 * 1024 * 1024;

const TIMESTAMP_KEYS = ['timestamp', 'time', '@timestamp', 'ts', 't'];
const LEVEL_KEYS = ['level', 'severity', 'levelname', 'log.level'];
const LEADING_TIMESTAMP =
  /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)(?!\d)/;

/**
 * The records of a file or stream, whatever its format: plain text, JSON lines (mixed with text
 * or not), or the JSON printed by `aws logs filter-log-events` (one or more documents).
 * With `multiline`, text lines are joined into multi-line events. Blank lines are skipped.
 */
export async function* readRecords(
  input: string | NodeJS.ReadableStream,
  options: { multiline: boolean },
): AsyncGenerator<LogRecord> {
  const lines = readLines(input, MAX_DOCUMENT_LINE_CHARS);
  try {
    let first = await lines.next();
    while (!first.done && !first.value.trim()) first = await lines.next();
    if (first.done) return;
    const all = prepend([first.value], lines);
    yield* isDocumentStart(first.value)
      ? documentRecords(all)
      : textRecords(all, options.multiline);
  } finally {
    await lines.return(undefined);
  }
}

/** A JSON line becomes a record of its message, time and level; anything else a text record. */
export function parseLine(line: string): LogRecord {
  const object = parseObject(line);
  return object ? jsonRecord(object, line, 0) : textRecord(line);
}

async function* textRecords(
  lines: AsyncIterable<string>,
  multiline: boolean,
): AsyncGenerator<LogRecord> {
  const capped = map(lines, (line) => truncateLine(line));
  const texts = multiline ? joinMultiline(capped) : capped;
  for await (const text of texts) if (text.trim()) yield parseLine(text);
}

/**
 * aws prints each document indented, so a line starting with `}` ends one; concatenated
 * documents (the CLI's pages) follow each other. Anything that does not parse as such a
 * document is read as lines.
 */
async function* documentRecords(lines: AsyncIterable<string>): AsyncGenerator<LogRecord> {
  let buffer: string[] = [];
  for await (const line of lines) {
    if (buffer.length === 0 && !line.trim()) continue;
    buffer.push(line);
    const mayEnd = line.startsWith('}') || (buffer.length === 1 && line.trimEnd().endsWith('}'));
    const document = mayEnd ? parseObject(buffer.join('\n')) : undefined;
    if (!document) continue;
    yield* Array.isArray(document.events) ? documentEvents(document.events) : linesOf(buffer);
    buffer = [];
  }
  yield* linesOf(buffer);
}

function* documentEvents(events: unknown[]): Generator<LogRecord> {
  for (const event of events) {
    if (!isObject(event) || typeof event.message !== 'string' || !event.message.trim()) continue;
    const record = parseLine(event.message);
    yield {
      ...record,
      timestamp: parseTimestamp(event.timestamp) ?? record.timestamp,
      logStream: typeof event.logStreamName === 'string' ? event.logStreamName : undefined,
    };
  }
}

function* linesOf(lines: string[]): Generator<LogRecord> {
  for (const line of lines) if (line.trim()) yield parseLine(truncateLine(line));
}

function isDocumentStart(line: string): boolean {
  return line.trim() === '{' || Array.isArray(parseObject(line)?.events);
}

function jsonRecord(object: JsonObject, raw: string, depth: number): LogRecord {
  const found = firstString(object, MESSAGE_KEYS)?.trimEnd();
  // The stack of the error a line carries says what failed, as a trace under a message does.
  const stack = found && firstString(object, STACK_KEYS)?.trimEnd();
  const record: LogRecord = {
    raw,
    message: (stack && !found.includes(stack) ? `${found}\n${stack}` : found) || raw,
    timestamp: firstDefined(object, TIMESTAMP_KEYS, parseTimestamp),
    level: firstDefined(object, LEVEL_KEYS, parseLevel),
  };
  // Docker and Kubernetes wrap the application's own JSON line in `log`.
  const inner = found && depth < 2 ? parseObject(found) : undefined;
  if (!inner) return record;
  const nested = jsonRecord(inner, raw, depth + 1);
  return {
    ...nested,
    timestamp: nested.timestamp ?? record.timestamp,
    level: nested.level ?? record.level,
  };
}

function textRecord(line: string): LogRecord {
  const match = LEADING_TIMESTAMP.exec(line);
  return {
    raw: line,
    message: line.trimEnd(),
    timestamp: match ? parseTimestamp(match[1]) : undefined,
  };
}

/** ISO-8601 (UTC when no offset is given) or epoch seconds, milli-, micro- or nanoseconds. */
function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return fromEpoch(Number(text));
  try {
    return parseTime('timestamp', text.replace(',', '.'));
  } catch {
    return undefined;
  }
}

function fromEpoch(value: number): number | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  if (value < 1e11) return Math.round(value * 1000);
  if (value < 1e14) return Math.round(value);
  return Math.round(value < 1e17 ? value / 1e3 : value / 1e6);
}

function parseLevel(value: unknown): string | undefined {
  const level = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof level === 'number') return NUMERIC_LEVELS[level] ?? String(level);
  return typeof level === 'string' && level.trim() ? level.trim().toLowerCase() : undefined;
}

async function* map<T, U>(items: AsyncIterable<T>, f: (item: T) => U): AsyncGenerator<U> {
  for await (const item of items) yield f(item);
}
