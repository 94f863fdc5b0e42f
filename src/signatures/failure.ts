/**
 * What an event says failed: the line that identifies it, and for an event with a stack trace the
 * exception type and the first in-app frame, the way Sentry fingerprints an error. Two events
 * with one log message but different exceptions, or the same exception thrown from different
 * code, are different failures; the same exception from the same place with other ids is one.
 */

/** The identifying part of a multi-line event: exception type and first in-app frame. */
export interface Failure {
  exception?: string;
  /** `function (file)`, without the line number, which moves with every edit. */
  frame?: string;
}

/** An event's lines read at most, and its last lines besides (a Python traceback ends with what it raised). */
const MAX_LINES = 400;
const LAST_LINES = 5;

function linesOf(message: string): string[] {
  const lines = message.split('\n', MAX_LINES + 1);
  if (lines.length <= MAX_LINES) return lines;
  const all = message.split('\n');
  return [...all.slice(0, MAX_LINES), ...all.slice(-LAST_LINES)];
}

/** `java.lang.IllegalStateException`, `KeyError`, `requests.exceptions.ConnectionError`. */
const EXCEPTION_TYPE =
  /^(?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Exception|Error|Throwable|Exit|Fault|Failure)$/;
/** A line that starts with an exception: `Caused by: x.Y: msg`, `TypeError: msg`, `KeyError`. */
const EXCEPTION_LINE =
  /^(?:Caused by: |Uncaught |Exception in thread "[^"]*" )?((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Exception|Error|Throwable|Exit|Fault|Failure))(?: \[[\w-]+\])?(?::|$)/;
/** `Traceback (most recent call last):` at the start of a line. */
const TRACEBACK = /^Traceback \(most recent call last\):/;
/**
 * Lines with nothing to identify an event: blank, or decoration such as `<--- JS stacktrace --->`.
 * Tested on the trimmed line, where no two parts of the pattern can match the same spaces.
 */
