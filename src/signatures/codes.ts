/**
 * The UTF-16 code units of the line being masked, in a typed array that is reused for every
 * line. The engine reads an element of it in about half the time of `charCodeAt` on a string cut
 * from a larger one, which is what lines read from a stream are; masking reads every character
 * of a line at least once, and those of its ids several times.
 */
import { endianness } from 'node:os';

const INITIAL_BYTES = 1 << 12;
/** A buffer grown past this for one long line is let go at the next short one. */
const KEPT_BYTES = 1 << 20;

let buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
let units = view(buffer);

function view(bytes: Buffer): Uint16Array {
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** Loads `text` and returns its code units: valid until the next call, past its length stale. */
export function loadCodes(text: string): Uint16Array {
  const bytes = text.length * 2;
  if (bytes > buffer.length) {
    buffer = Buffer.allocUnsafeSlow(Math.max(bytes, buffer.length * 2));
    units = view(buffer);
  } else if (buffer.length > KEPT_BYTES && bytes <= INITIAL_BYTES) {
    buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    units = view(buffer);
  }
  if (LITTLE_ENDIAN) buffer.write(text, 0, 'utf16le');
  else for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}
