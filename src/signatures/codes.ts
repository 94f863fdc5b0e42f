/**
 * The UTF-16 code units of the line being masked, in a typed array that is reused for every
 * line. The engine reads an element of it in about half the time of `charCodeAt` on a string cut
 * from a larger one, which is what lines read from a stream are; masking reads every character
 * of a line at least once, and those of its ids several times.
 */
import { endianness } from 'node:os';

let buffer = Buffer.allocUnsafe(1 << 12);
let units = view(buffer);

function view(bytes: Buffer): Uint16Array {
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** Loads `text` and returns its code units: valid until the next call, past its length stale. */
export function loadCodes(text: string): Uint16Array {
  if (text.length * 2 > buffer.length) {
    buffer = Buffer.allocUnsafe(Math.max(text.length * 2, buffer.length * 2));
    units = view(buffer);
  }
  if (LITTLE_ENDIAN) buffer.write(text, 0, 'utf16le');
  else for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}
