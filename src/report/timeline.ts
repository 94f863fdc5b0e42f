/** A signature's count per bucket around the deploy, drawn for people. */
export interface Timeline {
  bucketMs: number;
  /** The baseline's last buckets, oldest first. */
  before: number[];
  /** The after window's buckets, oldest first. */
  after: number[];
}

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * The timeline of a signature: the after window, and as many baseline buckets before it as the
 * after window has (at least 10), zeros where the signature did not occur.
 */
export function timelineFrom(
  buckets: { bucketMs: number; baseline: number[]; after: number[] },
  lengths: { baseline: number; after: number },
): Timeline | undefined {
  if (buckets.after.length === 0 && buckets.baseline.length === 0) return undefined;
  const filled = (counts: number[], length: number) =>
    counts.length > 0 ? counts : new Array<number>(length).fill(0);
  const baseline = filled(buckets.baseline, lengths.baseline);
  const after = filled(buckets.after, lengths.after);
  const shown = Math.min(baseline.length, Math.max(10, after.length));
  return { bucketMs: buckets.bucketMs, before: baseline.slice(baseline.length - shown), after };
}

/** `▁▁▂▁▁│▆█▇`: zero is the lowest bar, any count at least the second, `│` marks the deploy. */
export function sparkline(timeline: Timeline): string {
  const max = Math.max(1, ...timeline.before, ...timeline.after);
  const bar = (count: number) =>
    count === 0 ? BARS[0] : BARS[Math.max(1, Math.round((count / max) * (BARS.length - 1)))];
  return `${timeline.before.map(bar).join('')}│${timeline.after.map(bar).join('')}`;
}

/**
 * Mermaid picks about ten ticks between 0 and the top: below 8 they fall on halves ("2.5
 * events"), so the axis reaches at least 10.
 */
const MIN_AXIS_TOP = 10;

/**
 * A Mermaid bar chart of the counts, which GitHub draws in comments and job summaries, its bars
 * in a colour that shows on light and dark themes. Labels are minutes from the deploy; no log
 * text goes into the chart.
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
    '%%{init: {"xyChart": {"width": 640, "height": 220}, "themeVariables": {"xyChart": {"plotColorPalette": "#cf222e"}}}}%%',
    'xychart-beta',
    `  title "${title.replace(/[^\w .,:×→()-]/g, '')}"`,
    `  x-axis "minutes from the deploy" [${labels.map((label) => `"${label}"`).join(', ')}]`,
    `  y-axis "events per ${minutes === 1 ? 'minute' : `${minutes} minutes`}" 0 --> ${Math.max(MIN_AXIS_TOP, ...counts)}`,
    `  bar [${counts.join(', ')}]`,
    '```',
  ].join('\n');
}
