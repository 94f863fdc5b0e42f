import { describe, expect, it } from '@jest/globals';
import type { Report } from '../../src/report/index.js';
import { renderTerminal } from '../../src/report/index.js';
import { terminalSafe } from '../../src/report/terminal.js';
import { report, signature } from '../helpers/report.js';

describe('terminal text', () => {
  it('shows log text as text: escape sequences and bidi overrides cannot act', () => {
    const hostile = 'ERROR \u001b]0;pwned\u0007 \u001b[2J cleared \u202eevil\u202c \u009b31m';
    const text = renderTerminal(
      report([signature({ template: hostile, examples: [`${hostile}\n\tat Frame.x`] })]),
      { colour: false },
    );
    // eslint-disable-next-line no-control-regex -- control characters are what is tested
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain('ERROR \\u{1b}]0;pwned\\u{7} \\u{1b}[2J cleared \\u{202e}evil');
    expect(terminalSafe('tab\tand newline\nstay')).toBe('tab\tand newline\nstay');
  });

  it('keeps every line within the width, however long the template', () => {
    const long = `ERROR ${'very long words '.repeat(30)}`;
    const text = renderTerminal(report([signature({ template: long, examples: [long] })]), {
      colour: false,
      width: 80,
    });
    const tableRows = text.split('\n').filter((row) => row.includes('0 → 40'));
    expect(tableRows.length).toBeGreaterThan(0);
    for (const row of tableRows) expect([...row].length).toBeLessThanOrEqual(80);
    const example = text.split('\n').filter((row) => row.startsWith('  │ '));
    expect(example.length).toBeGreaterThan(2);
    for (const row of example) expect([...row].length).toBeLessThanOrEqual(80);
  });

  it('colours only when asked', () => {
    const coloured = renderTerminal(report([signature()]), { colour: true });
    // eslint-disable-next-line no-control-regex -- the escape codes are what is tested
    expect(coloured).toMatch(/^\u001b\[1;31mREGRESSION\u001b\[0m/);
    expect(renderTerminal(report([signature()]), { colour: false })).not.toContain('\u001b');
  });

  it('says in one line that nothing could be read', () => {
    const unreadable: Report = {
      ...report([]),
      verdict: 'inconclusive',
      reason: 'Could not read logs: /ecs/checkout: AccessDeniedException',
      sources: {
        read: [],
        failed: [{ source: '/ecs/checkout', kind: 'read', message: 'AccessDeniedException' }],
      },
    };
    expect(renderTerminal(unreadable, { colour: false })).toBe(
      'INCONCLUSIVE  Could not read logs: /ecs/checkout: AccessDeniedException\n',
    );
  });
});
