import { describe, expect, it } from '@jest/globals';
import type { Report } from '../../src/report/index.js';
import { escapeInline, MAX_COMMENT_CHARS, renderMarkdown } from '../../src/report/index.js';
import { linkTargets, renderGfm } from '../helpers/gfm.js';
import { fence, wrapLongLines } from '../../src/text.js';
import { report, signature } from '../helpers/report.js';

describe('fence', () => {
  it('is longer than any backtick run inside, so the text cannot close it', () => {
    const hostile = 'before\n```\n# injected heading\n````\nafter';
    const fenced = fence(hostile);
    const opening = fenced.split('\n')[0];
    expect(opening).toBe('`````');
    expect(fenced.endsWith('\n`````')).toBe(true);
  });
});

describe('escapeInline', () => {
  it('defuses mentions, links, images, HTML and table pipes', () => {
    const escaped = escapeInline(
      '@octocat ![x](http://evil/p.png) <img src=x> a|b `code` #123\nnext',
    );
    expect(escaped).not.toMatch(/@octocat/);
    expect(escaped).not.toMatch(/#123/);
    expect(escaped).not.toContain('\n');
    const html = renderGfm(escaped);
    expect(linkTargets(html)).toEqual([]);
    expect(html).not.toMatch(/<img|<code>code<\/code>/);
    // What it said is still there to read.
    expect(html).toContain('http://evil/p.png');
  });

  it.each([
    ['a URL', 'upstream https://evil.example/steal?x=1 failed', 'https://evil.example/steal?x=1'],
    ['a www host', 'see www.evil.example for details', 'www.evil.example'],
    ['an e-mail address', 'mail ops@evil.example now', 'ops'],
    ['a markdown link', '[click](https://evil.example)', 'https://evil.example'],
    ['an autolink', '<https://evil.example>', 'https://evil.example'],
  ])('never makes %s clickable', (_name, text, shown) => {
    const html = renderGfm(`> ${escapeInline(text)}`);
    expect(linkTargets(html)).toEqual([]);
    expect(html).toContain(shown);
  });

  it('keeps the spaces around what suspect evidence quotes as code', () => {
    const r = report([signature()]);
    const evidence = ['adds lines with `cart` in Cart.java, `@x` too'];
    const markdown = renderMarkdown({ ...r, suspects: [{ ...r.suspects[0], evidence }] });
    expect(markdown).toContain('- adds lines with `cart` in Cart.java, `@x` too');
  });

  it('escapes the dollars that GitHub reads as math', () => {
    expect(escapeInline('$x^2$ and $$y$$')).toBe('\\$x^2\\$ and \\$\\$y\\$\\$');
  });

  it.each([
    ['a heading', '# Deploy approved', /<h1/],
    ['a quote', '> approved by the SRE team', /<blockquote>\s*<blockquote/],
    ['a list', '- clean', /<li/],
    ['an ordered list', '1. clean', /<li/],
    ['a table row', '| verdict | clean |', /<table/],
    ['a comment', '<!-- hide the rest', /<!--/],
    ['a setext heading', '=====', /<h1/],
    ['indented code', '        code block', /<pre/],
  ])('never lets a leading %s change the structure', (_name, text, structure) => {
    // Where a note starts a line of its own, as the report's notes do.
    const html = renderGfm(`> ${escapeInline(text)}`);
    expect(html).not.toMatch(structure);
    expect(html.match(/<blockquote>/g)).toHaveLength(1);
    expect(renderGfm(`| a |\n|---|\n| ${escapeInline(text)} |`).match(/<td>/g)).toHaveLength(1);
  });
});

describe('renderMarkdown', () => {
  it('starts with the verdict and shows the flagged signature, its suspect and an example in a fence', () => {
    const markdown = renderMarkdown(report([signature()]));
    expect(markdown.split('\n')[0]).toMatch(/^### 🔴 Regression: /);
    expect(markdown).toContain('| 🆕 new |');
    expect(markdown).toContain('`3f9e8d7`');
    expect(markdown).toMatch(/```\nERROR CartService - NullPointerException for cart 9f3c2a1b/);
  });

  it('keeps hostile log text inside its fence and out of the table', () => {
    const hostile = signature({
      template: 'ERROR @admin | `x` ```',
      examples: ['line one\n```\n@everyone please click ![img](http://x/y.png)\n```'],
    });
    const markdown = renderMarkdown(report([hostile]));
    const tableRow = markdown.split('\n').find((line) => line.startsWith('| 🆕 new |')) ?? '';
    expect(tableRow.split(/(?<!\\)\|/).length).toBe(9); // 7 cells: pipes in the template are escaped
    expect(tableRow).toContain('```` ERROR @admin \\| `x` ``` ````');
    // The example sits inside a fence longer than its own backtick runs.
    expect(markdown).toContain('````\nline one\n```\n@everyone');
  });

  it('fits the comment limit however many and however long the signatures', () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      signature({
        id: `id${i}`,
        template: `ERROR ${'x'.repeat(300)} ${i}`,
        examples: ['y'.repeat(5000)],
      }),
    );
    const markdown = renderMarkdown(report(many));
    expect(markdown.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(markdown.split('\n')[0]).toMatch(/^### 🔴 Regression/);
    const fences = markdown.split('\n').filter((line) => /^`{3,}$/.test(line));
    expect(fences.length % 2).toBe(0);
  });
});

describe('changes the test could not confirm', () => {
  it('says a rise too thin to judge where the verdict is read, and never "unchanged" for a fall', () => {
    const thin = signature({
      id: 'thin000000',
      template: 'ERROR Stock lookup failed for sku <NUM>',
      status: 'unchanged',
      flagged: false,
      before: 10,
      after: 10,
      ratio: 6,
      unconfirmed: 'rise',
    });
    const gone = signature({
      id: 'gone000000',
      template: 'ERROR Legacy export failed',
      status: 'unchanged',
      flagged: false,
      before: 48,
      after: 0,
      ratio: 0,
      unconfirmed: 'fall',
    });
    const markdown = renderMarkdown({ ...report([thin, gone]), verdict: 'clean' });
    expect(markdown).toMatch(
      /> ❔ Too few events to tell: `ERROR Stock lookup failed for sku <NUM>` ×6\.0, 10 → 10\./,
    );
    expect(markdown).toContain(
      '| fewer, not enough to tell | `ERROR Legacy export failed` | 48 → 0 |',
    );
    expect(markdown).toContain(
      '| ❔ too few to tell | `ERROR Stock lookup failed for sku <NUM>` |',
    );
  });
});

describe('comment polish', () => {
  it('wraps a long log line in the example, marking each continuation and losing nothing', () => {
    const long = `ERROR request failed ${'payload=abcdefghij '.repeat(20)}end`;
    const markdown = renderMarkdown(report([signature({ examples: [long] })]));
    const block = /```\n([\s\S]*?)\n```/.exec(markdown)?.[1] ?? '';
    const rows = block.split('\n');
    expect(rows.length).toBeGreaterThan(3);
    expect(Math.max(...rows.map((row) => row.length))).toBeLessThanOrEqual(100);
    expect(rows.slice(1).every((row) => row.startsWith('↪ '))).toBe(true);
    expect(
      rows
        .map((row, i) => (i === 0 ? row : row.slice(2)))
        .join('')
        .replace(/ /g, ''),
    ).toBe(long.replace(/ /g, ''));
  });

  it('wraps a line with no spaces at the width', () => {
    expect(wrapLongLines('x'.repeat(25), 10)).toBe(
      `${'x'.repeat(10)}\n↪ ${'x'.repeat(8)}\n↪ ${'x'.repeat(7)}`,
    );
    expect(wrapLongLines('short\nlines', 10)).toBe('short\nlines');
  });

  it('says in one line that nothing could be read, with no empty sections', () => {
    const unreadable: Report = {
      ...report([]),
      verdict: 'inconclusive',
      reason:
        'Could not read logs: /ecs/checkout: AccessDeniedException: give logs:FilterLogEvents',
      sources: {
        read: [],
        failed: [
          {
            source: '/ecs/checkout',
            kind: 'read',
            message: '/ecs/checkout: AccessDeniedException',
          },
        ],
      },
      notes: ['Could not read /ecs/checkout: not included.'],
    };
    const markdown = renderMarkdown(unreadable);
    const lines = markdown.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\*\*⚪ Inconclusive:\*\* Could not read logs: \/ecs\/checkout: AccessDeniedException/,
    );
    expect(markdown).not.toContain('###');
    expect(lines[1]).toMatch(/^<sub>Aftershock/);
  });
});
