import { failureOf } from './failure.js';
import { signatureId } from './index.js';
import { SignatureKeys } from './keys.js';
import { addText, messageOf } from './line.js';
import { TemplateMiner } from './miner.js';
import { NumberSpool } from './spool.js';

export interface PrintOptions {
  perLine: boolean;
  write: (text: string) => void;
  /**
   * Applied once to each template (templates may keep a secret) before it is serialised, with
   * the credentials that the template's first lines held where they stood.
   */
  scrub?: (template: string, valuesOfItsLines: readonly string[]) => string;
  /** The credential values of one line, for `scrub`. */
  findValues?: (line: string) => string[];
  /** How many line indexes are held in memory before they go to a temporary file. */
  spoolChunk?: number;
}

/** Per-line output is written in pieces of about this many characters. */
const WRITE_CHARS = 1 << 16;

/**
 * Mines every record as one line. Ids are hashes of final templates, so per-line output needs two
 * passes: the first keeps only each line's signature slot (see keys.ts) (spooled to a temporary file past one
 * chunk, so memory stays bounded), the second prints.
 */
export async function printSignatures(
  messages: AsyncIterable<string>,
  options: PrintOptions,
): Promise<void> {
  const miner = new TemplateMiner();
  const keys = new SignatureKeys();
  const sizes: number[] = [];
  const indexes = options.perLine ? new NumberSpool(options.spoolChunk) : undefined;
  // The first line of each template: a constant word of the template is in it.
  const valuesOf: string[][] = [];
  try {
    let count = 0;
    for await (const message of messages) {
      const text = messageOf(message);
      const slot = keys.slotOf(addText(miner, text), failureOf(text));
      indexes?.push(slot);
      sizes[slot] = (sizes[slot] ?? 0) + 1;
      if (sizes[slot] === 1 && options.findValues) valuesOf[slot] = options.findValues(message);
      count++;
    }
    // Templates merged while mining share one text, so they are counted together here.
    const raw = Array.from({ length: keys.size }, (_, slot) => {
      const text = keys.text(slot);
      return { id: signatureId(text), template: text };
    });
    const valuesById = new Map<string, string[]>();
    raw.forEach(({ id }, i) => {
      valuesById.set(id, [...(valuesById.get(id) ?? []), ...(valuesOf[i] ?? [])]);
    });
    const scrubbed = new Map<string, string>();
    const finals = raw.map(({ id, template }) => {
      if (!scrubbed.has(id)) {
        scrubbed.set(
          id,
          options.scrub ? options.scrub(template, valuesById.get(id) ?? []) : template,
        );
      }
      return { id, template: scrubbed.get(id)! };
    });
    if (indexes) {
      writeLines(indexes, finals, options.write);
      return;
    }
    printTotals(sizes, finals, count, options.write);
  } finally {
    indexes?.close();
  }
}

function writeLines(
  indexes: NumberSpool,
  finals: { id: string; template: string }[],
  write: (text: string) => void,
): void {
  const lines = finals.map((final) => `${JSON.stringify(final)}\n`);
  let pending = '';
  for (const index of indexes.values()) {
    pending += lines[index];
    if (pending.length >= WRITE_CHARS) {
      write(pending);
      pending = '';
    }
  }
  if (pending) write(pending);
}

function printTotals(
  sizes: number[],
  finals: { id: string; template: string }[],
  count: number,
  write: (text: string) => void,
): void {
  const totals = new Map<string, { id: string; template: string; size: number }>();
  finals.forEach((final, slot) => {
    const total = totals.get(final.id) ?? { ...final, size: 0 };
    total.size += sizes[slot] ?? 0;
    totals.set(total.id, total);
  });
  const ranked = [...totals.values()].sort((a, b) => b.size - a.size || a.id.localeCompare(b.id));
  const width = String(ranked[0]?.size ?? 0).length;
  for (const { id, template, size } of ranked) {
    write(`${String(size).padStart(width)}  ${id}  ${template}\n`);
  }
  write(`${ranked.length} signatures in ${count} lines\n`);
}
