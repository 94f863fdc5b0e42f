import { describe, expect, it } from '@jest/globals';
import { withProgress } from '../../src/sources/progress.js';
import type { LogSource } from '../../src/sources/types.js';
import { memorySource, repeat } from '../helpers/memory-source.js';

describe('withProgress', () => {
  it('passes every event through and reports at most once per interval', async () => {
    let clock = 0;
    const lines: string[] = [];
    const [source] = withProgress(
      [memorySource('/ecs/a', { baseline: repeat(10, (i) => `e${i}`), after: [] })],
      (line) => lines.push(line),
      { everyMs: 1000, now: () => (clock += 300) },
    );
    const seen: string[] = [];
    for await (const event of source.events('baseline', { start: 0, end: 1 }))
      seen.push(event.message);
    expect(seen).toEqual(repeat(10, (i) => `e${i}`));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(5);
    expect(lines[0]).toMatch(/^reading \/ecs\/a \(baseline\): \d+ events$/);
    await expect(source.loggedAnything?.({ start: 0, end: 1 })).resolves.toBe(true);
  });

  it('keeps what the source does besides reading: traces around an example, counting', async () => {
    const counting = { choose: () => Promise.reject(new Error('not asked')) };
    const inner = {
      ...memorySource('/ecs/c', { baseline: [], after: [] }),
      surrounding: () => Promise.resolve('Error: boom\n    at main (app.js:1)'),
      counting,
    } as unknown as LogSource;
    const [source] = withProgress([inner], () => undefined);
    expect(source.counting).toBe(counting);
    await expect(
      source.surrounding?.({ logStream: 's', timestamp: 0, message: 'x' }),
    ).resolves.toBe('Error: boom\n    at main (app.js:1)');
  });

  it('passes the pages of a source that reads in pages, counting their events', async () => {
    let clock = 0;
    const lines: string[] = [];
    const pages = [['a', 'b', 'c'], ['d', 'e'], ['f']];
    const [source] = withProgress(
      [
        {
          ...memorySource('/ecs/p', { baseline: pages.flat(), after: [] }),
          async *pages() {
            for (const page of pages) {
              await Promise.resolve();
              yield page.map((message) => ({ message, logGroup: '/ecs/p' }));
            }
          },
        },
      ],
      (line) => lines.push(line),
      { everyMs: 1000, now: () => (clock += 600) },
    );
    const seen: string[][] = [];
    for await (const page of source.pages!('baseline', { start: 0, end: 1 })) {
      seen.push(page.map((event) => event.message));
    }
    expect(seen).toEqual(pages);
    expect(lines).toEqual(['reading /ecs/p (baseline): 5 events']);
  });
});
