/** Where JSON log lines keep their message, and how to find it: shared by sources and mining. */

export type JsonObject = Record<string, unknown>;

/** The keys a message is found under, most common first; dotted keys may be nested. */
export const MESSAGE_KEYS = [
  'message',
  'msg',
  'log',
  '@message',
  'text',
  'event',
  'error.message',
  'err.message',
  'error',
];

/**
 * The message of a JSON line (the first of MESSAGE_KEYS that holds a string), unwrapped from
 * Docker's and Kubernetes' `log`, and the object that held it; undefined for a line that is not
 * a JSON object with a message.
 */
function unwrap(line: string): { message: string; object: JsonObject } | undefined {
  let object = parseObject(line);
  let found: { message: string; object: JsonObject } | undefined;
  for (let depth = 0; object && depth < 3; depth++) {
    const message = firstString(object, MESSAGE_KEYS)?.trimEnd();
    if (!message) break;
    found = { message, object };
    object = parseObject(message);
  }
  return found;
}

/** Where structured loggers keep an error's stack: pino, bunyan, ECS, python-json-logger. */
export const STACK_KEYS = [
  'err.stack',
  'error.stack',
  'error.stack_trace',
  'stack_trace',
  'stack',
  'exc_info',
];

/**
 * The message of a JSON line followed by the stack of the error it carries, if any, so that
 * what failed can be read from it as from a plain-text event.
 */
export function jsonEventText(line: string): string | undefined {
  const found = unwrap(line);
  if (found === undefined) return undefined;
  const { message, object } = found;
  const stack = firstString(object, STACK_KEYS)?.trimEnd();
  return stack && !message.includes(stack) ? `${message}\n${stack}` : message;
}

export function firstString(object: JsonObject, keys: string[]): string | undefined {
  return firstDefined(object, keys, (value) => (typeof value === 'string' ? value : undefined));
}

export function firstDefined<T>(
  object: JsonObject,
  keys: string[],
  parse: (value: unknown) => T | undefined,
): T | undefined {
  for (const key of keys) {
    const value = parse(lookup(object, key));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `a.b` is a literal key (ECS flattened) or a nested one. */
function lookup(object: JsonObject, key: string): unknown {
  if (key in object) return object[key];
  if (!key.includes('.')) return undefined;
  const [name, rest] = splitAtDot(key);
  const inner = object[name];
  return isObject(inner) ? lookup(inner, rest) : undefined;
}

/**
 * A dotted key's first name and the rest, split once: the keys are the few of the lists above,
 * and every JSON event looks them up.
 */
function splitAtDot(key: string): readonly [string, string] {
  let parts = dottedKeys.get(key);
  if (parts === undefined) {
    const dot = key.indexOf('.');
    parts = [key.slice(0, dot), key.slice(dot + 1)];
    if (dottedKeys.size < MAX_DOTTED_KEYS) dottedKeys.set(key, parts);
  }
  return parts;
}
const dottedKeys = new Map<string, readonly [string, string]>();
const MAX_DOTTED_KEYS = 256;

export function parseObject(text: string): JsonObject | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
