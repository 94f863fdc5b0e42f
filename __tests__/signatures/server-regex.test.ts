import { describe, expect, it } from '@jest/globals';
import { generateRealisticLines } from '../../scripts/lib/generate-realistic.js';
import { signatureText } from '../../src/signatures/keys.js';
import { addText, messageOf, tokenize } from '../../src/signatures/line.js';
import { TemplateMiner, type Template } from '../../src/signatures/miner.js';
import {
  alternation,
  bySpecificity,
  matchedGroup,
  templateBody,
  templateRegex,
} from '../../src/signatures/server-regex.js';

/** Mines the lines, then reads each back through one alternation of every template's regex. */
function roundTrip(lines: string[]) {
  const miner = new TemplateMiner();
  const assigned = lines.map((line) => addText(miner, messageOf(line)));
  const templates = [...new Set(assigned)];
  const compiled = templates
    .map((template, index) => ({
      index,
      template,
      body: templateBody(template.tokens, template.level !== undefined),
      afterLevel: template.level !== undefined,
    }))
    .filter(
      (entry): entry is { index: number; template: Template; body: string; afterLevel: boolean } =>
        Boolean(entry.body),
    )
    .sort((a, b) => bySpecificity(a.template.tokens, b.template.tokens));
  const regex = new RegExp(alternation(compiled));
  let matched = 0;
  const wrong: string[] = [];
  lines.forEach((line, i) => {
    const group = matchedGroup(regex, line);
    if (group === undefined) return;
    matched++;
    if (signatureText(templates[group].tokens) !== signatureText(assigned[i].tokens)) {
      wrong.push(line);
    }
  });
  return { templates: templates.length, matched, wrong };
}

describe('templateRegex', () => {
  it('matches the raw line past the header mining dropped, and only values its masks give', () => {
    const template = ['ERROR', 'Timeout', 'after', '<NUM>', 'calling', '<*>'];
    const regex = new RegExp(templateRegex(template, true)!);
    const lines = {
      '2026-03-01T00:00:00.068Z ERROR [main-7] c.s.Service - Timeout after 9672ms calling payments-api': true,
      'ERROR Timeout after 12ms 40 calling x': true,
      'ERROR Timeout after 1190 bytes calling x': true,
      // Mining gives these other templates: more tokens, another word, no number, kept words.
      'ERROR Timeout after 12ms calling a b c': false,
      'ERROR Timeout before 12ms calling x': false,
      'ERROR Timeout after soon calling x': false,
      'ERROR [main] extra words - Timeout after 12ms calling x': false,
    };
    for (const [line, matches] of Object.entries(lines)) {
      const tokens = tokenize(line);
      const fits =
        tokens.length === template.length &&
        tokens.every((token, i) => template[i] === '<*>' || template[i] === token);
      expect([line, fits]).toEqual([line, matches]);
      expect([line, regex.test(line)]).toEqual([line, matches]);
    }
  });

  it('takes a line only when what stands before the template is what mining drops', () => {
    const cases: Array<[string[], boolean, Record<string, boolean>]> = [
      [
        ['Connection', 'refused'],
        false,
        {
          'Connection refused': true,
          '2026-03-01T00:00:00.068Z Connection refused': true,
          'Mar  1 00:00:00 10.0.0.7 api[42]: Connection refused': true,
          'Payment failed: Connection refused': false,
          'retry3 Connection refused': false,
        },
      ],
      [
        ['ERROR', 'Connection', 'refused'],
        true,
        {
          '2026-03-01T00:00:00.068Z ERROR [main-7] c.s.Db - Connection refused': true,
          'ERROR Connection refused': true,
          'ERROR retry 3 - Connection refused': false,
          'WARN ERROR Connection refused': false,
          'Payment failed: ERROR Connection refused': false,
        },
      ],
    ];
    for (const [template, afterLevel, lines] of cases) {
      const regex = new RegExp(templateRegex(template, afterLevel)!);
      for (const [line, matches] of Object.entries(lines)) {
        expect([line, tokenize(line).join(' ') === template.join(' ')]).toEqual([line, matches]);
        expect([line, regex.test(line)]).toEqual([line, matches]);
      }
    }
    // The template runs to the end of the line.
    expect(new RegExp(templateRegex(['disk', 'full'])!).test('disk full on /dev/sda1')).toBe(false);
  });

  it('keeps literal text literal, slashes and brackets included', () => {
    const regex = new RegExp(templateRegex(['GET', '/v1/orders/<NUM>', 'failed', '(<NUM>)'])!);
    expect(regex.test('GET /v1/orders/42 failed (503)')).toBe(true);
    expect(regex.test('GET /v1/ordersX42 failed (503)')).toBe(false);
    expect(templateRegex(['GET', '/a/<NUM>'])).not.toMatch(/(^|[^\\])\//);
  });

  it('has no regex for a template of placeholders alone', () => {
    expect(templateRegex(['<*>'])).toBeUndefined();
    expect(templateRegex(['<NUM>', '<*>'])).toBeUndefined();
  });

  it('puts the more literal of two templates first', () => {
    const specific = ['ERROR', 'lock', 'held', 'by', 'checkout'];
    const wide = ['ERROR', 'lock', 'held', 'by', '<*>'];
    expect([wide, specific].sort(bySpecificity)).toEqual([specific, wide]);
  });

  it('reads realistic lines back to the template they were mined into, and nothing else', () => {
    const lines = [...generateRealisticLines(4000, 11)].filter(
      (line) => !line.includes('\n') && !line.startsWith('{'),
    );
    const result = roundTrip(lines);
    expect(result.templates).toBeGreaterThan(100);
    expect(result.wrong).toEqual([]);
    // A value a regex does not take is read and mined: a few are, never one in a hundred.
    expect(result.matched).toBeGreaterThan(lines.length * 0.99);
  });
});
