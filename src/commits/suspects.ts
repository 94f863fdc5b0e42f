import type { Finding } from '../compare/index.js';
import type { ChangedFile, Commit, CommitRange, Suspect } from './types.js';

/** Files whose changes rarely cause a runtime error: they weigh a fifth of other files. */
const LOW_WEIGHT_PATH =
  /(?:^|\/)(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|go\.sum|Cargo\.lock|poetry\.lock|Gemfile\.lock)$|\.(?:md|rst|txt)$|(?:^|\/)(?:docs?|\.github|__tests__|tests?|spec)\/|\.(?:test|spec)\.[jt]sx?$/i;

const STOP_WORDS = new Set(
  'error exception failed failure warn warning fatal info debug null undefined true false with from that this when while during cannot could unable retry after before request response the and for'.split(
    ' ',
  ),
);

/** Distinctive words of a signature: identifiers and words of four letters or more. */
export function distinctiveTokens(finding: Pick<Finding, 'template'>): string[] {
  const words = finding.template.match(/[A-Za-z_][\w$]{3,}/g) ?? [];
  return [...new Set(words.filter((word) => !STOP_WORDS.has(word.toLowerCase())))];
}

/** Source file names and function names from stack frames in the examples. */
export function stackFrameNames(examples: string[]): { files: string[]; functions: string[] } {
  const files = new Set<string>();
  const functions = new Set<string>();
  for (const example of examples) {
    // Java: at com.shop.checkout.CartService.total(CartService.java:42)
    for (const m of example.matchAll(/at ([\w$.]+)\.([\w$<>]+)\(([\w$.-]+\.\w+):\d+\)/g)) {
      files.add(m[3]);
      functions.add(m[2]);
    }
    // Node: at total (/app/src/cart.ts:42:7) and at /app/src/cart.ts:42:7
    for (const m of example.matchAll(
      /at (?:([\w$.<>]+) \()?(?:file:\/\/)?([^\s()]+\.[cm]?[jt]sx?):\d+:\d+\)?/g,
    )) {
      files.add(baseName(m[2]));
      if (m[1]) functions.add(m[1].split('.').pop() ?? m[1]);
    }
    // Python: File "/app/shop/cart.py", line 42, in total
    for (const m of example.matchAll(/File "([^"]+)", line \d+, in ([\w<>]+)/g)) {
      files.add(baseName(m[1]));
      functions.add(m[2]);
    }
  }
  functions.delete('<module>');
  return { files: [...files], functions: [...functions] };
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function quoteList(words: string[]): string {
  return words
    .slice(0, 3)
    .map((word) => `\`${word}\``)
    .join(', ');
}

function addedLines(file: ChangedFile): string[] {
  return (file.patch ?? '')
    .split('\n')
    .filter((line) => line.startsWith('+') && !line.startsWith('+++'))
    .map((line) => line.slice(1));
}

interface Evidence {
  score: number;
  reasons: Array<{ weight: number; text: string }>;
}

function scoreCommit(
  commit: Commit,
  tokens: string[],
  frames: ReturnType<typeof stackFrameNames>,
): Evidence {
  const evidence: Evidence = { score: 0, reasons: [] };
  for (const file of commit.files) {
    const weight = LOW_WEIGHT_PATH.test(file.path) ? 0.2 : 1;
    const added = addedLines(file).join('\n');
    const tokensAdded = tokens.filter((token) => added.includes(token));
    const add = (points: number, text: string) => {
      evidence.score += weight * points;
      evidence.reasons.push({ weight: weight * points, text });
    };
    if (frames.files.includes(baseName(file.path))) {
      add(4, `changes ${file.path}, which is in the stack trace`);
    }
    const functionsChanged = frames.functions.filter((fn) => fn.length > 2 && added.includes(fn));
    if (functionsChanged.length > 0) {
      add(2 * functionsChanged.length, `touches ${quoteList(functionsChanged)} (stack frames)`);
    }
    if (tokensAdded.length > 0) {
      add(3 * tokensAdded.length, `adds ${quoteList(tokensAdded)} in ${file.path}`);
    }
  }
  return evidence;
}

/**
 * For each new or increased signature, the commit of the range with the most evidence in its
 * diff: the signature's distinctive words in added lines, and stack-frame files and functions
 * among the changed files. No evidence, no suspect.
 */
export function rankSuspects(findings: Finding[], range: CommitRange): Suspect[] {
  const suspects: Suspect[] = [];
  for (const finding of findings) {
    if (finding.status !== 'new' && finding.status !== 'increased') continue;
    const tokens = distinctiveTokens(finding);
    const frames = stackFrameNames(finding.examples);
    let best: { commit: Commit; evidence: Evidence } | undefined;
    for (const commit of range.commits) {
      const evidence = scoreCommit(commit, tokens, frames);
      if (evidence.score > 0 && (!best || evidence.score > best.evidence.score)) {
        best = { commit, evidence };
      }
    }
    if (best) {
      suspects.push({
        sha: best.commit.sha,
        signatureId: finding.id,
        score: Math.round(best.evidence.score * 10) / 10,
        reason: `${best.commit.sha.slice(0, 7)} "${best.commit.subject}" ${best.evidence.reasons
          .sort((a, b) => b.weight - a.weight)
          .slice(0, 2)
          .map((r) => r.text)
          .join('; ')}`,
      });
    }
  }
  return suspects;
}