const DECORATION = /^(?:<-{2,}.*-{2,}>|[-=*#~_+]{3,}.*|[^\p{L}\p{N}]*)$/u;
/** Decoration is short; a longer line is text, and is never scanned for it. */
const MAX_DECORATION_CHARS = 200;
/** A line that names an error when an event starts with decoration (Node's out-of-memory block). */
const NAMES_ERROR =
  /^(?:FATAL ERROR:|panic:|fatal error:|Traceback \(most recent call last\):|(?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Exception|Error)\b)/;

/** `at com.shop.Cart.add(Cart.java:42)`, with a module or class loader before it (`app//`). */
const JAVA_FRAME = /^\s+at (?:[^\s(/]+\/{1,2})?((?:[\w$<>]+\.)+[\w$<>]+)\(([^:)]*)(?::\d+)?\)/;
const NODE_FRAME =
  /^\s+at (?:async )?(?:(.+?) \()?(?:[a-z][\w+.-]*:\/\/\/?)?((?:[A-Za-z]:)?[^():]+?)(?::\d+){1,2}\)?$/;
const PYTHON_FRAME = /^\s+File "([^"]+)", line \d+, in (\S+)/;
const GO_FUNCTION = /^([\w./*()-]+?)\((?:0x[\da-f]+|\.\.\.|[^)]*)?\)$/;
const GO_FILE = /^\s+(\S+\.go):\d+/;

/** Frames of libraries and runtimes, not of the application. */
const JAVA_LIBRARY =
  /^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|org\.springframework|org\.apache|org\.hibernate|org\.eclipse|org\.junit|io\.netty|reactor|com\.fasterxml|com\.google|okhttp3|io\.grpc)\./;
const NODE_LIBRARY = /(?:^node:|^internal\/|node_modules[\\/])/;
const PYTHON_LIBRARY = /(?:site-packages|dist-packages|[\\/]lib[\\/]python[\d.]*[\\/]|^<frozen )/;

/**
 * The line of an event that identifies it: the first line of its message, skipping blank lines
 * and decoration; for an event that starts with decoration, the first line that names an error
 * (`FATAL ERROR: Reached heap limit …`); for a Python traceback, its exception line
 * (`KeyError: 'id'`), the last unindented one. Never empty unless the whole event is.
 */
export function keyLine(message: string): string {
  const newline = message.indexOf('\n');
  if (newline === -1) return isDecoration(message) ? message.trim() : message;
  const lines = linesOf(message);
  const first = lines.findIndex((line) => !isDecoration(line));
  if (first === -1) return lines.find((line) => line.trim() !== '')?.trim() ?? '';
  if (TRACEBACK.test(lines[first])) return exceptionLineOf(lines, first) ?? lines[first];
  if (first > 0) {
    const naming = lines.slice(first).find((line) => NAMES_ERROR.test(line));
    if (naming) return TRACEBACK.test(naming) ? (exceptionLineOf(lines, first) ?? naming) : naming;
  }
  return lines[first];
}

function isDecoration(line: string): boolean {
  // A line that starts with a letter or a digit has some: most lines, spared the trim and test.
  if (isAsciiAlphanumeric(line.charCodeAt(0))) return false;
  const trimmed = line.trim();
  return trimmed.length <= MAX_DECORATION_CHARS && DECORATION.test(trimmed);
}

function isAsciiAlphanumeric(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The last unindented line of a Python traceback: what was raised. */
function exceptionLineOf(lines: string[], from: number): string | undefined {
  for (let i = lines.length - 1; i > from; i--) {
    if (lines[i].trim() && !/^\s/.test(lines[i]) && !lines[i].startsWith('…[')) return lines[i];
  }
  return undefined;
}

/**
 * The exception type and first in-app frame of an event with a trace; undefined for an event
 * of one line or one without a trace. Java: the innermost `Caused by`; Python: the last
 * exception raised; Node.js: the error line; Go: the panic's first frame out of the runtime.
 */
export function failureOf(message: string): Failure | undefined {
  if (message.indexOf('\n') === -1) return undefined;
  const lines = linesOf(message);
  const failure =
    pythonFailure(lines) ?? goFailure(lines) ?? javaOrNodeFailure(lines) ?? exceptionOnly(lines);
  return failure && (failure.exception || failure.frame) ? failure : undefined;
}

/** Java and Node.js: exception lines followed by `at` frames. */
function javaOrNodeFailure(lines: string[]): Failure | undefined {
  let exception: string | undefined;
  let frame: string | undefined;
  let anyFrame: string | undefined;
  let sawFrame = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const thrown = i === 0 || /^\s+at /.test(line) ? undefined : thrownBy(line);
    if (thrown) {
      // Java prints causes after the exception they caused: the innermost one comes last.
      if (exception === undefined || line.trimStart().startsWith('Caused by: ')) {
        exception = thrown;
        frame = undefined;
      }
      continue;
    }
    const parsed = parseFrame(line);
    if (!parsed) continue;
    sawFrame = true;
    if (parsed.inApp) {
      frame ??= parsed.text;
      anyFrame ??= parsed.text;
    }
  }
  if (!sawFrame) return undefined;
  exception ??= headException(lines[0]);
  return { exception, frame: frame ?? anyFrame };
}

function parseFrame(line: string): { text: string; inApp: boolean } | undefined {
  const java = JAVA_FRAME.exec(line);
  if (java) {
    const parts = java[1].split('.');
    return {
      text: stable(`${parts.slice(-2).join('.')}(${java[2]})`),
      inApp: !JAVA_LIBRARY.test(java[1]),
    };
  }
  const node = NODE_FRAME.exec(line);
  if (node) {
    const file = node[2];
    return {
      text: `${stable(node[1] ?? '<anonymous>')} (${baseName(file)})`,
      inApp: !NODE_LIBRARY.test(file),
    };
  }
  return undefined;
}

/** The exception a first line names (`TypeError: …`, `Exception in thread "main" x.Y: …`). */
function headException(line: string): string | undefined {
  return thrownBy(line);
}

/**
 * The exception a line starts with; for Node.js's plain `Error: connect ECONNREFUSED …`, the
 * errno name, which says more than `Error`.
 */
function thrownBy(line: string): string | undefined {
  const trimmed = line.trimStart();
  const thrown = EXCEPTION_LINE.exec(trimmed)?.[1];
  if (thrown) return thrown;
  if (!trimmed.startsWith('Error: ')) return undefined;
  return /\b(E[A-Z]{3,})\b/.exec(trimmed)?.[1] ?? 'Error';
}

function pythonFailure(lines: string[]): Failure | undefined {
  let last = -1;
  for (let i = 0; i < lines.length; i++) if (TRACEBACK.test(lines[i].trimStart())) last = i;
  if (last === -1) return undefined;
  let frame: string | undefined;
  let anyFrame: string | undefined;
  let exception: string | undefined;
  for (let i = last + 1; i < lines.length; i++) {
    const parsed = PYTHON_FRAME.exec(lines[i]);
    if (parsed) {
      // The innermost frame is listed last.
      const text = `${parsed[2]} (${baseName(parsed[1])})`;
      anyFrame = text;
      if (!PYTHON_LIBRARY.test(parsed[1])) frame = text;
      continue;
    }
    if (lines[i].trim() && !/^\s/.test(lines[i])) {
      exception = /^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)(?::|$)/.exec(lines[i])?.[1] ?? exception;
    }
  }
  return { exception, frame: frame ?? anyFrame };
}

