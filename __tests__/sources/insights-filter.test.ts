import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEFAULT_FILTER_PATTERN } from '../../src/config.js';
import { compileFilterPattern } from '../../src/sources/filter.js';
import { insightsPredicate } from '../../src/sources/insights-filter.js';
import { parseQuery, runQuery } from '../fakes/insights-query.js';

/** The messages the Insights predicate selects, evaluated by the fake's query engine. */
function selectedByInsights(pattern: string, messages: string[]): string[] {
  const predicate = insightsPredicate(pattern);
  const query = parseQuery(
    `${predicate ? `filter ${predicate} | ` : ''}fields @message | limit 10000`,
  );
  const events = messages.map((message, i) => ({ timestamp: 1000 + i, message }));
  const { rows } = runQuery(query, events, { startMs: 0, endMs: 1_000_000 });
  return rows.map((row) => row.find((cell) => cell.field === '@message')!.value);
}

function selectedLocally(pattern: string, messages: string[]): string[] {
  const matches = compileFilterPattern(pattern);
  return messages.filter((message) => matches(message));
}

const messages = [
  'ERROR db down',
  'java.lang.NullPointerException: x',
  'Exception in thread main',
  '[Exception] caught',
  'error_code=Exception',
  'WARN disk at 91%',
  'INFO fine',
  'FATAL: out of memory',
  'dial: connection refused',
  'they say "hi" here',
  'path /v1/orders/42 failed',
  'status 503',
  '',
];

describe('insightsPredicate', () => {
  it('is no filter at all for an empty pattern', () => {
    expect(insightsPredicate('  ')).toBeUndefined();
  });

  it.each([
    DEFAULT_FILTER_PATTERN,
    'ERROR db',
    '?ERROR ?WARN',
    'Exception -NullPointerException',
    '"connection refused"',
    '?"out of memory" ?OOMKilled',
    '"say \\"hi\\""',
    '%5\\d\\d%',
    '%/v1/orders/\\d+%',
  ])('selects what the paging path selects: %s', (pattern) => {
    const expected = selectedLocally(pattern, messages);
    expect(selectedByInsights(pattern, messages)).toEqual(expected);
  });

  it('agrees with the paging path on generated patterns and messages', () => {
    const word = fc.constantFrom('ERROR', 'WARN', 'Exception', 'db', 'x1', 'fail"ed', 'a/b');
    const message = fc
      .array(fc.oneof(word, fc.constantFrom(' ', ': ', '[', ']', '_', '.', '=')), {
        maxLength: 8,
      })
      .map((parts) => parts.join(''));
    const term = fc
      .tuple(fc.constantFrom('', '?', '-'), word, fc.boolean())
      .map(
        ([prefix, text, quoted]) =>
          `${prefix}${quoted ? `"${text.replace(/"/g, '\\"')}"` : text.replace(/"/g, '')}`,
      );
    fc.assert(
      fc.property(
        fc.array(term, { minLength: 1, maxLength: 4 }),
        fc.array(message),
        (terms, lines) => {
          const pattern = terms.join(' ');
          expect(selectedByInsights(pattern, lines)).toEqual(selectedLocally(pattern, lines));
        },
      ),
      { seed: 20261204, numRuns: 300 },
    );
  });

  it('rejects what the paging path rejects, naming the input', () => {
    expect(() => insightsPredicate('{ $.level = "error" }')).toThrow(/filter-pattern/);
  });
});
