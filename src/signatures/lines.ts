import { signatureId } from './index.js';
import { addMessage } from './line.js';
import { TemplateMiner } from './miner.js';

export interface PrintOptions {
  perLine: boolean;
  write: (text: string) => void;
}

/**
 * Mines every record as one line. Ids are hashes of final templates, so per-line output needs two
 * passes: the first keeps only each line's template index (4 bytes a line), the second prints.
 */
export async function printSignatures(
  messages: AsyncIterable<string>,
  options: PrintOptions,
): Promise<void> {
  const miner = new TemplateMiner();
  let indexes = new Uint32Array(1024);
  let count = 0;
  for await (const message of messages) {
    const template = addMessage(miner, message);
    if (options.perLine) {
      if (count === indexes.length) {
        const grown = new Uint32Array(indexes.length * 2);
        grown.set(indexes);
        indexes = grown;
      }
      indexes[count] = template.index;
    }
    count++;
  }
  // Templates merged while mining share one text, so they are counted together here.
  const finals = miner.templates.map((template) => {
    const text = template.tokens.join(' ');
    return { id: signatureId(text), template: text };
  });
  if (options.perLine) {
    const lines = finals.map(({ id, template }) => `${JSON.stringify({ id, template })}\n`);
    for (let i = 0; i < count; i++) options.write(lines[indexes[i]]);
    return;
  }
  const totals = new Map<string, { id: string; template: string; size: number }>();
  miner.templates.forEach((template, i) => {
    const total = totals.get(finals[i].id) ?? { ...finals[i], size: 0 };
    total.size += template.size;
    totals.set(total.id, total);
  });
  const ranked = [...totals.values()].sort((a, b) => b.size - a.size || a.id.localeCompare(b.id));
  const width = String(ranked[0]?.size ?? 0).length;
  for (const { id, template, size } of ranked) {
    options.write(`${String(size).padStart(width)}  ${id}  ${template}\n`);
  }
  options.write(`${ranked.length} signatures in ${count} lines\n`);
}
