import { signatureId } from '../../src/signatures/index.js';
import { addMessage } from '../../src/signatures/line.js';
import { TemplateMiner } from '../../src/signatures/miner.js';

/**
 * The signature id of every line, as `aftershock signatures --per-line` gives it: each window
 * is fed in turn to one miner, and ids come from the templates as they are at the end.
 */
export function mineLines(...windows: string[][]): string[] {
  const miner = new TemplateMiner();
  const templates = windows.flatMap((lines) => lines.map((line) => addMessage(miner, line)));
  return templates.map((template) => signatureId(template.tokens.join(' ')));
}
