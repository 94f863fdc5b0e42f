/** A signature's count per bucket around the deploy, drawn for people. */
export interface Timeline {
  bucketMs: number;
  /** The baseline's last buckets, oldest first. */
  before: number[];
  /** The after window's buckets, oldest first. */
  after: number[];
}

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** How many baseline buckets a timeline shows: as many as the after window has, at least 10. */
export function timelineFrom(
  buckets: { bucketMs: number; baseline: number[]; after: number[] },
  afterLength: number,
): Timeline | undefined {
  if (buckets.after.length === 0 && buckets.baseline.length === 0) return undefined;
  const after = buckets.after.length > 0 ? buckets.after : new Array<number>(afterLength).fill(0);
  const shown = Math.min(buckets.baseline.length, Math.max(10, after.length * 2));
  return { bucketMs: buckets.bucketMs, before: buckets.baseline.slice(-shown), after };
}

/** `▁▁▂▁▁│▆█▇`: zero is the lowest bar, any count at least the second, `│` marks the deploy. */
export function sparkline(timeline: Timeline): string {
  const max = Math.max(1, ...timeline.before, ...timeline.after);
  const bar = (count: number) =>
    count === 0 ? BARS[0] : BARS[Math.max(1, Math.round((count / max) * (BARS.length - 1)))];
  return `${timeline.before.map(bar).join('')}│${timeline.after.map(bar).join('')}`;
}

/**
 * A Mermaid bar chart of the counts, which GitHub draws in comments and job summaries. Labels
 * are minutes from the deploy; no log text goes into the chart.
 */
export function mermaidChart(timeline: Timeline, title: string): string {
  const minutes = timeline.bucketMs / 60_000;
  const labels = [
    ...timeline.before.map((_, i) => `${-(timeline.before.length - i) * minutes}`),
    ...timeline.after.map((_, i) => `+${i * minutes}`),
  ];
  const counts = [...timeline.before, ...timeline.after];
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title.replace(/[^\w .,:×→()-]/g, '')}"`,
    `  x-axis "minutes from the deploy" [${labels.map((label) => `"${label}"`).join(', ')}]`,
    `  y-axis "events per ${minutes === 1 ? 'minute' : `${minutes} minutes`}" 0 --> ${Math.max(1, ...counts)}`,
    `  bar [${counts.join(', ')}]`,
    '```',
  ].join('\n');
}
