import { signatureId } from './index.js';
import { addMessage } from './line.js';
import { TemplateMiner } from './miner.js';
import { NumberSpool } from './spool.js';

export interface PrintOptions {
  perLine: boolean;
  write: (text: string) => void;
  /** Applied once to each template (templates may keep a secret) before it is serialised. */
  scrub?: (text: string) => string;
  /** How many line indexes are held in memory before they go to a temporary file. */
  spoolChunk?: number;
}

/** Per-line output is written in pieces of about this many characters. */
const WRITE_CHARS = 1 << 16;

/**
 * Mines every record as one line. Ids are hashes of final templates, so per-line output needs two
 * passes: the first keeps only each line's template index (spooled to a temporary file past one
 * chunk, so memory stays bounded), the second prints.
 */
export async function printSignatures(
  messages: AsyncIterable<string>,
  options: PrintOptions,
): Promise<void> {
  const miner = new TemplateMiner();
  const scrub = options.scrub ?? ((text: string) => text);
  const indexes = options.perLine ? new NumberSpool(options.spoolChunk) : undefined;
  try {
    let count = 0;
    for await (const message of messages) {
      const template = addMessage(miner, message);
      indexes?.push(template.index);
      count++;
    }
    // Templates merged while mining share one text, so they are counted together here.
    const finals = miner.templates.map((template) => {
      const text = template.tokens.join(' ');
      return { id: signatureId(text), template: text };
    });
    if (indexes) {
      writeLines(indexes, finals, scrub, options.write);
      return;
    }
    printTotals(miner, finals, count, scrub, options.write);
  } finally {
    indexes?.close();
  }
}

function writeLines(
  indexes: NumberSpool,
  finals: { id: string; template: string }[],
  scrub: (text: string) => string,
  write: (text: string) => void,
): void {
  const lines = finals.map(
    ({ id, template }) => `${JSON.stringify({ id, template: scrub(template) })}\n`,
  );
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
  miner: TemplateMiner,
  finals: { id: string; template: string }[],
  count: number,
  scrub: (text: string) => string,
  write: (text: string) => void,
): void {
  const totals = new Map<string, { id: string; template: string; size: number }>();
  miner.templates.forEach((template, i) => {
    const total = totals.get(finals[i].id) ?? { ...finals[i], size: 0 };
    total.size += template.size;
    totals.set(total.id, total);
  });
  const ranked = [...totals.values()].sort((a, b) => b.size - a.size || a.id.localeCompare(b.id));
  const width = String(ranked[0]?.size ?? 0).length;
  for (const { id, template, size } of ranked) {
    write(`${String(size).padStart(width)}  ${id}  ${scrub(template)}\n`);
  }
  write(`${ranked.length} signatures in ${count} lines\n`);
}
