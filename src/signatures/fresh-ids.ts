/**
 * The ids that services make fresh for every line — UUIDs, hex ids, IPv6 addresses, pod names,
 * and such ids behind a name (`req-…`, `request_id=…`, `orders/….json`) — masked by reading the
 * word's characters once. Each such id has a shape of its own, which no cache of masked words
 * would ever have seen; what this returns is what the patterns of mask.ts give (maskWord), or
 * undefined to leave the word to them.
 */
import { loadCodes } from './codes.js';

/** IPv6 addresses with a digit: 2600:1f18:9d64::541b, fe80::1, ::1 (times are masked before). */
export const IPV6 =
  '(?=[0-9a-fA-F:]*\\d)(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,5})?|::[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})';
const IPV6_WHOLE = new RegExp(`^${IPV6}$`);

/** The characters Kubernetes generates the names of pods from: no vowels, no 0, 1 or 3. */
export const K8S = '[bcdfghjklmnpqrstvwxz2456789]';
const POD_IN_NAME = new RegExp(`-${K8S}{6,10}-${K8S}{5}$`);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLowerHex = (c: number) => c >= 97 && c <= 102;
const isUpperHex = (c: number) => c >= 65 && c <= 70;
const isHex = (c: number) => isDigit(c) || isLowerHex(c) || isUpperHex(c);
const isLower = (c: number) => c >= 97 && c <= 122;
/** The characters of K8S, by code. */
const K8S_CHARS = new Uint8Array(128);
for (const c of K8S.slice(1, -1)) K8S_CHARS[c.charCodeAt(0)] = 1;
const isK8s = (c: number) => c < 128 && K8S_CHARS[c] === 1;
/** ( [ { : the brackets an id in a name may stand in. */
const isBracket = (c: number) => c === 40 || c === 91 || c === 123;
/** The punctuation WHOLE_WORD allows before a value (one at most) and after it. */
const isLead = (c: number) =>
  isBracket(c) || c === 34 || c === 39 || c === 42 || c === 35 || c === 61;
const isTrail = (c: number) =>
  c === 41 ||
  c === 93 ||
  c === 125 ||
  c === 44 ||
  c === 59 ||
  c === 58 ||
  c === 46 ||
  c === 34 ||
  c === 39;
/** What may follow an id in a name: closing punctuation, no quotes (a quoted word is a <STR>). */
const isCloser = (c: number) => isTrail(c) && c !== 34 && c !== 39;

/**
 * Where the fresh id of a word stands: the word masks to `line.slice(start, before)`, then
 * `placeholder`, then `line.slice(after, end)`.
 */
export interface FreshId {
  before: number;
  placeholder: string;
  after: number;
}

/** The masked form of the word `line.slice(start, end)` when it holds a fresh id. */
export function freshIdAt(line: string, start: number, end: number): string | undefined {
  const id = freshIdPartsAt(line, loadCodes(line), start, end);
  return id && line.slice(start, id.before) + id.placeholder + line.slice(id.after, end);
}

/** Reused by every call of freshIdPartsAt, which builds no string on the hot path. */
const found: FreshId = { before: 0, placeholder: '', after: 0 };

function fresh(before: number, placeholder: string, after: number): FreshId {
  found.before = before;
  found.placeholder = placeholder;
  found.after = after;
  return found;
}

/** Where the fresh id of a word stands (see FreshId), valid until the next call. */
export function freshIdPartsAt(
  line: string,
  codes: Uint16Array,
  start: number,
  end: number,
): FreshId | undefined {
  let from = start;
  let to = end;
  if (from < to && isLead(codes[from])) from++;
  while (to > from && isTrail(codes[to - 1])) to--;
  if (to - from < 8) return undefined;
  const whole = wholeId(line, codes, from, to);
  if (whole !== undefined) return fresh(from, whole, to);
  // A pod or a name has a lower-case letter first, or after one bracket.
  if (!isLower(codes[isBracket(codes[start]) ? start + 1 : start])) {
    return undefined;
  }
  return podAt(codes, start, from, to, end) ?? namedIdAt(line, codes, start, end);
}

/** A word that is an id and nothing else: `<HEX>`, `<UUID>` or `<IP>`, as WHOLE_WORD reads it. */
function wholeId(line: string, codes: Uint16Array, from: number, to: number): string | undefined {
  let digits = 0;
  let letters = 0;
  let colons = 0;
  let dashes = 0;
  // Whether every dash so far stands where a UUID has them.
  let uuidDashes = true;
  for (let i = from; i < to; i++) {
    const c = codes[i];
    if (isDigit(c)) digits++;
    else if (isLowerHex(c) || isUpperHex(c)) letters++;
    else if (c === 45) {
      const k = i - from;
      if (k !== 8 && k !== 13 && k !== 18 && k !== 23) uuidDashes = false;
      dashes++;
    } else if (c === 58) colons++;
    else return undefined;
  }
  if (digits === 0) return undefined;
  if (colons === 0 && dashes === 0) {
    // Capitals and digits may be an error code (isErrorCode), and digits then `B` a size
    // (`1234567B`): left to the patterns.
    if (letters === 1 && codes[to - 1] === 66) return undefined;
    return letters > 0 && !isUpperHex(codes[from]) ? '<HEX>' : undefined;
  }
  if (colons === 0) return dashes === 4 && uuidDashes && to - from === 36 ? '<UUID>' : undefined;
  if (dashes === 0 && colons >= 2) {
    return IPV6_WHOLE.test(line.slice(from, to)) ? '<IP>' : undefined;
  }
  return undefined;
}

