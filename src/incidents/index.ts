/**
 * Incidents: the flagged rises that started together, in the order they started, with the one
 * that most likely caused the others first. A regression rarely shows as one error: the heap runs
 * out, the container is killed, the database pool cannot reconnect, health checks fail. Grouping
 * is conservative: two incidents wrongly merged send the reader to the wrong cause, two shown
 * apart only take a second look.
 */
import type { Finding } from '../compare/index.js';
import { formatDuration } from '../text.js';

export interface Incident {
  /** `incident-1`, `incident-2`, … in the order the report shows them. */
  id: string;
  /** The id of the signature most likely to have caused the others. */
  root: string;
  /** The ids of its signatures, in the order they first appeared after the deploy. */
  signatures: string[];
  /** The first occurrence of any of its signatures (ms), when the source gave times. */
  onset?: number;
  /** Why the root is the root, in one line. */
  why: string;
}

/** Signatures of one log group that start within this of the incident's first one join it. */
export const SAME_GROUP_MS = 3 * 60_000;
/** In another log group, only a typical consequence that starts within this joins. */
export const OTHER_GROUP_MS = 60_000;

/**
 * What typically follows a failure: a timeout, a refused connection, a failing health check, a
 * container killed from outside.
 */
const CONSEQUENCE =
  /ECONNREFUSED|ECONNRESET|EPIPE|connection (?:refused|reset|closed)|health ?check|unhealthy|upstream|\b50[234]\b|timed? ?out|timeout|exit code 137|SIGKILL|OOMKilled|container killed/i;

/** How much a signature's kind says it is a cause rather than a consequence. */
const KIND_WEIGHT: Record<Finding['kind'], number> = {
  oom: 3,
  exception: 2,
  crash: 2,
  error: 1,
  'http-5xx': 0,
  timeout: 0,
};

const KIND_WORDS: Partial<Record<Finding['kind'], string>> = {
  oom: 'out of memory',
  crash: 'a crash',
  exception: 'an exception',
};

/** Onsets closer than this are a tie: log timestamps are seldom finer across services. */
const SAME_MOMENT_MS = 1000;

const isRise = (f: Finding) => f.flagged && (f.status === 'new' || f.status === 'increased');

export function isConsequence(finding: Pick<Finding, 'kind' | 'template'>): boolean {
  return (
    finding.kind === 'timeout' || finding.kind === 'http-5xx' || CONSEQUENCE.test(finding.template)
  );
}

/**
 * Groups the flagged rises into incidents (findings in the comparison's order of importance; the
 * incidents follow the order of their most important signature) and picks each one's root.
 * `suspects` maps a signature id to the short sha of its suspect commit, for those that have one.
 */
export function groupIncidents(
  findings: readonly Finding[],
  suspects: ReadonlyMap<string, string>,
): Incident[] {
  const rises = findings.filter(isRise);
  const timed = rises
    .filter((f) => f.firstSeenAfter !== undefined)
    .sort((a, b) => a.firstSeenAfter! - b.firstSeenAfter! || a.id.localeCompare(b.id));
  const groups: Finding[][] = [];
  for (const finding of timed) {
    const group = groups.find((members) => joins(members, finding));
    if (group) group.push(finding);
    else groups.push([finding]);
  }
  // Without a time, a signature cannot be placed in a cascade: an incident of its own.
  for (const finding of rises) if (finding.firstSeenAfter === undefined) groups.push([finding]);
  const importance = new Map(rises.map((f, i) => [f.id, i]));
  const first = (members: Finding[]) => Math.min(...members.map((m) => importance.get(m.id)!));
  return groups
    .sort((a, b) => first(a) - first(b))
    .map((members, i) => incidentOf(`incident-${i + 1}`, members, suspects));
}

function joins(members: Finding[], finding: Finding): boolean {
  const start = members[0].firstSeenAfter!;
  const gap = finding.firstSeenAfter! - start;
  const sameGroup = members.some((m) => m.logGroups.some((g) => finding.logGroups.includes(g)));
  if (sameGroup) return gap <= SAME_GROUP_MS;
  return gap <= OTHER_GROUP_MS && isConsequence(finding) && members.some((m) => !isConsequence(m));
}

function incidentOf(
  id: string,
  members: Finding[],
  suspects: ReadonlyMap<string, string>,
): Incident {
  const earliest = members[0].firstSeenAfter;
  const score = (f: Finding) =>
    (isConsequence(f) ? 0 : KIND_WEIGHT[f.kind]) +
    (suspects.has(f.id) ? 1.5 : 0) +
    (earliest !== undefined && f.firstSeenAfter! - earliest < SAME_MOMENT_MS ? 1 : 0);
  const root = members.reduce((best, f) => (score(f) > score(best) ? f : best));
  return {
    id,
    root: root.id,
    signatures: members.map((m) => m.id),
    ...(earliest !== undefined && { onset: earliest }),
    why: whyRoot(root, members, suspects),
  };
}

/** "first to appear, 7s before the others; out of memory; changed by f67958d" */
function whyRoot(root: Finding, members: Finding[], suspects: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  const others = members.filter((m) => m !== root && m.firstSeenAfter !== undefined);
  if (root.firstSeenAfter !== undefined && others.length > 0) {
    const next = Math.min(...others.map((m) => m.firstSeenAfter!));
    const gap = next - root.firstSeenAfter;
    parts.push(
      gap >= SAME_MOMENT_MS
        ? `first to appear, ${formatDuration(gap)} before the others`
        : gap > -SAME_MOMENT_MS
          ? 'appeared with the others'
          : `appeared ${formatDuration(-gap)} after the first`,
    );
  }
  const kind = isConsequence(root) ? undefined : KIND_WORDS[root.kind];
  if (kind) parts.push(kind);
  const sha = suspects.get(root.id);
  if (sha) parts.push(`changed by ${sha}`);
  if (parts.length === 0) parts.push('the most important signature of its incident');
  return parts.join('; ');
}
