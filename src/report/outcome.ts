import type { Verdict } from '../compare/index.js';
import type { Report } from './types.js';

/** How a run ends: the one decision both the action and the CLI turn into an exit status. */
export type Outcome =
  { kind: 'pass' } | { kind: 'fail-on'; message: string } | { kind: 'unreadable'; message: string };

/**
 * From the comparison's verdict, as the report carries it, and `fail-on`. Nothing read at all
 * fails whatever `fail-on` says: the reason names what could not be read.
 */
export function outcomeOf(
  report: Pick<Report, 'verdict' | 'reason' | 'summary' | 'sources'>,
  failOn: readonly Verdict[],
): Outcome {
  if (report.sources.read.length === 0) return { kind: 'unreadable', message: report.reason };
  if (failOn.includes(report.verdict)) {
    return {
      kind: 'fail-on',
      message: `Verdict ${report.verdict} is listed in fail-on: ${report.summary}`,
    };
  }
  return { kind: 'pass' };
}