/** A Go panic: `panic: …`, then goroutines with function and file lines. */
function goFailure(lines: string[]): Failure | undefined {
  const goroutine = lines.findIndex((line) => /^goroutine \d+ \[/.test(line));
  if (goroutine === -1) return undefined;
  let anyFrame: string | undefined;
  for (let i = goroutine + 1; i + 1 < lines.length; i++) {
    const fn = GO_FUNCTION.exec(lines[i]);
    const file = fn && GO_FILE.exec(lines[i + 1]);
    if (!fn || !file) continue;
    const text = `${fn[1]} (${baseName(file[1])})`;
    anyFrame ??= text;
    if (
      !/^(?:runtime|panic)\b|^[a-z]+(?:\/[a-z]+)*\.[^/]*$/.test(fn[1]) ||
      fn[1].startsWith('main.')
    ) {
      return { frame: text };
    }
    i++;
  }
  return anyFrame ? { frame: anyFrame } : undefined;
}

/** An event with an exception line under its message but no frames: the exception alone. */
function exceptionOnly(lines: string[]): Failure | undefined {
  let exception: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const thrown = thrownBy(lines[i]);
    if (thrown && (exception === undefined || lines[i].trimStart().startsWith('Caused by: '))) {
      exception = thrown;
    }
  }
  return exception ? { exception } : undefined;
}

/**
 * A file's name without its folders, and with what changes on every build masked: content hashes
 * (`main.3f2a1b9c.js`) and numbered generated names, so one place keeps one id across deploys.
 */
function baseName(path: string): string {
  return stable(path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1));
}

/** Hex runs with a digit, and numbers, as they appear in generated names and hashes. */
function stable(name: string): string {
  return name.replace(/(?=[0-9a-f]*\d)[0-9a-f]{6,}|\d+/g, '<N>');
}

/** errno names: `ECONNRESET`, `ENOENT`, `EADDRINUSE`. */
const ERRNO = /^E[A-Z]{3,}$/;

/**
 * Whether a token names the error: an exception or error class (`KeyError:`,
 * `java.lang.IllegalStateException`), an errno name, or Go's `panic:`. Such a token is never
 * taken for a header or a variable.
 */
export function isErrorName(token: string): boolean {
  const bare = token.replace(/^[^\w$]+|[^\w$]+$/g, '');
  return (EXCEPTION_TYPE.test(bare) && /[a-z]/.test(bare)) || ERRNO.test(bare) || bare === 'panic';
}

/**
 * The failure as it is appended to an event's template: the exception when the template does
 * not name it already, then `at` the frame.
 */
export function failureText(failure: Failure, template: string): string {
  const parts: string[] = [];
  if (failure.exception && !template.includes(failure.exception)) parts.push(failure.exception);
  if (failure.frame) parts.push(`at ${failure.frame}`);
  return parts.join(' ');
}

/** An error code with few distinct values: `ORA-00942`, `E1118`, `SQL0204N`, with punctuation. */
const ERROR_CODE = /^[([{"']?[A-Z]{1,4}-?\d{3,5}[A-Z]?[)\]},;:."']*$/;

export function isErrorCode(token: string): boolean {
  return ERROR_CODE.test(token);
}
