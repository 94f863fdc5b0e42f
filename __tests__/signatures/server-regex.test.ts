import { describe, expect, it } from '@jest/globals';
import { generateRealisticLines } from '../../scripts/lib/generate-realistic.js';
import { signatureText } from '../../src/signatures/keys.js';
import { addText, messageOf } from '../../src/signatures/line.js';
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
    }))
    .filter((entry): entry is { index: number; template: Template; body: string } =>
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
  it('matches the raw line past the header mining dropped, and values of any length', () => {
    const body = templateRegex(['ERROR', 'Timeout', 'after', '<NUM>', 'calling', '<*>'], true)!;
    const regex = new RegExp(body);
    expect(
      regex.test(
        '2026-03-01T00:00:00.068Z ERROR [main-7] c.s.Service - Timeout after 9672ms calling payments-api',
      ),
    ).toBe(true);
    expect(regex.test('ERROR Timeout after 12ms calling a b c')).toBe(true);
    expect(regex.test('ERROR Timeout before 12ms calling x')).toBe(false);
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

  it('reads every realistic line back to the template it was mined into, and nothing else', () => {
    const lines = [...generateRealisticLines(4000, 11)].filter(
      (line) => !line.includes('\n') && !line.startsWith('{'),
    );
    const result = roundTrip(lines);
    expect(result.templates).toBeGreaterThan(100);
    expect(result.wrong).toEqual([]);
    expect(result.matched).toBe(lines.length);
  });
});
