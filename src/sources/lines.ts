import { prepend } from '../text.js';
import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { constants, createGunzip } from 'node:zlib';

/** The longest line kept; the rest of a longer physical line is dropped. */
export const MAX_LINE_CHARS = 64 * 1024;
export const TRUNCATION_MARKER = ' …[truncated]';

/**
 * The physical lines of a file (or stream), gunzipped when the bytes say gzip, decoded as UTF-8
 * (invalid bytes become U+FFFD), without their "\n" or "\r\n". Lines longer than `maxLineChars`
 * are cut and marked, so memory stays bounded whatever the input.
 */
export async function* readLines(
  input: string | NodeJS.ReadableStream,
  maxLineChars = MAX_LINE_CHARS,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  const splitter = new LineSplitter(maxLineChars);
  for await (const chunk of decompressed(input)) {
    yield* splitter.push(decoder.decode(chunk, { stream: true }));
  }
  yield* splitter.push(decoder.decode());
  const last = splitter.end();
  if (last !== undefined) yield last;
}

/**
 * Whether a decoded line is text: it holds a letter or a digit, and at most a tenth of it is
 * bytes that did not decode (U+FFFD) or control characters other than whitespace. Binary data
 * decoded as UTF-8 is mostly both.
 */
const WHITESPACE = new Set([0x09, 0x0a, 0x0d]);

export function isReadableText(line: string): boolean {
  let bad = 0;
  let wordy = false;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code === 0xfffd || code === 0x7f || (code < 0x20 && !WHITESPACE.has(code))) bad++;
    else if (!wordy && /[\p{L}\p{N}]/u.test(line[i])) wordy = true;
  }
  return wordy && bad * 10 <= line.length;
}

/** Cuts a line to `max` characters (never inside a surrogate pair) and marks it. */
export function truncateLine(line: string, max = MAX_LINE_CHARS): string {
  if (line.length <= max) return line;
  const code = line.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return line.slice(0, end) + TRUNCATION_MARKER;
}

class LineSplitter {
  private parts: string[] = [];
  private length = 0;
  private overflow = false;

  constructor(private readonly max: number) {}

  /** Adds decoded text; returns the lines it completes. */
  push(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.append(text, start, end);
      lines.push(this.take());
      start = end + 1;
    }
    this.append(text, start, text.length);
    return lines;
  }

  /** The last line when the input does not end with a newline. */
  end(): string | undefined {
    return this.length > 0 ? this.take() : undefined;
  }

  private append(text: string, start: number, end: number): void {
    // One character more than the cap, so that a trailing "\r" does not count against it.
    const room = this.max + 1 - this.length;
    const size = Math.min(end - start, room);
    if (size > 0) {
      this.parts.push(text.slice(start, start + size));
      this.length += size;
    }
    if (end - start > room) this.overflow = true;
  }

  private take(): string {
    let line = this.parts.join('');
    if (!this.overflow && line.endsWith('\r')) line = line.slice(0, -1);
    this.parts = [];
    this.length = 0;
    this.overflow = false;
    return truncateLine(line, this.max);
  }
}

/** The input's bytes, gunzipped when they start with the gzip magic number 1f 8b. */
async function* decompressed(input: string | NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  const raw = chunks(input);
  try {
    const head: Buffer[] = [];
    let size = 0;
    while (size < 2) {
      const next = await raw.next();
      if (next.done) break;
      head.push(next.value);
      size += next.value.length;
    }
    const first = Buffer.concat(head);
    const all = prepend(first.length > 0 ? [first] : [], raw);
    yield* first[0] === 0x1f && first[1] === 0x8b ? gunzip(all) : all;
  } finally {
    await raw.return(undefined);
  }
}

async function* chunks(input: string | NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  const stream: NodeJS.ReadableStream = typeof input === 'string' ? createReadStream(input) : input;
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

async function* gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  // Sync flush at the end: a truncated archive (a log still being written) yields what it holds.
  const output = pipeline(
    Readable.from(source),
    createGunzip({ finishFlush: constants.Z_SYNC_FLUSH }),
    () => {},
  );
  for await (const chunk of output) yield chunk as Buffer;
}
