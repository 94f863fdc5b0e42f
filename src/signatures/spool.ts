import {
  closeSync,
  mkdtempSync,
  openSync,
  readSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Numbers written once and then read back in order, in bounded memory: up to one chunk is held,
 * full chunks go to a temporary file, gone once `close` is called.
 */
export class NumberSpool {
  private chunk: Uint32Array;
  private filled = 0;
  private spooled = 0;
  private file?: { folder: string; fd: number };

  /** `directory`: where the temporary folder of the file is made. */
  constructor(
    chunkSize = 1 << 16,
    private readonly directory = tmpdir(),
  ) {
    this.chunk = new Uint32Array(chunkSize);
  }

  push(value: number): void {
    if (this.filled === this.chunk.length) this.flush();
    this.chunk[this.filled++] = value;
  }

  /** The numbers in the order they were pushed. */
  *values(): Generator<number> {
    if (this.file) {
      const buffer = new Uint32Array(this.chunk.length);
      const bytes = new Uint8Array(buffer.buffer);
      for (let read = 0; read < this.spooled;) {
        const count = Math.min(buffer.length, this.spooled - read);
        readFully(this.file.fd, bytes.subarray(0, count * 4), read * 4);
        for (let i = 0; i < count; i++) yield buffer[i];
        read += count;
      }
    }
    for (let i = 0; i < this.filled; i++) yield this.chunk[i];
  }

  close(): void {
    if (!this.file) return;
    const { fd, folder } = this.file;
    this.file = undefined;
    try {
      closeSync(fd);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  private flush(): void {
    this.file ??= openTemporary(this.directory);
    const bytes = new Uint8Array(this.chunk.buffer, 0, this.filled * 4);
    for (let written = 0; written < bytes.length;) {
      written += writeSync(
        this.file.fd,
        bytes,
        written,
        bytes.length - written,
        this.spooled * 4 + written,
      );
    }
    this.spooled += this.filled;
    this.filled = 0;
  }
}

/**
 * A new file in a folder of its own, open for reading and writing. Where the system allows it,
 * both are removed at once: the open file stays usable, and nothing is left if the process dies.
 */
function openTemporary(directory: string): { folder: string; fd: number } {
  const folder = mkdtempSync(join(directory, 'aftershock-'));
  const path = join(folder, 'spool');
  try {
    const fd = openSync(path, 'w+');
    try {
      unlinkSync(path);
      rmdirSync(folder);
    } catch {
      // Windows keeps an open file: close() removes it.
    }
    return { folder, fd };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

function readFully(fd: number, into: Uint8Array, position: number): void {
  for (let read = 0; read < into.length;) {
    const count = readSync(fd, into, read, into.length - read, position + read);
    if (count === 0) throw new Error('The temporary file of line indexes ended early.');
    read += count;
  }
}