function isUuidAt(codes: Uint16Array, from: number, to: number): boolean {
  if (to - from !== 36) return false;
  for (let i = from; i < to; i++) {
    const c = codes[i];
    const k = i - from;
    if (k === 8 || k === 13 || k === 18 || k === 23 ? c !== 45 : !isHex(c)) return false;
  }
  return true;
}

/** `name-hash-suffix` of a pod, its name of letters and dashes only, in brackets at most. */
function podAt(
  codes: Uint16Array,
  start: number,
  from: number,
  to: number,
  end: number,
): FreshId | undefined {
  if (from > start && !isBracket(codes[start])) return undefined;
  for (let i = to; i < end; i++) if (!isCloser(codes[i])) return undefined;
  const last = lastDash(codes, from, to);
  const middle = lastDash(codes, from, last);
  const hash = last - middle - 1;
  if (to - last - 1 !== 5 || middle < from + 1 || hash < 6 || hash > 10) return undefined;
  for (let i = middle + 1; i < to; i++) {
    if (i !== last && !isK8s(codes[i])) return undefined;
  }
  if (!isLower(codes[from])) return undefined;
  for (let i = from; i < middle; i++) {
    const c = codes[i];
    if (!isLower(c) && c !== 45) return undefined;
  }
  // No flag can stand in a pod's name: FLAG needs a `=` or `:` before it.
  return fresh(middle, '-<ID>', to);
}

/** The last `-` in `line.slice(from, to)`, or -1: lastIndexOf would search on to the line's start. */
function lastDash(codes: Uint16Array, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (codes[i] === 45) return i;
  return -1;
}

/**
 * An id behind a name: lower-case words joined by `-`, `=`, `:` or `/` (`req-`,
 * `request_id=req-`, `orders/`), then a UUID or a hex id, then closing punctuation or a file
 * extension (`.json`), in a bracket at most: the name stays, the id is masked.
 */
function namedIdAt(
  line: string,
  codes: Uint16Array,
  start: number,
  end: number,
): FreshId | undefined {
  let i = start;
  if (isBracket(codes[i])) i++;
  while (i < end) {
    const segment = i;
    while (i < end && (isLower(codes[i]) || codes[i] === 95)) i++;
    if (i === segment || i >= end) return undefined;
    const separator = codes[i];
    if (separator !== 45 && separator !== 61 && separator !== 58 && separator !== 47) {
      return undefined;
    }
    // A flag after `=` or `:` (`=true`) is masked on its own (FLAG): left to the patterns.
    if (isFlagWord(line, codes, segment, i) && (segment === 0 || isFlagSign(codes[segment - 1]))) {
      return undefined;
    }
    i++;
    const id = idAt(codes, i, end);
    if (id !== undefined) {
      // A pod's name before the id is masked on its own (POD): left to the patterns.
      if (POD_IN_NAME.test(line.slice(start, i - 1))) return undefined;
      if (!endsCleanly(codes, id.end, end)) return undefined;
      return fresh(i, id.placeholder, id.end);
    }
  }
  return undefined;
}

/** A UUID or a hex id (8 or more, a digit and a letter) that starts at `at`. */
function idAt(
  codes: Uint16Array,
  at: number,
  end: number,
): { placeholder: string; end: number } | undefined {
  if (
    end - at >= 36 &&
    isUuidAt(codes, at, at + 36) &&
    (at + 36 === end || !isHex(codes[at + 36]))
  ) {
    // Three groups of digits in a row read as a date (the dates of mask.ts come first).
    const first = digitsOnly(codes, at, at + 8);
    const second = digitsOnly(codes, at + 9, at + 13);
    const third = digitsOnly(codes, at + 14, at + 18);
    if (second && third && (first || digitsOnly(codes, at + 19, at + 23))) return undefined;
    return { placeholder: '<UUID>', end: at + 36 };
  }
  let i = at;
  let digits = 0;
  let letters = 0;
  let lettersBeforeDigits = true;
  while (i < end && isHex(codes[i])) {
    if (isDigit(codes[i])) digits++;
    else {
      letters++;
      if (digits > 0) lettersBeforeDigits = false;
    }
    i++;
  }
  if (i - at < 8 || digits === 0 || letters === 0) return undefined;
  // Letters then four digits or more make an <ID> (`abcd12345`), which mask.ts tries first.
  if (lettersBeforeDigits && digits >= 4) return undefined;
  return { placeholder: '<HEX>', end: i };
}

function digitsOnly(codes: Uint16Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isDigit(codes[i])) return false;
  return true;
}

const isFlagSign = (c: number) => c === 61 || c === 58;

/** `true` or `false`, the whole of `line.slice(from, to)`. */
function isFlagWord(line: string, codes: Uint16Array, from: number, to: number): boolean {
  return (
    (to - from === 4 && line.startsWith('true', from)) ||
    (to - from === 5 && line.startsWith('false', from))
  );
}

/** After an id: nothing, closing punctuation, or an extension and closing punctuation. */
function endsCleanly(codes: Uint16Array, from: number, end: number): boolean {
  let i = from;
  if (i < end && codes[i] === 46 && i + 1 < end && isLower(codes[i + 1])) {
    i++;
    while (i < end && isLower(codes[i])) i++;
  }
  for (; i < end; i++) if (!isCloser(codes[i])) return false;
  return true;
}
