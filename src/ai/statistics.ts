import { formatDuration, shortSha, truncate } from '../text.js';
import type { Analysis, Evidence } from './types.js';

/** The analysis the statistics alone support: what changed, by how much, and the suspect. */
export function statisticsAnalysis(evidence: Evidence): Analysis {
  const { comparison, suspects, windows } = evidence;
  const afterLength = formatDuration(windows.after.end - windows.after.start);
  const baselineLength = formatDuration(windows.baseline.end - windows.baseline.start);
  const rising = comparison.findings.filter((f) => f.status === 'new' || f.status === 'increased');
  const sentences: string[] = [];
  const nextSteps: string[] = [];
  for (const finding of rising.slice(0, 3)) {
    const what = `"${truncate(finding.template, 120)}"`;
    sentences.push(
      finding.status === 'new'
        ? `${what} is new: ${finding.after} times in the ${afterLength} after the deploy, never in the ${baselineLength} before.`
        : `${what} rose from ${finding.before} in ${baselineLength} to ${finding.after} in ${afterLength} (×${(finding.ratio ?? 0).toFixed(1)} the rate).`,
    );
    const suspect = suspects.find((s) => s.signatureId === finding.id);
    if (suspect) {
      sentences.push(`Most likely cause: ${suspect.reason}.`);
      nextSteps.push(`Review ${shortSha(suspect.sha)} for the code path that logs ${what}.`);
    } else {
      nextSteps.push(
        `No commit in the range mentions ${what}: check configuration and dependencies.`,
      );
    }
  }
  if (sentences.length === 0) sentences.push(comparison.reason);
  return {
    source: 'statistics',
    summary: sentences.join(' '),
    nextSteps,
    citedSignatures: rising.slice(0, 3).map((f) => f.id),
    citedCommits: [...new Set(suspects.map((s) => s.sha))],
  };
}
