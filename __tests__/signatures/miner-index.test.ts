import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { hashText } from '../../src/signatures/mask.js';
import { LengthGroup, TemplateMiner } from '../../src/signatures/miner.js';

/** What a template looks like to the index: its creation order and its tokens. */
function node(index: number, tokens: string[]) {
  return { index, tokens, size: 1, family: { members: [], words: new Map() } };
}

const agreement = (a: string[], b: string[]) =>
  b.length === 0 ? 1 : a.filter((token, i) => token === b[i]).length / b.length;

describe('the index of templates by token and position', () => {
  it('finds every template a scan would accept, oldest first, however they were widened', () => {
    const vocabulary = fc.constantFrom('ERROR', 'a', 'b', 'c', '<NUM>', '<*>', 'x', 'y');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }).chain((length) =>
          fc.record({
            length: fc.constant(length),
            templates: fc.array(fc.array(vocabulary, { minLength: length, maxLength: length }), {
              maxLength: 40,
            }),
            widenings: fc.array(
              fc.tuple(fc.nat(), fc.array(vocabulary, { minLength: length, maxLength: length })),
              { maxLength: 10 },
            ),
            removals: fc.array(fc.nat(), { maxLength: 5 }),
            line: fc.array(vocabulary, { minLength: length, maxLength: length }),
            similarity: fc.constantFrom(0.3, 0.5, 0.6, 0.75, 1),
          }),
        ),
        ({ length, templates, widenings, removals, line, similarity }) => {
          const group = new LengthGroup(length);
          const nodes = templates.map((tokens, i) => node(i, [...tokens]));
          nodes.forEach((n) => group.add(n));
          const live = new Set(nodes);
          for (const [which, tokens] of widenings) {
            if (nodes.length > 0) group.widen(nodes[which % nodes.length], tokens);
          }
          for (const which of removals) {
            const target = nodes[which % Math.max(1, nodes.length)];
            if (target && live.has(target)) {
              group.remove(target);
              live.delete(target);
            }
          }
          const found = [...group.candidates(line, similarity)] as unknown as typeof nodes;
          const accepted = [...live].filter((n) => agreement(n.tokens, line) >= similarity);
          for (const n of accepted) expect(found).toContain(n);
          for (const n of found) expect(live.has(n)).toBe(true);
          const order = found.map((n) => n.index);
          expect(order).toEqual([...order].sort((a, b) => a - b));
        },
      ),
      { seed: 20261203, numRuns: 500 },
    );
  });
});

/** Adds `tokens` behind a header that tokenising drops, as a new masked line. */
function addBehind(miner: TemplateMiner, head: string, tokens: string[]) {
  const text = [head, ...tokens].join(' ');
  const masked = {
    hash: hashText(text),
    matches: (other: string) => other === text,
    text: () => text,
  };
  return miner.addMasked(masked, (read) => ({ tokens: read.split(' ').slice(1) }));
}

describe("the miner's shortcuts", () => {
  it('give a line that holds `<*>` to the older template that widened into it', () => {
    const miner = new TemplateMiner();
    const older = addBehind(miner, 'h1', ['a', 'b', 'c', 'd', 'e']);
    const stars = ['a', '<*>', 'c', '<*>', '<*>'];
    const younger = addBehind(miner, 'h1', stars);
    expect(addBehind(miner, 'h2', stars)).toBe(younger);
    addBehind(miner, 'h1', ['a', '<NUM>', 'c', '<NUM>', 'e']);
    addBehind(miner, 'h1', ['a', '<*>', 'c', '<*>', '<NUM>']);
    expect(older.tokens).toEqual(stars);
    // Both hold the tokens now; a search gives them to the older.
    expect(addBehind(miner, 'h3', stars)).toBe(older);
  });

  it('place every line where a miner without them places it, in any order of lines', () => {
    const vocabulary = fc.constantFrom('ERROR', 'a', 'b', 'c', 'X', '<NUM>', '<IP>', '<*>', '=');
    const line = fc
      .integer({ min: 1, max: 4 })
      .chain((length) => fc.array(vocabulary, { minLength: length, maxLength: length }));
    // A header that tokenising drops: lines of other headers are new lines of the same tokens.
    const header = fc.constantFrom('h1', 'h2', 'h3', 'h4', 'h5');
    fc.assert(
      fc.property(fc.array(fc.tuple(header, line), { minLength: 100, maxLength: 300 }), (lines) => {
        const cached = new TemplateMiner({ wordVariants: 3 });
        const plain = new TemplateMiner({ wordVariants: 3, maxCachedLines: 0 });
        const placed = (miner: TemplateMiner) =>
          lines.map(([head, tokens]) => addBehind(miner, head, tokens).index);
        expect(placed(cached)).toEqual(placed(plain));
        const shape = (miner: TemplateMiner) =>
          miner.templates.map(({ tokens, size }) => ({ tokens: [...tokens], size }));
        expect(shape(cached)).toEqual(shape(plain));
      }),
      { seed: 20261204, numRuns: 300 },
    );
  });
});
