import { describe, expect, it } from '@jest/globals';
import { mermaidChart, sparkline, timelineFrom } from '../../src/report/timeline.js';

const buckets = {
  bucketMs: 60_000,
  baseline: [...new Array<number>(50).fill(0), 1, 0, 2, 0, 0, 1, 0, 0, 0, 0],
  after: [0, 8, 9, 7, 8, 9, 8, 7, 9, 8],
};

describe('timeline', () => {
  it('shows the end of the baseline and the whole after window', () => {
    const timeline = timelineFrom(buckets, { baseline: 60, after: 10 });
    expect(timeline?.before).toHaveLength(10);
    expect(timeline?.after).toEqual(buckets.after);
  });

  it('shows zeros before the deploy for a new signature', () => {
    const timeline = timelineFrom(
      { bucketMs: 60_000, baseline: [], after: [3, 4] },
      { baseline: 60, after: 2 },
    );
    expect(timeline?.before).toEqual(new Array(10).fill(0));
  });

  it('draws a sparkline with the deploy marked and zero as the lowest bar', () => {
    const line = sparkline({ bucketMs: 60_000, before: [0, 1, 0, 9], after: [0, 9] });
    expect(line).toBe('▁▂▁█│▁█');
  });

  it('draws a Mermaid bar chart labelled in minutes from the deploy, with no log text', () => {
    const chart = mermaidChart(
      { bucketMs: 60_000, before: [0, 2], after: [5, 7] },
      'abc123 `@x` <b> per minute',
    );
    expect(chart).toContain('x-axis "minutes from the deploy" ["-2", "-1", "+0", "+1"]');
    expect(chart).toContain('bar [0, 2, 5, 7]');
    expect(chart).toContain('title "abc123 x b per minute"');
    expect(chart).toMatch(/^```mermaid\n(%%.*%%\n)?xychart-beta\n/);
  });

  it('draws its axis to 10 at least, where Mermaid’s ten ticks fall on whole events, and bars in a colour', () => {
    const axisTop = (counts: number[]) =>
      Number(
        /y-axis "[^"]*" 0 --> (\d+)/.exec(
          mermaidChart({ bucketMs: 60_000, before: [0], after: counts }, 'x'),
        )?.[1],
      );
    expect(axisTop([1, 3])).toBe(10);
    expect(axisTop([5, 47])).toBe(47);
    expect(mermaidChart({ bucketMs: 60_000, before: [0], after: [2] }, 'x')).toMatch(
      /"plotColorPalette": "#[0-9a-f]{6}"/,
    );
  });
});
