import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { freshIdAt } from '../../src/signatures/fresh-ids.js';
import { maskAcrossWords, maskWord } from '../../src/signatures/mask.js';
import { maskLine } from '../../src/signatures/scan.js';

const hex = (chars = '0123456789abcdefABCDEF') =>
  fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 4 }).map((c) => c.join(''));
const k8s = (min: number, max: number) =>
  fc
    .array(fc.constantFrom(...'bcdfghjklmnpqrstvwxz2456789'), { minLength: min, maxLength: max })
    .map((c) => c.join(''));

/** Words shaped like fresh ids, and near misses of them. */
const idLike = fc.oneof(
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 6, maxLength: 40 }),
  fc.array(hex(), { minLength: 2, maxLength: 9 }).map((groups) => groups.join(':')),
  fc
    .tuple(fc.array(hex(), { minLength: 1, maxLength: 4 }), fc.array(hex(), { maxLength: 3 }))
    .map(([a, b]) => `${a.join(':')}::${b.join(':')}`),
  fc
    .tuple(
      fc.constantFrom('checkout', 'web', 'my-app', 'api2', 'trueapp', 'cafe'),
      k8s(4, 12),
      k8s(3, 6),
    )
    .map(([name, hash, suffix]) => `${name}-${hash}-${suffix}`),
  fc.stringMatching(/^[A-Z]{1,4}-?\d{3,5}[A-Z]?$/),
  fc.stringMatching(/^1?\d{6,13}B$/),
  fc
    .tuple(
      k8s(6, 10),
      k8s(5, 5),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 16 }),
    )
    .map(([hash, suffix, id]) => `pod=web-${hash}-${suffix}:${id}`),
  // Ids behind a name, and their near misses.
  fc
    .tuple(
      fc.constantFrom(
        'req-',
        'request_id=req-',
        'checkout:',
        'orders/',
        'vol-',
        'id=',
        'trace_',
        'Req-',
        'v2-',
        'on=true-',
        'ip-',
        'a.b:',
        'x-y-',
        'cafe-',
      ),
      fc.oneof(
        fc.uuid(),
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 4, maxLength: 24 }),
        fc.stringMatching(/^[a-f]{1,4}\d{4,8}$/),
        fc.stringMatching(/^\d{8}-\d{4}-\d{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      ),
      fc.constantFrom('', '.json', '.tar', ':', ')', '.', 'g', '-x', '_1'),
    )
    .map(([name, id, after]) => `${name}${id}${after}`),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef-:.ABXZ'), maxLength: 40 }),
);

const punctuated = fc
  .tuple(
    fc.constantFrom('', '(', '[', '{', '"', "'", '*', '#', '=', '<'),
    idLike,
    fc.constantFrom('', ')', ']', '},', ';', ':', '.', '"', "'", '":', ']:443', '%'),
  )
  .map(([lead, word, trail]) => `${lead}${word}${trail}`);

describe('the one-pass reading of fresh ids', () => {
  it('gives what the patterns give, or leaves the word to them', () => {
    fc.assert(
      fc.property(punctuated, (word) => {
        const fast = freshIdAt(word, 0, word.length);
        if (fast !== undefined) expect([word, fast]).toEqual([word, maskWord(word)]);
      }),
      { seed: 20261203, numRuns: 20_000 },
    );
  });

  it('is read in a line as the patterns read it alone, whichever ids came before', () => {
    fc.assert(
      fc.property(
        // The scan masks words with a digit (or a quote, an `@`, a flag) and keeps the others.
        fc.oneof(idLike, punctuated).filter((word) => /\d/.test(word)),
        (word) => {
          const expected = maskWord(maskAcrossWords(word));
          expect([word, maskLine(word)]).toEqual([word, expected]);
          expect([word, maskLine(`at ${word} x`)]).toEqual([word, `at ${expected} x`]);
        },
      ),
      { seed: 20261208, numRuns: 20_000 },
    );
  });

  it('reads the ids services log', () => {
    const cases: Array<[string, string]> = [
      ['fb86738b-42c8-4354-a4f3-e32248c1e89a', '<UUID>'],
      ['(FB86738B-42C8-4354-A4F3-E32248C1E89A),', '(<UUID>),'],
      ['d025601c567fbb55', '<HEX>'],
      ['[2600:1f18:9d64:1abf::541b]', '[<IP>]'],
      ['[pricing-s5w7fsw785-v99s5]', '[pricing-<ID>]'],
      ['my-app-7d9f8b6c5-x2k4p:', 'my-app-<ID>:'],
      ['request_id=req-d025601c567fbb55', 'request_id=req-<HEX>'],
      ['(orders/c99cfc99-b5b7-46d0-9ec6-e49eb4657e8d.json)', '(orders/<UUID>.json)'],
      ['checkout:0ae2bf44-d626-4ce5-9fd3-c7cc2131e909', 'checkout:<UUID>'],
    ];
    for (const [word, masked] of cases) expect(freshIdAt(word, 0, word.length)).toBe(masked);
    expect(freshIdAt('ORA-00942', 0, 9)).toBeUndefined();
    expect(freshIdAt('ABCD12345', 0, 9)).toBeUndefined();
    expect(freshIdAt('1234567B', 0, 8)).toBeUndefined();
    const pod = 'pod=web-bcdfghjk-xzvbn:deadbeef12';
    expect(freshIdAt(pod, 0, pod.length)).toBeUndefined();
  });
});
